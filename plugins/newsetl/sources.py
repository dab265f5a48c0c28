"""Sources (files, folders, URLs, feeds, sitemaps) and the extract step that reads them.

The extract step turns a list of sources into raw rows (schema.RAW_FETCHES): one per page
fetched, file read, JSONL line or listing (feed/sitemap), failures included with a reason.
Fetching is async and polite (see :mod:`newsetl.fetch`); a site's home page leads to the
feeds it announces and the sitemaps its robots.txt lists; with a state folder, a source
fetches only links it has not read before (or that its listing says changed), and revalidates
what it did read with conditional GETs.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from newsetl import schema
from newsetl.feeds import FeedError, ListingEntry, discover_feeds, read_listing, sniff_kind
from newsetl.fetch import Fetcher, FetchResult, Validators
from newsetl.settings import PROJECT_ROOT, Settings, parse_yaml
from newsetl.state import SourceState, load_state, save_state

FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl", ".xml": "listing"}
MAX_SITEMAP_DEPTH = 2

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Source:
    """One thing to read: a path or an http(s) URL, with an optional outlet name."""

    location: str
    name: str | None = None

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))

    @property
    def state_key(self) -> str:
        """What the source's remembered state is filed under."""
        return f"{self.name}={self.location}" if self.name else self.location


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
    document = parse_yaml(text) or {}
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


FRAME_ROWS = 5000


def collect(
    sources: Iterable[Source],
    settings: Settings,
    *,
    progress: Progress | None = None,
    state_dir: Path | None = None,
    save_state_to: Path | None = None,
) -> pl.DataFrame:
    """Read every source into raw rows; nothing raises for one bad source.

    With `state_dir`, each source remembers what it read there and reads only what is new:
    a URL source's links it read before are skipped and its pages fetched with a conditional
    GET; a file or folder source's files whose size and modification time are unchanged
    become `not_modified` rows without being read. The new state is written to
    `save_state_to` (default: `state_dir`); the pipeline writes it beside the run and moves
    it into place once the run is published, so a run that fails reads the same again.
    """
    frames = asyncio.run(
        _collect(list(sources), settings, progress, state_dir, save_state_to or state_dir)
    )
    if not frames:
        return schema.empty(schema.RAW_FETCHES)
    return pl.concat(frames, how="vertical", rechunk=False)


def _frame(rows: list[dict[str, Any]]) -> list[pl.DataFrame]:
    return [pl.DataFrame(rows, schema=schema.RAW_FETCHES)] if rows else []


async def _collect(
    sources: list[Source],
    settings: Settings,
    progress: Progress | None,
    state_dir: Path | None,
    save_to: Path | None,
) -> list[pl.DataFrame]:
    states = [
        load_state(state_dir, s.state_key) if state_dir else SourceState(s.state_key)
        for s in sources
    ]
    # The conditional-GET validators of URL sources; a file's version stays with its source.
    url_states = [state for state, source in zip(states, sources, strict=True) if source.is_url]
    validators: dict[str, Validators] = {}
    for state in url_states:
        validators.update(state.validators)
    seen: set[str] = set()
    say = progress or (lambda _msg: None)
    async with Fetcher(settings, validators=validators) as fetcher:
        readers = [_Reader(settings, fetcher, say, state, seen) for state in states]
        results = await asyncio.gather(
            *(reader.read(source) for reader, source in zip(readers, sources, strict=True))
        )
    if save_to is not None:
        for state in states:
            save_state(save_to, state)
    return [frame for frames in results for frame in frames]


