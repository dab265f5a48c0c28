"""Links out of RSS/Atom/JSON feeds and XML sitemaps."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser
from lxml import etree

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# No entity expansion, no network, no giant trees: feeds come from strangers.
_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, recover=False
)


class FeedError(ValueError):
    """A feed or sitemap that could not be read; the message is the one-line reason."""


@dataclass(frozen=True)
class Listing:
    """What a feed or sitemap points at: article links, or further sitemaps to read."""

    kind: str  # feed | sitemap
    links: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()


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
    if b"<!ENTITY" in content[:8192].upper():
        raise FeedError("feed declares XML entities; refused")
    parsed = feedparser.parse(content)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError(f"unreadable feed: {parsed.get('bozo_exception')}")
    links: list[str] = []
    for entry in parsed.entries[:limit]:
        link = entry.get("link") or entry.get("id")
        if isinstance(link, str) and link.strip():
            links.append(urljoin(base_url or "", link.strip()))
    return Listing("feed", tuple(dict.fromkeys(links)))


def _read_json_feed(content: bytes, base_url: str | None, limit: int) -> Listing:
    """JSON Feed 1.x (feedparser reads only XML feeds)."""
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"unreadable JSON feed: {exc}") from exc
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise FeedError("JSON feed has no items list")
    links = []
    for item in items[:limit]:
        link = item.get("url") or item.get("external_url") if isinstance(item, dict) else None
        if isinstance(link, str) and link.strip():
            links.append(urljoin(base_url or "", link.strip()))
    return Listing("feed", tuple(dict.fromkeys(links)))


def _read_sitemap(content: bytes, base_url: str | None, limit: int) -> Listing:
    try:
        root = etree.fromstring(content, _SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"unreadable sitemap: {exc}") from exc
    locs = [
        urljoin(base_url or "", (loc.text or "").strip())
        for loc in root.iter(f"{SITEMAP_NS}loc", "loc")
        if (loc.text or "").strip()
    ][:limit]
    if etree.QName(root).localname == "sitemapindex":
        return Listing("sitemap", (), tuple(dict.fromkeys(locs)))
    return Listing("sitemap", tuple(dict.fromkeys(locs)))


def _gunzip(content: bytes, limit: int = 50 * 1024 * 1024) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise FeedError(f"bad gzip: {exc}") from exc
    if len(data) > limit:
        raise FeedError("gzip expands past the size cap")
    return data
