from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from newsetl.feeds import FeedError, ListingEntry, discover_feeds, read_listing, sniff_kind

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>A</title><link>https://news.example.com/a?utm_source=rss</link></item>
<item><title>B</title><link>/b</link></item>
<item><title>A again</title><link>https://news.example.com/a?utm_source=rss</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>One</title><link href="https://news.example.com/one"/><id>urn:1</id></entry>
</feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J",
"items": [{"id": "1", "url": "https://news.example.com/j1", "content_text": "x"}]}"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example.kr/ko/1.html</loc><lastmod>2026-11-24</lastmod></url>
<url><loc> https://news.example.kr/ko/2.html </loc></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example.kr/sitemap-1.xml</loc></sitemap>
</sitemapindex>"""

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><item><link>&lol2;</link></item></channel></rss>"""


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        pytest.param(RSS, "feed", id="rss"),
        pytest.param(ATOM, "feed", id="atom"),
        pytest.param(JSON_FEED, "feed", id="json-feed"),
        pytest.param(SITEMAP, "sitemap", id="sitemap"),
        pytest.param(gzip.compress(SITEMAP), "sitemap", id="gzipped-sitemap"),
        pytest.param(b"<!doctype html><html><body>hi</body></html>", "html", id="html"),
    ],
)
def test_sniff_kind(content: bytes, kind: str) -> None:
    assert sniff_kind(content) == kind


def test_rss_links_are_absolute_and_unique() -> None:
    listing = read_listing(RSS, "https://news.example.com/feed.xml")
    assert listing.links == (
        "https://news.example.com/a?utm_source=rss",
        "https://news.example.com/b",
    )


def test_atom_and_json_feed_links() -> None:
    assert read_listing(ATOM, None).links == ("https://news.example.com/one",)
    assert read_listing(JSON_FEED, None).links == ("https://news.example.com/j1",)


def test_sitemap_and_index() -> None:
    assert read_listing(SITEMAP, None).links == (
        "https://news.example.kr/ko/1.html",
        "https://news.example.kr/ko/2.html",
    )
    index = read_listing(SITEMAP_INDEX, None)
    assert index.links == ()
    assert index.sitemaps == ("https://news.example.kr/sitemap-1.xml",)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(ENTITY_BOMB, "feed declares XML entities; refused", id="entity-bomb"),
        pytest.param(b"\x1f\x8b\x08\x00garbage", "bad gzip", id="truncated-gzip"),
        pytest.param(b"<urlset><url><loc>x</loc></url", "unreadable sitemap", id="broken-sitemap"),
    ],
)
def test_bad_listings_raise_with_reason(content: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        read_listing(content, None)


RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="0.91"><channel><title>Old wire</title><link>https://old.example.com/</link>
<item><title>Caf\xe9 strike</title><link>https://old.example.com/story/17</link></item>
</channel></rss>"""

RSS_10 = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://blog.example.kr/"><title>RDF</title></channel>
<item rdf:about="https://blog.example.kr/2026/11/24/post"><title>\xea\xb8\x80</title>
<link>https://blog.example.kr/2026/11/24/post</link><dc:date>2026-11-24T09:00:00+09:00</dc:date></item>
</rdf:RDF>"""

DATED_RSS = b"""<rss version="2.0"><channel><title>W</title>
<item><link>https://w.example.com/1</link><pubDate>Tue, 24 Nov 2026 10:05:00 +0900</pubDate></item>
</channel></rss>"""

DATED_ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><link href="https://w.example.com/2"/><id>urn:2</id>
<published>2026-11-24T01:00:00Z</published><updated>2026-11-24T03:30:00Z</updated></entry>
</feed>"""

DATED_JSON = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
{"id": "3", "url": "https://w.example.com/3", "date_published": "2026-11-24T09:00:00+09:00"}]}"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example.kr/article/881</loc>
<news:news><news:publication><news:name>Hanbit</news:name><news:language>ko</news:language>
</news:publication><news:publication_date>2026-11-24T14:31:00+09:00</news:publication_date>
<news:title>budget</news:title></news:news></url>
<url><loc>https://news.example.kr/article/880</loc><lastmod>2026-11-23</lastmod></url>
</urlset>"""


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("content", "links"),
    [
        pytest.param(RSS_091, ("https://old.example.com/story/17",), id="rss-0.91"),
        pytest.param(RSS_10, ("https://blog.example.kr/2026/11/24/post",), id="rss-1.0-rdf"),
    ],
)
def test_old_rss_versions(content: bytes, links: tuple[str, ...]) -> None:
    assert sniff_kind(content) == "feed"
    assert read_listing(content, None).links == links


@pytest.mark.parametrize(
    ("content", "entry"),
    [
        pytest.param(
            DATED_RSS,
            ListingEntry("https://w.example.com/1", utc("2026-11-24T01:05:00+00:00"), None),
            id="rss-pubdate",
        ),
        pytest.param(
            DATED_ATOM,
            ListingEntry(
                "https://w.example.com/2",
                utc("2026-11-24T01:00:00+00:00"),
                utc("2026-11-24T03:30:00+00:00"),
            ),
            id="atom-published-updated",
        ),
        pytest.param(
            DATED_JSON,
            ListingEntry("https://w.example.com/3", utc("2026-11-24T00:00:00+00:00"), None),
            id="json-feed",
        ),
    ],
)
def test_feed_entries_carry_their_dates(content: bytes, entry: ListingEntry) -> None:
    assert read_listing(content, None).entries == (entry,)


def test_news_sitemap_publication_date_and_lastmod() -> None:
    listing = read_listing(gzip.compress(NEWS_SITEMAP), None)
    assert listing.entries == (
        ListingEntry("https://news.example.kr/article/881", utc("2026-11-24T05:31:00+00:00")),
        ListingEntry("https://news.example.kr/article/880", None, utc("2026-11-23T00:00:00+00:00")),
    )
    assert listing.entries[0].version == utc("2026-11-24T05:31:00+00:00")


def test_entity_declarations_anywhere_in_a_sitemap_are_refused() -> None:
    padded = SITEMAP.replace(b"<urlset", b"<!-- " + b"x" * 10_000 + b" -->\n<urlset", 1)
    bomb = padded.replace(b"<urlset", b'<!DOCTYPE u [<!ENTITY a "b">]><urlset', 1)
    with pytest.raises(FeedError, match="declares XML entities"):
        read_listing(bomb, None)


def test_feeds_announced_by_a_home_page() -> None:
    home = b"""<html><head>
    <link rel="alternate" type="application/rss+xml" title="All" href="/rss/all.xml">
    <link rel="alternate" type="application/atom+xml" href="https://cdn.example.com/atom.xml">
    <link rel="alternate" hreflang="en" href="/en/">
    <link rel="stylesheet" type="text/css" href="/s.css">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    </head><body></body></html>"""
    assert discover_feeds(home, "https://news.example.com/") == (
        "https://news.example.com/rss/all.xml",
        "https://cdn.example.com/atom.xml",
        "https://news.example.com/feed.json",
    )