class _Reader:
    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher,
        progress: Progress,
        state: SourceState,
        seen: set[str],
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.progress = progress
        self.state = state
        self.seen = seen

    async def read(self, source: Source) -> list[pl.DataFrame]:
        """The source's raw rows, as frames of about FRAME_ROWS rows: a folder of large
        JSONL files never sits in memory as Python objects all at once."""
        if source.is_url:
            return _frame(await self._read_url(source.location, source.name, depth=0))
        frames: list[pl.DataFrame] = []
        rows: list[dict[str, Any]] = []
        for row in self._read_path(source):
            rows.append(row)
            if row["kind"] in ("feed", "sitemap") and row["status"] == "ok":
                rows.extend(await self._read_local_listing(row))
            if len(rows) >= FRAME_ROWS:
                frames.extend(_frame(rows))
                rows = []
        return frames + _frame(rows)

    def _read_path(self, source: Source) -> Iterator[dict[str, Any]]:
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
            version = _file_version(path)
            if self.state.validators.get(origin) == version:
                yield _row(origin, kind, name, unchanged=True)
                return
            content = path.read_bytes()
            if path.suffix == ".gz":
                content = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            yield _row(origin, kind, name, reason=f"unreadable file: {exc}")
            return
        self.state.validators[origin] = version
        if kind == "jsonl":
            for number, line in enumerate(content.splitlines(), start=1):
                if line.strip():
                    yield _row(f"{origin}#L{number}", "jsonl", name, content=line)
            if not content.strip():
                yield _row(origin, "jsonl", name, reason="empty file")
            return
        if kind == "listing":
            try:
                listing_kind = read_listing(content, None, limit=1).kind
            except FeedError as exc:
                yield _row(origin, "listing", name, reason=str(exc), content=content)
                return
            yield _row(origin, listing_kind, name, content=content)
            return
        yield _row(origin, kind, name, content=content)

    async def _read_local_listing(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The pages a feed or sitemap file links to, fetched like a listing's."""
        listing = read_listing(row["content"], None, limit=self.settings.max_feed_entries)
        rows: list[dict[str, Any]] = []
        for nested in await asyncio.gather(
            *(self._read_url(url, row["source"], 1) for url in listing.sitemaps)
        ):
            rows.extend(nested)
        rows.extend(await self._fetch_entries(listing.entries, row["origin"], row["source"]))
        return rows

    async def _read_url(
        self, url: str, name: str | None, depth: int, entry: ListingEntry | None = None
    ) -> list[dict[str, Any]]:
        if url in self.seen:
            return []
        self.seen.add(url)
        result = await self.fetcher.fetch(url)
        self.progress(f"fetched {url} ({_outcome(result)})")
        self.state.remember(result, entry.version if entry else None)
        if not result.ok or result.content is None:
            return [_fetch_row(result, "html", name or _host(url), entry)]
        kind = sniff_kind(result.content, result.content_type)
        if kind == "html":
            if depth == 0 and _is_home_page(result.final_url):
                found = await self._discover(result)
                if found:
                    rows = [_fetch_row(result, "home", name or _host(result.final_url))]
                    for nested in await asyncio.gather(
                        *(self._read_url(u, name, depth + 1) for u in found)
                    ):
                        rows.extend(nested)
                    return rows
            return [_fetch_row(result, "html", name or _host(result.final_url), entry)]
        return await self._read_listing(result, name, depth)

    async def _discover(self, home: FetchResult) -> tuple[str, ...]:
        """Feeds the home page announces, else the sitemaps its robots.txt lists."""
        assert home.content is not None
        feeds = discover_feeds(home.content, home.final_url)
        if feeds:
            return feeds
        parts = urlsplit(home.final_url)
        rules = await self.fetcher.robots(f"{parts.scheme}://{parts.netloc}")
        return tuple(dict.fromkeys(rules.sitemaps)) if rules is not None else ()

    async def _read_listing(
        self, result: FetchResult, name: str | None, depth: int
    ) -> list[dict[str, Any]]:
        assert result.content is not None
        try:
            listing = read_listing(
                result.content, result.final_url, limit=self.settings.max_feed_entries
            )
        except FeedError as exc:
            return [
                _row(
                    result.url,
                    "listing",
                    name,
                    reason=str(exc),
                    content=result.content,
                    result=result,
                )
            ]
        rows = [_row(result.url, listing.kind, name, content=result.content, result=result)]
        if depth < MAX_SITEMAP_DEPTH:
            for nested in await asyncio.gather(
                *(self._read_url(url, name, depth + 1) for url in listing.sitemaps)
            ):
                rows.extend(nested)
        rows.extend(await self._fetch_entries(listing.entries, result.final_url, name))
        return rows

    async def _fetch_entries(
        self, entries: Iterable[ListingEntry], where: str, name: str | None
    ) -> list[dict[str, Any]]:
        """Fetch the links not read before (or listed with a newer date), concurrently."""
        entries = list(entries)
        fresh = [
            entry
            for entry in entries
            if entry.url not in self.seen and self.state.is_new(entry.url, entry.version)
        ]
        skipped = len(entries) - len(fresh)
        if skipped:
            self.progress(f"{where}: {skipped} links read before or listed twice")
        self.seen.update(entry.url for entry in fresh)
        fetched = await self.fetcher.fetch_many(entry.url for entry in fresh)
        rows = []
        for entry, page in zip(fresh, fetched, strict=True):
            self.progress(f"fetched {page.url} ({_outcome(page)})")
            self.state.remember(page, entry.version)
            rows.append(_fetch_row(page, "html", name or _host(page.final_url), entry))
        return rows


def _file_version(path: Path) -> Validators:
    """A file's version, kept like an HTTP validator: its size and modification time."""
    stat = path.stat()
    return Validators(etag=f"{stat.st_size}-{stat.st_mtime_ns}")


def _file_kind(path: Path) -> str | None:
    suffixes = path.suffixes
    if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1:
        return FILE_KINDS.get(suffixes[-2].lower())
    return FILE_KINDS.get(path.suffix.lower())


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host.removeprefix("www.")


def _is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _outcome(result: FetchResult) -> str:
    if result.not_modified:
        return "not modified"
    return result.reason or str(result.http_status)


def _fetch_row(
    result: FetchResult, kind: str, name: str | None, entry: ListingEntry | None = None
) -> dict[str, Any]:
    row = _row(result.url, kind, name, reason=result.reason, content=result.content, result=result)
    if entry is not None:
        row["listed_at"] = entry.published_at or entry.modified_at
    return row


def _row(
    origin: str,
    kind: str,
    name: str | None,
    *,
    reason: str | None = None,
    content: bytes | None = None,
    result: FetchResult | None = None,
    unchanged: bool = False,
) -> dict[str, Any]:
    if reason:
        status = "error"
    elif unchanged or (result is not None and result.not_modified):
        status = "not_modified"
    else:
        status = "ok"
    return {
        "origin": origin,
        "final_url": result.final_url if result else origin,
        "kind": kind,
        "source": name,
        "status": status,
        "http_status": result.http_status if result else None,
        "reason": reason,
        "content_type": result.content_type if result else None,
        "content": content,
        "fetched_at": datetime.now(UTC),
        "headers": json.dumps(result.headers, sort_keys=True) if result else None,
        "elapsed_ms": round(result.elapsed * 1000) if result else None,
        "attempts": result.attempts if result else None,
        "listed_at": None,
    }
