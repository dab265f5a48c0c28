"""Named-entity mentions in Korean and English news text.

Korean text goes through kiwipiepy: runs of proper nouns (NNP) and foreign words (SL) are the
candidates, the gazetteer's Korean spellings are taught to Kiwi as proper nouns so it keeps
them whole, and the words around a candidate (titles such as 사장, suffixes such as 전자)
give unknown names a type. English text is matched against the gazetteer word by word and
the remaining capitalised sequences are typed by titles, corporate suffixes and context; a CRF
over the capitalised runs (newsetl.tagger_en, trained on GUM news) reads those candidates as
features and decides the names, with gazetteer products, events and longer spellings kept.
Within an article, a short form counts for the entity it stands for: a surname and title
(이 회장) for the person named before, a syllable of a country compound (한미) for its
country, an owner's name for its team on a page that names the team, a name for its own
spelling in brackets (노바웨이브(NOVAWAVE)); unknown people are keyed as newsetl.romanization
spells them, so one person is one entity in Korean and English stories.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import regex

from newsetl.gazetteer import Gazetteer, GazetteerEntry, has_hangul, normalize_key
from newsetl.romanization import SURNAMES_LATIN, person_key_name, spelled_alike
from newsetl.tagger import tag_entities
from newsetl.tagger_en import tag_english


@dataclass(frozen=True)
class Mention:
    """One typed mention: the spelling as seen, its type, where it starts, which entity, and,
    for an entity the gazetteer does not know, the name the mention stands for where that is
    not its spelling (the 이 of 이 회장 stands for 이재용; 경기 고양종합운동장 for the stadium,
    고양종합운동장)."""

    name: str
    entity_type: str
    offset: int
    entity_key: str
    stands_for: str | None = None


@dataclass(frozen=True)
class _Candidate:
    """A span that may name an entity, before resolution."""

    start: int
    end: int
    name: str
    entity_type: str
    entry: GazetteerEntry | None
    sentence_initial: bool = False
    honorific: bool = False
    tagged: bool = False  # found by the CRF tagger, whose spans already exclude particles
    stands_for: _Candidate | None = None  # the article's full name of a short form (이 회장)


_KEY_PREFIX = {
    "PERSON": "person",
    "ORG": "org",
    "LOCATION": "loc",
    "PRODUCT": "product",
    "EVENT": "event",
    "OTHER": "other",
}

# --- Korean ---------------------------------------------------------------------------------

PERSON_TITLES_KO = tuple(
    sorted(
        {
            "회장",
            "부회장",
            "사장",
            "부사장",
            "대표",
            "대표이사",
            "대통령",
            "부통령",
            "장관",
            "차관",
            "총재",
            "부총재",
            "의원",
            "감독",
            "선수",
            "기자",
            "특파원",
            "총리",
            "국무총리",
            "부총리",
            "의장",
            "부의장",
            "위원장",
            "원장",
            "총장",
            "이사장",
            "교수",
            "대변인",
            "주석",
            "총통",
            "국왕",
            "여왕",
            "왕세자",
            "지사",
            "도지사",
            "구청장",
            "군수",
            "판사",
            "검사",
            "변호사",
            "최고경영자",
            "최고재무책임자",
            "창업자",
            "상무",
            "전무",
            "부장",
            "실장",
            "본부장",
            "단장",
            "코치",
            "주장",
            "배우",
            "가수",
            "작가",
            "씨",
            "대사",
            "후보",
            "당선인",
            "당선자",
            "대표팀 감독",
            "CEO",
            "CFO",
            "CTO",
            "COO",
        },
        key=len,
        reverse=True,
    )
)
# The titles Kiwi reads as one word: the tagger's title feature and the short form 이 회장.
PERSON_TITLE_WORDS_KO = frozenset(t for t in PERSON_TITLES_KO if " " not in t)
# Words that may stand between a name and its title: 전 대통령, 현 회장, 신임 사장.
_TITLE_LEADS_KO = ("전 ", "현 ", "신임 ", "당시 ", "前 ")
# Multi-syllable endings that make a name an organisation whatever follows it.
ORG_SUFFIXES_KO = (
    "전자",
    "그룹",
    "은행",
    "증권",
    "위원회",
    "공사",
    "대학교",
    "대학",
    "금융",
    "보험",
    "건설",
    "화학",
    "제약",
    "자동차",
    "중공업",
    "재단",
    "협회",
    "연구원",
    "연구소",
    "공단",
    "법원",
    "지법",
    "고법",
    "지검",
    "경찰청",
    "검찰청",
    "노조",
    "통신",
    "항공",
    "홀딩스",
    "엔터테인먼트",
    "바이오",
    "정당",
    "의회",
    "조합",
)
# One-syllable endings: weaker, so a title after the name outranks them.
ORG_SUFFIXES_KO_WEAK = ("부", "청", "처", "당", "원", "사")
LOCATION_SUFFIXES_KO = ("시", "도", "군", "구", "주", "읍", "면", "동", "항", "섬", "강", "산")
# The commonest Korean surnames: a three-syllable proper noun starting with one is a name.
SURNAMES_KO = frozenset(SURNAMES_LATIN)
# Proper nouns Kiwi finds that name no single entity (관계 compounds such as 여야 "ruling and
# opposition parties"; 한미 and 남북 are read as their countries, by _country_letters).
_STOP_KO = frozenset(
    {
        "여야",
        "당정",
        "국내",
        "해외",
        "서방",
        "메타버스",
        "K팝",
        "케이팝",
        # A team by its role, not its name (KLUE never marks it).
        "대표팀",
        "국가대표팀",
    }
)
# Names the rules alone should not keep, but the tagger may: news agencies (mostly credits
# when untagged) and the country's own institutions, which KLUE and the tagger read as
# organisations where they act in the sentence (경찰은 ... 밝혔다).
_UNTAGGED_STOP_KO = frozenset(
    {
        "연합뉴스",
        "뉴시스",
        "뉴스1",
        "정부",
        "경찰",
        "검찰",
        "당국",
        "법원",
        "군",
        "해경",
        "소방",
        "소방당국",
        "방역당국",
        "보건당국",
        "경찰청",
    }
)
# Last syllables of places and common nouns that start with a surname syllable (서해안, 최신순).
_NOT_NAME_ENDINGS_KO = frozenset("안역로길순권항만관점층서")
_NAME_TAGS = frozenset({"NNP", "SL", "SH"})
_NOUN_TAGS_KO = frozenset({"NNP", "NNG", "NNB", "XSN", "SL", "SH", "SN"})
# Common-noun tokens that are still names when the gazetteer spells them so (국회, 수능).
_NNG_TYPES = frozenset({"ORG", "EVENT"})
_DATELINE = re.compile(r"[\[(【]\s*[^\[\]()【】=\n]{1,20}=\s*[^\[\]()【】\n]{1,20}[\])】]")
_BYLINE_KO = re.compile(
    r"(?P<name>[가-힣]{2,4})\s*(?:선임기자|객원기자|인턴기자|기자|특파원|통신원)"
    r"(?=\s*(?:=|[\w.+-]+@[\w-]+\.|\n|$|[)\]/]|·))"
)
_BRACKETED_AFTER_NAME = re.compile(r"^\s*(?:\([^()]{0,16}\)\s*)?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _email_spans(text: str) -> list[tuple[int, int]]:
    """Where the text has e-mail addresses; the pattern, tried at every position, is not
    searched for in a text without an @ (nine articles in ten)."""
    return [match.span() for match in _EMAIL.finditer(text)] if "@" in text else []


# Words that describe a person before the name in Korean sports and entertainment news
# (거포 내야수 강태민, 신인 투수 박서율): not part of the name.
_ROLE_WORDS_KO = frozenset(
    """거포 에이스 간판 주전 신인 베테랑 루키 선발 불펜 마무리 투수 포수 내야수 외야수 유격수
    1루수 2루수 3루수 타자 지명타자 공격수 수비수 미드필더 골키퍼 센터백 풀백 윙어 스트라이커
    가드 포워드 센터 세터 리베로 배우 가수 래퍼 모델 방송인 개그맨 개그우먼 코미디언 셰프
    작가 감독 멤버 리더 막내 보컬 프로듀서 유튜버 크리에이터""".split()
)
# An organisation that is a meeting is an event (거시경제금융현안간담회).
_EVENT_ENDINGS_KO = (
    "간담회",
    "회의",
    "회담",
    "포럼",
    "설명회",
    "토론회",
    "기자회견",
    "공청회",
    "세미나",
    "박람회",
    "축제",
    "시상식",
)
# The head of a body written onto its name (우주항공청장, 공정거래위원장): the title's first
# syllables close the body's name (우주항공청, 공정거래위), as KLUE marks 경찰청장's 경찰청.
_HEAD_TITLES_KO = {
    "청장": 1,
    "처장": 1,
    "국장": 1,
    "소장": 1,
    "단장": 1,
    "원장": 1,
    "회장": 1,
    "위원장": 1,
    "협회장": 2,
}
# Words after a place that say "around it", not part of its name (영화의전당 일대).
_AROUND_KO = ("일대", "인근", "부근", "근처", "일원", "주변")
# Words after a place that name a part of it (경기 북부, 강원 내륙, 경북 북동 산간): KLUE keeps
# them in the place's span, and the mention counts for the place.
_PART_OF_PLACE_KO = frozenset(
    """북부 남부 동부 서부 중부 북동부 북서부 남동부 남서부 동북부 동남부 서북부 서남부 중북부
    중남부 북동 북서 남동 남서 내륙 산간 산지 해안 연안 동해안 서해안 남해안 앞바다 도심 시내
    외곽 전역 지역 지방 북쪽 남쪽 동쪽 서쪽""".split()
)

# The endings of a body named after its district, which the news writes after its city (서울
# 강남경찰서): with one, a body after known places is itself, as an unknown place is.
_ORG_HEADS_IN_ADDRESS_KO = (
    *ORG_SUFFIXES_KO,
    "경찰서",
    "소방서",
    "병원",
    "학교",
    "구청",
    "시청",
    "군청",
)


def _token_at(tokens: Sequence[Any], offset: int) -> int | None:
    """The index of the token that starts at offset, if one does (tokens in text order)."""
    index = bisect.bisect_left(tokens, offset, key=lambda t: t.start)
    return index if index < len(tokens) and tokens[index].start == offset else None


def _tokens_in(tokens: Sequence[Any], start: int, end: int) -> list[Any]:
    """The tokens that start within [start, end) (tokens in text order)."""
    first = bisect.bisect_left(tokens, start, key=lambda t: t.start)
    return list(itertools.takewhile(lambda t: t.start < end, itertools.islice(tokens, first, None)))


# One-syllable country names that Korean news writes in compounds: 한미 동맹, 남북 회담,
# 한·일 관계, 북측. The syllables map to the gazetteer spelling of their country.
_COUNTRY_LETTERS_KO = {
    "한": "대한민국",
    "남": "대한민국",
    "북": "북한",
    "미": "미국",
    "중": "중국",
    "일": "일본",
    "러": "러시아",
}
# Undotted compounds that are only ever countries; not 북미 (also North America), 남미
# (South America), 미러 (mirror) or 한남 (a place). With a middle dot (북·미) any run is.
_COUNTRY_COMPOUNDS_KO = frozenset(
    {
        "남북",
        "한미",
        "한중",
        "한일",
        "한러",
        "미중",
        "미일",
        "중일",
        "중러",
        "북중",
        "북일",
        "북러",
        "한미일",
        "한중일",
        "한미중",
        "한일중",
        "남북미",
        "남북미중",
    }
)
_COUNTRY_DOTS_KO = "·ㆍ"


def _country_letters(
    text: str, tokens: Sequence[Any], gazetteer: Gazetteer
) -> list[tuple[tuple[int, int], list[_Candidate]]]:
    """Countries written as one syllable each in a compound (한미 동맹: South Korea and the
    United States; 북·미; 북측: North Korea), with the compound's span. Each syllable is a
    mention of its country acting, typed ORG as KLUE marks them."""
    found: list[tuple[tuple[int, int], list[_Candidate]]] = []
    index, count = 0, len(tokens)
    while index < count:
        token = tokens[index]
        index += 1
        form = token.form
        start, end = token.start, token.start + token.len
        if form in _COUNTRY_LETTERS_KO:
            # Kiwi may cut a dotted compound in pieces: 북/NNP ·/SP 미/NNP.
            after = index
            while (
                after + 1 < count
                and tokens[after].start == end
                and tokens[after].form in _COUNTRY_DOTS_KO
                and tokens[after + 1].start == end + 1
                and tokens[after + 1].form in _COUNTRY_LETTERS_KO
            ):
                end += 2
                after += 2
            letters = text[start:end]
            if after == index or not _dotted_countries(letters):
                continue
            index = after
        elif token.tag in ("NNP", "NNG") and token.len >= 2 and form[0] in _COUNTRY_LETTERS_KO:
            if form.endswith("측") and len(form) == 2 and form[0] in "남북미":
                letters = form[:1]  # 북측 (the North's side): 북
            elif form in _COUNTRY_COMPOUNDS_KO or (
                any(dot in form for dot in _COUNTRY_DOTS_KO) and _dotted_countries(form)
            ):
                letters = form
            else:
                continue
        else:
            continue
        mentions = []
        for offset, letter in enumerate(text[start:end]):
            if letter not in letters or letter not in _COUNTRY_LETTERS_KO:
                continue  # a middle dot, or 측 of 북측
            entry = gazetteer.lookup(_COUNTRY_LETTERS_KO[letter], exact=True)
            if entry is not None:
                at = start + offset
                mentions.append(_Candidate(at, at + 1, letter, "ORG", entry, tagged=True))
        found.append(((start, end), mentions))
    return found


def _dotted_countries(form: str) -> bool:
    """Whether a form is two or more different country syllables joined by middle dots."""
    parts = re.split(f"[{_COUNTRY_DOTS_KO}]", form)
    return (
        len(parts) >= 2
        and all(part in _COUNTRY_LETTERS_KO for part in parts)
        and len(set(parts)) == len(parts)
    )


def _with_country_letters(
    text: str, candidates: list[_Candidate], tokens: Sequence[Any], gazetteer: Gazetteer
) -> list[_Candidate]:
    """The candidates with each country compound read as its countries: what lies inside the
    compound (the tagger's 남북 or 북측) gives way, and a longer name around it (한미연합사)
    keeps the compound whole."""
    out = list(candidates)
    for (start, end), letters in _country_letters(text, tokens, gazetteer):
        around = [c for c in out if c.start < end and start < c.end]
        if any(c.start < start or c.end > end for c in around):
            continue
        out = [c for c in out if not (start <= c.start and c.end <= end)] + letters
    return sorted(out, key=lambda c: c.start)


def _known_pair(
    candidate: _Candidate, gazetteer: Gazetteer, first: Callable[[GazetteerEntry], bool]
) -> list[_Candidate] | None:
    """The candidate as two known names, where its first words are an entry that first
    accepts and the rest an entry of the candidate's own type; else None."""
    name = candidate.name
    words = name.split()
    for k in range(len(words) - 1, 0, -1):
        head, rest = " ".join(words[:k]), " ".join(words[k:])
        before, after = gazetteer.lookup(head, exact=True), gazetteer.lookup(rest, exact=True)
        if (
            before is not None
            and after is not None
            and after.entity_type == candidate.entity_type
            and first(before)
        ):
            at = candidate.start + name.rindex(rest)
            return [
                replace(
                    candidate,
                    end=candidate.start + len(head),
                    name=head,
                    entity_type=before.entity_type,
                    entry=before,
                ),
                replace(candidate, start=at, name=rest, entry=after),
            ]
    return None


def _korean_cleaned(
    candidate: _Candidate, tokens: Sequence[Any], gazetteer: Gazetteer
) -> _Candidate | list[_Candidate] | None:
    """A tagged Korean candidate mended where the tagger's span is no clean name: a person
    without the words that describe them or their team (한화 강태민 → 강태민), a national
    team called after its coach (홍명보호) an organisation, a meeting an event, a place
    without "around" (해운대 일대 → 해운대), an address of known places a place, an unknown
    county or city (새빛군) a place, made in a country (한국산) the country, a known person,
    country or body before a known body (국민의힘 예결위) and a known body before a known
    place (SK하이닉스 청주) two names; and no person made of common nouns (확장현실) nor a
    proposal of a body (정부안)."""
    if not candidate.tagged or candidate.entry is not None:
        return candidate
    name, kind = candidate.name, candidate.entity_type
    # Made in a country is the country, whatever the tagger took the words for (한국산 자동차
    # → 한국), as KLUE marks 미국인.
    first_word = name.split()[0]
    made_in = first_word[:-1] if first_word.endswith("산") else ""
    country = gazetteer.lookup(made_in, exact=True) if made_in else None
    if country is not None and country.is_country:
        return replace(
            candidate,
            end=candidate.start + len(made_in),
            name=made_in,
            entity_type="LOCATION",
            entry=country,
        )
    if kind == "PERSON":
        # A surname Kiwi cut off as a word of its own (강+태민은 at a sentence's start).
        before = _token_at(tokens, candidate.start - 1)
        if (
            len(name) == 2
            and _hangul_only(name)
            and before is not None
            and tokens[before].len == 1
            and tokens[before].form in SURNAMES_KO
        ):
            name = tokens[before].form + name
            candidate = replace(candidate, start=candidate.start - 1, name=name)
        words = name.split()
        while len(words) > 1 and (
            words[0] in _ROLE_WORDS_KO
            or (
                (entry := gazetteer.lookup(words[0], exact=True)) is not None
                and entry.entity_type in ("ORG", "LOCATION")
                # ... before a role, another known name or a Korean name (한화 강태민), not
                # before the rest of a foreign name (반 페르시, 멤피스 데파이: van, Memphis).
                and (
                    words[1] in _ROLE_WORDS_KO
                    or gazetteer.lookup(words[1], exact=True) is not None
                    or _korean_name_shape(words[1])
                )
            )
        ):
            words = words[1:]
        if len(words) == 1 and words[0] in _ROLE_WORDS_KO:
            return None  # a role alone names no one (거포 내야수 강태민: 내야수)
        if len(words) < len(name.split()):
            trimmed = " ".join(words)
            start = candidate.start + name.rindex(trimmed)
            candidate = replace(candidate, start=start, name=trimmed)
            name = trimmed
        if len(name) == 4 and name.endswith("호") and _hangul_only(name) and name[0] in SURNAMES_KO:
            return replace(candidate, entity_type="ORG")
        # 군 and 시 close a county or city as well as a young man's name (김민준군); without a
        # surname in front the word is the place (새빛군은 축제를 열었다).
        if (
            len(name) >= 3
            and _hangul_only(name)
            and name.endswith(("군", "시"))
            and name[0] not in SURNAMES_KO
        ):
            return replace(candidate, entity_type="LOCATION")
        # A term spelled out before its Latin abbreviation is no one: 확장현실(XR), 인공지능(AI).
        # An abbreviation has a letter for a word of two syllables or more; a name's own Latin
        # spelling (리사(LISA), 노바웨이브(NOVAWAVE)) has more letters than syllables.
        after = _token_at(tokens, candidate.end)
        if (
            after is not None
            and [(t.tag, t.form.isupper()) for t in tokens[after : after + 3]]
            == [("SSO", False), ("SL", True), ("SSC", False)]
            and 2 * tokens[after + 1].len <= len(name.replace(" ", ""))
        ):
            return None
        # One word of four syllables or more made of common nouns is no name (확장현실); a
        # shorter one may be (선미, 태연), and so may a foreign name of several words.
        if len(name) >= 4 and " " not in name:
            parts = _tokens_in(tokens, candidate.start, candidate.end)
            if parts and all(t.tag == "NNG" and t.len >= 2 for t in parts):
                return None
    elif kind == "ORG":
        after = _token_at(tokens, candidate.end)
        head = tokens[after].form if after is not None else ""
        if head in _HEAD_TITLES_KO:
            closing = head[: _HEAD_TITLES_KO[head]]
            name = name + closing
            candidate = replace(candidate, end=candidate.end + len(closing), name=name)
        # A known person, country or body before a known body: two names (마크 저커버그 메타,
        # 미국 메타, 국민의힘 예결위).
        pair = _known_pair(
            candidate,
            gazetteer,
            lambda e: e.entity_type in ("PERSON", "ORG") or e.is_country,
        )
        if pair:
            return pair
        if name.endswith(_EVENT_ENDINGS_KO):
            return replace(candidate, entity_type="EVENT")
        if name.endswith("안") and (
            name[:-1] in _UNTAGGED_STOP_KO or gazetteer.lookup(name[:-1], exact=True) is not None
        ):
            return None
        place = _place_chain(name, gazetteer)
        if place is not None:
            return replace(candidate, entity_type="LOCATION", entry=place)
        return _place_in_address(candidate, tokens, gazetteer)
    elif kind == "LOCATION":
        # A known body before a known place: two names (SK하이닉스 청주).
        pair = _known_pair(candidate, gazetteer, lambda e: e.entity_type == "ORG")
        if pair:
            return pair
        for around in _AROUND_KO:
            if name.endswith(" " + around):
                name = name[: -len(around) - 1]
                candidate = replace(candidate, end=candidate.start + len(name), name=name)
                break
        place = _place_chain(name, gazetteer)
        if place is not None:
            return replace(candidate, entry=place)
        return _place_in_address(candidate, tokens, gazetteer)
    return candidate


def _place_in_address(
    candidate: _Candidate, tokens: Sequence[Any], gazetteer: Gazetteer
) -> _Candidate:
    """A tagged place spelled after the known places it lies in, as KLUE marks an address:
    a part of the last known place counts for it (경기 북부: Gyeonggi), and an unknown place
    is itself, whatever address comes before it (경기 고양종합운동장 and 고양종합운동장 are
    one stadium; 서울 용산구 이태원 is 이태원), the place it is named after kept where its
    name starts with a common noun (부산 해운대 해수욕장 is 해운대 해수욕장). So is a police
    station, school, hospital or other body with a telling ending (서울 강남경찰서 is
    강남경찰서); not a team or government named after its city (뉴욕 메츠, 중국 정부)."""
    words = list(re.finditer(r"\S+", candidate.name))
    places = _leading_places([word.group() for word in words[:-1]], gazetteer)
    if not places:
        return candidate
    place, known = places[-1], len(places)
    rest = words[known:]
    if candidate.entity_type == "ORG":
        if not candidate.name.endswith(_ORG_HEADS_IN_ADDRESS_KO):
            return candidate
    elif all(word.group() in _PART_OF_PLACE_KO for word in rest):
        return replace(candidate, entry=place)
    offset = rest[0].start()
    first = _tokens_in(tokens, candidate.start + offset, candidate.start + rest[0].end())
    if first and all(t.tag == "NNG" for t in first):
        offset = words[known - 1].start()
    name = candidate.name[offset:]
    if offset == 0 or len(name.replace(" ", "")) < 2 or gazetteer.lookup(name, exact=True):
        return candidate
    inner = replace(candidate, start=candidate.start + offset, name=name)
    return replace(candidate, stands_for=inner)


def _korean_name_shape(word: str) -> bool:
    """Two to four Hangul syllables starting with a common surname (강태민, 이재용)."""
    return 2 <= len(word) <= 4 and _hangul_only(word) and word[0] in SURNAMES_KO


def _place_chain(name: str, gazetteer: Gazetteer) -> GazetteerEntry | None:
    """The last place of a name made of known places, widest first (일본 도쿄: Tokyo; 서울
    고척스카이돔: the dome), so the mention counts for the place it pins down."""
    words = name.split()
    places = _leading_places(words, gazetteer)
    return places[-1] if len(words) >= 2 and len(places) == len(words) else None


def _leading_places(words: Sequence[str], gazetteer: Gazetteer) -> list[GazetteerEntry]:
    """The known places the words start with, up to the first word that is none."""
    places: list[GazetteerEntry] = []
    for word in words:
        entry = gazetteer.lookup(word, exact=True)
        if entry is None or entry.entity_type != "LOCATION":
            break
        places.append(entry)
    return places


# --- English --------------------------------------------------------------------------------

_WORD_EN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9&\-]|(?!['’]s\b)['’.](?=[A-Za-z0-9]))*\.?")
_ROLES_EN = frozenset({"mvp", "ceo", "cfo", "cto", "coo"})
_SCORE_EN = re.compile(r"\d{1,3}[-–]\d{1,3}[.,;]?")
_CONNECTORS_EN = frozenset(
    {"of", "and", "the", "for", "de", "du", "van", "von", "der", "la", "le", "di", "da", "bin", "&"}
)
# Capitalised words that begin sentences or headlines but name nothing.
_FUNCTION_WORDS_EN = frozenset(
    """a an the in on at by for from to of with without about after before during since until
    but and or nor so yet if as when while where why what how who whom whose which that this these
    those it its he she they we i you his her their our my your them him us me also still however
    meanwhile moreover although though despite amid among under over into onto than then there
    here now today tonight yesterday tomorrow last next earlier later once some many most few
    several all both each every any no not one two three four five six seven eight nine ten
    first second third new more less such other another according unlike like just only even
    asked read see watch photo advertisement share related updated published reporting editing
    writing additional analysts analyst shares investors officials sources experts people year
    years week weeks month months day days monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
_STOP_EN = frozenset(
    """ai ceo cfo cto coo gdp ev evs it tv pc pcs cpu gpu gpus dram nand oled lcd ipo etf etfs
    m&a r&d fy q1 q2 q3 q4 yoy kst est pst pt gmt utc am pm ok vr ar xr mr llm llms api apis suv
    suvs 5g 6g esg cpi ppi lng bbl kpop k-pop k-drama ph.d phd act line lines mvp online""".split()
)
_TITLE_HEADS_EN = frozenset(
    """president ceo cfo cto coo chairman chairwoman chair chairperson minister governor gov.
    senator sen. rep. representative mayor director chancellor secretary king queen prince
    princess pope general gen. coach manager judge justice professor prof. dr. dr mr. mr ms. ms
    mrs. mrs ambassador commissioner spokesman spokeswoman spokesperson founder co-founder
    captain striker midfielder defender forward goalkeeper pitcher outfielder infielder lawmaker
    premier speaker sir lord emperor officer executive analyst economist leader""".split()
)
_TITLE_MODIFIERS_EN = frozenset(
    """vice prime chief executive deputy acting former foreign finance defense defence trade
    industry interior economy labor labour health education science culture unification crown
    assistant senior general managing national head team club co""".split()
)
_HONORIFICS_EN = frozenset({"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr."})
_ORG_SUFFIXES_EN = frozenset(
    """inc inc. corp corp. co co. ltd ltd. llc plc ag sa nv group bank holdings ministry
    university agency association institute council commission committee federation union
    party court department office authority foundation fund corporation company motors
    electronics technologies technology airlines airline capital partners securities research
    labs entertainment studios club fc times news post wire ledger journal tribune daily herald
    press service administration bureau board church army navy weekly org""".split()
)
_ORG_HEADS_EN = frozenset(
    {
        "ministry",
        "university",
        "bank",
        "department",
        "office",
        "agency",
        "commission",
        "council",
        "institute",
        "bureau",
        "board",
        "federation",
        "association",
        "church",
    }
)
_LOCATION_SUFFIXES_EN = frozenset(
    """city province county state island islands district peninsula river mountains mountain bay
    sea ocean valley strait stadium park airport port square street avenue center centre
    museum""".split()
)
_PERSON_AFTER_EN = re.compile(
    r"^(?:,\s+(?:the\s+|a\s+|an\s+)?(?:former\s+|then-|new\s+)?"
    r"(?:[A-Z][\w.&-]*(?:['’]s)?\s+){0,3}"
    r"(?:chief|ceo|president|chairman|chairwoman|minister|governor|founder|director|head|"
    r"spokes|secretary|coach|manager|analyst|economist|professor|senator|mayor|captain|"
    r"lawmaker|ambassador|\d{1,3}[,\s])"
    r"|\s+(?:said|says|told|added|noted|wrote|argued|warned|explained|stressed)\b)",
    re.IGNORECASE,
)
# The two patterns below end at the end of the text before a name: searched backwards, from
# that end (the regex package's REVERSE), they find a match five times sooner than `re`
# trying every position of the 60 characters.
_PERSON_BEFORE_EN = regex.compile(
    r"(?:\b(?:ceo|chief executive|chief executive officer|president|chairman|chairwoman|"
    r"minister|governor|founder|secretary|director|coach|manager|captain|striker|midfielder|"
    r"pitcher|analyst|economist|professor|senator|lawmaker|ambassador|spokesperson|spokesman|"
    r"spokeswoman|premier|leader|said|according to|substitute|teammate|winger|defender)"
    r"(?:\s+of\s+\S+)?,?\s+)$",
    regex.IGNORECASE | regex.REVERSE | regex.VERSION0,
)
_ORG_AFTER_EN = re.compile(
    r"^(?:['’]s)?\s+(?:ceo|cfo|chief executive|chairman|founder|shares|stock|chief)\b",
    re.IGNORECASE,
)
_LOCATION_BEFORE_EN = regex.compile(
    r"\b(?:in|near|outside|across|to)\s+$", regex.IGNORECASE | regex.REVERSE | regex.VERSION0
)
# Nationality adjectives and compounds such as Seoul-based: descriptions, not names.
_DEMONYM_EN = re.compile(
    r"(?:(?:ean|ian|ese|ish|an|i)|-(?:based|made|born|led|owned|listed|backed|style))$"
)
# Nationality, regional and religious words, which name a kind of people, not a person, body
# or place: a tagged span that is nothing but one of them is left out (an Afghan team).
_DEMONYMS_EN = frozenset(
    """afghan afghans albanian albanians algerian algerians american americans arab arabs
    argentine argentinian argentinians armenian armenians asian asians australian australians
    austrian austrians azerbaijani bangladeshi bangladeshis belarusian belgian belgians
    bolivian bosnian brazilian brazilians british briton britons bulgarian burmese cambodian
    cameroonian canadian canadians catalan chilean chinese colombian colombians congolese
    croatian croatians cuban cubans cypriot czech czechs danish dane danes dutch ecuadorian
    egyptian egyptians emirati english englishman eritrean estonian ethiopian ethiopians
    european europeans filipino filipinos finnish finn finns french frenchman georgian german
    germans ghanaian greek greeks guatemalan haitian hispanic honduran hungarian hungarians
    icelandic indian indians indonesian indonesians iranian iranians iraqi iraqis irish
    israeli israelis italian italians ivorian jamaican japanese jordanian kazakh kenyan kenyans
    korean koreans kosovar kurdish kurd kurds kuwaiti kyrgyz laotian latvian lebanese libyan
    libyans lithuanian macedonian malaysian malaysians malian maltese mexican mexicans
    moldovan mongolian montenegrin moroccan moroccans mozambican namibian nepalese nepali
    nigerian nigerians nigerien norwegian norwegians omani pakistani pakistanis palestinian
    palestinians panamanian paraguayan persian peruvian polish pole poles portuguese qatari
    romanian romanians russian russians rwandan saudi saudis scottish scot scots senegalese
    serbian serbs serb singaporean slovak slovenian somali somalis spanish spaniard spaniards
    lankan sudanese swedish swede swedes swiss syrian syrians taiwanese tajik tanzanian
    thai tibetan tunisian tunisians turkish turk turks turkmen ugandan ukrainian ukrainians
    uruguayan uzbek venezuelan venezuelans vietnamese welsh yemeni zambian zimbabwean
    african africans latino latinos latina caribbean balkan nordic scandinavian arabian
    christian christians muslim muslims jewish jew jews hindu hindus buddhist buddhists sikh
    sikhs catholic catholics protestant protestants orthodox sunni shia shiite shiites
    rohingya pashtun uyghur uyghurs uighur uighurs""".split()
)
# Words that open a sentence before a name and are no part of it.
_OPENERS_EN = frozenset(
    """without after before during since until but and or if as when while where although
    though despite amid among unlike like according meanwhile moreover however also still
    then now today yesterday tomorrow tonight for from with about at by in on into onto
    under over than whether once because""".split()
)
_LAW_WORDS_EN = frozenset({"act", "law", "bill", "treaty", "accord", "accords", "amendment"})
# Last words of an event's name (Google Science Fair). Not games, forum, congress or
# convention: Epic Games, the World Economic Forum, US Congress name bodies.
_EVENT_WORDS_EN = frozenset(
    """fair festival championship championships cup expo summit conference olympics tournament
    marathon awards exhibition biennale""".split()
)


def _names_an_event(words: Sequence[str]) -> bool:
    """Whether a name of several words ends in an event word (Seoul Marathon)."""
    return len(words) > 1 and words[-1].casefold() in _EVENT_WORDS_EN


_KOREAN_ROMAN_NAME = re.compile(r"^[A-Z][a-z]{1,4} [A-Z][a-z]+-[a-z]+$")
_BYLINE_EN = (
    re.compile(
        r"(?:^|\n|\s[—–-]\s)\s*(?:By|BY|by)\s+(?P<names>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}"
        r"(?:[ \t]*(?:,|and)[ \t]+[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})*)"
    ),
    re.compile(
        r"(?:Reporting|Writing|Editing|Additional reporting|Compiled)\s+by\s+"
        r"(?P<names>[^;)\n]{2,120})"
    ),
    # The wire's credit in a dateline, not the place: SEOUL (Reuters) —, ELLABELL, Ga.
    # (Meridian Wire) —.
    re.compile(
        r"(?:^|\n)[ \t]*[A-Z][A-Z .'’-]*[A-Z](?:,[ \t]+[A-Z][\w.]*)*[ \t]*"
        r"\((?P<names>[^()\n]{2,40})\)[ \t]*[—–-]"
    ),
)
_INNER_TITLES_EN = frozenset({"ceo", "chairman", "president", "chief", "founder"})
_FUNCTION_OR_STOP_EN = _FUNCTION_WORDS_EN | _STOP_EN
_COMPASS_EN = frozenset(
    {"north", "south", "east", "west", "southeast", "northeast", "southwest", "northwest"}
)
# A name's final period that is part of it: U.S., Inc.
_KEPT_PERIOD_EN = re.compile(r"\b(?:[A-Z]\.){2,}$|\b(?:Inc|Co|Corp|Ltd|Jr|St)\.$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+$|^\s*$|\n\s*$|[:—–]\s+$|[\"“‘]\s*$")


def _hangul_only(text: str) -> bool:
    """Whether every character is a Hangul syllable."""
    return bool(text) and all("\uac00" <= ch <= "\ud7a3" for ch in text)


def is_korean(text: str) -> bool:
    """Whether Hangul makes up at least a fifth of the letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3")
    return hangul * 5 >= len(letters)


def entity_key(name: str, entity_type: str) -> str:
    """The stable id of a name the gazetteer does not know: type prefix + 12 hex digits."""
    digest = hashlib.sha1(f"{entity_type}|{normalize_key(name)}".encode()).hexdigest()[:12]
    return f"{_KEY_PREFIX.get(entity_type, 'other')}:{digest}"


# Nouns in 의 that can end a name: 회의 (a meeting or council), 정의 (justice), 합의 and 논의
# (an accord, talks); not 동의 or 주의, which end 풍납동의 and 캘리포니아주의 as often.
_NOUNS_IN_UI = ("회의", "정의", "합의", "논의")


def clean_name(surface: str, gazetteer: Gazetteer | None = None, *, particles: bool = True) -> str:
    """A name without the titles before or after it and without trailing particles or a
    possessive: 조주완 사장 → 조주완, 저커버그는 → 저커버그, CEO Tim Cook → Tim Cook.
    particles=False keeps the last syllable (경남도 stays whole) but for a possessive 의."""
    name = unicodedata.normalize("NFKC", surface).strip(" \t\n,.;:!?\"'“”‘’()[]")
    changed = True
    while changed and name:
        changed = False
        # One endswith over all the titles first: most names end in none of them.
        for title in PERSON_TITLES_KO if name.endswith(PERSON_TITLES_KO) else ():
            for joint in (" ", ""):
                if name.endswith(joint + title) and len(name) > len(title) + len(joint):
                    # An attached title must leave a whole name: 유상무 is a name, not 유 상무.
                    if joint == "" and (not _hangul_only(title) or len(name) - len(title) < 2):
                        continue
                    name, changed = name[: -len(title) - len(joint)].rstrip(), True
                    break
            if changed:
                break
        for lead in _TITLE_LEADS_KO:
            if name.endswith(" " + lead.rstrip()) and len(name) > len(lead):
                name, changed = name[: -len(lead.rstrip())].rstrip(), True
        words = name.split()
        while len(words) > 1 and (
            words[0].casefold() in _TITLE_HEADS_EN or words[0].casefold() in _TITLE_MODIFIERS_EN
        ):
            words, changed = words[1:], True
        name = " ".join(words)
    for possessive in ("'s", "’s"):
        if name.endswith(possessive):
            name = name[: -len(possessive)]
    # The Korean possessive too, where Kiwi glued it to a name it did not know (딜런 패로의),
    # not the 의 of a noun that ends a name (국무회의, 국가안전보장회의).
    if (
        name.endswith("의")
        and len(name) >= 3
        and _hangul_only(name[-2])
        and not name.endswith(_NOUNS_IN_UI)
    ):
        name = name[:-1]
    if not particles:
        return name
    if gazetteer is not None:
        entry = gazetteer.lookup(name)
        if entry is not None and normalize_key(name) not in _spelling_keys(entry):
            for spelling in sorted((entry.name, *entry.aliases), key=len, reverse=True):
                if normalize_key(name).startswith(normalize_key(spelling)):
                    return name[: _prefix_length(name, spelling)]
        return name
    return _strip_particle(name)


def _spelling_keys(entry: GazetteerEntry) -> set[str]:
    """The lookup keys of every spelling of an entry."""
    return {normalize_key(s) for s in (entry.name, *entry.aliases)}


def _prefix_length(name: str, spelling: str) -> int:
    """How many characters of name spell the given alias (spaces may differ in Hangul)."""
    target = normalize_key(spelling)
    for end in range(1, len(name) + 1):
        if normalize_key(name[:end]) == target:
            return end
    return len(name)


_PARTICLES_KO = (
    "에서",
    "에게",
    "께서",
    "으로",
    "까지",
    "부터",
    "이나",
    "처럼",
    "보다",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "도",
    "로",
    "만",
)


def _strip_particle(name: str) -> str:
    """A Hangul name without one trailing particle, keeping at least two syllables."""
    if not name or not _hangul_only(name[-1]):
        return name
    for particle in _PARTICLES_KO:
        if name.endswith(particle) and len(name) - len(particle) >= 2:
            return name[: -len(particle)]
    return name


# --- Kiwi -----------------------------------------------------------------------------------

_kiwi: Any = None
_kiwi_lock = threading.Lock()
# Gazetteers already taught, by id; the object is kept so its id cannot be reused.
_taught: dict[int, Gazetteer] = {}


def _kiwi_for(gazetteer: Gazetteer) -> Any:
    """The process's Kiwi, built on first use and taught the gazetteer's Korean spellings."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            # Without Kiwi's multi-word dictionary (Wikidata names): it doubles the model's
            # load, 2.9 s → 1.2 s of CPU per process, for 0.002 of the tagger's
            # cross-validated F1; the gazetteer's names are taught below either way.
            _kiwi = Kiwi(load_multi_dict=False)
        if _taught.get(id(gazetteer)) is not gazetteer:
            for spelling, _entry in gazetteer.spellings():
                if not has_hangul(spelling):
                    continue
                compact = spelling.replace(" ", "")
                if len(compact) >= 3 or re.search(r"[A-Za-z0-9]", compact):
                    _kiwi.add_user_word(spelling, "NNP", 0.0)
            _taught[id(gazetteer)] = gazetteer
        return _kiwi


def tokenize_korean(texts: Sequence[str], gazetteer: Gazetteer) -> list[list[Any]]:
    """Kiwi tokens for each text, analysed together so Kiwi can use its worker threads; no
    texts, no Kiwi (its model loads on first use)."""
    if not texts:
        return []
    kiwi = _kiwi_for(gazetteer)
    if len(texts) == 1:
        return [kiwi.tokenize(texts[0])]
    return [list(tokens) for tokens in kiwi.tokenize(list(texts))]


def _title_after_ko(text: str, end: int, *, past_brackets: bool = False) -> str | None:
    """The person's title that follows the span (allowing 전/현/신임 in between; with
    past_brackets, also an age or affiliation in brackets: 김철수(45)씨), if one does."""
    rest = text[end : end + 24]
    if past_brackets:
        rest = _BRACKETED_AFTER_NAME.sub("", rest, count=1)
    rest = rest.lstrip(" ")
    for lead in _TITLE_LEADS_KO:
        if rest.startswith(lead):
            rest = rest[len(lead) :]
            break
    rest = rest.lstrip("(").lstrip()
    if not rest.startswith(PERSON_TITLES_KO):
        return None
    for title in PERSON_TITLES_KO:
        if rest.startswith(title):
            after = rest[len(title) : len(title) + 1]
            # 씨 is a title only as a word of its own (홍길동 씨는), not the start of 씨앗 and such.
            if title == "씨" and after and _hangul_only(after) and after not in "는가의와도를이":
                return None
            return title
    return None


def _type_korean(name: str, text: str, end: int, next_start: int | None) -> str:
    """The type of an unknown Korean name from the title after it and its own ending."""
    if _hangul_only(name[-2:]) and name.endswith(ORG_SUFFIXES_KO) and len(name) > 2:
        return "ORG"
    if _title_after_ko(text, end) is not None:
        return "PERSON"
    if next_start is not None and _title_after_ko(text, next_start) is not None:
        return "PERSON"
    if len(name) >= 3 and _hangul_only(name):
        if name.endswith(ORG_SUFFIXES_KO_WEAK):
            return "ORG"
        if name.endswith(LOCATION_SUFFIXES_KO):
            return "LOCATION"
    if (
        len(name) == 3
        and _hangul_only(name)
        and name[0] in SURNAMES_KO
        and name[-1] not in _NOT_NAME_ENDINGS_KO
    ):
        return "PERSON"
    return "OTHER"


def _korean_candidates(text: str, tokens: Iterable[Any], gazetteer: Gazetteer) -> list[_Candidate]:
    """Candidates from runs of proper nouns and foreign words in Kiwi's analysis."""
    words: list[list[Any]] = []
    tokens = list(tokens)
    for index, token in enumerate(tokens):
        tag = token.tag
        attached = (
            bool(words and words[-1]) and words[-1][-1].start + words[-1][-1].len == token.start
        )
        if tag in _NAME_TAGS or (tag == "SN" and attached):
            if attached:
                words[-1].append(token)
            else:
                words.append([token])
        elif tag == "NNG" and attached and words[-1][-1].tag in _NAME_TAGS:
            head = words[-1][-1].form
            # Kiwi sometimes cuts the last syllable off a Korean name (박영/NNP 희/NNG).
            split_name = len(head) == 2 and head[0] in SURNAMES_KO and len(token.form) == 1
            if (
                split_name
                or token.form in ORG_SUFFIXES_KO
                or token.form in LOCATION_SUFFIXES_KO
                or (token.form in ORG_SUFFIXES_KO_WEAK)
            ):
                words[-1].append(token)
            else:
                words.append([])
        elif (
            tag == "NNG"
            and not attached
            and not _runs_on(tokens, index)
            and _nng_entry(token.form, gazetteer)
        ):
            words.append([token])
            words.append([])
        else:
            words.append([])
    runs: list[list[tuple[int, int]]] = []
    previous_end = -2
    for word in words:
        if not word:
            previous_end = -2
            continue
        start, end = word[0].start, word[-1].start + word[-1].len
        if runs and previous_end >= 0 and text[previous_end:start] == " ":
            runs[-1].append((start, end))
        else:
            runs.append([(start, end)])
        previous_end = end
    candidates: list[_Candidate] = []
    for run in runs:
        candidates.extend(_segment_run(text, run, gazetteer))
    return candidates


