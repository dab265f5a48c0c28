"""Hostile input through the real parse entry points: each bad input is a reason, never a crash."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsetl import schema
from newsetl.documents import parse_raw
from newsetl.feeds import FeedError, read_listing
from newsetl.parse import ParsedDocument, ParseError, parse_html, parse_text_dump

PAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "extraction-benchmark" / "html"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
ARTICLE = (
    "<html><head><title>Chip exports rise</title></head><body><article>"
    + "<p>Samsung Electronics said chip exports rose again in November. "
    "반도체 수출이 다시 늘었다고 삼성전자가 밝혔다. </p>" * 12 + "</article></body></html>"
).encode()


def _a_page() -> bytes:
    files = sorted(PAGES.glob("*.html.gz"))
    return gzip.decompress(files[0].read_bytes()) if files else ARTICLE


PAGE = _a_page()


def _parsed_or_reason(call: object) -> str:
    """'ok' or the one-line reason; anything else escaping is the failure under test."""
    try:
        result = call()  # type: ignore[operator]
    except (ParseError, FeedError) as exc:
        reason = str(exc)
        assert reason and "\n" not in reason
        return reason
    assert isinstance(result, ParsedDocument) or hasattr(result, "links")
    return "ok"


def _tag_soup() -> st.SearchStrategy[bytes]:
    tags = st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div class='a'>",
            "</div>",
            "<article>",
            "<script>",
            "<!--",
            "-->",
            "<![CDATA[",
            "<table><tr><td>",
            "</td>",
            "<meta charset='euc-kr'>",
            "&#xD800;",
            "&amp",
            "<html>",
            "</html>",
            "<title>",
            "<br/>",
            "\x00",
            "\ufffd",
        ]
    )
    words = st.text(min_size=0, max_size=40)
    return st.lists(st.one_of(tags, words), max_size=80).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    )


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(PAGE)))
def test_truncated_pages_parse_or_give_a_reason(cut: int) -> None:
    _parsed_or_reason(lambda: parse_html(PAGE[:cut], url="https://example.com/a"))


@FUZZ
@given(junk=st.binary(max_size=4096))
def test_random_bytes_parse_or_give_a_reason(junk: bytes) -> None:
    _parsed_or_reason(lambda: parse_html(junk))
    _parsed_or_reason(lambda: parse_text_dump(junk, origin="fuzz.txt"))


@FUZZ
@given(soup=_tag_soup())
def test_malformed_markup_parses_or_gives_a_reason(soup: bytes) -> None:
    _parsed_or_reason(lambda: parse_html(ARTICLE[:200] + soup + ARTICLE[200:]))


@pytest.mark.parametrize("depth", [10, 1_000, 20_000])
def test_deep_nesting_parses_or_gives_a_reason(depth: int) -> None:
    page = ARTICLE.replace(b"<article>", b"<div>" * depth + b"<article>")
    _parsed_or_reason(lambda: parse_html(page))


@pytest.mark.parametrize("size", [1_000, 1_000_000])
def test_huge_attributes_parse_or_give_a_reason(size: int) -> None:
    page = ARTICLE.replace(b"<article>", b'<article data-x="' + b"x" * size + b'">')
    _parsed_or_reason(lambda: parse_html(page))


FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    + b"".join(
        b"<item><title>a</title><link>https://example.com/%d</link></item>" % i for i in range(20)
    )
    + b"</channel></rss>"
)
SITEMAP = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    + b"".join(b"<url><loc>https://example.com/%d</loc></url>" % i for i in range(20))
    + b"</urlset>"
)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(SITEMAP)), which=st.booleans())
def test_broken_feeds_and_sitemaps_give_a_reason(cut: int, which: bool) -> None:
    listing = (FEED if which else SITEMAP)[:cut]
    _parsed_or_reason(lambda: read_listing(listing, "https://example.com/"))


@FUZZ
@given(cut=st.integers(min_value=0, max_value=400), junk=st.binary(max_size=64))
def test_truncated_gzip_gives_a_reason(cut: int, junk: bytes) -> None:
    packed = gzip.compress(SITEMAP)[:cut] + junk
    _parsed_or_reason(lambda: read_listing(b"\x1f\x8b" + packed[2:], None))


def test_entity_bombs_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item><link>&b;</link>'
        b"</item></channel></rss>"
    )
    assert _parsed_or_reason(lambda: read_listing(bomb, None)) == (
        "feed declares XML entities; refused"
    )


@FUZZ
@given(
    contents=st.lists(
        st.one_of(st.binary(max_size=512), _tag_soup(), st.just(PAGE[:5000]), st.just(b"{")),
        min_size=1,
        max_size=6,
    ),
    kinds=st.lists(
        st.sampled_from(["html", "text", "jsonl", "feed", "pdf"]), min_size=6, max_size=6
    ),
)
def test_a_batch_of_bad_rows_records_every_row_with_an_outcome(
    contents: list[bytes], kinds: list[str]
) -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    raw = pl.DataFrame(
        [
            {
                "origin": f"fuzz-{i}",
                "final_url": f"fuzz-{i}",
                "kind": kinds[i],
                "source": "fuzz",
                "status": "ok",
                "http_status": None,
                "reason": None,
                "content_type": None,
                "content": content,
                "fetched_at": now,
            }
            for i, content in enumerate(contents)
        ],
        schema=schema.RAW_FETCHES,
    )
    documents, fetch_log = parse_raw(raw, "fuzz")
    assert fetch_log["origin"].to_list() == raw["origin"].to_list()
    failed = fetch_log.filter(pl.col("status") == "parse_failed")
    assert failed["reason"].null_count() == 0
    assert documents.height == fetch_log.filter(pl.col("status") == "parsed").height
