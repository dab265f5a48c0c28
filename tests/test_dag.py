"""The DAGs' integrity, the failure callback, and one real run with dag.test() (`make demo`)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newsetl.settings import PROJECT_ROOT, Settings

os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

DAG_FILES = sorted((PROJECT_ROOT / "dags").glob("*.py"))
ETL_ORDER = ["plan", "extract", "parse", "enrich", "validate", "load", "publish"]


def load_dags() -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    return dict(bag.dags)


@pytest.fixture(scope="module")
def dags() -> dict[str, Any]:
    return load_dags()


def test_every_dag_file_defines_its_dag(dags: dict[str, Any]) -> None:
    assert set(dags) == {"news_etl", "news_report", "news_maintenance"}
    assert {Path(dag.fileloc).stem for dag in dags.values()} == {p.stem for p in DAG_FILES}


def test_etl_is_wired_in_order_with_extract_mapped_over_sources(dags: dict[str, Any]) -> None:
    etl = dags["news_etl"]
    assert etl.task_ids == ETL_ORDER
    for upstream, downstream in zip(ETL_ORDER, ETL_ORDER[1:], strict=False):
        assert etl.get_task(downstream).upstream_task_ids == {upstream}
    assert type(etl.get_task("extract")).__name__.endswith("MappedOperator")


def test_etl_runs_every_15_minutes_over_data_intervals(dags: dict[str, Any]) -> None:
    etl = dags["news_etl"]
    assert type(etl.timetable).__name__ == "CronDataIntervalTimetable"
    assert etl.timetable.expression == "*/15 * * * *"
    assert etl.catchup is False
    assert etl.max_active_runs == 1


@pytest.mark.parametrize(
    ("value", "expected"), [("0 * * * *", "0 * * * *"), ("none", None)], ids=["cron", "manual"]
)
def test_schedule_comes_from_newsetl_schedule(
    value: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSETL_SCHEDULE", value)
    etl = load_dags()["news_etl"]
    if expected is None:
        assert type(etl.timetable).__name__ == "NullTimetable"
    else:
        assert etl.timetable.expression == expected


def test_warehouse_writers_share_a_pool_and_publish_the_asset(dags: dict[str, Any]) -> None:
    etl, report, maintenance = dags["news_etl"], dags["news_report"], dags["news_maintenance"]
    writers = [etl.get_task("load"), etl.get_task("publish")]
    writers += [maintenance.get_task(t) for t in ("prune_quality", "checkpoint", "publish")]
    assert {task.pool for task in writers} == {"newsetl_warehouse"}
    published = {asset.uri for asset in etl.get_task("publish").outlets}
    assert published == {asset.uri for asset in maintenance.get_task("publish").outlets}
    assert published == {"newsetl://warehouse/published"}
    assert {asset.uri for asset in report.timetable.asset_condition.objects} == published


def test_every_task_retries_with_backoff_and_etl_reports_failures(dags: dict[str, Any]) -> None:
    for dag in dags.values():
        assert dag.catchup is False, dag.dag_id
        assert {"newsetl"} <= set(dag.tags), dag.dag_id
        assert dag.doc_md and dag.dag_id in dag.doc_md
        for task in dag.tasks:
            assert task.retries >= 2, (dag.dag_id, task.task_id)
            assert task.retry_exponential_backoff, (dag.dag_id, task.task_id)
            assert task.retry_delay <= timedelta(minutes=1)
    for task in dags["news_etl"].tasks:
        assert task.on_failure_callback, task.task_id


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_only_wire(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    top_level_imports = [
        line for line in source.splitlines() if line.startswith(("import ", "from "))
    ]
    assert not [line for line in top_level_imports if "newsetl" in line]
    assert "from airflow.sdk import" in source
    for airflow2 in ("airflow.decorators", "Dataset", "airflow.models.dag"):
        assert airflow2 not in source
    assert 'if __name__ == "__main__":' in source


def test_failure_callback_names_the_step_and_reason(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from newsetl import runs, warehouse
    from newsetl.pipeline import run_dir_for

    etl_module: Any = _import_dag_module("news_etl")
    run_id = "scheduled__2026-11-20T00:00:00+00:00"
    runs.write_run_info(run_dir_for(settings, run_id), runs.RunInfo(run_id, "scheduled"))

    class TaskInstance:
        task_id = "validate"
        map_index = -1

    context = {
        "ti": TaskInstance(),
        "run_id": run_id,
        "exception": ValueError("articles: 3 rows without a body"),
    }
    with caplog.at_level("ERROR", logger="newsetl"):
        etl_module.report_failure(context)
    assert "failed at step validate: ValueError: articles: 3 rows without a body" in caplog.text
    con = warehouse.open_working(settings)
    try:
        row = con.execute(
            "select status, failed_step, failure_reason, run_type from pipeline_runs"
        ).fetchone()
    finally:
        con.close()
    assert row == ("failed", "validate", "ValueError: articles: 3 rows without a body", "scheduled")


def _import_dag_module(name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"dag_{name}", PROJECT_ROOT / "dags" / f"{name}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_demo_runs_the_dag_end_to_end(tmp_path: Path) -> None:
    """`python -m newsetl.demo` with Airflow and the warehouse pointed at tmp_path."""
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path / 'airflow' / 'airflow.db'}",
        "NEWSETL_DB": str(tmp_path / "warehouse.duckdb"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "newsetl.demo"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "articles by language:" in done.stdout
    assert "top entities by type:" in done.stdout
    assert (tmp_path / "report.html").exists()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        languages = {
            row[0] for row in con.execute("select distinct language from articles").fetchall()
        }
        runs = con.execute("select run_id, status, run_type from pipeline_runs").fetchall()
        extract_shards = con.execute(
            "select count(*) from pipeline_steps where step = 'extract'"
        ).fetchone()[0]
    assert {"ko", "en"} <= languages
    assert len(runs) == 1 and runs[0][0].startswith("manual__")
    assert runs[0][1:] == ("published", "manual")
    assert extract_shards == 3
