from __future__ import annotations

import gzip

import pytest
from newsetl.feeds import FeedError, read_listing, sniff_kind

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
