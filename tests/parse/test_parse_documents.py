"""parse_html and parse_text_dump end to end on the fixture pages and dumps."""

import logging
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsetl.parse import ParsedDocument, ParseError, clean_title, parse_html, parse_text_dump

FIXTURES = Path(__file__).parent / "fixtures"
RIVERSIDE_URL = (
    "https://www.riversidecourier.example/news/2026/11/24/council-approves-light-rail-plan"
)


def parse_fixture(
    name: str, url: str | None = None, content_type: str | None = None
) -> ParsedDocument:
    return parse_html((FIXTURES / name).read_bytes(), url=url, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "url", "content_type", "expected"),
    [
        pytest.param(
            "en_news_page.html",
            "HTTPS://WWW.RiversideCourier.example:443/news/2026/11/24/council-approves-light-rail-plan"
            "?utm_source=newsletter&fbclid=abc#comments",
            None,
            {
                "title": "City council approves $2.1 billion light-rail plan after 11-hour hearing",
                "author": "Jane Whitfield, Omar Haddad",
                "published_at": datetime(2026, 11, 24, 14, 15, tzinfo=UTC),
                "language": "en",
                "url": RIVERSIDE_URL,
            },
            id="english-page",
        ),
        pytest.param(
            "ko_news_jsonld.html",
            "https://news.hanbit.example/article/2026112414310001?ref=main_top&utm_campaign=push",
            None,
            {
                "title": "[날씨] 올겨울 첫 한파특보…내일 서울 아침 영하 9도",
                "author": "이서연",
                "published_at": datetime(2026, 11, 24, 5, 31, tzinfo=UTC),
                "language": "ko",
                "url": "https://news.hanbit.example/article/2026112414310001",
            },
            id="korean-utf8-json-ld",
        ),
        pytest.param(
            "ko_euckr_meta_http_equiv.html",
            "http://www.digitalhanbit.example/news/view.php?sec=it&idx=88123",
            None,
            {
                "title": "국립국어원, '햏자'·'뷁'…2000년대 인터넷 말 기록으로 남긴다",
                "author": "정하늘",
                "published_at": datetime(2026, 11, 24, 5, 31, tzinfo=UTC),
                "language": "ko",
                "url": "http://www.digitalhanbit.example/news/view.php?idx=88123&sec=it",
            },
            id="korean-euc-kr-table-layout",
        ),
        pytest.param(
            "ko_charset_from_header_only.html",
            "http://www.digitalhanbit.example/news/view.php?idx=88001",
            "text/html; charset=euc-kr",
            {
                "title": "동네 빵집 '똠방제과' 40년 만에 문 닫는다",
                "author": None,
                "published_at": datetime(2026, 11, 20, 1, 5, tzinfo=UTC),
                "language": "ko",
                "url": "http://www.digitalhanbit.example/news/view.php?idx=88001",
            },
            id="korean-charset-from-header",
        ),
        pytest.param(
            "ko_utf8_bom_wrong_meta.html",
            None,
            None,
            {
                "title": "제주 감귤 첫 수확…올해 당도 역대 최고 수준",
                "author": None,
                "published_at": datetime(2026, 11, 18, 0, 40, tzinfo=UTC),
                "language": "ko",
                "url": None,
            },
            id="korean-bom",
        ),
        pytest.param(
            "ja_shift_jis.html",
            None,
            None,
            {
                "title": "東京都、来年度から公立小中学校の給食費を無償化へ",
                "author": None,
                "published_at": datetime(2026, 11, 24, 14, 31, tzinfo=UTC),
                "language": "ja",
                "url": None,
            },
            id="japanese-shift-jis",
        ),
    ],
)
def test_parse_html_metadata(
    name: str, url: str | None, content_type: str | None, expected: dict[str, object]
) -> None:
    document = parse_fixture(name, url, content_type)

    assert {key: getattr(document, key) for key in expected} == expected


def test_english_body_keeps_the_story_and_drops_the_furniture() -> None:
    lines = parse_fixture("en_news_page.html", RIVERSIDE_URL).body.splitlines()

    assert lines[1] == (
        "RIVERSIDE — After a hearing that stretched past 1 a.m., the City Council voted 7–2 early "
        "Tuesday to approve a $2.1 billion light-rail line linking downtown with the airport and "
        "the "
        "fast-growing east side."
    )
    assert lines[-1] == "Jane Whitfield covers city hall. Omar Haddad covers transportation."
    for furniture in (
        "City council approves $2.1 billion light-rail plan after 11-hour hearing",
        "Updated 1:40 p.m. ET",
        "Advertisement",
        "Skip to main content",
        "Weather alert: Freeze warning in effect until 9 a.m. Wednesday",
        "Light-rail route map: see which streets the line will follow",
        "Freeze warning: what to do about your pipes tonight",
        "Editorial: The rail vote is the easy part",
        "Sign up for our newsletter",
        "© 2026 Riverside Courier Media LLC. All rights reserved.",
    ):
        assert furniture not in lines


