"""Replaying kept raw fetches: how a backfill reprocesses a past interval offline.

Every fetch is kept in the raw layer (`newsetl.raw`, one row per fetch with the `run_id`
that made it); runs also keep their own parts under their folder. A backfill run for the
data interval [start, end) takes the raw rows of the earlier runs that covered that
interval, and, from runs that had no interval (manual runs without a logical date, the
CLI), the rows fetched within it. Rows of backfill runs are never replayed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from newsetl import schema
from newsetl.settings import Settings


@dataclass(frozen=True)
class KeptRun:
    folder: Path
    run_id: str
    run_type: str | None
    start: datetime | None
    end: datetime | None

    @property
    def names(self) -> list[str]:
        """The run id, and the folder name the raw layer records it under."""
        return [self.run_id, self.folder.name]


def kept_runs(settings: Settings) -> list[KeptRun]:
    """Run folders still kept under the work folder, with what their run.json says."""
    kept = []
    for folder in sorted((settings.work_dir / "runs").glob("*")):
        info = folder / "run.json"
        data = json.loads(info.read_text(encoding="utf-8")) if info.exists() else {}
        kept.append(
            KeptRun(
                folder,
                data.get("run_id", folder.name),
                data.get("run_type"),
                _parse(data.get("data_interval_start")),
                _parse(data.get("data_interval_end")),
            )
        )
    return kept


def raw_for_interval(
    settings: Settings,
    start: datetime | None,
    end: datetime | None,
    exclude: Path | None = None,
) -> list[Path]:
    """Kept raw files holding rows that belong to the data interval [start, end)."""
    runs = [run for run in kept_runs(settings) if run.folder != exclude]
    files = _raw_layer_files(settings, start)
    if files is None:  # no raw layer: each run's own parts
        files = [
            path
            for run in runs
            if run.run_type != "backfill"
            for path in sorted((run.folder / "raw").glob("part-*.parquet"))
        ]
    return [
        path for path in files if _select(path, runs, start, end).select(pl.len()).collect().item()
    ]


def copy_raw(source: Path, run_dir: Path, shard: int, settings: Settings) -> Path:
    """The rows of one kept raw file that belong to `run_dir`'s interval → raw/part-<shard>."""
    this = next((run for run in kept_runs(settings) if run.folder == run_dir), None)
    start, end = (this.start, this.end) if this else (None, None)
    runs = [run for run in kept_runs(settings) if run.folder != run_dir]
    rows = _select(source, runs, start, end).collect()
    out = run_dir / "raw" / f"part-{shard:04d}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    schema.conform(rows, schema.RAW_FETCHES).write_parquet(out, compression="zstd")
    return out


def _raw_layer_files(settings: Settings, start: datetime | None) -> list[Path] | None:
    try:
        from newsetl.raw import raw_files, raw_root
    except ImportError:
        return None
    if not raw_root(settings).is_dir():
        return None
    # A run covering an interval fetches after it, possibly days later: from its first day on.
    return raw_files(settings, start.date() if start else datetime.min.date())


def _select(
    path: Path, runs: list[KeptRun], start: datetime | None, end: datetime | None
) -> pl.LazyFrame:
    """Rows of `path` that a backfill of [start, end) replays."""
    frame = pl.scan_parquet(path)
    if "run_id" not in frame.collect_schema().names():
        # A run's own part: all of it, or none, as its run.json says.
        owner = next((run for run in runs if run.folder in path.parents), None)
        keep = owner is not None and owner.run_type != "backfill"
        if keep and owner is not None and owner.start is not None and owner.end is not None:
            keep = _overlaps(owner.start, owner.end, start, end)
        elif keep:
            return _fetched_within(frame, start, end)
        return frame if keep else frame.head(0)
    backfills = [name for run in runs if run.run_type == "backfill" for name in run.names]
    timed = [run for run in runs if run.start is not None and run.end is not None]
    covering = [
        name
        for run in timed
        if run.run_type != "backfill" and _overlaps(run.start, run.end, start, end)  # type: ignore[arg-type]
        for name in run.names
    ]
    run_id = pl.col("run_id")
    in_time = pl.lit(True)
    if start is not None:
        in_time = in_time & (pl.col("fetched_at") >= start)
    if end is not None:
        in_time = in_time & (pl.col("fetched_at") < end)
    timed_names = [name for run in timed for name in run.names]
    untimed = ~run_id.is_in(timed_names) & ~run_id.str.starts_with("backfill__")
    return frame.filter(~run_id.is_in(backfills) & (run_id.is_in(covering) | (untimed & in_time)))


def _fetched_within(
    frame: pl.LazyFrame, start: datetime | None, end: datetime | None
) -> pl.LazyFrame:
    if start is not None:
        frame = frame.filter(pl.col("fetched_at") >= start)
    if end is not None:
        frame = frame.filter(pl.col("fetched_at") < end)
    return frame


def _overlaps(
    run_start: datetime, run_end: datetime, start: datetime | None, end: datetime | None
) -> bool:
    if run_start == run_end:  # an instant, e.g. a cron trigger without an interval
        return (start is None or run_start >= start) and (end is None or run_start < end)
    return (start is None or run_end > start) and (end is None or run_start < end)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
