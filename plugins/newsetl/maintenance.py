"""Housekeeping the news_maintenance DAG runs: raw retention and compaction, the
warehouse checkpoint, and pruning of old quality records.

Ages are counted from `now`, which the DAG passes as its data interval's end, so a
re-run of the same day does the same thing.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from newsetl.settings import Settings

log = logging.getLogger("newsetl")

# Intermediate files a run no longer needs once it is a day old: its raw parts are enough
# to replay it.
INTERMEDIATE = ("documents.parquet", "fetch_log.parquet", "tables", "validated", "raw.parquet")


@dataclass(frozen=True)
class Retention:
    """How long things are kept, from NEWSETL_*_DAYS variables."""

    raw_days: int = 30
    compact_after_days: int = 1
    quality_days: int = 90

    @classmethod
    def from_env(cls) -> Retention:
        env = os.environ
        return cls(
            raw_days=int(env.get("NEWSETL_RAW_RETENTION_DAYS", cls.raw_days)),
            compact_after_days=int(env.get("NEWSETL_COMPACT_AFTER_DAYS", cls.compact_after_days)),
            quality_days=int(env.get("NEWSETL_QUALITY_RETENTION_DAYS", cls.quality_days)),
        )


def _age_reference(folder: Path) -> datetime:
    return datetime.fromtimestamp(folder.stat().st_mtime, UTC)


def prune_runs(settings: Settings, now: datetime, retention: Retention) -> dict[str, int]:
    """Delete run folders past retention; compact older ones down to one raw file."""
    removed = compacted = 0
    for folder in sorted((settings.work_dir / "runs").glob("*")):
        if not folder.is_dir():
            continue
        age = now - _age_reference(folder)
        if age > timedelta(days=retention.raw_days):
            shutil.rmtree(folder)
            removed += 1
        elif age > timedelta(days=retention.compact_after_days) and compact_run(folder):
            compacted += 1
    log.info("maintenance: %d run folders removed, %d compacted", removed, compacted)
    return {"removed": removed, "compacted": compacted}


def prune_raw_layer(settings: Settings, now: datetime, retention: Retention) -> dict[str, int]:
    """The raw layer (newsetl.raw): drop days past retention, merge closed days to one file."""
    import re

    removed = compacted = 0
    root = settings.work_dir / "raw"
    for folder in sorted(root.glob("date=*")) if root.is_dir() else []:
        match = re.fullmatch(r"date=(\d{4}-\d{2}-\d{2})", folder.name)
        if not match:
            continue
        age = now.date() - datetime.fromisoformat(match.group(1)).date()
        files = sorted(folder.glob("*.parquet"))
        if age > timedelta(days=retention.raw_days):
            shutil.rmtree(folder)
            removed += 1
        elif age > timedelta(days=retention.compact_after_days) and len(files) > 1:
            merged = pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")
            staging = folder / ".compacted.tmp"
            merged.write_parquet(staging, compression="zstd", compression_level=9, statistics=True)
            for file in files:
                file.unlink()
            staging.rename(folder / f"compacted__{folder.name}.parquet")
            compacted += 1
    log.info("maintenance: raw layer: %d days removed, %d compacted", removed, compacted)
    return {"removed": removed, "compacted": compacted}


def compact_run(folder: Path) -> bool:
    """Merge a run's raw parts into one file and drop what can be rebuilt from them."""
    parts = sorted((folder / "raw").glob("part-*.parquet"))
    legacy = folder / "raw.parquet"
    if legacy.exists():
        parts.append(legacy)
    leftovers = [folder / name for name in INTERMEDIATE if (folder / name).exists()]
    if len(parts) <= 1 and not [p for p in leftovers if p != legacy]:
        return False
    if parts:
        merged = pl.concat([pl.read_parquet(p) for p in parts], how="vertical_relaxed")
        staging = folder / "raw" / ".compacting.parquet"
        staging.parent.mkdir(exist_ok=True)
        merged.write_parquet(staging, compression="zstd", compression_level=9)
        for part in parts:
            part.unlink()
        staging.rename(folder / "raw" / "part-0000.parquet")
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return True


def checkpoint_warehouse(settings: Settings) -> None:
    """Fold the working database's WAL into its file (the next publish copies less)."""
    from newsetl import warehouse

    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        try:
            con.execute("force checkpoint")
        finally:
            con.close()
    log.info("maintenance: working warehouse checkpointed")


def prune_quality(settings: Settings, now: datetime, retention: Retention) -> dict[str, int]:
    """Delete validation results and quarantine rows older than the quality retention."""
    from newsetl import warehouse

    cutoff = now - timedelta(days=retention.quality_days)
    deleted: dict[str, int] = {}
    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        try:
            con.execute("begin")
            for table, column in (
                ("validation_results", "validated_at"),
                ("quarantine", "quarantined_at"),
            ):
                row = con.execute(
                    f"delete from {table} where {column} < ?",  # noqa: S608 - fixed names
                    [cutoff],
                ).fetchone()
                deleted[table] = int(row[0]) if row else 0
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        finally:
            con.close()
    log.info("maintenance: quality records pruned before %s: %s", cutoff.date(), deleted)
    return deleted