def _runs_on(tokens: Sequence[Any], index: int) -> bool:
    """Whether a noun runs on into another noun of the same word (국회 in 국회의원)."""
    if index + 1 >= len(tokens):
        return False
    token, following = tokens[index], tokens[index + 1]
    return following.start == token.start + token.len and following.tag.startswith("NN")


def _nng_entry(form: str, gazetteer: Gazetteer) -> bool:
    """Whether a common-noun token is an organisation's or event's own spelling."""
    if len(form) < 2:
        return False
    entry = gazetteer.lookup(form, exact=True)
    return entry is not None and entry.entity_type in _NNG_TYPES


def _segment_run(text: str, run: list[tuple[int, int]], gazetteer: Gazetteer) -> list[_Candidate]:
    """Known spellings first (longest match over the run's words), then unknown words merged."""
    pieces: list[tuple[int, int, GazetteerEntry | None]] = []
    i = 0
    while i < len(run):
        for j in range(len(run) - 1, i - 1, -1):
            entry = gazetteer.lookup(text[run[i][0] : run[j][1]], exact=True)
            if entry is not None:
                pieces.append((run[i][0], run[j][1], entry))
                i = j + 1
                break
        else:
            pieces.append((run[i][0], run[i][1], None))
            i += 1
    merged: list[tuple[int, int, GazetteerEntry | None]] = []
    for start, end, entry in pieces:
        if merged and entry is None and merged[-1][2] is None:
            left = text[merged[-1][0] : merged[-1][1]]
            right = text[start:end]
            if _joins(left, right):
                merged[-1] = (merged[-1][0], end, None)
                continue
        merged.append((start, end, entry))
    out = []
    for index, (start, end, entry) in enumerate(merged):
        name = text[start:end]
        if entry is not None:
            out.append(_Candidate(start, end, name, entry.entity_type, entry))
            continue
        next_start = merged[index + 1][1] if index + 1 < len(merged) else None
        out.append(_Candidate(start, end, name, _type_korean(name, text, end, next_start), None))
    return out


