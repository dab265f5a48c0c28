"""Links out of RSS 0.9x/1.0/2.0, Atom and JSON feeds and XML sitemaps, with their dates.

Also finds a site's feeds on its home page (`<link rel="alternate">`). Feeds and sitemaps
come from strangers: XML entity declarations are refused, gzip is capped.
"""

from __future__ import annotations

import calendar
import gzip
import io
import json
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from lxml import etree

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "text/xml",
        "application/xml",
    }
)

# No entity expansion, no network, no giant trees: feeds come from strangers.
_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, recover=False
)


class FeedError(ValueError):
    """A feed or sitemap that could not be read; the message is the one-line reason."""


@dataclass(frozen=True)
class ListingEntry:
    """One link of a feed or sitemap, with the dates the listing gave for it (UTC)."""

    url: str
    published_at: datetime | None = None  # news:publication_date, pubDate, date_published
    modified_at: datetime | None = None  # lastmod, atom:updated, date_modified

    @property
    def version(self) -> datetime | None:
        """The newest date the listing gives: a later one means the page changed."""
        dates = [d for d in (self.published_at, self.modified_at) if d is not None]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Listing:
    """What a feed or sitemap points at: article entries, or further sitemaps to read."""

    kind: str  # feed | sitemap
    entries: tuple[ListingEntry, ...]
    sitemaps: tuple[str, ...] = ()

    @property
    def links(self) -> tuple[str, ...]:
        return tuple(entry.url for entry in self.entries)


def sniff_kind(content: bytes, content_type: str | None = None) -> str:
    """'feed', 'sitemap' or 'html' from the first bytes (and the media type as a hint)."""
    if content[:2] == b"\x1f\x8b":
        content = _gunzip(content)
    head = content[:2048].lstrip().lower()
    media = (content_type or "").split(";")[0].strip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
        return "feed"
    if media in ("application/feed+json", "application/json") or (
        head.startswith(b"{") and b"jsonfeed.org" in head
    ):
        return "feed"
    return "html"


def read_listing(content: bytes, base_url: str | None, *, limit: int = 500) -> Listing:
    """Article links (and nested sitemaps) of a feed or sitemap; raises FeedError."""
    if content[:2] == b"\x1f\x8b":
        content = _gunzip(content)
    if sniff_kind(content) == "sitemap":
        return _read_sitemap(content, base_url, limit)
    return _read_feed(content, base_url, limit)


def _read_feed(content: bytes, base_url: str | None, limit: int) -> Listing:
    if content.lstrip()[:1] == b"{":
        return _read_json_feed(content, base_url, limit)
    _refuse_entities(content)
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError(f"unreadable feed: {parsed.get('bozo_exception')}")
    entries: list[ListingEntry] = []
    for entry in parsed.entries[:limit]:
        link = entry.get("link") or entry.get("id")
        if isinstance(link, str) and link.strip():
            entries.append(
                ListingEntry(
                    urljoin(base_url or "", link.strip()),
                    _from_struct(dict.get(entry, "published_parsed")),
                    _from_struct(dict.get(entry, "updated_parsed")),
                )
            )
    return Listing("feed", _unique(entries))


def _read_json_feed(content: bytes, base_url: str | None, limit: int) -> Listing:
    """JSON Feed 1.x (feedparser reads only XML feeds)."""
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"unreadable JSON feed: {exc}") from exc
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise FeedError("JSON feed has no items list")
    entries = []
    for item in items[:limit]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if isinstance(link, str) and link.strip():
            entries.append(
                ListingEntry(
                    urljoin(base_url or "", link.strip()),
                    parse_w3c_datetime(item.get("date_published")),
                    parse_w3c_datetime(item.get("date_modified")),
                )
            )
    return Listing("feed", _unique(entries))


def _read_sitemap(content: bytes, base_url: str | None, limit: int) -> Listing:
    _refuse_entities(content)
    try:
        root = etree.fromstring(content, _SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"unreadable sitemap: {exc}") from exc
    entries: list[ListingEntry] = []
    for item in root:
        if not isinstance(item.tag, str):
            continue
        loc = _child_text(item, "loc", SITEMAP_NS)
        if not loc:
            continue
        news = item.find(f"{NEWS_NS}news")
        published = _child_text(news, "publication_date", NEWS_NS) if news is not None else None
        entries.append(
            ListingEntry(
                urljoin(base_url or "", loc),
                parse_w3c_datetime(published),
                parse_w3c_datetime(_child_text(item, "lastmod", SITEMAP_NS)),
            )
        )
        if len(entries) >= limit:
            break
    if etree.QName(root).localname == "sitemapindex":
        return Listing("sitemap", (), tuple(dict.fromkeys(entry.url for entry in entries)))
    return Listing("sitemap", _unique(entries))


def discover_feeds(html: bytes, base_url: str) -> tuple[str, ...]:
    """Feeds a page announces with `<link rel="alternate" type="application/rss+xml">`."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html[: 512 * 1024])
    except (etree.ParserError, ValueError):
        return ()
    found = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        media = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and media in FEED_TYPES and href:
            found.append(urljoin(base_url, href))
    return tuple(dict.fromkeys(found))


def parse_w3c_datetime(value: object) -> datetime | None:
    """A sitemap/feed date ('2026-11-24', '2026-11-24T10:20:03+09:00', '...Z') in UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _child_text(element: etree._Element, name: str, namespace: str) -> str | None:
    child = element.find(f"{namespace}{name}")
    if child is None:
        child = element.find(name)
    text = (child.text or "").strip() if child is not None else ""
    return text or None


def _from_struct(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def _unique(entries: list[ListingEntry]) -> tuple[ListingEntry, ...]:
    """The first entry per URL, in listing order."""
    first: dict[str, ListingEntry] = {}
    for entry in entries:
        first.setdefault(entry.url, entry)
    return tuple(first.values())


def _refuse_entities(content: bytes) -> None:
    # A DTD that declares entities is how billion-laughs and external-entity attacks start;
    # no honest feed or sitemap needs one.
    if b"<!ENTITY" in content.upper():
        raise FeedError("feed declares XML entities; refused")


def _gunzip(content: bytes, limit: int = 50 * 1024 * 1024) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"bad gzip: {exc}") from exc
    if len(data) > limit:
        raise FeedError("gzip expands past the size cap")
    return data
