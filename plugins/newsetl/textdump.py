"""The story out of a browser's "select all, copy" text of a portal news page.

Such a dump has one block per line: the portal's menus, the headline, the byline and
date, share and font-size widgets, the story paragraphs, then copyright lines, ranking
lists, recommendations and comments. The story is found as the largest run of prose lines
(long, ending like a sentence) that no section heading ('많이 본 뉴스', 'Most read',
'댓글', ...) interrupts; the headline, byline and date are read from the lines above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from newsetl.dates import parse_datetime_text

# Non-prose lines tolerated between two story paragraphs (captions, ad slots, subheads).
MAX_GAP_LINES = 4
# Prose characters the chosen run needs before it counts as a story.
MIN_STORY_CHARS = 80
# Headline candidates directly above the byline/date block; the top one is the headline,
# a second one is a subtitle.
MAX_HEADLINE_LINES = 2
HANGUL_SHARE_FOR_KOREAN = 0.3
# How far above the story the headline, byline and date are looked for.
MAX_HEADER_LINES = 40

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_HANGUL = re.compile(r"[가-힣]")
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uffef]")
_LETTER = re.compile(r"[^\W\d_]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SENTENCE_END = re.compile(r"""(?:[.!?。…]|[.!?。…]?["'”’)\]』」])$""")

_COPYRIGHT = re.compile(
    r"copyright|ⓒ|©|\(c\)\s*\d{4}|all rights reserved|무단\s*(?:전재|복제|배포)|재배포\s*금지"
    r"|저작권자|AI\s*학습\s*(?:및\s*)?(?:이용|활용)\s*금지",
    re.IGNORECASE,
)
# Whole-line widget, menu and promo labels (matched against the lowercased line).
_WIDGET_LINES = frozenset(
    {
        "본문 바로가기",
        "메뉴 바로가기",
        "메뉴 영역으로 바로가기",
        "본문 영역으로 바로가기",
        "skip to main content",
        "skip to content",
        "skip to navigation",
        "go to top",
        "top",
        "맨 위로",
        "맨위로",
        "위로",
        "홈",
        "home",
        "menu",
        "메뉴",
        "전체메뉴",
        "전체 메뉴",
        "검색",
        "search",
        "닫기",
        "close",
        "더보기",
        "more",
        "이전",
        "다음",
        "previous",
        "next",
        "로그인",
        "로그아웃",
        "회원가입",
        "sign in",
        "log in",
        "login",
        "log out",
        "sign up",
        "register",
        "subscribe",
        "subscribe now",
        "구독",
        "구독하기",
        "구독중",
        "구독 중",
        "구독 취소",
        "구독취소",
        "my page",
        "마이페이지",
        "newsletter",
        "뉴스레터",
        "share",
        "share this article",
        "share this story",
        "share on facebook",
        "share on x",
        "share on twitter",
        "share via email",
        "tweet",
        "facebook",
        "twitter",
        "x",
        "linkedin",
        "whatsapp",
        "telegram",
        "reddit",
        "email",
        "e-mail",
        "print",
        "copy link",
        "link copied",
        "save",
        "saved",
        "bookmark",
        "like",
        "follow",
        "unfollow",
        "listen",
        "listen to this article",
        "gift this article",
        "gift article",
        "공유",
        "공유하기",
        "기사 공유",
        "기사공유",
        "sns 보내기",
        "sns 공유",
        "카카오톡",
        "카카오톡 공유",
        "페이스북",
        "트위터",
        "링크 복사",
        "링크복사",
        "url 복사",
        "url복사",
        "인쇄",
        "인쇄하기",
        "프린트",
        "스크랩",
        "스크랩하기",
        "북마크",
        "좋아요",
        "추천",
        "추천하기",
        "공감",
        "비공감",
        "응원",
        "응원하기",
        "글자 크기",
        "글자크기",
        "글자 크기 변경하기",
        "글씨크기 조절하기",
        "글씨 크기 조절하기",
        "본문 듣기",
        "본문듣기",
        "기사 듣기",
        "본문 요약봇",
        "요약봇",
        "텍스트 음성 변환 서비스 사용하기",
        "번역",
        "번역 설정",
        "번역하기",
        "기사원문",
        "기사 원문",
        "원문보기",
        "원문 보기",
        "pick",
        "pick 안내",
        "언론사 선택",
        "언론사 홈",
        "언론사홈",
        "기자 프로필",
        "기자페이지",
        "기자 페이지",
        "광고",
        "ad",
        "ads",
        "advertisement",
        "sponsored",
        "story continues below advertisement",
        "scroll to continue with content",
        "continue reading",
        "article continues below",
        "기사 섹션 분류 안내",
    }
)
_WIDGET_FRAGMENTS = re.compile(
    r"구독|로그인|회원가입|공유하기|스크랩|글자\s*크기|글씨\s*크기|요약봇|음성\s*변환|바로가기"
    r"|sign in|log in|subscribe|newsletter|share (?:this|on|via)|copy link|listen to",
    re.IGNORECASE,
)
_PROMO_PREFIX = re.compile(
    r"^(?:[▶▷☞►➤→]|\[?(?:관련\s*기사|관련기사|함께 보면 좋은 기사)\]?\s*[:：]?\s"
    r"|(?:read more|related|also read|see also|more|watch|recommended)\s*[:：]|#\S)",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"^(?:[+\-]?[\d,.]+[km만천]?|(?:댓글|공감|비공감|추천|좋아요|응원|조회|조회수|구독자|답글|공유|"
    r"likes?|comments?|shares?|views?|replies)\s*[\d,.]+[km만천]?(?:개|명|회)?"
    r"|[\d,.]+[km만천]?\s*(?:개의\s*댓글|comments?|likes?|shares?|views?|replies))$",
    re.IGNORECASE,
)
_TIME_LABEL = re.compile(
    r"^(?:기사\s*)?(?:입력|수정|등록|송고|업데이트|updated|published|posted|last updated)"
    r"\s*[:：]?\s*"
    r"(?:오전|오후)?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{1,4})?$",
    re.IGNORECASE,
)
_READ_TIME = re.compile(r"^\d+\s*(?:min(?:ute)?s?\s+read|분\s*(?:읽기|소요|분량))$", re.IGNORECASE)
_TIME_AGO = re.compile(
    r"^(?:\d+\s*(?:초|분|시간|일|주|개월|년)\s*전|\d+\s*(?:sec|min|mins|minute|minutes|hr|hrs|hour"
    r"|hours|day|days|week|weeks)\s+ago|just now|방금 전)$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"(?:^/?\s*사진\s*=|[/(\[]\s*(?:사진|그래픽|영상|자료사진|photo|graphic|image)\s*[=:：]"
    r"|[\[(](?:[^\])]{0,30}\s)?(?:사진|자료사진|photo|getty images|yonhap photo|연합뉴스 자료사진)"
    r"[^\])]{0,20}[\])]\s*$|자료\s*사진\s*[\])]?\s*$)",
    re.IGNORECASE,
)
# '... arrives at a hotel in Seoul on Wednesday. (Korea Now)': a caption credited to an
# outlet or agency after its last sentence.
_CREDITED_CAPTION = re.compile(r"[.!?]['\"”’]?\s*\((?:[A-Z][\w.&'’/-]*\s?){1,4}\)$")
_CREDIT = re.compile(
    r"^(?:\(?(?:reporting|writing|additional reporting|editing) by\b|\(?(?:graphics|illustration)"
    r" by\b)",
    re.IGNORECASE,
)
_STOP_HEADINGS = re.compile(
    r"^(?:많이\s*본\s*뉴스|많이\s*본\s*기사|가장\s*많이\s*본(?:\s*뉴스|\s*기사)?|많이\s*본|"
    r"랭킹\s*뉴스|언론사별\s*랭킹|실시간\s*(?:인기|랭킹|뉴스|인기\s*기사|이슈)|인기\s*(?:뉴스|기사)"
    r"|(?:오늘의\s*)?주요\s*(?:뉴스|기사)|관련\s*(?:기사|뉴스)|추천\s*(?:기사|뉴스)|에디터\s*추천"
    r"|함께\s*(?:보면|볼만한|읽으면)[^\n]{0,12}|이\s*시각\s*[^\n]{0,10}|이\s*기자의\s*다른\s*기사"
    r"|기자의\s*다른\s*기사|[^\n]{1,12}의\s*다른\s*기사|다른\s*기사\s*보기|이전\s*기사|다음\s*기사"
    r"|전체\s*댓글|댓글(?:\s*쓰기)?|댓글\s*\d+\s*개|핫이슈|포토\s*뉴스|섹션\s*뉴스|언론사\s*주요\s*뉴스"
    r"|[^\n]{1,12}\s*언론사가\s*직접\s*선정한\s*이슈|기사\s*섹션\s*분류\s*안내|최신\s*뉴스"
    r"|most\s+(?:read|popular|viewed|shared|commented)|trending(?:\s+now|\s+stories|\s+news)?"
    r"|popular\s+now|related(?:\s+(?:articles?|stories|news|coverage|content|topics))?"
    r"|read\s+more|more\s+(?:from|in|on|stories|news|top stories)[^\n]{0,30}|recommended"
    r"(?:\s+for\s+you|\s+stories|\s+reading)?|you\s+(?:may|might)\s+also\s+like|also\s+read"
    r"|top\s+stories|latest(?:\s+news|\s+stories)?|editor'?s'?\s+picks|around\s+the\s+web"
    r"|from\s+the\s+web|sponsored\s+(?:content|stories|links)|what\s+to\s+read\s+next|up\s+next"
    r"|comments?|conversation|join\s+the\s+conversation|discussion|leave\s+a\s+comment"
    r"|show\s+comments|view\s+comments)"
    r"(?:\s*[(\[]?[\d,]+[)\]]?|\s*더보기|\s*[>›»▶]|\s*see all|\s*view all)*$",
    re.IGNORECASE,
)
# '1 삼성전자, 3년 만에…' / '2. Holiday travel: …': an item of a ranking list.
_STANDALONE_NUMBERED = re.compile(r"^\d{1,2}\s*[.)]?\s+\S")
_BYLINE_EN = re.compile(r"^(?:by|written by|words by)\s+(?P<name>.+)$", re.IGNORECASE)
_NAME_KO = r"[가-힣]{2,4}"
_ROLE_KO = (
    r"(?:선임|수석|전문|객원|인턴|사진|영상|논설|편집)?\s*"
    r"(?:기자|특파원|논설위원|위원|에디터|PD|리포터)"
)
_BYLINE_KO = re.compile(
    rf"^(?:\[[^\]]{{1,20}}\]\s*)?(?:[가-힣]{{1,10}}\s*=\s*)?(?:[가-힣A-Za-z]{{1,12}}\s+){{0,2}}"
    rf"(?:글\s*)?(?P<name>{_NAME_KO}(?:\s*[·,ㆍ]\s*{_NAME_KO})*)\s*"
    rf"{_ROLE_KO}(?![가-힣])"
)
_LEAD_BYLINE_KO = re.compile(
    rf"^[\[(【][^\])】]{{1,24}}[\])】]\s*(?P<name>{_NAME_KO}(?:\s*[·,ㆍ]\s*{_NAME_KO})*)\s*"
    rf"{_ROLE_KO}\s*="
)
_ORG_WORDS = re.compile(
    r"\b(?:news|times|herald|post|press|agency|reuters|ap|afp|yonhap|bloomberg|journal|daily"
    r"|tribune|gazette|media|broadcasting|network|magazine|staff|wire)\b|일보|신문|뉴스|방송|경제$",
    re.IGNORECASE,
)
_ROLE_EN = re.compile(
    r"\s*[,|]?\s*\b(?:(?:senior|staff|chief|special|contributing|associate|managing|deputy|"
    r"investigative|economics|economic|business|sports|technology|tech|political|politics|"
    r"foreign|science|health|culture|entertainment|national|metro|world|markets|finance|"
    r"financial|data|news|general assignment)\s+)*(?:reporter|writer|correspondent|editor"
    r"|contributor|columnist|journalist|photographer|producer)s?\b\.?$",
    re.IGNORECASE,
)
_NAMED_KO = re.compile(
    rf"(?:^|(?<=[\s=\]]))(?P<name>{_NAME_KO}(?:\s*[·ㆍ]\s*{_NAME_KO})*)\s*{_ROLE_KO}(?![가-힣])"
)


@dataclass(frozen=True)
class DumpArticle:
    """A story read out of a text dump."""

    title: str | None
    author: str | None
    published_at: datetime | None
    body: str


def clean_text_dump(text: str) -> DumpArticle:
    """The story out of a browser's text dump of a portal page: keeps the story paragraphs whole;
    drops menus, login/subscribe lines, share and like widgets, 'most read'/'많이 본 뉴스' ranking
    lists, recommendation lists, comment sections, reporter e-mail lines, copyright and footer
    lines. Raises ParseError('no article text') when nothing story-like is left."""
    lines = [_normalize(line) for line in text.splitlines()]
    run = _story_run(lines)
    if run is None:
        # Imported here because parse.py imports this module.
        from newsetl.parse import ParseError

        raise ParseError("no article text")
    start, end = run
    body_lines = [line for line in lines[start : end + 1] if _is_body_line(line)]
    body = "\n".join(body_lines)
    korean = _hangul_share(body) >= HANGUL_SHARE_FOR_KOREAN
    title_at, title = _headline(lines, start)
    return DumpArticle(
        title=title,
        author=_author(lines, title_at, start, end),
        published_at=_published(lines, title_at, start, end, korean=korean),
        body=body,
    )


def clean_author(raw: str | None, site_name: str | None = None) -> str | None:
    """A byline as names only: no '기자'/'특파원', no e-mail, no 'By ', no job title, no site or
    agency name; several names are joined with ', '."""
    if not raw:
        return None
    text = _normalize(_EMAIL.sub(" ", raw))
    text = re.sub(r"[\[(<{]\s*[)\]>}]", " ", text)
    lead = _LEAD_BYLINE_KO.match(text)
    if lead:
        text = lead["name"]
    byline = _BYLINE_EN.match(text)
    if byline:
        text = byline["name"]
    if site_name and site_name.strip():
        text = re.sub(re.escape(site_name.strip()), " ", text, flags=re.IGNORECASE)
    names: list[str] = []
    for part in re.split(r"\s*[,;|/]\s*|\s+[-–—]\s+", text):
        part = part.strip(" ,.|/·-–—=")
        if not part or re.search(r"\d", part):
            continue
        korean = _NAMED_KO.search(part)
        if korean:
            names.append(re.sub(r"\s*([·ㆍ])\s*", r"\1", korean["name"]))
            continue
        if _ORG_WORDS.search(part):
            continue
        had_role = bool(_ROLE_EN.search(part))
        name = _ROLE_EN.sub("", part).strip(" ,.|/·-–—=")
        name = re.sub(r"\s+in\s+[A-Z][\w .'-]*$", "", name)
        # 'Economics Reporter' is a desk and a job, not a person.
        if not name or not _LETTER.search(name) or (had_role and len(name.split()) < 2):
            continue
        names.append(_name_case(name))
    result = _normalize(", ".join(dict.fromkeys(names)))
    if not result or (site_name and result.lower() == site_name.strip().lower()):
        return None
    return result


def _name_case(name: str) -> str:
    if name.isupper() and re.search(r"[A-Z]", name):
        return " ".join(word.capitalize() for word in name.split())
    return name


def is_boilerplate_line(line: str) -> bool:
    """True for copyright, reporter e-mail, share/subscribe widget, counter, promo, caption and
    bare timestamp lines."""
    line = _normalize(line)
    return bool(line) and (_is_boilerplate(line) or _is_dateline(line))


def is_contact_line(line: str) -> bool:
    """True for a short line giving an e-mail address: a reporter's sign-off, not story text."""
    return _is_contact(_normalize(line))


def prose_weight(text: str, *, enough: int | None = None) -> int:
    """Characters in the lines of text that read as prose, wide (Hangul, CJK) ones counted twice;
    counting stops once the total reaches `enough`, for callers that only compare."""
    total = 0
    for line in text.splitlines():
        line = _normalize(line)
        if line and _is_prose(line):
            total += len(line) + len(_WIDE.findall(line))
            if enough is not None and total >= enough:
                break
    return total


def _normalize(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _hangul_share(text: str) -> float:
    letters = len(_LETTER.findall(text))
    return len(_HANGUL.findall(text)) / letters if letters else 0.0


def _is_copyright(line: str) -> bool:
    return len(line) <= 200 and bool(_COPYRIGHT.search(line))


def _is_contact(line: str) -> bool:
    return len(line) <= 100 and bool(_EMAIL.search(line))


def _is_stop(line: str) -> bool:
    return len(line) <= 40 and bool(_STOP_HEADINGS.match(line))


def _is_boilerplate(line: str) -> bool:
    lowered = line.lower()
    if lowered in _WIDGET_LINES or _is_copyright(line) or _COUNTER.match(line):
        return True
    if _TIME_AGO.match(line) or _READ_TIME.match(line) or _CREDIT.match(line):
        return True
    if _PROMO_PREFIX.match(line):
        return True
    if _is_contact(line):
        return True
    # Length before the searches: they cost most on the long lines they never flag.
    if len(line) <= 300 and (_CAPTION.search(line) or _CREDITED_CAPTION.search(line)):
        return True
    return (
        len(line) <= 40 and not _SENTENCE_END.search(line) and bool(_WIDGET_FRAGMENTS.search(line))
    )


def _is_prose(line: str) -> bool:
    if _is_boilerplate(line) or _is_stop(line) or _is_dateline(line) or _is_byline(line):
        return False
    if len(line) >= 150:
        return True
    # CJK text without spaces between words is judged by its length alone.
    if not _SENTENCE_END.search(line) or (len(line.split()) < 4 and len(_WIDE.findall(line)) < 15):
        return False
    korean = _hangul_share(line) >= HANGUL_SHARE_FOR_KOREAN
    return len(line) >= (15 if korean else 20)


def _is_dateline(line: str) -> bool:
    """A line that is a timestamp with at most a label around it (not a story sentence)."""
    if len(line) > 80 or _SENTENCE_END.search(line.rstrip(")")):
        return False
    return bool(_TIME_LABEL.match(line)) or parse_datetime_text(line) is not None


def _is_byline(line: str) -> bool:
    if len(line) > 80:
        return False
    return bool(_BYLINE_EN.match(line) and not _SENTENCE_END.search(line)) or bool(
        _BYLINE_KO.match(line) and len(line) <= 40 and not line.endswith("다.")
    )


def _story_run(lines: list[str]) -> tuple[int, int] | None:
    """First and last line of the run of prose lines with the most prose characters."""
    best: tuple[int, int] | None = None
    best_chars = 0
    run_start = run_end = -1
    run_chars = 0
    gap = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        if _is_stop(line) or _is_copyright(line):
            gap = MAX_GAP_LINES + 1
            continue
        if _is_prose(line):
            if run_start < 0 or gap > MAX_GAP_LINES:
                if run_chars > best_chars:
                    best, best_chars = (run_start, run_end), run_chars
                run_start, run_chars = index, 0
            run_end = index
            run_chars += len(line)
            gap = 0
        else:
            gap += 1
    if run_chars > best_chars:
        best, best_chars = (run_start, run_end), run_chars
    return best if best_chars >= MIN_STORY_CHARS else None


def _is_body_line(line: str) -> bool:
    if not line or _is_boilerplate(line) or _is_stop(line) or _is_dateline(line):
        return False
    if _is_prose(line):
        return True
    if _is_byline(line) or _STANDALONE_NUMBERED.match(line):
        return False
    # Subheads and short sentences between paragraphs.
    return len(line) >= 10 and " " in line


def _is_headline(line: str) -> bool:
    if len(line) < 10 or len(line) > 200 or " " not in line:
        return False
    if _is_boilerplate(line) or _is_stop(line) or _is_dateline(line) or _is_byline(line):
        return False
    return not _STANDALONE_NUMBERED.match(line)


def _headline(lines: list[str], start: int) -> tuple[int, str | None]:
    """Index and text of the headline above the story that starts at start.

    Walking up from the story, the first headline-like line found after the byline/date
    block is the headline (with at most one more such line directly above it, in which
    case the lower one was a subtitle). Headline-like lines met before that block are
    captions or widgets; the nearest of them is used only when there is no such block.
    """
    meta_seen = False
    fallback: int | None = None
    found: list[int] = []
    index = start - 1
    while index >= 0 and start - index <= MAX_HEADER_LINES:
        line = lines[index]
        index -= 1
        if not line:
            continue
        if _is_dateline(line) or _is_byline(line) or _has_published_label(line):
            if found:
                break
            meta_seen = True
            continue
        if _is_headline(line):
            if not meta_seen:
                fallback = index + 1 if fallback is None else fallback
                continue
            if found and not _is_full_headline(line):
                break
            found.append(index + 1)
            if len(found) == MAX_HEADLINE_LINES:
                break
        elif found:
            break
    if found:
        return found[-1], lines[found[-1]]
    if fallback is not None:
        return fallback, lines[fallback]
    return start, None


def _is_full_headline(line: str) -> bool:
    """Long enough to be a headline rather than a multi-word menu item ('Personal Finance')."""
    words = len(line.split())
    if _hangul_share(line) >= HANGUL_SHARE_FOR_KOREAN:
        return len(line) >= 12 and words >= 3
    return len(line) >= 20 and words >= 4


def _has_published_label(line: str) -> bool:
    return len(line) <= 80 and bool(
        re.match(r"^(?:입력|기사입력|등록|송고|published|posted|updated|수정)", line, re.IGNORECASE)
    )


def _author(lines: list[str], title_at: int, start: int, end: int) -> str | None:
    for line in lines[title_at + 1 : start]:
        if line and _is_byline(line):
            name = clean_author(line)
            if name:
                return name
        elif line and _BYLINE_KO.match(line) and _EMAIL.search(line):
            return clean_author(line)
    lead = _LEAD_BYLINE_KO.match(lines[start])
    if lead:
        return clean_author(lead["name"])
    for line in lines[end + 1 : end + 8]:
        if line and (_BYLINE_KO.match(line) or _BYLINE_EN.match(line)) and len(line) <= 80:
            return clean_author(line)
    return None


def _published(
    lines: list[str], title_at: int, start: int, end: int, *, korean: bool
) -> datetime | None:
    zone = "Asia/Seoul" if korean else "UTC"
    for region in (lines[title_at:start], lines[:start], lines[end + 1 : end + 8]):
        found = parse_datetime_text("\n".join(line for line in region if line), default_tz=zone)
        if found is not None:
            return found
    return None
