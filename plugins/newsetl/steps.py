"""The pipeline's steps as the DAG's tasks run them: one function per task.

Each takes plain values from the task's context (run id, data interval, a path), calls
the `newsetl.pipeline` step, records its counts and time (`newsetl.runs`) and returns the
path it wrote, which is all a task passes on through XCom.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from newsetl import pipeline, runs
from newsetl.settings import Settings, load_settings

log = logging.getLogger("newsetl")

REPLAY = "replay:"


def run_dir(run_id: str, settings: Settings | None = None) -> Path:
    return pipeline.run_dir_for(settings or load_settings(), run_id)


def begin(
    run_id: str,
    run_type: str,
    interval_start: datetime | None,
    interval_end: datetime | None,
    sources: list[str] | None,
) -> list[str]:
    """Write down the run and choose what to extract, one entry per mapped extract task.

    A backfill replays the raw fetches kept for its data interval instead of going to the
    network; other runs read `sources`, or config/sources.yaml when there are none.
    """
    settings = load_settings()
    folder = run_dir(run_id, settings)
    run_type = str(getattr(run_type, "value", run_type))  # Airflow passes a DagRunType
    runs.write_run_info(folder, runs.RunInfo(run_id, run_type, interval_start, interval_end))
    if run_type == "backfill":
        from newsetl import replay

        parts = replay.raw_for_interval(settings, interval_start, interval_end, exclude=folder)
        chosen = [f"{REPLAY}{part}" for part in parts]
        log.info("backfill %s: %d raw files kept for the interval", run_id, len(chosen))
        return chosen
    if sources:
        return list(sources)
    from newsetl.sources import load_sources_file

    chosen = []
    for source in load_sources_file(settings.sources_file):
        chosen.append(f"{source.name}={source.location}" if source.name else source.location)
    return chosen


def extract(run_id: str, shard: int, source: str) -> str:
    """One source (or one kept raw file, for a backfill) → raw/part-<shard>.parquet."""
    settings = load_settings()
    folder = run_dir(run_id, settings)
    with runs.timed_step(folder, "extract", shard) as record:
        if source.startswith(REPLAY):
            from newsetl import replay

            out = replay.copy_raw(Path(source.removeprefix(REPLAY)), folder, shard, settings)
        else:
            out = pipeline.extract_source(source, shard, folder, settings)
        record.rows_out, record.detail = runs.describe_output("extract", out)
        record.detail = f"{source}: {record.detail}"
    return str(out)


def parse(run_id: str) -> str:
    folder = run_dir(run_id)
    with runs.timed_step(folder, "parse") as record:
        out = pipeline.parse(folder / "raw", run_id)
        record.rows_out, record.detail = runs.describe_output("parse", out)
    return str(out)


def enrich(documents_path: str) -> str:
    from newsetl.stories import forget_known_stories

    documents = Path(documents_path)
    try:
        with runs.timed_step(documents.parent, "enrich") as record:
            out = pipeline.enrich(documents)
            record.rows_out, record.detail = runs.describe_output("enrich", out)
    finally:
        forget_known_stories()  # a task's process may run other tasks after this one
    return str(out)


def validate(tables_dir: str, run_id: str) -> str:
    tables = Path(tables_dir)
    with runs.timed_step(tables.parent, "validate") as record:
        out = pipeline.validate(tables, run_id)
        record.rows_out, record.detail = runs.describe_output("validate", out)
    return str(out)


def load(validated_dir: str, run_id: str, started_at: datetime) -> str:
    validated = Path(validated_dir)
    folder = validated.parent
    with runs.timed_step(folder, "load") as record:
        counts = pipeline.load(validated, run_id, load_settings(), started_at)
        record.rows_out = counts["articles_changed"]
        record.detail = f"{counts['articles_in_batch']} articles in batch"
    return str(folder)


def publish(folder: str) -> str:
    with runs.timed_step(Path(folder), "publish"):
        out = pipeline.publish(load_settings(), Path(folder))
    return str(out)


def fail(run_id: str, task_id: str, map_index: int, reason: str) -> str:
    """Record a failed task as its run's failure; returns the line for the log."""
    settings = load_settings()
    folder = run_dir(run_id, settings)
    step = task_id.rsplit(".", 1)[-1]
    shard = map_index if map_index is not None and map_index >= 0 else runs.NOT_MAPPED
    runs.record_failure(folder, step, reason, shard)
    runs.save_failure(settings, folder)
    where = step if shard == runs.NOT_MAPPED else f"{step}[{shard}]"
    return f"news_etl run {run_id} failed at step {where}: {reason}"
