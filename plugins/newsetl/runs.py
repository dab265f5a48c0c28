"""Run bookkeeping: each step's counts and time, and the rows operators read.

Steps write a small JSON file per step (per shard for mapped steps) under the run's
folder, so the DAG's tasks, which run in different processes, and the CLI record the same
way. The load turns them into `pipeline_runs` and `pipeline_steps` rows; a failing task
records where and why the run stopped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

import duckdb
import polars as pl
import pyarrow.parquet as pq

from newsetl.statements import quoted, staged

log = logging.getLogger("newsetl")

RUN_FILE = "run.json"
STEPS_DIR = "steps"
STEPS = ("extract", "parse", "enrich", "validate", "load", "publish")
NOT_MAPPED = -1


@dataclass(frozen=True)
class RunInfo:
    """Who started a run and which data interval it covers (None outside a schedule)."""

    run_id: str
    run_type: str = "cli"
    data_interval_start: datetime | None = None
    data_interval_end: datetime | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_iso)

    @classmethod
    def from_json(cls, text: str) -> RunInfo:
        data = json.loads(text)
        for key in ("data_interval_start", "data_interval_end"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        return cls(**data)


@dataclass
class StepRecord:
    """One step (or one shard of a mapped step) of one run."""

    step: str
    shard: int = NOT_MAPPED
    status: str = "ok"
    rows_out: int | None = None
    seconds: float | None = None
    detail: str | None = None
    finished_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def write_run_info(run_dir: Path, info: RunInfo) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / RUN_FILE).write_text(info.to_json(), encoding="utf-8")


def read_run_info(run_dir: Path) -> RunInfo:
    path = run_dir / RUN_FILE
    if path.exists():
        return RunInfo.from_json(path.read_text(encoding="utf-8"))
    return RunInfo(run_id=run_dir.name)


def count_rows(path: Path) -> int:
    """Rows in a Parquet file, or in the Parquet files of a folder, from their footers."""
    if path.is_dir():
        return sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(path.glob("*.parquet")))
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def describe_output(step: str, output: Path) -> tuple[int, str | None]:
    """What a step wrote, as a row count and a short line for people."""
    if step == "extract":
        frame = pl.read_parquet(output, columns=["status"]) if output.is_file() else None
        if frame is None:
            return count_rows(output), None
        failed = frame.filter(pl.col("status") != "ok").height
        return frame.height, f"{frame.height - failed} read, {failed} failed"
    if step == "parse":
        fetch_log = output.parent / "fetch_log.parquet"
        if fetch_log.exists():
            statuses = pl.read_parquet(fetch_log, columns=["status"])
            not_articles = statuses.filter(pl.col("status") == "parse_failed").height
            return count_rows(output), f"{not_articles} not articles"
        return count_rows(output), None
    if step in ("enrich", "validate"):
        counts = {
            name: count_rows(output / f"{name}.parquet")
            for name in ("articles", "entities", "article_entities", "article_topics")
        }
        detail = ", ".join(f"{name} {n}" for name, n in counts.items())
        if step == "validate":
            detail += f", quarantined {count_rows(output / 'quarantine.parquet')}"
        return counts["articles"], detail
    return count_rows(output), None


def record_step(run_dir: Path, record: StepRecord) -> StepRecord:
    """Keep a step's record beside the run's files and log it for the task log."""
    folder = run_dir / STEPS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "" if record.shard == NOT_MAPPED else f".{record.shard:04d}"
    (folder / f"{record.step}{suffix}.json").write_text(
        json.dumps(asdict(record), default=_iso), encoding="utf-8"
    )
    shard = "" if record.shard == NOT_MAPPED else f"[{record.shard}]"
    log.info(
        "step %s%s %s: %s rows%s in %.2fs",
        record.step,
        shard,
        record.status,
        "-" if record.rows_out is None else record.rows_out,
        f" ({record.detail})" if record.detail else "",
        record.seconds or 0.0,
    )
    return record


@contextmanager
def timed_step(run_dir: Path, step: str, shard: int = NOT_MAPPED) -> Iterator[StepRecord]:
    """Time the block and record it; the block sets `rows_out`/`detail` on the record.

    A block that raises is recorded as failed with its one-line reason, then re-raised.
    """
    record = StepRecord(step=step, shard=shard)
    began = perf_counter()
    try:
        yield record
    except BaseException as exc:
        record.status = "failed"
        record.detail = one_line(exc)
        raise
    finally:
        record.seconds = round(perf_counter() - began, 3)
        record.finished_at = datetime.now(UTC)
        record_step(run_dir, record)


def read_steps(run_dir: Path) -> list[StepRecord]:
    records = []
    for path in sorted((run_dir / STEPS_DIR).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["finished_at"] = datetime.fromisoformat(data["finished_at"])
        records.append(StepRecord(**data))
    return records


def save_run(
    con: duckdb.DuckDBPyConnection,
    run_dir: Path,
    counts: Mapping[str, Any],
    started_at: datetime,
    status: str,
) -> None:
    """Upsert the run's `pipeline_runs` row and its `pipeline_steps` rows."""
    info = read_run_info(run_dir)
    steps = read_steps(run_dir)
    failed = next((s for s in steps if s.status == "failed"), None)
    row = {
        "run_id": info.run_id,
        "started_at": started_at,
        "finished_at": datetime.now(UTC),
        "status": status,
        "fetched": 0,
        "fetch_failures": 0,
        "parse_failures": 0,
        "articles_in_batch": 0,
        "articles_changed": 0,
        "quarantined": 0,
        **{key: int(value) for key, value in counts.items()},
        "run_type": info.run_type,
        "data_interval_start": info.data_interval_start,
        "data_interval_end": info.data_interval_end,
        "seconds": round(_wall_seconds(steps), 3),
        "failed_step": failed.step if failed else None,
        "failure_reason": failed.detail if failed else None,
    }
    run_frame = pl.DataFrame(
        [row],
        schema_overrides={
            "started_at": pl.Datetime("us", "UTC"),
            "finished_at": pl.Datetime("us", "UTC"),
            "data_interval_start": pl.Datetime("us", "UTC"),
            "data_interval_end": pl.Datetime("us", "UTC"),
            "failed_step": pl.String(),
            "failure_reason": pl.String(),
            "seconds": pl.Float64(),
        },
    )
    step_frame = pl.DataFrame(
        [{"run_id": info.run_id, **asdict(s)} for s in steps],
        schema={
            "run_id": pl.String(),
            "step": pl.String(),
            "shard": pl.Int32(),
            "status": pl.String(),
            "rows_out": pl.Int64(),
            "seconds": pl.Float64(),
            "detail": pl.String(),
            "finished_at": pl.Datetime("us", "UTC"),
        },
    )
    with staged(con, {"staged_run": run_frame, "staged_steps": step_frame}, run_dir):
        con.execute(f"delete from pipeline_runs where run_id = {quoted(info.run_id)}")  # noqa: S608
        con.execute("insert into pipeline_runs by name select * from staged_run")
        con.execute(f"delete from pipeline_steps where run_id = {quoted(info.run_id)}")  # noqa: S608
        con.execute("insert into pipeline_steps by name select * from staged_steps")


