"""The DAG's integrity, and one real run of it with dag.test() (as `make demo` does)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from newsetl.settings import PROJECT_ROOT

os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


@pytest.fixture(scope="module")
def news_etl():  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags["news_etl"]


def test_dag_is_wired_in_order(news_etl) -> None:  # type: ignore[no-untyped-def]
    assert news_etl.task_ids == ["extract", "parse", "enrich", "validate", "load", "publish"]
    order = ["extract", "parse", "enrich", "validate", "load", "publish"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert news_etl.get_task(downstream).upstream_task_ids == {upstream}


def test_dag_schedule_retries_and_tags(news_etl) -> None:  # type: ignore[no-untyped-def]
    assert str(news_etl.schedule) == "@hourly" or news_etl.timetable.summary == "@hourly"
    assert news_etl.catchup is False
    assert {"newsetl", "etl"} <= set(news_etl.tags)
    assert news_etl.doc_md and "news_etl" in news_etl.doc_md
    for task in news_etl.tasks:
        assert task.retries >= 2, task.task_id
        assert task.retry_delay == timedelta(minutes=1)


def test_dag_files_have_no_business_logic() -> None:
    source = (PROJECT_ROOT / "dags" / "news_etl.py").read_text(encoding="utf-8")
    top_level_imports = [
        line for line in source.splitlines() if line.startswith(("import ", "from "))
    ]
    assert not [line for line in top_level_imports if "newsetl" in line]


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
        runs = con.execute("select run_id, status from pipeline_runs").fetchall()
    assert {"ko", "en"} <= languages
    assert len(runs) == 1 and runs[0][0].startswith("manual__")
