"""The raw layer: every fetch and file read, kept so parsing can be re-run without the network.

Append-only Parquet under ``<work dir>/raw/date=YYYY-MM-DD/`` (the UTC day of `fetched_at`),
one file per extract call and day, never rewritten. Each row is a raw fetch
(schema.RAW_FETCHES: URL, final URL, status, the headers that matter, time, body) plus the
`run_id` that fetched it; bodies are zstd-compressed by Parquet.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from newsetl import schema
from newsetl.settings import Settings

RAW_LAYER: dict[str, pl.DataType] = {"run_id": pl.String(), **schema.RAW_FETCHES}
_PARTITION = re.compile(r"^date=(\d{4}-\d{2}-\d{2})$")


# Rows per Parquet row group of raw bodies: the writer holds one compressed group at a time,
# so a 100,000-page run does not hold a second copy of every body while it writes.
RAW_ROW_GROUP = 2000


def raw_root(settings: Settings) -> Path:
    return settings.work_dir / "raw"


def record_raw(frame: pl.DataFrame, settings: Settings, run_id: str) -> list[Path]:
    """Append a run's raw rows to the raw layer, one new file per day they were fetched on."""
    if frame.is_empty():
        return []
    rows = schema.conform(frame, schema.RAW_FETCHES).with_columns(
        pl.lit(run_id, dtype=pl.String()).alias("run_id")
    )
    rows = rows.select(list(RAW_LAYER))
    written = []
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)
    days = rows.get_column("fetched_at").dt.date().unique(maintain_order=True)
    if days.len() == 1:  # the usual case, without a grouped copy of every body
        groups: Iterable[tuple[tuple[Any, ...], pl.DataFrame]] = [((days[0],), rows)]
    else:
        groups = rows.group_by(pl.col("fetched_at").dt.date().alias("day"), maintain_order=True)
    for (day,), part in groups:
        folder = raw_root(settings) / f"date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        # A mapped extract writes several files for one run; a random tail keeps them apart.
        path = folder / f"{stem}__{secrets.token_hex(4)}.parquet"
        temp = path.with_suffix(".tmp")
        part.drop("day", strict=False).write_parquet(
            temp, compression="zstd", statistics=True, row_group_size=RAW_ROW_GROUP
        )
        temp.rename(path)
        written.append(path)
    return written


def raw_files(settings: Settings, since: date, until: date | None = None) -> list[Path]:
    """The raw layer's files for the days from `since` to `until` (inclusive)."""
    root = raw_root(settings)
    if not root.is_dir():
        return []
    last = until or datetime.now(UTC).date()
    files = []
    for folder in sorted(root.iterdir()):
        match = _PARTITION.match(folder.name)
        if match and since <= date.fromisoformat(match.group(1)) <= last:
            files.extend(sorted(folder.glob("*.parquet")))
    return files


def read_raw_layer(settings: Settings, since: date, until: date | None = None) -> pl.DataFrame:
    """Raw rows fetched between two days, the latest fetch of each origin with a body.

    A page fetched on several days is parsed once, from its newest copy; failed fetches and
    304s carry no body and are left out.
    """
    files = raw_files(settings, since, until)
    if not files:
        return pl.DataFrame(schema=RAW_LAYER)
    frame = pl.concat(
        [schema.conform(pl.read_parquet(path), RAW_LAYER) for path in files], how="vertical"
    )
    return (
        frame.filter((pl.col("status") == "ok") & pl.col("content").is_not_null())
        .sort("fetched_at", descending=True)
        .unique(subset="origin", keep="first", maintain_order=True)
        .sort("fetched_at")
    )