def test_korean_body_drops_caption_ad_reporter_line_and_copyright() -> None:
    body = parse_fixture("ko_news_jsonld.html").body

    assert body.splitlines()[0] == (
        "기상청은 24일 오후 9시를 기해 서울과 경기 북부, 강원 내륙·산지에 올겨울 첫 한파주의보를 "
        "발령했다. "
        "한파주의보는 아침 최저기온이 전날보다 10도 이상 떨어져 3도 이하이고 평년값보다 3도 낮을 "
        "것으로 "
        "예상될 때 내려진다."
    )
    assert body.splitlines()[-1] == (
        "추위는 주 후반 차츰 풀리겠지만, 다음 주 초 다시 한 차례 강한 추위가 찾아올 가능성이 "
        "있다고 "
        "기상청은 내다봤다."
    )
    for furniture in ("광고", "이서연 기자 sylee@hanbit.example", "많이 본 뉴스", "관련기사", "ⓒ"):
        assert furniture not in body


def test_euc_kr_table_layout_body_is_paragraphs_with_cp949_syllables() -> None:
    lines = parse_fixture("ko_euckr_meta_http_equiv.html").body.splitlines()

    # The reporter's sign-off is a line of the story's own text block, so it stays with it.
    assert len(lines) == 5
    assert lines[4] == "정하늘 기자 sky@digitalhanbit.example"
    assert lines[3] == (
        "연구진은 똠방각하, 뷁어 같은 말이 어떻게 퍼지고 사그라졌는지도 함께 분석해 내년 상반기 중 "
        "누리집에 "
        "공개할 계획이다."
    )


def test_line_break_story_keeps_its_lines_whole_with_its_credits_and_sign_off() -> None:
    document = parse_fixture(
        "ko_column_line_breaks.html", "https://www.hanbitculture.example/column/20261124"
    )

    assert document.title == "골목 서점이 살아남는 법"
    assert document.published_at == datetime(2026, 11, 24, 0, 10, tzinfo=UTC)
    assert document.body.splitlines() == [
        "[한빛컬처=윤서진의 책방일기] 동네 골목의 작은 서점들이 다시 문을 열고 있다. 대형 "
        "온라인 서점과 가격으로 겨루는 대신, 주인이 직접 고른 책과 작은 모임으로 손님을 모으는 "
        "곳들이다.",
        "망원동의 한 서점은 매주 목요일 저녁 낭독회를 연다. 열 명 남짓 모이는 자리지만 한 번 온 "
        "손님은 대개 다음 주에도 온다고 주인은 말한다. 책을 사러 오는 곳이 아니라 이야기를 "
        "나누러 오는 곳이 된 셈이다.",
        "물론 임대료는 여전히 가장 큰 걱정거리다. 몇몇 서점은 음료를 팔거나 작업 공간을 "
        "빌려주며 버티고, 지방자치단체의 지역서점 인증 제도에 기대를 거는 곳도 있다.",
        "윤서진 칼럼니스트 sjyoon@hanbitculture.example",
        "[사진=한빛컬처 DB]",
        "저작권자 ⓒ 한빛컬처(www.hanbitculture.example), 무단전재 및 재배포금지",
    ]


