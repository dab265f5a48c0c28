"""news_etl on a real Airflow deployment: CeleryExecutor over Redis, metadata in PostgreSQL.

Run alone with `pytest -m deployment`. PostgreSQL and Redis must listen on 127.0.0.1
(`.ci/run` starts them); elsewhere the test is skipped when they are not there.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from deployment.cluster import PG_HOST, PG_PORT, REDIS_HOST, REDIS_PORT, Deployment, reachable
from deployment.cluster import wait_for as wait_for_
from newsetl.samplesite import serve

pytestmark = [pytest.mark.deployment, pytest.mark.slow, pytest.mark.timeout(1500)]

START_TIMEOUT = 180
MANUAL_LOGICAL_DATE = "2026-11-20T00:00:00Z"
RUN_TIMEOUT = 420


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    services = (("PostgreSQL", PG_HOST, PG_PORT), ("Redis", REDIS_HOST, REDIS_PORT))
    missing = [name for name, host, port in services if not reachable(host, port)]
    if missing:
        message = f"{' and '.join(missing)} not listening on 127.0.0.1 (.ci/run starts them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Not pytest's tmp_path: other pytest runs on the machine prune old base folders,
    # and this one lives for minutes.
    root = Path(tempfile.mkdtemp(prefix="newsetl-deployment-"))
    cluster = Deployment(home=root / "airflow", data=root / "data")

    def stop_on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(f"terminated by signal {signum}")

    # A terminated test run still stops what it started and drops its database.
    previous = signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            signal.signal(signal.SIGTERM, previous)
            shutil.rmtree(root, ignore_errors=True)


def test_news_etl_runs_on_celery_deployment(deployment: Deployment) -> None:
    def wait_for(what: str, check: Any, timeout: float) -> Any:
        try:
            return wait_for_(what, check, timeout)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}\n{deployment.component_logs()}") from None

    def running() -> bool:
        exited = deployment.exited()
        assert not exited, f"components exited: {exited}\n{deployment.component_logs()}"
        return True

    wait_for("the api-server", lambda: running() and deployment.api_ready(), START_TIMEOUT)
    for dag_id in ("news_etl", "news_report", "news_maintenance"):
        dag = wait_for(
            f"{dag_id} parsed by the dag-processor",
            lambda dag_id=dag_id: running() and deployment.dag_registered(dag_id),
            START_TIMEOUT,
        )
        assert dag["is_paused"] is True
    assert deployment.dag_registered("news_etl")["timetable_summary"] == "*/15 * * * *"

    with serve() as base_url:
        sources = [f"wire={base_url}/feed.xml", f"korea={base_url}/sitemap.xml"]
        for dag_id in ("news_report", "news_etl"):
            response = deployment.api("PATCH", f"/api/v2/dags/{dag_id}", json={"is_paused": False})
            assert response.status_code == 200, response.text
        response = deployment.api(
            "POST",
            "/api/v2/dags/news_etl/dagRuns",
            json={"logical_date": MANUAL_LOGICAL_DATE, "conf": {"sources": sources}},
        )
        assert response.status_code == 200, response.text
        manual_run_id = response.json()["dag_run_id"]

        def etl_runs_finished() -> list[dict[str, Any]] | None:
            running()
            runs = deployment.dag_runs("news_etl")
            failed = [r for r in runs if r["state"] == "failed"]
            assert not failed, f"failed runs: {failed}\n{deployment.component_logs()}"
            kinds = {r["run_type"] for r in runs if r["state"] == "success"}
            return runs if {"manual", "scheduled"} <= kinds else None

        etl_runs = wait_for("a scheduled and a manual news_etl run", etl_runs_finished, RUN_TIMEOUT)

    def report_finished() -> list[dict[str, Any]] | None:
        running()
        runs = deployment.dag_runs("news_report")
        return [r for r in runs if r["state"] == "success"] or None

    report_runs = wait_for("news_report after the warehouse asset changed", report_finished, 180)
    assert {r["run_type"] for r in report_runs} == {"asset_triggered"}

    # With the sample site gone, a backfill of the manual run's interval replays its raw
    # fetches: it can only succeed by not going to the network.
    manual = next(r for r in etl_runs if r["dag_run_id"] == manual_run_id)
    interval = (manual["data_interval_start"], manual["data_interval_end"])
    deployment.airflow(
        "backfill",
        "create",
        "--dag-id",
        "news_etl",
        "--from-date",
        interval[0],
        "--to-date",
        interval[0],
        "--reprocess-behavior",
        "completed",
    )

    def backfill_finished() -> dict[str, Any] | None:
        running()
        runs = [r for r in deployment.dag_runs("news_etl") if r["run_type"] == "backfill"]
        assert [r for r in runs if r["state"] == "failed"] == [], deployment.component_logs()
        return runs[0] if runs and runs[0]["state"] == "success" else None

    backfill = wait_for("the backfill of the manual run's interval", backfill_finished, RUN_TIMEOUT)
    assert (backfill["data_interval_start"], backfill["data_interval_end"]) == interval

    # Sources were mapped, one extract task each; the warehouse writers ran in the pool.
    instances = deployment.task_instances("news_etl", manual_run_id)
    extracts = [ti for ti in instances if ti["task_id"] == "extract"]
    assert sorted(ti["map_index"] for ti in extracts) == [0, 1]
    assert {ti["state"] for ti in instances} == {"success"}
    pools = {ti["task_id"]: ti["pool"] for ti in instances}
    assert pools["load"] == pools["publish"] == "newsetl_warehouse"
    parse_log = deployment.api(
        "GET",
        f"/api/v2/dags/news_etl/dagRuns/{manual_run_id}/taskInstances/parse/logs/1",
        headers={"Accept": "application/x-ndjson"},
    )
    assert parse_log.status_code == 200, parse_log.text
    assert "step parse ok" in parse_log.text

    # The published warehouse holds both runs' articles and what operators need per run.
    warehouse = deployment.data / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        languages = {row[0] for row in con.execute("select language from articles").fetchall()}
        sources_seen = {row[0] for row in con.execute("select source from articles").fetchall()}
        runs = {
            row[0]: row[1:]
            for row in con.execute(
                "select run_id, run_type, status, data_interval_start < data_interval_end, "
                "failed_step from pipeline_runs"
            ).fetchall()
        }
        steps = con.execute(
            "select step, count(*) from pipeline_steps where run_id = ? group by step",
            [manual_run_id],
        ).fetchall()
        batches = dict(
            con.execute(
                "select run_id, articles_in_batch from pipeline_runs where run_id in (?, ?)",
                [manual_run_id, backfill["dag_run_id"]],
            ).fetchall()
        )
        replayed = con.execute(
            "select count(*) from pipeline_steps "
            "where run_id = ? and step = 'extract' and detail like 'replay:%'",
            [backfill["dag_run_id"]],
        ).fetchone()[0]
    assert {"ko", "en"} <= languages
    assert {"wire", "korea", "samples"} <= sources_seen
    assert {r["dag_run_id"] for r in etl_runs if r["state"] == "success"} <= set(runs)
    assert runs[manual_run_id] == ("manual", "published", True, None)
    assert runs[backfill["dag_run_id"]] == ("backfill", "published", True, None)
    assert ("scheduled", "published", True, None) in runs.values()
    assert replayed == 2
    assert batches[backfill["dag_run_id"]] == batches[manual_run_id] > 0
    assert dict(steps) == {"extract": 2, "parse": 1, "enrich": 1, "validate": 1, "load": 1}
    assert (deployment.data / "report.html").exists()