def _joins(left: str, right: str) -> bool:
    """Whether two unknown proper nouns separated by a space are one name (제롬 파월)."""
    if has_hangul(left) != has_hangul(right):
        return False
    if not has_hangul(left):
        return True
    if len(right) < 2:
        return False
    if len(left) == 1:
        # A one-syllable word before another proper noun is a foreign given name (존 스미스).
        return True
    if left.endswith(ORG_SUFFIXES_KO) or (len(left) >= 3 and left.endswith(LOCATION_SUFFIXES_KO)):
        return False
    korean_full_name = len(right) == 3 and right[0] in SURNAMES_KO
    return not (korean_full_name or (len(left) == 3 and left[0] in SURNAMES_KO))


def _korean_masks(text: str) -> list[tuple[int, int]]:
    """Spans that are datelines or bylines, not mentions: [서울=연합뉴스] 홍길동 기자 =."""
    masks = [match.span() for match in _DATELINE.finditer(text)]
    masks.extend(match.span("name") for match in _BYLINE_KO.finditer(text))
    masks.extend(_email_spans(text))
    return masks


def _with_tagged(
    text: str,
    candidates: list[_Candidate],
    spans: list[tuple[int, int, str]],
    gazetteer: Gazetteer,
) -> list[_Candidate]:
    """Gazetteer hits, the tagger's spans that overlap none (linked to the gazetteer where it
    spells them), the rules' title-typed people the tagger missed, and later mentions of
    those names that the tagger did not mark again."""
    known = [c for c in candidates if c.entry is not None]
    out: list[_Candidate] = []
    known.sort(key=lambda c: c.start)
    taken: list[tuple[int, int]] = []
    for start, end, entity_type in spans:
        # The tagger knows no products or events, and a gazetteer spelling that covers more
        # than its span is the better boundary; otherwise the tagger's span stands, whole
        # addresses and venues (서울 송파구 올림픽공원 체조경기장) included, and the known
        # places inside an address of three words or more are mentions too (below): 부산
        # 해운대구 영화의전당 counts for Busan and Haeundae as well as for the venue.
        winners = [
            (c.start, c.end)
            for c in known
            if c.entity_type in ("PRODUCT", "EVENT")
            or (c.start <= start and end <= c.end and (c.start, c.end) != (start, end))
        ]
        if _overlaps(start, end, taken) or _overlaps(start, end, winners):
            continue
        for piece_start, piece_end in _unbracketed(text, start, end):
            name = clean_name(text[piece_start:piece_end], particles=False)
            if not name:
                continue
            entry = gazetteer.lookup(name, exact=True)
            kind = entry.entity_type if entry is not None else entity_type
            if entry is not None and kind == "LOCATION" and entity_type == "ORG":
                # A country or city that acts in the sentence (북한이 발사했다) is an
                # organisation there, as KLUE marks it; the mention still links to the place.
                kind = "ORG"
            if entry is None and kind == "ORG" and _known_place_stem(name, gazetteer):
                # The same place is one entity whether the story has it act (KLUE: ORG) or not.
                kind = "LOCATION"
            piece_end = piece_start + len(name)
            out.append(_Candidate(piece_start, piece_end, name, kind, entry, tagged=True))
            taken.append((piece_start, piece_end))
    addresses = [(c.start, c.end) for c in out if c.name.count(" ") >= 2]
    for c in candidates:
        in_address = c.entry is not None and any(a <= c.start and c.end <= b for a, b in addresses)
        if _overlaps(c.start, c.end, taken) and not in_address:
            continue
        titled = c.entity_type == "PERSON" and _title_after_ko(text, c.end) is not None
        # An unknown company or body with a telling ending (한빛바이오, 한빛전자).
        suffixed = (
            c.entity_type == "ORG"
            and _hangul_only(c.name[-2:])
            and c.name.endswith(ORG_SUFFIXES_KO)
            and len(c.name) > 2
        )
        if c.entry is not None or titled or suffixed:
            out.append(c)
            taken.append((c.start, c.end))
    out.extend(_repeated(text, out, taken))
    return sorted(out, key=lambda c: c.start)


