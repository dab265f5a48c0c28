"""Sources (files, folders, URLs, feeds, sitemaps) and the extract step that reads them.

The extract step turns a list of sources into raw rows (schema.RAW_FETCHES): one per page
fetched, file read, JSONL line or listing (feed/sitemap), failures included with a reason.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl
import yaml

from newsetl import schema
from newsetl.feeds import FeedError, read_listing, sniff_kind
from newsetl.fetch import Fetcher, FetchResult
from newsetl.settings import PROJECT_ROOT, Settings

FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl", ".xml": "listing"}
MAX_SITEMAP_DEPTH = 2
FETCH_WORKERS = 8

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Source:
    """One thing to read: a path or an http(s) URL, with an optional outlet name."""

    location: str
    name: str | None = None

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


def parse_source_args(args: Iterable[str]) -> list[Source]:
    """CLI arguments as sources; `name=location` names the outlet."""
    sources = []
    for arg in args:
        name, sep, location = arg.partition("=")
        if sep and not name.startswith(("http", "/", ".")) and "/" not in name:
            sources.append(Source(location, name))
        else:
            sources.append(Source(arg))
    return sources


def load_sources_file(path: Path, substitutions: dict[str, str] | None = None) -> list[Source]:
    """Sources from a YAML file (`sources: [{name, url | path}]`); paths relative to the project."""
    text = path.read_text(encoding="utf-8")
    for key, value in (substitutions or {}).items():
        text = text.replace("{{" + key + "}}", value)
    document = yaml.safe_load(text) or {}
    sources = []
    for item in document.get("sources", []):
        if "url" in item:
            sources.append(Source(str(item["url"]), item.get("name")))
        elif "path" in item:
            location = Path(item["path"])
            if not location.is_absolute():
                location = PROJECT_ROOT / location
            sources.append(Source(str(location), item.get("name")))
        else:
            raise ValueError(f"{path}: a source needs `url` or `path`: {item}")
    return sources


def collect(
    sources: Iterable[Source],
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Read every source into raw rows; nothing raises for one bad source."""
    own = fetcher is None
    client = fetcher or Fetcher(settings)
    reader = _Reader(settings, client, progress or (lambda _msg: None))
    try:
        rows = [row for source in sources for row in reader.read(source)]
    finally:
        if own:
            client.close()
    if not rows:
        return schema.empty(schema.RAW_FETCHES)
    return pl.DataFrame(rows, schema=schema.RAW_FETCHES)


class _Reader:
    def __init__(self, settings: Settings, fetcher: Fetcher, progress: Progress) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.progress = progress
        self.seen: set[str] = set()

    def read(self, source: Source) -> Iterator[dict[str, Any]]:
        if source.is_url:
            yield from self._read_url(source.location, source.name, depth=0)
            return
        path = Path(source.location).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _file_kind(p))
            if not files:
                yield _row(str(path), "file", source.name or path.name, reason="no readable files")
            for file in files:
                yield from self._read_file(file, source.name or path.name)
        elif path.exists():
            yield from self._read_file(path, source.name or path.parent.name)
        else:
            yield _row(str(path), "file", source.name, reason="no such file or directory")

    def _read_file(self, path: Path, name: str | None) -> Iterator[dict[str, Any]]:
        kind = _file_kind(path)
        origin = str(path.resolve())
        if kind is None:
            yield _row(origin, "file", name, reason=f"unsupported file type {path.suffix!r}")
            return
        try:
            content = path.read_bytes()
            if path.suffix == ".gz":
                content = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            yield _row(origin, kind, name, reason=f"unreadable file: {exc}")
            return
        if kind == "jsonl":
            for number, line in enumerate(content.splitlines(), start=1):
                if line.strip():
                    yield _row(f"{origin}#L{number}", "jsonl", name, content=line)
            if not content.strip():
                yield _row(origin, "jsonl", name, reason="empty file")
            return
        if kind == "listing":
            yield from self._read_listing(origin, content, None, name, depth=0)
            return
        yield _row(origin, kind, name, content=content)

    def _read_url(self, url: str, name: str | None, depth: int) -> Iterator[dict[str, Any]]:
        if url in self.seen:
            return
        self.seen.add(url)
        result = self.fetcher.fetch(url)
        self.progress(f"fetched {url} ({result.reason or result.http_status})")
        if not result.ok or result.content is None:
            yield _fetch_row(result, "html", name or _host(url))
            return
        kind = sniff_kind(result.content, result.content_type)
        if kind == "html":
            yield _fetch_row(result, "html", name or _host(result.final_url))
            return
        yield from self._read_listing(result.final_url, result.content, result, name, depth)

    def _read_listing(
        self,
        origin: str,
        content: bytes,
        result: FetchResult | None,
        name: str | None,
        depth: int,
    ) -> Iterator[dict[str, Any]]:
        base = result.final_url if result else None
        try:
            listing = read_listing(content, base, limit=self.settings.max_feed_entries)
        except FeedError as exc:
            yield _row(origin, "listing", name, reason=str(exc), content=content, result=result)
            return
        yield _row(origin, listing.kind, name, content=content, result=result)
        if depth < MAX_SITEMAP_DEPTH:
            for nested in listing.sitemaps:
                yield from self._read_url(nested, name, depth + 1)
        links = [link for link in listing.links if link not in self.seen]
        self.seen.update(links)
        with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
            for result_ in pool.map(self.fetcher.fetch, links):
                self.progress(f"fetched {result_.url} ({result_.reason or result_.http_status})")
                yield _fetch_row(result_, "html", name or _host(result_.final_url))


def _file_kind(path: Path) -> str | None:
    suffixes = path.suffixes
    if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1:
        return FILE_KINDS.get(suffixes[-2].lower())
    return FILE_KINDS.get(path.suffix.lower())


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host.removeprefix("www.")


def _fetch_row(result: FetchResult, kind: str, name: str | None) -> dict[str, Any]:
    return _row(result.url, kind, name, reason=result.reason, content=result.content, result=result)


def _row(
    origin: str,
    kind: str,
    name: str | None,
    *,
    reason: str | None = None,
    content: bytes | None = None,
    result: FetchResult | None = None,
) -> dict[str, Any]:
    return {
        "origin": origin,
        "final_url": result.final_url if result else origin,
        "kind": kind,
        "source": name,
        "status": "error" if reason else "ok",
        "http_status": result.http_status if result else None,
        "reason": reason,
        "content_type": result.content_type if result else None,
        "content": content,
        "fetched_at": datetime.now(UTC),
    }
