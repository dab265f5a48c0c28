"""The parse step's row work: raw fetches in, documents and a fetch log out."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import polars as pl

from newsetl import schema
from newsetl.dates import parse_datetime_text
from newsetl.language import detect_language
from newsetl.parse import (
    EXTRACTOR_VERSION,
    ParsedDocument,
    ParseError,
    parse_html,
    parse_text_dump,
)
from newsetl.urls import canonicalize_url

FETCH_LOG: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "origin": pl.String(),
    "final_url": pl.String(),
    "kind": pl.String(),
    "source": pl.String(),
    "status": pl.String(),  # parsed | listing | unchanged | fetch_failed | parse_failed
    "http_status": pl.Int32(),
    "reason": pl.String(),
    "fetched_at": schema.UTC_TS,
    "extractor_version": pl.String(),
}

LISTING_KINDS = frozenset({"feed", "sitemap", "listing", "home"})
# The raw rows that became documents, by fingerprint (newsetl.pipeline.record_loaded).
FINGERPRINTS: dict[str, pl.DataType] = {"origin": pl.String(), "fingerprint": pl.String()}
FINGERPRINTED = ("origin", "final_url", "kind", "source", "content_type")  # and content


def raw_fingerprint(row: dict[str, Any]) -> str:
    """What a raw row's parse depends on (the code's version, where the row came from, its
    bytes), hashed."""
    from newsetl import __version__

    digest = hashlib.sha256(f"{__version__}/{EXTRACTOR_VERSION}".encode())
    for key in FINGERPRINTED:
        digest.update(b"\x00" + (row[key] or "").encode("utf-8", "surrogatepass"))
    digest.update(b"\x00" + (row["content"] or b""))
    return digest.hexdigest()


def parse_raw(raw: pl.DataFrame, run_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents (schema.DOCUMENTS) and one fetch-log row per raw row, with its outcome.

    The pages are parsed over the machine's cores (newsetl.workers); the output is the same
    whatever the number of workers."""
    documents, log, _fingerprints = parse_raw_with_fingerprints(raw, run_id)
    return documents, log


def parse_raw_with_fingerprints(
    raw: pl.DataFrame, run_id: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """parse_raw, and the raw_fingerprint of each row that became a document (FINGERPRINTS),
    taken by the workers while they hold the row's bytes."""
    from newsetl.workers import has_kept_workers, map_shares

    rows = list(raw.iter_rows(named=True))
    to_parse = [
        index
        for index, row in enumerate(rows)
        if row["status"] == "ok" and row["kind"] not in LISTING_KINDS
    ]
    if not has_kept_workers() and any(rows[index]["kind"] == "html" for index in to_parse):
        # Imported once here, shared by the workers map_shares forks. Workers kept for the
        # whole run were forked before and import it themselves.
        import trafilatura  # noqa: F401
    outcomes = dict(
        zip(to_parse, map_shares(_parse_rows, [rows[i] for i in to_parse]), strict=True)
    )
    documents: list[dict[str, Any]] = []
    fingerprints: list[dict[str, Any]] = []
    log: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        entry = {key: row[key] for key in ("origin", "final_url", "kind", "source", "http_status")}
        entry.update(
            run_id=run_id,
            fetched_at=row["fetched_at"],
            reason=row["reason"],
            extractor_version=EXTRACTOR_VERSION,
        )
        if row["status"] == "not_modified":
            entry["status"] = "unchanged"
        elif row["status"] != "ok":
            entry["status"] = "fetch_failed"
        elif row["kind"] in LISTING_KINDS:
            entry["status"] = "listing"
        else:
            document, failure, fingerprint = outcomes[index]
            if document is not None:
                documents.append(document)
                fingerprints.append({"origin": row["origin"], "fingerprint": fingerprint})
                entry["status"] = "parsed"
            else:
                entry.update(status="parse_failed", reason=failure)
        log.append(entry)
    docs = (
        pl.DataFrame(documents, schema=schema.DOCUMENTS)
        if documents
        else schema.empty(schema.DOCUMENTS)
    )
    return (
        docs,
        pl.DataFrame(log, schema=FETCH_LOG) if log else schema.empty(FETCH_LOG),
        pl.DataFrame(fingerprints, schema=FINGERPRINTS),
    )


_Outcome = tuple[dict[str, Any] | None, str | None, str | None]


def _parse_rows(rows: list[dict[str, Any]]) -> list[_Outcome]:
    """(document, None, its raw_fingerprint) or (None, reason, None) for each raw row: a
    worker's share of parse_raw."""
    outcomes: list[_Outcome] = []
    for row in rows:
        try:
            outcomes.append((parse_row(row), None, raw_fingerprint(row)))
        except ParseError as exc:
            outcomes.append((None, str(exc), None))
    return outcomes


def parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """One raw row as a document; raises ParseError with a one-line reason."""
    content: bytes = row["content"] or b""
    kind = row["kind"]
    is_url = str(row["final_url"] or "").startswith(("http://", "https://"))
    external_id = None
    source = row["source"]
    if kind == "html":
        parsed = parse_html(
            content, url=row["final_url"] if is_url else None, content_type=row["content_type"]
        )
    elif kind == "text":
        parsed = parse_text_dump(content, origin=row["origin"])
    elif kind == "jsonl":
        parsed, external_id, source = parse_jsonl_line(content, default_source=source)
    else:
        raise ParseError(f"cannot parse a {kind!r} row")
    if not parsed.body.strip():
        raise ParseError("empty body")
    return {
        "origin": row["origin"],
        "url": parsed.url,
        "source": source,
        "external_id": external_id,
        "title": parsed.title,
        "author": parsed.author,
        # The page's own date wins; a news sitemap's publication_date fills in when it has none.
        "published_at": parsed.published_at or _utc(row.get("listed_at")),
        "fetched_at": row["fetched_at"],
        "language": parsed.language,
        "body": parsed.body,
        "extractor_version": EXTRACTOR_VERSION,
    }


def parse_jsonl_line(
    line: bytes, *, default_source: str | None
) -> tuple[ParsedDocument, str | None, str | None]:
    """A JSONL article: `body` required; id, url, title, author, published_at, source, language."""
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"invalid JSON: {exc.__class__.__name__}") from exc
    if not isinstance(record, dict):
        raise ParseError("JSON line is not an object")
    body = record.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ParseError("JSON article has no body")
    published = _published(record.get("published_at"))
    url = record.get("url")
    language = record.get("language") or detect_language(body)
    parsed = ParsedDocument(
        title=_text(record.get("title")),
        author=_text(record.get("author")),
        published_at=published,
        language=str(language).lower()[:2] if language else None,
        body=body.strip(),
        url=canonicalize_url(url) if isinstance(url, str) and url.startswith("http") else None,
    )
    external = record.get("id")
    return (
        parsed,
        str(external) if external is not None else None,
        _text(record.get("source")) or default_source,
    )


def _published(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_datetime_text(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
