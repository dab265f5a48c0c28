"""Run bookkeeping (pipeline_runs, pipeline_steps), replay for backfills, housekeeping."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from newsetl import maintenance, replay, runs, schema, warehouse
from newsetl.pipeline import run_dir_for
from newsetl.progress import BarProgress, PlainProgress
from newsetl.settings import Settings

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


def raw_rows(fetched_at: datetime, n: int = 2) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "origin": f"https://example.com/{i}",
                "final_url": f"https://example.com/{i}",
                "kind": "html",
                "source": "example",
                "status": "ok",
                "http_status": 200,
                "reason": None,
                "content_type": "text/html",
                "content": b"<html></html>",
                "fetched_at": fetched_at,
            }
            for i in range(n)
        ],
        schema=schema.RAW_FETCHES,
    )


def make_run(settings: Settings, run_id: str, run_type: str, start: datetime | None) -> Path:
    folder = run_dir_for(settings, run_id)
    end = start + timedelta(minutes=15) if start else None
    runs.write_run_info(folder, runs.RunInfo(run_id, run_type, start, end))
    (folder / "raw").mkdir(exist_ok=True)
    raw_rows((end or T0) + timedelta(minutes=1)).write_parquet(folder / "raw" / "part-0000.parquet")
    return folder


def test_steps_and_failures_become_pipeline_rows(settings: Settings) -> None:
    folder = make_run(settings, "scheduled__1", "scheduled", T0)
    for shard, seconds in ((0, 2.0), (1, 5.0)):
        runs.record_step(folder, runs.StepRecord("extract", shard, rows_out=3, seconds=seconds))
    with pytest.raises(ValueError), runs.timed_step(folder, "parse"):
        raise ValueError("no documents")
    con = warehouse.open_working(settings)
    try:
        runs.save_run(con, folder, {"fetched": 6}, T0, "failed")
        run = con.execute(
            "select status, run_type, data_interval_start, data_interval_end, fetched, "
            "failed_step, failure_reason, seconds >= 5 from pipeline_runs"
        ).fetchone()
        steps = con.execute(
            "select step, shard, status, rows_out from pipeline_steps order by step, shard"
        ).fetchall()
    finally:
        con.close()
    assert run == (
        "failed",
        "scheduled",
        T0,
        T0 + timedelta(minutes=15),
        6,
        "parse",
        "ValueError: no documents",
        True,
    )
    assert steps == [
        ("extract", 0, "ok", 3),
        ("extract", 1, "ok", 3),
        ("parse", -1, "failed", None),
    ]


def test_backfill_replays_the_raw_files_of_its_interval(settings: Settings) -> None:
    covered = make_run(settings, "scheduled__a", "scheduled", T0)
    make_run(settings, "scheduled__b", "scheduled", T0 + timedelta(hours=1))
    make_run(settings, "backfill__a", "backfill", T0)
    manual = make_run(settings, "manual__a", "manual", None)  # fetched at T0 + 1 min
    backfill = run_dir_for(settings, "backfill__new")
    chosen = replay.raw_for_interval(settings, T0, T0 + timedelta(minutes=15), exclude=backfill)
    assert chosen == [
        manual / "raw" / "part-0000.parquet",
        covered / "raw" / "part-0000.parquet",
    ]
    out = replay.copy_raw(chosen[1], backfill, 3, settings)
    assert out == backfill / "raw" / "part-0003.parquet"
    assert pl.read_parquet(out).height == 2


def test_backfill_replays_from_the_raw_layer(settings: Settings) -> None:
    from newsetl.raw import record_raw

    covered = make_run(settings, "scheduled__a", "scheduled", T0)
    later = make_run(settings, "scheduled__b", "scheduled", T0 + timedelta(hours=1))
    # Fetched days after its interval (a late run): still that interval's rows.
    record_raw(raw_rows(T0 + timedelta(days=2), 3), settings, covered.name)
    record_raw(raw_rows(T0 + timedelta(hours=1, minutes=16), 2), settings, later.name)
    backfill = make_run(settings, "backfill__a", "backfill", T0)
    record_raw(raw_rows(T0 + timedelta(days=3), 4), settings, backfill.name)
    chosen = replay.raw_for_interval(settings, T0, T0 + timedelta(minutes=15), exclude=backfill)
    assert len(chosen) == 1
    out = replay.copy_raw(chosen[0], backfill, 0, settings)
    assert pl.read_parquet(out).height == 3
    assert pl.read_parquet(out).columns == list(schema.RAW_FETCHES)


def test_maintenance_prunes_and_compacts_run_folders(settings: Settings) -> None:
    now = T0 + timedelta(days=40)
    old = make_run(settings, "scheduled__old", "scheduled", T0)
    middle = make_run(settings, "scheduled__middle", "scheduled", T0)
    raw_rows(T0, 3).write_parquet(middle / "raw" / "part-0001.parquet")
    (middle / "documents.parquet").write_bytes(b"")
    (middle / "tables").mkdir()
    fresh = make_run(settings, "scheduled__fresh", "scheduled", T0)
    for folder, age in ((old, 31), (middle, 5), (fresh, 0)):
        stamp = (now - timedelta(days=age)).timestamp()
        os.utime(folder, (stamp, stamp))
    done = maintenance.prune_runs(settings, now, maintenance.Retention(raw_days=30))
    assert done == {"removed": 1, "compacted": 1}
    assert not old.exists()
    assert sorted(p.name for p in (middle / "raw").iterdir()) == ["part-0000.parquet"]
    assert pl.read_parquet(middle / "raw" / "part-0000.parquet").height == 5
    assert not (middle / "documents.parquet").exists() and not (middle / "tables").exists()
    assert (fresh / "raw" / "part-0000.parquet").exists()


def test_maintenance_keeps_the_raw_layer_within_retention(settings: Settings) -> None:
    from newsetl.raw import raw_files, record_raw

    now = T0 + timedelta(days=40)
    for days_ago, run_id in ((35, "a"), (5, "b"), (5, "c"), (0, "d")):
        record_raw(raw_rows(now - timedelta(days=days_ago)), settings, run_id)
    done = maintenance.prune_raw_layer(settings, now, maintenance.Retention(raw_days=30))
    assert done == {"removed": 1, "compacted": 1}
    files = raw_files(settings, T0.date(), now.date())
    assert len(files) == 2
    merged = pl.read_parquet(files[0])
    assert merged.height == 4 and set(merged["run_id"]) == {"b", "c"}


def test_maintenance_prunes_old_quality_records(settings: Settings) -> None:
    con = warehouse.open_working(settings)
    try:
        for run_id, at in (("old", T0 - timedelta(days=100)), ("new", T0)):
            con.execute(
                "insert into validation_results values (?, 'articles', 'expect', null, true, 0, "
                "null, ?)",
                [run_id, at],
            )
    finally:
        con.close()
    deleted = maintenance.prune_quality(settings, T0, maintenance.Retention(quality_days=90))
    assert deleted == {"validation_results": 1, "quarantine": 0}
    con = warehouse.open_working(settings)
    try:
        assert con.execute("select run_id from validation_results").fetchall() == [("new",)]
    finally:
        con.close()


def test_progress_bars_follow_the_steps() -> None:
    stream = io.StringIO()
    bars = BarProgress(stream)
    with bars.progress:
        for step in runs.STEPS:
            bars(f"{step}…")
            bars(f"fetched https://example.com/{step}")
        bars.finish()
    assert "6/6" in stream.getvalue()
    plain = io.StringIO()
    PlainProgress(plain, quiet=False)("extract…")
    assert plain.getvalue() == "  extract…\n"