def test_canonical_pointing_at_the_front_page_is_ignored() -> None:
    html = (FIXTURES / "ko_news_jsonld.html").read_text(encoding="utf-8")
    html = html.replace('href="/article/2026112414310001"', 'href="/"')
    html = html.replace(
        'content="https://news.hanbit.example/article/2026112414310001?ref=main_top"', ""
    )

    document = parse_html(
        html.encode("utf-8"),
        url="https://news.hanbit.example/article/2026112414310001?utm_source=x",
    )

    assert document.url == "https://news.hanbit.example/article/2026112414310001"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"", "empty", id="empty-bytes"),
        pytest.param(b" \r\n\t ", "empty", id="whitespace-only"),
        pytest.param(random.Random(20261124).randbytes(4096), "not html", id="random-binary"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00" + bytes(range(256)) * 4,
            "not html",
            id="png-image",
        ),
        pytest.param(
            b"\x1f\x8b\x08\x00" + bytes(range(1, 256)) * 8, "not html", id="gzip-not-inflated"
        ),
        pytest.param(
            "서울 아침 영하 9도. 기상청은 한파주의보를 발령했다.".encode() * 20,
            "not html",
            id="plain-text",
        ),
        pytest.param(
            (FIXTURES / "section_front_links_only.html").read_bytes(),
            "no article text",
            id="section-front-only-links",
        ),
        pytest.param(
            b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
            b"<p>The requested URL was not found on this server.</p></body></html>",
            "no article text",
            id="error-page",
        ),
    ],
)
def test_parse_html_rejects(content: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_html(content, url="https://news.example.com/a/1")

    assert str(raised.value) == reason


def test_a_page_without_a_story_is_one_reason_not_a_log_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fetch log records the page's reason; trafilatura's own "discarding data" warning
    for it does not reach the operator's log as well."""
    # A script-rendered page: nothing but an empty mount point until JavaScript runs.
    page = (
        b"<html><head><title>Live: markets</title></head><body><div id=app></div>"
        b"<script>window.__STATE__={};</script></body></html>"
    )
    with caplog.at_level(logging.WARNING), pytest.raises(ParseError, match="^no article text$"):
        parse_html(page, url="https://news.example.com/live/markets")

    assert [r for r in caplog.records if r.name.startswith("trafilatura")] == []


@pytest.mark.parametrize(
    ("title", "site_name", "url", "expected"),
    [
        pytest.param(
            "City council approves rail plan - Riverside Courier",
            "Riverside Courier",
            None,
            "City council approves rail plan",
            id="dash-site-name",
        ),
        pytest.param(
            "올겨울 첫 한파특보 | 한빛일보", None, None, "올겨울 첫 한파특보", id="pipe-site"
        ),
        pytest.param(
            "지하철 4호선 '유령 정차' 사흘째 < 사회 < 기사본문 - 한빛일보",
            None,
            None,
            "지하철 4호선 '유령 정차' 사흘째",
            id="korean-cms-breadcrumb-suffix",
        ),
        pytest.param(
            "국립국어원, 인터넷 말 기록으로 남긴다 :: 디지털한빛",
            None,
            None,
            "국립국어원, 인터넷 말 기록으로 남긴다",
            id="double-colon",
        ),
        pytest.param(
            "Samsung posts record chip profit - Reuters",
            None,
            None,
            "Samsung posts record chip profit",
            id="agency",
        ),
        pytest.param(
            "Hanbit Daily | Seoul braces for first cold wave",
            "Hanbit Daily",
            None,
            "Seoul braces for first cold wave",
            id="site-name-prefix",
        ),
        pytest.param(
            "Exports rebound - chipmakers lead the way in November",
            None,
            None,
            "Exports rebound - chipmakers lead the way in November",
            id="dash-inside-headline-kept",
        ),
        pytest.param(
            "서울 지하철 노조 오늘부터 파업 - HANBIT NEWS ONLINE",
            None,
            "https://news.hanbit.co.kr/article/1",
            "서울 지하철 노조 오늘부터 파업",
            id="site-label-from-host-name",
        ),
        pytest.param("  Seoul\n  braces  ", None, None, "Seoul braces", id="whitespace"),
        pytest.param(None, None, None, None, id="none"),
    ],
)
def test_clean_title(
    title: str | None, site_name: str | None, url: str | None, expected: str | None
) -> None:
    assert clean_title(title, site_name=site_name, url=url) == expected


def test_parse_text_dump_utf8_with_bom() -> None:
    content = b"\xef\xbb\xbf" + (FIXTURES / "dump_ko_portal_daum_style.txt").read_bytes()

    document = parse_text_dump(content, origin="files/dump_ko_portal_daum_style.txt")

    assert (
        document.title,
        document.author,
        document.published_at,
        document.language,
        document.url,
    ) == (
        "[단독] 지하철 4호선 '유령 정차' 사흘째…승객 300명 선로 위 대피",
        "박서연",
        datetime(2026, 11, 23, 21, 12, tzinfo=UTC),
        "ko",
        None,
    )


def test_parse_text_dump_in_cp949_is_detected() -> None:
    text = (FIXTURES / "dump_ko_portal_naver_style.txt").read_text(encoding="utf-8")

    document = parse_text_dump(text.encode("cp949"), origin="files/naver.txt")

    assert document.title == '"반도체가 끌었다"…11월 수출 6.2% 늘며 석 달 만에 반등'
    assert document.language == "ko"


def test_parse_text_dump_english() -> None:
    document = parse_text_dump(
        (FIXTURES / "dump_en_portal.txt").read_bytes(), origin="files/en.txt"
    )

    assert (document.author, document.language) == ("Daniel Cho", "en")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"\n \n", "empty", id="blank-lines"),
        pytest.param(
            (FIXTURES / "dump_portal_menus_only.txt").read_bytes(),
            "no article text",
            id="menus-only",
        ),
        pytest.param(b"\x00\x01\x02binary\x00" * 50, "not text", id="binary"),
    ],
)
def test_parse_text_dump_rejects(content: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_text_dump(content, origin="files/x.txt")

    assert str(raised.value) == reason
