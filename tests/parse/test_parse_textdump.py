"""Stories out of browser text dumps of portal pages."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsetl.parse import ParseError
from newsetl.textdump import DumpArticle, clean_author, clean_text_dump, prose_weight

FIXTURES = Path(__file__).parent / "fixtures"


def dump(name: str) -> DumpArticle:
    return clean_text_dump((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "title", "author", "published_at"),
    [
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            '"반도체가 끌었다"…11월 수출 6.2% 늘며 석 달 만에 반등',
            "김민준",
            datetime(2026, 11, 24, 5, 31, tzinfo=UTC),
            id="ko-naver-style",
        ),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "[단독] 지하철 4호선 '유령 정차' 사흘째…승객 300명 선로 위 대피",
            "박서연",
            datetime(2026, 11, 23, 21, 12, tzinfo=UTC),
            id="ko-daum-style",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "Korea’s chipmakers ride AI boom as November exports hit a record",
            "Daniel Cho",
            datetime(2026, 11, 24, 5, 31, tzinfo=UTC),
            id="en-portal",
        ),
    ],
)
def test_dump_metadata(name: str, title: str, author: str, published_at: datetime) -> None:
    article = dump(name)

    assert (article.title, article.author, article.published_at) == (title, author, published_at)


NAVER_BODY = [
    "11월 수출이 반도체 호조에 힘입어 석 달 만에 증가세로 돌아섰다. 대중(對中) 수출도 14개월 만에 "
    "플러스로 전환하며 연말 수출 회복에 대한 기대가 커지고 있다.",
    "산업통상자원부가 24일 발표한 '11월 1~20일 수출입 현황'에 따르면 이 기간 수출액은 382억 달러로 "
    "지난해 같은 기간보다 6.2% 증가했다. 조업일수를 고려한 일평균 수출액도 4.8% 늘었다.",
    "품목별로는 반도체 수출이 118억 달러로 21.3% 급증하며 전체 증가세를 이끌었다. "
    "고대역폭메모리(HBM)와 "
    "서버용 DDR5 등 고부가 제품 수요가 이어진 영향이다. 반면 석유제품(-12.4%)과 철강(-7.9%)은 단가 "
    "하락으로 부진했다.",
    "■ 대중 수출 14개월 만에 증가",
    "국가별로는 중국 수출이 5.1% 늘어 지난해 9월 이후 처음으로 증가했다. 미국(3.2%)과 아세안(8.7%) "
    "수출도 함께 늘었다.",
    '정부는 연간 수출 7000억 달러 달성이 가능할 것으로 내다봤다. 산업부 관계자는 "12월에도 '
    '반도체 업황 개선이 이어질 것으로 보여 연간 목표 달성에는 무리가 없을 것"이라고 말했다.',
    "다만 전문가들은 환율 변동성과 미국의 관세 정책을 변수로 꼽았다. 한 민간연구소 연구위원은 "
    '"원·달러 환율이 1400원대에서 등락하고 있어 수출 기업의 채산성은 오히려 나빠질 수 '
    '있다"고 지적했다.',
]


def test_naver_style_body_is_exactly_the_story_paragraphs() -> None:
    assert dump("dump_ko_portal_naver_style.txt").body == "\n".join(NAVER_BODY)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "[서울=한빛일보] 박서연 기자 = 서울 지하철 4호선 열차가 신호 장애로 역과 역 사이에 "
            "멈춰 서는 "
            "이른바 '유령 정차'가 사흘째 이어졌다. 24일 출근길에는 승객 300여 명이 선로로 내려 "
            "걸어서 "
            "대피하는 일까지 벌어졌다.",
            id="ko-daum-lead-with-dateline",
        ),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            '승객 불편은 컸다. 직장인 이모(34)씨는 "안내 방송도 없이 20분 넘게 갇혀 있었다"며 '
            '"지각 사유서를 또 써야 한다"고 말했다.',
            id="ko-daum-quote-paragraph",
        ),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "서울시는 이날 오후 긴급 점검 회의를 열고 4호선 전 구간에 대한 신호 설비 전수 조사에 "
            "착수했다.",
            id="ko-daum-last-paragraph",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "SEOUL — South Korea’s semiconductor exports jumped 21% in the first 20 days of "
            "November "
            "from a year earlier, customs data showed on Monday, as demand for chips used in "
            "artificial-intelligence servers showed no sign of cooling.",
            id="en-lead",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "“We are seeing customers lock in supply for the whole of next year,” said Park "
            "Ji-won, a "
            "semiconductor analyst at Hanmaru Securities in Seoul. “That has not happened since "
            "the "
            "smartphone boom.”",
            id="en-quote-after-ad-slot",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "The trade ministry will publish full-month November data on Dec. 1.",
            id="en-short-last-paragraph",
        ),
    ],
)
def test_dump_keeps_story_paragraphs_whole(name: str, kept: str) -> None:
    assert kept in dump(name).body.splitlines()


@pytest.mark.parametrize(
    ("name", "dropped"),
    [
        pytest.param("dump_ko_portal_naver_style.txt", "본문 바로가기", id="naver-skip-link"),
        pytest.param("dump_ko_portal_naver_style.txt", "생활/문화", id="naver-menu"),
        pytest.param(
            "dump_ko_portal_naver_style.txt", "구독자 12,408", id="naver-subscriber-count"
        ),
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            "텍스트 음성 변환 서비스 사용하기",
            id="naver-tts-widget",
        ),
        pytest.param("dump_ko_portal_naver_style.txt", "SNS 보내기", id="naver-share"),
        pytest.param(
            "dump_ko_portal_naver_style.txt", "산업통상자원부 제공", id="naver-photo-credit"
        ),
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            "김민준 기자 mjkim@hanbit-econ.example",
            id="naver-reporter-email",
        ),
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            "Copyright ⓒ 한빛경제. All rights reserved. 무단 전재 및 재배포, AI 학습 이용 금지.",
            id="naver-copyright",
        ),
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            "기사의 섹션 정보는 해당 언론사의 분류를 따르고 있습니다. 언론사는 개별 기사를 2개 "
            "이상 섹션으로 "
            "중복 분류할 수 있습니다.",
            id="naver-section-notice",
        ),
        pytest.param("dump_ko_portal_naver_style.txt", "많이 본 뉴스", id="naver-ranking-heading"),
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            '"월급 빼고 다 올랐다"…직장인 점심값 평균 1만원 돌파',
            id="naver-ranking-item",
        ),
        pytest.param(
            "dump_ko_portal_naver_style.txt",
            "경제는 좋아진다는데 체감은 전혀 안 됩니다. 장바구니 물가부터 잡아주세요.",
            id="naver-comment",
        ),
        pytest.param("dump_ko_portal_naver_style.txt", "ⓒ NAVER Corp.", id="naver-footer"),
        pytest.param("dump_ko_portal_daum_style.txt", "글씨크기 조절하기", id="daum-font-widget"),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "24일 오전 서울 지하철 4호선 열차가 멈춰 서 있다. /사진=독자 제공",
            id="daum-photo-caption",
        ),
        pytest.param("dump_ko_portal_daum_style.txt", "광고", id="daum-ad-slot"),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "<저작권자 ⓒ 한빛일보, 무단전재 및 재배포 금지>",
            id="daum-copyright",
        ),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "이 기사에 대해 어떻게 생각하시나요?",
            id="daum-reaction-prompt",
        ),
        pytest.param("dump_ko_portal_daum_style.txt", "#지하철4호선", id="daum-tag"),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            '"월세 130만원인데 곰팡이가"…신축 오피스텔 하자 분쟁 급증',
            id="daum-recommendation",
        ),
        pytest.param(
            "dump_ko_portal_daum_style.txt",
            "출근길마다 이게 무슨 일인지 모르겠네요. 책임자 처벌하세요.",
            id="daum-comment",
        ),
        pytest.param("dump_en_portal.txt", "Sign in", id="en-login"),
        pytest.param("dump_en_portal.txt", "Share on X", id="en-share"),
        pytest.param("dump_en_portal.txt", "4 min read", id="en-read-time"),
        pytest.param(
            "dump_en_portal.txt", "Story continues below advertisement", id="en-ad-notice"
        ),
        pytest.param(
            "dump_en_portal.txt",
            "Read more: Why memory prices are rising again",
            id="en-inline-promo",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "Reporting by Daniel Cho; Editing by Priya Natarajan",
            id="en-credit",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "Fed officials signal patience as inflation cools further",
            id="en-recommended",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "1. Holiday travel: airlines add 400 flights as storms ease",
            id="en-most-read",
        ),
        pytest.param(
            "dump_en_portal.txt",
            "This is what happens when a whole economy bets on one product. Good luck when the "
            "cycle turns.",
            id="en-comment",
        ),
        pytest.param(
            "dump_en_portal.txt", "© 2026 Lumen Media Inc. All rights reserved.", id="en-footer"
        ),
    ],
)
def test_dump_drops_page_furniture(name: str, dropped: str) -> None:
    body = dump(name).body

    assert dropped not in body.splitlines()
    assert dropped not in body


def test_headline_found_without_a_subtitle_line() -> None:
    text = (FIXTURES / "dump_en_portal.txt").read_text(encoding="utf-8")
    without_dek = "\n".join(
        line for line in text.splitlines() if not line.startswith("Samsung and SK hynix shipped")
    )

    assert clean_text_dump(without_dek).title == (
        "Korea’s chipmakers ride AI boom as November exports hit a record"
    )


def test_dump_with_windows_line_endings_and_nbsp() -> None:
    text = (FIXTURES / "dump_ko_portal_daum_style.txt").read_text(encoding="utf-8")
    messy = text.replace("\n", "\r\n").replace("승객 불편은 컸다. ", "승객 불편은\u00a0컸다.  ")

    article = clean_text_dump(messy)

    assert article.body.splitlines()[3].startswith("승객 불편은 컸다. 직장인 이모(34)씨는")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            (FIXTURES / "dump_portal_menus_only.txt").read_text(encoding="utf-8"),
            id="menus-and-ranking",
        ),
        pytest.param("", id="empty"),
        pytest.param("로그인\n구독\n공유하기\n댓글 12\n", id="widgets-only"),
    ],
)
def test_dump_without_a_story_raises(text: str) -> None:
    with pytest.raises(ParseError, match="^no article text$"):
        clean_text_dump(text)


@pytest.mark.parametrize(
    ("raw", "site_name", "expected"),
    [
        pytest.param("김민준 기자", None, "김민준", id="ko-reporter"),
        pytest.param(
            "김민준 기자 mjkim@hanbit-econ.example", None, "김민준", id="ko-reporter-email"
        ),
        pytest.param("[한빛일보] 박서연 기자", None, "박서연", id="ko-bracketed-outlet"),
        pytest.param(
            "[서울=한빛일보] 박서연 기자 = 서울 지하철", None, "박서연", id="ko-wire-lead"
        ),
        pytest.param("이서연·정하늘 기자", None, "이서연·정하늘", id="ko-two-reporters"),
        pytest.param("워싱턴=최지훈 특파원", None, "최지훈", id="ko-correspondent-with-city"),
        pytest.param("By Jane Whitfield", None, "Jane Whitfield", id="en-by"),
        pytest.param("By Daniel Cho, Harbor Wire", None, "Daniel Cho", id="en-by-with-agency"),
        pytest.param(
            "Jane Whitfield; Omar Haddad",
            None,
            "Jane Whitfield, Omar Haddad",
            id="en-semicolon-list",
        ),
        pytest.param(
            "Omar Haddad | Riverside Courier", "Riverside Courier", "Omar Haddad", id="en-site-name"
        ),
        pytest.param("Kim Min-jun, Staff Reporter", None, "Kim Min-jun", id="en-role"),
        pytest.param("한빛일보", "한빛일보", None, id="site-name-only"),
        pytest.param("sylee@hanbit.example", None, None, id="email-only"),
        pytest.param("", None, None, id="empty"),
    ],
)
def test_clean_author(raw: str, site_name: str | None, expected: str | None) -> None:
    assert clean_author(raw, site_name) == expected


def test_prose_weight_counts_prose_lines_and_wide_characters_twice() -> None:
    english = "The council voted on Tuesday to approve the plan for the new line."
    korean = "시의회는 화요일 새 노선 계획을 승인했다고 밝혔다."
    text = "\n".join([english, "Share this article", korean])

    assert prose_weight(text) == len(english) + 2 * len(korean) - korean.count(" ") - 1


def test_prose_weight_stops_once_it_has_enough() -> None:
    line = "The council voted on Tuesday to approve the plan for the new line."
    text = "\n".join([line] * 5)

    assert prose_weight(text) == 5 * len(line)
    assert prose_weight(text, enough=len(line) + 1) == 2 * len(line)
