"""Publication times from page metadata and Korean/English date text."""

from datetime import UTC, datetime

import pytest

from newsetl.dates import parse_datetime_text, parse_published


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("입력 2026.11.24 오후 2:31", utc(2026, 11, 24, 5, 31), id="ko-input-pm"),
        pytest.param("입력 2026.11.24 오전 12:05", utc(2026, 11, 23, 15, 5), id="ko-midnight-am"),
        pytest.param("입력 2026.11.24 오후 12:40", utc(2026, 11, 24, 3, 40), id="ko-noon-pm"),
        pytest.param(
            "입력2026.11.24. 오후 2:31  수정2026.11.24. 오후 3:05 기사원문",
            utc(2026, 11, 24, 5, 31),
            id="ko-portal-input-before-update",
        ),
        pytest.param(
            "수정 2026.11.25 09:10 | 입력 2026.11.24 14:31",
            utc(2026, 11, 24, 5, 31),
            id="ko-labelled-input-preferred-over-earlier-update",
        ),
        pytest.param("입력 2026. 11. 24. 06:12", utc(2026, 11, 23, 21, 12), id="ko-spaced-dots"),
        pytest.param(
            "2026년 11월 24일 오후 2시 31분", utc(2026, 11, 24, 5, 31), id="ko-hangul-units"
        ),
        pytest.param("송고시간2026-11-24 14:31", utc(2026, 11, 24, 5, 31), id="ko-wire-label"),
        pytest.param("2026-11-24 14:31", utc(2026, 11, 24, 14, 31), id="naive-iso-is-default-utc"),
        pytest.param("2026-11-24T14:31:00+09:00", utc(2026, 11, 24, 5, 31), id="iso-offset"),
        pytest.param(
            "2026-11-24T14:31:00.000+0900", utc(2026, 11, 24, 5, 31), id="iso-basic-offset"
        ),
        pytest.param("2026-11-24T05:31:00Z", utc(2026, 11, 24, 5, 31), id="iso-zulu"),
        pytest.param("Nov. 24, 2026 2:31 p.m. KST", utc(2026, 11, 24, 5, 31), id="en-kst"),
        pytest.param(
            "Published: November 24, 2026 at 9:05 a.m. ET",
            utc(2026, 11, 24, 14, 5),
            id="en-eastern",
        ),
        pytest.param("Tue, 24 Nov 2026 14:31:00 +0900", utc(2026, 11, 24, 5, 31), id="rfc-2822"),
        pytest.param(
            "24 November 2026 14:31 GMT", utc(2026, 11, 24, 14, 31), id="en-day-month-year"
        ),
        pytest.param("Posted 11/24/2026 10:00 PM EST", utc(2026, 11, 25, 3, 0), id="en-us-numeric"),
        pytest.param("Nov. 24, 2026", utc(2026, 11, 24), id="date-only"),
        pytest.param(
            "2026년 11월 24일", utc(2026, 11, 23, 15, 0), id="ko-date-only-is-kst-midnight"
        ),
        pytest.param("no date here", None, id="no-date"),
        pytest.param("", None, id="empty"),
        pytest.param("2026.13.45 25:99", None, id="impossible-date"),
    ],
)
def test_parse_datetime_text(text: str, expected: datetime | None) -> None:
    assert parse_datetime_text(text) == expected


def test_parse_datetime_text_default_zone_applies_to_naive_times() -> None:
    assert parse_datetime_text("2026-11-24 14:31", default_tz="Asia/Seoul") == utc(
        2026, 11, 24, 5, 31
    )


def test_parse_datetime_text_keeps_explicit_offset_over_default_zone() -> None:
    assert parse_datetime_text("2026-11-24T14:31:00-05:00", default_tz="Asia/Seoul") == utc(
        2026, 11, 24, 19, 31
    )


def page(head: str = "", body: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{lang_attr}><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("html", "language", "expected"),
    [
        pytest.param(
            page(
                head='<script type="application/ld+json">{"@context":"https://schema.org",'
                '"@type":"NewsArticle","datePublished":"2026-11-24T14:31:00+09:00"}</script>'
                '<meta property="article:published_time" content="2026-11-20T00:00:00Z">'
            ),
            "ko",
            utc(2026, 11, 24, 5, 31),
            id="json-ld-before-meta",
        ),
        pytest.param(
            page(
                head='<script type="application/ld+json">{"@graph":[{"@type":"WebPage",'
                '"datePublished":"2026-01-01"},{"@type":["NewsArticle"],'
                '"datePublished":"2026-11-24T09:15:00-05:00"}]}</script>'
            ),
            "en",
            utc(2026, 11, 24, 14, 15),
            id="json-ld-graph-prefers-the-article",
        ),
        pytest.param(
            page(head='<meta property="article:published_time" content="2026-11-24 14:31:00">'),
            "ko",
            utc(2026, 11, 24, 5, 31),
            id="naive-meta-on-korean-page-is-kst",
        ),
        pytest.param(
            page(head='<meta property="article:published_time" content="2026-11-24 14:31:00">'),
            "en",
            utc(2026, 11, 24, 14, 31),
            id="naive-meta-on-english-page-is-utc",
        ),
        pytest.param(
            page(
                head='<meta property="article:published_time" content="2026-11-24 14:31:00">',
                body="<p>Published Nov. 24, 2026 2:31 p.m. KST</p>",
            ),
            "en",
            utc(2026, 11, 24, 5, 31),
            id="naive-meta-on-english-page-with-kst-marker",
        ),
        pytest.param(
            page(head='<meta property="og:regDate" content="20261124143100">', lang="ko"),
            None,
            utc(2026, 11, 24, 5, 31),
            id="og-regdate-compact-on-lang-ko-page",
        ),
        pytest.param(
            page(head='<meta name="pubdate" content="2026-11-24T14:31:00+09:00">'),
            None,
            utc(2026, 11, 24, 5, 31),
            id="name-pubdate",
        ),
        pytest.param(
            page(
                body='<span itemprop="datePublished" content="2026-11-24T14:31:00+09:00">'
                "11월 24일</span>"
            ),
            "ko",
            utc(2026, 11, 24, 5, 31),
            id="itemprop-on-span",
        ),
        pytest.param(
            page(
                body='<ul><li><time datetime="2026-11-01T08:00:00Z">Nov 1</time></li></ul>'
                '<time class="published" datetime="2026-11-24T09:15:00-05:00">Nov. 24</time>'
            ),
            "en",
            utc(2026, 11, 24, 14, 15),
            id="time-marked-published-first",
        ),
        pytest.param(
            page(
                body='<div class="info">정하늘 기자 | 입력 2026.11.24 오후 2:31 | 조회 1,482</div>'
            ),
            "ko",
            utc(2026, 11, 24, 5, 31),
            id="korean-text-pattern",
        ),
        pytest.param(
            page(body="<p>2026.11.25(수) 오늘의 날씨</p><p>기사입력 2026.11.24 14:31</p>"),
            "ko",
            utc(2026, 11, 24, 5, 31),
            id="labelled-text-beats-earlier-unlabelled-date",
        ),
        pytest.param(
            page(body="<script>var d = '2020-01-01 00:00';</script><p>No date in this page.</p>"),
            "en",
            None,
            id="script-text-ignored",
        ),
        pytest.param("", "en", None, id="empty-page"),
    ],
)
def test_parse_published(html: str, language: str | None, expected: datetime | None) -> None:
    assert parse_published(html, language=language) == expected