def mark_run(con: duckdb.DuckDBPyConnection, run_dir: Path, status: str) -> None:
    """Set a loaded run's status (e.g. `published`) and refresh its step rows."""
    info = read_run_info(run_dir)
    existing = con.execute(
        "select started_at, fetched, fetch_failures, parse_failures, articles_in_batch, "
        "articles_changed, quarantined from pipeline_runs "
        f"where run_id = {quoted(info.run_id)}"  # noqa: S608
    ).fetchone()
    if existing is None:
        save_run(con, run_dir, {}, datetime.now(UTC), status)
        return
    names = (
        "fetched",
        "fetch_failures",
        "parse_failures",
        "articles_in_batch",
        "articles_changed",
        "quarantined",
    )
    save_run(con, run_dir, dict(zip(names, existing[1:], strict=True)), existing[0], status)


def record_failure(run_dir: Path, step: str, reason: str, shard: int = NOT_MAPPED) -> None:
    """Write down that `step` failed and why; the load or the next publish carries it."""
    record_step(run_dir, StepRecord(step=step, shard=shard, status="failed", detail=reason))


def save_failure(settings: Any, run_dir: Path, timeout: float = 30.0) -> bool:
    """Put a failed run's row into the working warehouse; False when it is busy."""
    from newsetl import warehouse

    try:
        with warehouse.writer_lock(settings, timeout=timeout):
            con = warehouse.open_working(settings)
            try:
                mark_run(con, run_dir, "failed")
            finally:
                con.close()
    except warehouse.WarehouseBusy:
        log.warning("run %s: warehouse busy, failure kept in %s only", run_dir.name, run_dir)
        return False
    return True


def one_line(exc: BaseException, limit: int = 400) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    text = f"{exc.__class__.__name__}: {text}" if text != exc.__class__.__name__ else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wall_seconds(steps: list[StepRecord]) -> float:
    """Time spent in steps: the slowest shard of a mapped step counts, not their sum."""
    per_step: dict[str, float] = {}
    for s in steps:
        per_step[s.step] = max(per_step.get(s.step, 0.0), s.seconds or 0.0)
    return sum(per_step.values())


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