def _unbracketed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A tagged span cut where it opens or closes a parenthesis it does not pair: 런민넷(人民網
    is two names, 런민넷 and 人民網; 옌볜(延邊)조선족자치주 stays whole."""
    depth = 0
    for ch in text[start:end]:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth == 0:
        return [(start, end)]
    return [
        (start + match.start(), start + match.end())
        for match in re.finditer(r"[^()\s](?:[^()]*[^()\s])?", text[start:end])
    ]


def _repeated(text: str, found: list[_Candidate], taken: list[tuple[int, int]]) -> list[_Candidate]:
    """Other occurrences of names found by the tagger (and the family name of a foreign
    person: 존 스미스 → 스미스) at the start of a word, where nothing was found."""
    forms: dict[str, _Candidate] = {}
    for c in found:
        if not c.tagged or not has_hangul(c.name):
            continue
        if len(c.name.replace(" ", "")) >= 2:
            forms.setdefault(c.name, c)
        last = c.name.split()[-1]
        if c.entity_type == "PERSON" and " " in c.name and len(last) >= 2:
            forms.setdefault(last, replace(c, name=last))
    extra: list[_Candidate] = []
    for form, c in sorted(forms.items(), key=lambda item: -len(item[0])):
        # str.find, not a regex per name: a regex each would outgrow re's cache of 512.
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if not (start > 0 and _hangul_only(text[start - 1])) and not _overlaps(
                start, end, taken
            ):
                extra.append(replace(c, start=start, end=end, name=form))
                taken.append((start, end))
            start = text.find(form, end)
    return extra


_PLACE_ENDINGS_KO = ("시", "군", "구", "도", "주")


def _known_place_stem(name: str, gazetteer: Gazetteer) -> bool:
    """Whether a name is a place with an administrative ending (광주시, 경기도, 양평군), not a
    company that happens to end so (닌텐도, 오비맥주) nor a country's army (북한군)."""
    if not (_hangul_only(name) and len(name) >= 3 and name.endswith(_PLACE_ENDINGS_KO)):
        return False
    entry = gazetteer.lookup(name[:-1], exact=True)
    if entry is None:
        # 도 and 주 end company names too; 시, 군 and 구 hardly do.
        return name.endswith(("시", "군", "구"))
    return entry.entity_type == "LOCATION" and not entry.is_country


def _one_type_per_name(candidates: list[_Candidate], title_end: int) -> list[_Candidate]:
    """Every tagged mention of a name in one article with the type the tagger gave it most
    (the body's first mention breaks a tie: a headline's terse grammar misleads the tagger
    more), so one name is one entity (노바웨이브 a group, not a person in the headline)."""
    votes: dict[str, Counter[str]] = {}
    for c in sorted(candidates, key=lambda c: (c.start <= title_end, c.start)):
        if c.tagged and c.entry is None and c.entity_type in ("PERSON", "ORG", "LOCATION"):
            votes.setdefault(c.name, Counter())[c.entity_type] += 1
    kinds = {name: counts.most_common(1)[0][0] for name, counts in votes.items()}
    return [
        replace(c, entity_type=kinds[c.name])
        if c.tagged and c.entry is None and c.name in kinds
        else c
        for c in candidates
    ]


def _surname_short_forms(
    text: str, title_end: int, tokens: Sequence[Any], candidates: list[_Candidate]
) -> list[_Candidate]:
    """A Korean person named again by surname and title (이재용 회장 ... 이 회장은, 김철수씨 ...
    김씨는): the surname as a mention of the nearest person before it with that surname (one
    whose title was the same, if any); in the headline, which names people before the story
    does, of the first such person in the story. A surname with no such person (김 사장,
    박모씨) stays out, as a bare surname names no one."""
    people = [c for c in candidates if c.entity_type == "PERSON" and _korean_name_shape(c.name)]
    if not people:
        return []
    found: list[_Candidate] = []
    for index, token in enumerate(tokens[:-1]):
        title = tokens[index + 1]
        if not (
            token.tag == "NNP"
            and token.len == 1
            and token.form in SURNAMES_KO
            and title.form in PERSON_TITLE_WORDS_KO
            and title.start - (token.start + 1) <= 1
        ):
            continue
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        if after is not None and after.start == title.start + title.len:
            if after.tag in _NOUN_TAGS_KO:
                continue  # 대표+팀: the title starts a longer word
        named = [p for p in people if p.name[0] == token.form]
        earlier = [p for p in named if p.end <= token.start]
        if not earlier and token.start < title_end:
            earlier = [p for p in named if p.start > title_end][::-1]
        if not earlier:
            continue
        same_title = [
            p for p in earlier if _title_after_ko(text, p.end, past_brackets=True) == title.form
        ]
        person = (same_title or earlier)[-1]
        found.append(
            _Candidate(
                token.start,
                token.start + 1,
                token.form,
                "PERSON",
                person.entry,
                stands_for=person,
            )
        )
    return found


def _bracketed_aliases(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """A name followed by its own spelling in another script in brackets (노바웨이브(NOVAWAVE),
    원자바오(溫家寶)) is one entity: a known spelling lends its entry to the other, and of two
    unknown ones the Hangul one stands for the other with the Hangul one's type (the tagger
    reads Hangul in context better than a bracketed Latin word): the entity is keyed by its
    Latin or Chinese spelling, as an English story that types it alike keys it. Every mention
    of the name in the article follows. A Latin word that cannot spell the name
    (제니(BLACKPINK): a singer and her group) is left apart, and Chinese characters only join
    a name of the same type."""
    at = {c.start: c for c in candidates}
    known: dict[str, _Candidate] = {}  # an unknown spelling → the known mention it names
    foreign: dict[str, tuple[str, str]] = {}  # an unknown Hangul name → its spelling, type
    for c in candidates:
        other = at.get(c.end + 1)
        if (
            other is None
            or text[c.end : c.end + 1] != "("
            or text[other.end : other.end + 1] != ")"
            or has_hangul(c.name) == has_hangul(other.name)
            or len(c.name) < 2
            or (c.entry is not None and other.entry is not None)
        ):
            continue
        hangul, spelling = (c, other) if has_hangul(c.name) else (other, c)
        if spelling.name.isascii():
            if not spelled_alike(hangul.name, spelling.name):
                continue
        elif len({c.entity_type, other.entity_type} - {"OTHER"}) > 1:
            continue
        if c.entry is not None or other.entry is not None:
            named, unknown = (c, other) if c.entry is not None else (other, c)
            known.setdefault(unknown.name, named)
        else:
            kind = hangul.entity_type if hangul.entity_type != "OTHER" else spelling.entity_type
            foreign.setdefault(hangul.name, (spelling.name, kind))
    if not known and not foreign:
        return candidates
    kinds = {name: kind for name, kind in foreign.values()}
    out: list[_Candidate] = []
    for c in candidates:
        if c.entry is None and c.stands_for is None:
            if c.name in known:
                c = replace(c, stands_for=known[c.name])
            elif c.name in kinds:
                c = replace(c, entity_type=kinds[c.name])
            elif c.name in foreign:
                name, kind = foreign[c.name]
                c = replace(c, stands_for=replace(c, name=name, entity_type=kind))
        out.append(c)
    return out


def _keep_korean(candidate: _Candidate) -> bool:
    """Drop bare surnames, relation compounds and unknown Latin acronyms."""
    if candidate.entry is not None:
        return True
    name = candidate.name
    if _hangul_only(name) and len(name) < 2:
        return False
    if len(name) == 2 and name[1] == "모" and name[0] in SURNAMES_KO:
        return False  # 박모(54)씨: a surname with the mark of a withheld name
    if name in _STOP_KO or name.casefold() in _STOP_EN:
        return False
    if candidate.tagged:
        return not name.isdigit() and not (len(name) == 1 and name.isascii())
    if name in _UNTAGGED_STOP_KO:
        return False
    # Unknown Latin words inside Korean text are mostly acronyms and page furniture.
    return has_hangul(name) and not name.isdigit()


# --- English --------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _latin_shape(gazetteer: Gazetteer) -> dict[str, tuple[int, ...]]:
    """For each word a Latin spelling starts with, the word counts of those spellings, most
    first."""
    counts: dict[str, set[int]] = {}
    for spelling, _entry in gazetteer.spellings():
        if not has_hangul(spelling):
            words = _WORD_EN.findall(spelling)
            if words:
                for first in {words[0].casefold(), words[0].casefold().rstrip(".")}:
                    counts.setdefault(first, set()).add(len(words))
    return {first: tuple(sorted(n, reverse=True)) for first, n in counts.items()}


def _case_fits(seen: str, entry: GazetteerEntry) -> bool:
    """A case-insensitive hit must still look like a name in running text."""
    if seen[0].islower():
        return any(
            s[:1].islower() and normalize_key(s) == normalize_key(seen) for s in entry.aliases
        )
    for spelling in (entry.name, *entry.aliases):
        if normalize_key(spelling) == normalize_key(seen):
            letters = spelling.replace(".", "")
            if letters.isupper() and len(letters) <= 4:
                return seen.replace(".", "") == letters
            return True
    return True


def _english_masks(text: str) -> list[tuple[int, int]]:
    """Bylines and reporting credits."""
    masks: list[tuple[int, int]] = []
    for pattern in _BYLINE_EN:
        masks.extend(match.span("names") for match in pattern.finditer(text))
    masks.extend(_email_spans(text))
    return masks


def _is_title_case(title: str) -> bool:
    """Whether a headline capitalises most of its words (then capitals say nothing)."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", title) if len(w) > 3]
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[0].isupper()) / len(words) > 0.7


def _english_candidates(text: str, title_end: int, gazetteer: Gazetteer) -> list[_Candidate]:
    """Gazetteer spellings (longest first) and typed capitalised sequences."""
    words = [m.span() for m in _WORD_EN.finditer(text)]
    starts = _latin_shape(gazetteer)
    candidates: list[_Candidate] = []
    consumed = [False] * len(words)
    i = 0
    while i < len(words):
        hit = None
        first = text[words[i][0] : words[i][1]].casefold()
        lengths = starts.get(first, ())
        if first.endswith("."):
            lengths = tuple(sorted({*lengths, *starts.get(first.rstrip("."), ())}, reverse=True))
        for n in lengths:
            if n > len(words) - i:
                continue
            start, end = words[i][0], words[i + n - 1][1]
            ends = [end] + ([end - 1] if text[end - 1] == "." else [])
            for stop in ends:
                surface = text[start:stop]
                entry = gazetteer.lookup(surface, exact=True)
                if entry is not None and _case_fits(surface, entry):
                    hit = (n, stop, entry)
                    break
            if hit:
                break
        if hit is None:
            i += 1
            continue
        n, stop, entry = hit
        start = words[i][0]
        candidates.append(_Candidate(start, stop, text[start:stop], entry.entity_type, entry))
        for k in range(i, i + n):
            consumed[k] = True
        i += n
    title_case = _is_title_case(text[:title_end])
    for sequence in _capitalised_sequences(text, words, consumed):
        if title_case and sequence[0][0] < title_end:
            continue
        candidate = _type_english(text, sequence)
        if candidate is not None:
            candidates.append(candidate)
    return sorted(candidates, key=lambda c: c.start)


def _is_capitalised(word: str) -> bool:
    """Starts with a capital letter (or is a number inside a name such as Quest 3)."""
    return word[:1].isupper()


def _capitalised_sequences(
    text: str, words: list[tuple[int, int]], consumed: list[bool]
) -> list[list[tuple[int, int]]]:
    """Runs of capitalised words joined by single spaces and inner connectors (Bank of X)."""
    sequences: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(words):
        if consumed[index]:
            if current:
                sequences.append(current)
            current, pending = [], []
            continue
        word = text[start:end].rstrip(".")
        gap_ok = False
        if current:
            last = (pending or current)[-1]
            gap_ok = text[last[1] : start] == " " and not _ends_sentence(text[last[0] : last[1]])
        if _is_capitalised(word):
            if current and gap_ok:
                current.extend(pending)
                current.append((start, end))
            else:
                if current:
                    sequences.append(current)
                current = [(start, end)]
            pending = []
        elif current and gap_ok and word.casefold() in _CONNECTORS_EN and not pending:
            pending = [(start, end)]
        else:
            if current:
                sequences.append(current)
            current, pending = [], []
    if current:
        sequences.append(current)
    return sequences


def _ends_sentence(word: str) -> bool:
    """Whether a word's final period closes a sentence rather than an abbreviation."""
    if not word.endswith("."):
        return False
    return not _ABBREVIATED.fullmatch(word)


_ABBREVIATED = re.compile(
    r"(?:[A-Za-z]\.)+|[A-Z]|(?:Inc|Co|Corp|Ltd|Jr|Sr|St|Mr|Ms|Mrs|Dr|Gov|Sen|Rep|Gen|Prof|Calif|Ga|No)\."
)


def _sentence_initial(text: str, start: int) -> bool:
    """Whether a word opens a sentence, a line or a quotation."""
    return bool(_SENTENCE_END.search(text[max(0, start - 4) : start])) or start == 0


def _type_english(text: str, sequence: list[tuple[int, int]]) -> _Candidate | None:
    """Strip function words and titles from a capitalised sequence and give it a type."""
    tokens = [text[s:e] for s, e in sequence]
    spans = list(sequence)
    person = honorific = False
    # Whether the name opens a sentence, unless a word before it in the sequence is cut off.
    opens_sentence: bool | None = None
    while tokens and tokens[0].rstrip(".").casefold() in _FUNCTION_WORDS_EN:
        tokens, spans, opens_sentence = tokens[1:], spans[1:], False
    # A title prefix (President, Prime Minister, Chief Executive, Mr.) marks a person.
    cut = 0
    for k, token in enumerate(tokens):
        lowered = token.casefold()
        if lowered in _TITLE_HEADS_EN:
            cut = k + 1
        elif lowered not in _TITLE_MODIFIERS_EN:
            break
    if 0 < cut < len(tokens):
        honorific = tokens[cut - 1].casefold() in _HONORIFICS_EN
        tokens, spans, person, opens_sentence = tokens[cut:], spans[cut:], True, False
    # X CEO Y: the part before an inner title is an organisation, the part after a person.
    for k in range(1, len(tokens) - 1):
        if tokens[k].casefold() in _INNER_TITLES_EN:
            tokens, spans, person, opens_sentence = tokens[k + 1 :], spans[k + 1 :], True, False
            break
    while tokens and tokens[-1].casefold() in _CONNECTORS_EN:
        tokens, spans = tokens[:-1], spans[:-1]
    if not tokens:
        return None
    start, end = spans[0][0], spans[-1][1]
    name = text[start:end]
    if name.endswith(".") and not _KEPT_PERIOD_EN.search(name):
        name, end = name[:-1], end - 1
    folded = [t.rstrip(".").casefold() for t in tokens]
    if len(tokens) == 1 and (
        folded[0] in _STOP_EN
        or folded[0] in _TITLE_HEADS_EN
        or folded[0] in _ORG_SUFFIXES_EN
        or folded[0] in _LOCATION_SUFFIXES_EN
    ):
        return None
    if _FUNCTION_OR_STOP_EN.issuperset(folded):
        return None
    if len(name) < 2 or name.isupper() and len(tokens) == 1 and len(name) > 5:
        return None
    if opens_sentence is None:
        opens_sentence = _sentence_initial(text, start)
    before, after = text[max(0, start - 60) : start], text[end : end + 80]
    entity_type = "OTHER"
    if _names_an_event(folded):
        entity_type = "EVENT"
    elif folded[-1] in _ORG_SUFFIXES_EN or (len(tokens) > 2 and folded[0] in _ORG_HEADS_EN):
        entity_type = "ORG"
    elif folded[-1] in _LOCATION_SUFFIXES_EN and len(tokens) > 1:
        entity_type = "LOCATION"
    elif person or _KOREAN_ROMAN_NAME.match(name) or _PERSON_BEFORE_EN.search(before):
        entity_type = "PERSON"
    elif _ORG_AFTER_EN.match(after):
        entity_type = "ORG"
    elif len(tokens) <= 3 and _PERSON_AFTER_EN.match(after) and len(tokens) >= 2:
        entity_type = "PERSON"
    elif len(tokens) == 1 and not opens_sentence and _LOCATION_BEFORE_EN.search(before):
        entity_type = "LOCATION"
    if entity_type == "OTHER":
        entity_type = _type_by_shape(name, folded)
    if entity_type == "OTHER" and _DEMONYM_EN.search(name) and _COMPASS_EN.issuperset(folded[:-1]):
        return None
    return _Candidate(start, end, name, entity_type, None, opens_sentence, honorific)


def _type_by_shape(name: str, folded: list[str]) -> str:
    """A type for a name no context typed: a known place, a given name, an acronym."""
    if normalize_key(name) in _place_names():
        return "LOCATION"
    if 1 <= len(folded) <= 3 and folded[0] in GIVEN_NAMES_EN:
        return "PERSON"
    if len(folded) == 1 and name.isupper() and 2 <= len(name) <= 5:
        return "ORG"
    return "OTHER"


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """ISO 3166-2 subdivision names (states, provinces), accents stripped, one or two words,
    none of them a common word."""
    import pycountry

    names = set()
    for subdivision in pycountry.subdivisions:
        plain = "".join(
            ch
            for ch in unicodedata.normalize("NFKD", subdivision.name)
            if not unicodedata.combining(ch)
        )
        plain = plain.replace("ʼ", "").replace("ʻ", "")
        words = plain.split()
        if 1 <= len(words) <= 2 and plain.isascii() and all(w[:1].isupper() for w in words):
            key = normalize_key(plain)
            if not set(key.split()) & _COMMON_PLACE_WORDS:
                names.add(key)
    return frozenset(names | _CITIES_EN)


# Words that are also subdivision names but mostly mean something else in the news.
_COMMON_PLACE_WORDS = frozenset(
    """central north south east west northern southern eastern western capital centre center
    national federal city island islands coast upper lower middle greater mid new saint
    san santa la el al grand great inner outer lake lakes river valley mountain mountains
    border borders district region province state territory county""".split()
)
# Large cities that are not ISO 3166-2 subdivisions, written for this project.
_CITIES_EN = frozenset(
    normalize_key(city)
    for city in """Houston;Los Angeles;Chicago;Dallas;Miami;Atlanta;Boston;Seattle;San Francisco;
    Philadelphia;Phoenix;Detroit;Denver;Las Vegas;San Diego;Silicon Valley;Manhattan;Brooklyn;
    Toronto;Vancouver;Montreal;Mexico City;Sao Paulo;Rio de Janeiro;Buenos Aires;Lima;Bogota;
    London;Paris;Berlin;Munich;Frankfurt;Hamburg;Madrid;Barcelona;Rome;Milan;Naples;Vienna;
    Amsterdam;Brussels;Geneva;Zurich;Stockholm;Oslo;Copenhagen;Helsinki;Dublin;Edinburgh;
    Manchester;Liverpool;Lisbon;Athens;Istanbul;Ankara;Moscow;Kyiv;Kiev;Warsaw;Prague;Budapest;
    Tehran;Baghdad;Damascus;Beirut;Jerusalem;Tel Aviv;Gaza;Cairo;Riyadh;Mecca;Medina;Dubai;
    Doha;Kabul;Kandahar;Herat;Islamabad;Karachi;Lahore;Delhi;New Delhi;Mumbai;Kolkata;
    Bangalore;Chennai;Dhaka;Bangkok;Hanoi;Ho Chi Minh City;Jakarta;Manila;Singapore;
    Kuala Lumpur;Beijing;Shanghai;Shenzhen;Guangzhou;Wuhan;Hong Kong;Taipei;Tokyo;Osaka;Kyoto;
    Seoul;Busan;Incheon;Pyongyang;Sydney;Melbourne;Auckland;Nairobi;Lagos;Johannesburg;
    Cape Town;Addis Ababa;Yeoncheon;Gangnam;Gwangju;Daegu;Daejeon;Ulsan;Jeju""".split(";")
)
GIVEN_NAMES_EN = frozenset(
    """james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
    scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry
    tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter
    christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan
    jesse bryan billy bruce gabriel joe logan alan juan albert willie elijah wayne randy
    vincent mason roy ralph bobby russell bradley philip eugene mary patricia jennifer linda
    elizabeth barbara susan jessica sarah karen lisa nancy betty sandra margaret ashley
    kimberly emily donna michelle carol amanda melissa deborah stephanie dorothy rebecca
    sharon laura cynthia amy kathleen angela shirley brenda emma anna pamela nicole samantha
    katherine christine helen debra rachel carolyn janet maria catherine heather diane olivia
    julie joyce victoria ruth virginia lauren kelly christina joan evelyn judith andrea hannah
    megan cheryl jacqueline martha madison teresa gloria sara janice ann kathryn abigail sophia
    frances jean alice judy isabella julia grace amber denise danielle marilyn beverly charlotte
    natalie theresa diana brittany doris kayla alexis lori marie tom tim nick mike dave steve
    bill bob jim ben sam dan matt chris tony rob ted ed al jeff greg ken barack hillary joe
    kamala boris angela emmanuel vladimir xi narendra justin jacinda recep benjamin volodymyr
    elon jeff sundar satya tim mark sam jensen lisa warren charlie dean ahmed mohamed mohammed
    muhammad ali omar hassan hussein ibrahim khalid mustafa yusuf fatima aisha abdul abdullah
    carlos luis jorge miguel pedro pablo diego javier fernando ricardo antonio manuel francisco
    rafael sergio alejandro andres lionel cristiano neymar kylian romelu dries eden kevin
    jean pierre jacques francois louis michel philippe marie claude hans karl wolfgang klaus
    jurgen angela olaf friedrich giuseppe giovanni marco luca matteo paolo ivan dmitry sergei
    alexei mikhail yuri igor oleg hiroshi takeshi yuki shinzo fumio shigeru naoki kenji
    rahul amit sanjay vijay priya raj anil sunil""".split()
)


def _kept_english(candidates: list[_Candidate]) -> list[_Candidate]:
    """Drop sentence-openers that are only capitalised because they open a sentence: those
    whose first word the article never uses elsewhere mid-sentence or in a longer name."""
    # For each word, the candidates whose name has it and that vouch for it.
    vouching: dict[str, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        if not c.sentence_initial or " " in c.name:
            for word in set(c.name.split()):
                vouching[word].append(c)

    def keep(candidate: _Candidate) -> bool:
        if candidate.entry is not None or not candidate.sentence_initial:
            return True
        if " " in candidate.name and candidate.entity_type != "OTHER":
            return True
        word = candidate.name.split()[0]
        if any(c is not candidate for c in vouching.get(word, ())):
            return True
        return candidate.entity_type in ("PERSON", "ORG") and " " in candidate.name

    return [c for c in candidates if keep(c)]


def english_cues(
    text: str, title_end: int, gazetteer: Gazetteer
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The rules' typed candidates, and the gazetteer's spellings among them, as character
    spans: features for the English tagger."""
    return _cues(_english_candidates(text, title_end, gazetteer))


def _cues(
    candidates: list[_Candidate],
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Candidates as typed spans, and those the gazetteer spells as spans of its types."""
    rules = [(c.start, c.end, c.entity_type) for c in candidates]
    known = [(c.start, c.end, c.entry.entity_type) for c in candidates if c.entry is not None]
    return rules, known


_HONORIFIC_BEFORE_EN = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+$")


def _with_tagged_english(
    text: str,
    candidates: list[_Candidate],
    spans: list[tuple[int, int, str]],
    gazetteer: Gazetteer,
) -> list[_Candidate]:
    """Gazetteer products and events, and gazetteer or suffixed names that cover a tagged
    span (SK hynix over SK); the tagger's other spans, linked to the gazetteer where it spells
    them; then the rules' other candidates that overlap none of those."""

    def suffixed(c: _Candidate) -> bool:
        # An unknown company or body with a telling word (Acme Holdings, Ministry of Trade).
        words = c.name.casefold().split()
        return c.entity_type == "ORG" and (
            words[-1] in _ORG_SUFFIXES_EN or (len(words) > 2 and words[0] in _ORG_HEADS_EN)
        )

    # A known name's possessive opens another name: South Korea's | Ministry of Economy.
    parts: list[tuple[int, int, str]] = []
    for start, end, entity_type in spans:
        cut = re.search(r"['’]s ", text[start:end])
        owner = gazetteer.lookup(text[start : start + cut.start()], exact=True) if cut else None
        if cut and owner is not None:
            parts.append((start, start + cut.start(), owner.entity_type))
            start += cut.end()
        parts.append((start, end, entity_type))
    spans = parts

    # The tagger knows no products or events, and sees capitalised words only.
    winners = [
        c
        for c in candidates
        if (c.entry is not None and c.entity_type not in ("PERSON", "ORG", "LOCATION"))
        or (
            (c.entry is not None or suffixed(c))
            and any(
                c.start <= start and end <= c.end and end - start < c.end - c.start
                for start, end, _ in spans
            )
        )
    ]
    held = [(c.start, c.end) for c in winners]
    out: list[_Candidate] = []
    for start, end, entity_type in spans:
        if _overlaps(start, end, held):
            continue
        words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
        # Nor a word that opens the sentence only (Without Korea, After Seoul).
        while words and (
            text[start + words[0][0] : start + words[0][1]] in _CONNECTORS_EN
            or (
                len(words) > 1
                and text[start + words[0][0] : start + words[0][1]].casefold() in _OPENERS_EN
            )
        ):
            words = words[1:]
        # Nor a connector, a score or a role at its end (the KIA Tigers 5-3, the KBO MVP,
        # Samsung CEO).
        while words and (
            (last := text[start + words[-1][0] : start + words[-1][1]]) in _CONNECTORS_EN
            or _SCORE_EN.fullmatch(last)
            or (len(words) > 1 and last.casefold() in _ROLES_EN)
        ):
            words = words[:-1]
        # No title in a person's name (President, Prime Minister, Mr.).
        while (
            entity_type == "PERSON"
            and len(words) > 1
            and text[start + words[0][0] : start + words[0][1]].casefold()
            in _TITLE_HEADS_EN | _TITLE_MODIFIERS_EN
        ):
            words = words[1:]
        if not words:
            continue
        start, end = start + words[0][0], start + words[-1][1]
        name = text[start:end]
        # A kind of people, a month or a weekday is no name (Afghan; scheduled for March).
        if name.casefold() in _DEMONYMS_EN or name.casefold().rstrip(".") in _FUNCTION_WORDS_EN:
            continue
        # A law is neither the body that passed it nor a place (the National Assembly Act).
        if name.split()[-1].casefold() in _LAW_WORDS_EN and len(name.split()) > 1:
            entity_type = "OTHER"
        # A fair, a cup or a summit is an event, not the body that holds it.
        elif _names_an_event(name.split()):
            entity_type = "EVENT"
        entry = gazetteer.lookup(name, exact=True)
        # The tagger reads the context: Paris Hilton's Paris is no place.
        if entry is not None and (
            not _case_fits(name, entry)
            or {entry.entity_type, entity_type} not in ({entity_type}, {"ORG", "LOCATION"})
        ):
            entry = None
        honorific = bool(_HONORIFIC_BEFORE_EN.search(text[max(0, start - 6) : start]))
        out.append(_Candidate(start, end, name, entity_type, entry, False, honorific, True))
    # A short form is what the text named in full: a surname a person (Valeska Paris, then
    # Paris), and a "person" who is the first word of an organisation's name a short form of
    # it (Acme Holdings, then "Acme said"; Seoul Metro leaves the place Seoul alone).
    short_forms: dict[str, str] = {}
    for c in [*out, *winners]:
        if c.entity_type == "ORG" and " " in c.name:
            short_forms.setdefault(c.name.split()[0], "ORG")
    for c in out:
        if c.entity_type == "PERSON" and " " in c.name and "-" not in c.name:
            short_forms[c.name.split()[-1]] = "PERSON"
    out = [
        replace(c, entity_type=kind, entry=None)
        if (kind := short_forms.get(c.name, c.entity_type)) != c.entity_type
        and (kind == "PERSON" or c.entity_type == "PERSON")
        else c
        for c in out
    ]
    out.extend(winners)
    taken = _Occupied(len(text), [(c.start, c.end) for c in out])
    for c in candidates:
        known = c.entry is not None or c.entity_type not in ("PERSON", "ORG", "LOCATION")
        if (known or suffixed(c)) and not taken.overlaps(c.start, c.end):
            out.append(c)
            taken.add(c.start, c.end)
    return sorted(out, key=lambda c: c.start)


# --- Resolution -----------------------------------------------------------------------------


def _overlaps(start: int, end: int, masks: list[tuple[int, int]]) -> bool:
    """Whether a span touches any masked span."""
    return any(start < m_end and m_start < end for m_start, m_end in masks)


class _Occupied:
    """The characters of a text that spans took, for checking many spans against many:
    the same answers as _overlaps, without going through every span each time."""

    def __init__(self, length: int, spans: list[tuple[int, int]]) -> None:
        self._taken = bytearray(length)
        self._spans: list[tuple[int, int]] = []
        self._empty: list[tuple[int, int]] = []  # an empty span takes no character
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        self._spans.append((start, end))
        if start < end:
            self._taken[start:end] = b"\x01" * (end - start)
        else:
            self._empty.append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        if start >= end:  # rare: the plain test over every span
            return _overlaps(start, end, self._spans)
        return self._taken.find(1, start, end) >= 0 or _overlaps(start, end, self._empty)


def _parts(name: str) -> list[str]:
    """The space-separated words of a name."""
    return name.split()


def _resolve(candidates: list[_Candidate]) -> list[Mention]:
    """Short forms to the full names in the same article, then stable keys and types."""
    full = _FullForms([c for c in candidates if len(_parts(c.name)) > 1 or c.entry is not None])
    person_votes: Counter[str] = Counter()
    for c in candidates:
        if c.entry is None and c.entity_type == "PERSON":
            person_votes[normalize_key(c.name)] += 1
    mentions: list[Mention] = []
    for c in candidates:
        target: _Candidate | None = c.stands_for
        if c.entry is None and target is None:
            target = full.of(c)
        chosen = target or c
        if chosen.entry is None and chosen.stands_for is not None:
            chosen = chosen.stands_for  # the full form is an address (경기 고양종합운동장)
        if chosen.entry is not None:
            key, entity_type = chosen.entry.entity_id, chosen.entry.entity_type
            if chosen is c and c.tagged and has_hangul(c.name):
                # The Korean tagger's reading of this mention (see _with_tagged).
                entity_type = c.entity_type
        else:
            entity_type = chosen.entity_type
            if entity_type == "OTHER" and person_votes[normalize_key(chosen.name)]:
                entity_type = "PERSON"
            key = entity_key(person_key_name(chosen.name, entity_type), entity_type)
        if target is None and c.honorific and len(_parts(c.name)) == 1:
            continue
        named = chosen.name if chosen is not c and chosen.entry is None else None
        mentions.append(Mention(c.name, entity_type, c.start, key, named))
    return mentions


class _FullForms:
    """An article's longer names, for finding the one a short form stands for.

    Each name's spellings are split and normalised once, and the answer for a short form
    depends only on its key, type and script, so repeated mentions are answered once.
    """

    def __init__(self, full: list[_Candidate]) -> None:
        self._full = [
            (
                other,
                normalize_key(other.name),
                other.entry.entity_type if other.entry is not None else other.entity_type,
                [
                    (
                        normalize_key(spelling),
                        [normalize_key(word) for word in _parts(spelling)],
                        "-" in _parts(spelling)[-1] if _parts(spelling) else False,
                    )
                    for spelling in (
                        [other.name] if other.entry is None else [other.name, other.entry.name]
                    )
                ],
            )
            for other in full
        ]
        self._answers: dict[tuple[str, str, bool], _Candidate | None] = {}

    def of(self, c: _Candidate) -> _Candidate | None:
        """The article's longer name that this short form stands for, if any."""
        hangul = has_hangul(c.name)
        question = (normalize_key(c.name), c.entity_type, hangul)
        if question not in self._answers:
            self._answers[question] = self._find(*question)
        return self._answers[question]

    def _find(self, name_key: str, entity_type: str, hangul: bool) -> _Candidate | None:
        person_like = entity_type in ("PERSON", "OTHER")
        org_like = entity_type in ("ORG", "OTHER")
        long_enough = len(name_key) >= (2 if hangul else 3)
        for other, other_name_key, kind, spellings in self._full:
            if other_name_key == name_key:
                continue  # the name itself (or another mention of it)
            for other_key, words, surname_first in spellings:
                if kind == "PERSON" and person_like and len(words) > 1:
                    # Romanised Korean names put the surname first: Rhee Chang-yong → Rhee.
                    if name_key == words[-1] or (surname_first and name_key == words[0]):
                        return other
                elif kind == "ORG" and org_like:
                    prefix = other_key.startswith(name_key) and len(other_key) > len(name_key)
                    boundary = hangul or other_key[len(name_key) : len(name_key) + 1] == " "
                    # The last word of a longer name, or of a known name of two words (the
                    # National Assembly → the Assembly; not Campbell's Soup → Soup).
                    last_word = name_key == words[-1] and (
                        len(words) > 2 or (len(words) == 2 and other.entry is not None)
                    )
                    if (long_enough and prefix and boundary) or (last_word and not hangul):
                        return other
        return None


def find_mentions(
    title: str | None, body: str, language: str | None, gazetteer: Gazetteer
) -> list[Mention]:
    """Typed mentions in title + '\\n\\n' + body (offset into that string), short forms
    resolved to the full names the article uses, bylines and datelines left out."""
    text = f"{title or ''}\n\n{body or ''}"
    korean = language == "ko" if language else is_korean(text)
    tokens = tokenize_korean([text], gazetteer)[0] if korean else None
    return mentions_in(text, len(title or ""), korean, gazetteer, tokens)


def mentions_in(
    text: str,
    title_end: int,
    korean: bool,
    gazetteer: Gazetteer,
    tokens: Sequence[Any] | None,
    *,
    tagged: bool = True,
    english_tagger: Any | None = None,
) -> list[Mention]:
    """Mentions in an already joined text; Korean needs Kiwi's tokens of that text. Names
    come from the gazetteer and each language's CRF tagger (tagged=False: the rules alone;
    english_tagger: an English CRF to use instead of the shipped one)."""
    if korean:
        masks = _korean_masks(text)
        raw = _korean_candidates(text, tokens or (), gazetteer)
        if tagged:
            raw = _with_tagged(text, raw, tag_entities(text, tokens or (), gazetteer), gazetteer)
        raw = _with_country_letters(text, raw, tokens or (), gazetteer)
        mended: list[_Candidate] = []
        for c in raw:
            fixed = _korean_cleaned(c, tokens or (), gazetteer)
            mended.extend(fixed if isinstance(fixed, list) else [fixed] if fixed else [])
        candidates = _one_type_per_name([c for c in mended if _keep_korean(c)], title_end)
        candidates = sorted(
            candidates
            + _surname_short_forms(
                text,
                title_end,
                tokens or (),
                [c for c in candidates if not _overlaps(c.start, c.end, masks)],
            ),
            key=lambda c: c.start,
        )
        candidates = _bracketed_aliases(text, candidates)
    else:
        masks = _english_masks(text)
        raw = _english_candidates(text, title_end, gazetteer)
        if tagged:
            spans = tag_english(text, *_cues(raw), english_tagger)
            raw = _with_tagged_english(text, raw, spans, gazetteer)
        candidates = _kept_english(raw)
    candidates = [c for c in candidates if not _overlaps(c.start, c.end, masks)]
    candidates = _owners_as_teams(candidates)
    candidates = [replace(c, name=_display(c.name)) for c in candidates]
    return _resolve(candidates)


# Last words of a sports team's name after its owner's (한화 이글스, KIA Tigers, 울산 HD FC).
_TEAM_WORDS = frozenset(
    """이글스 타이거즈 라이온즈 트윈스 베어스 위즈 랜더스 자이언츠 다이노스 히어로즈 와이번스
    점퍼스 세이커스 소닉붐 썬더스 피버스 스카이워커스 빅스톰 블루팡스 점보스 드림즈
    eagles tigers lions twins bears wiz landers giants dinos heroes wyverns fc""".split()
)


def _owners_as_teams(candidates: list[_Candidate]) -> list[_Candidate]:
    """In an article that names a team after its owner (한화 이글스, KIA 타이거즈), the
    owner's name alone is the team (한화 강태민, KIA는 역전승): sports pages call teams so.
    Both must be known to the gazetteer, and only a mention spelled as the team's first
    words moves."""
    teams: dict[str, GazetteerEntry] = {}
    for c in candidates:
        words = c.name.split()
        if c.entry is not None and len(words) > 1 and words[-1].casefold() in _TEAM_WORDS:
            teams.setdefault(normalize_key(" ".join(words[:-1])), c.entry)
    if not teams:
        return candidates
    return [
        replace(c, entry=team)
        if c.entry is not None
        and (team := teams.get(normalize_key(c.name))) is not None
        and c.entry is not team
        and c.entry.entity_type == "ORG"
        else c
        for c in candidates
    ]


def _display(name: str) -> str:
    """A spelling as it should be stored: one space between words."""
    return re.sub(r"\s+", " ", name).strip()
