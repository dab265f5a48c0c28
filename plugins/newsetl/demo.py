"""`make demo`: the real Airflow DAG, run once in-process over the bundled sample corpus.

Serves samples/site on 127.0.0.1, runs `news_etl` with `dag.test()` on a SQLite metadata
database under the project, then prints what was loaded and writes the HTML report.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from newsetl.settings import PROJECT_ROOT


def configure_airflow(home: Path) -> None:
    """Point Airflow at the project's DAGs and a SQLite database under `home`."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("AIRFLOW_HOME", str(home))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))
    os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(PROJECT_ROOT / "plugins"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")


def migrate_airflow_db() -> None:
    """`airflow db migrate`, once; it is idempotent and quick when nothing is pending."""
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True)


def allow_loopback() -> None:
    hosts = [h for h in os.environ.get("NEWSETL_ALLOWED_HOSTS", "").split(",") if h]
    if "127.0.0.1" not in hosts:
        os.environ["NEWSETL_ALLOWED_HOSTS"] = ",".join([*hosts, "127.0.0.1"])
    # the sample site is our own server on this machine: no politeness delay is owed to it
    os.environ.setdefault("NEWSETL_HOST_DELAY", "0")


def run_dag(sources: list[str]) -> str:
    """Run news_etl once with dag.test(); returns the final DagRun state."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "news_etl.py"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import failed: {bag.import_errors}")
    dag = bag.get_dag("news_etl")
    dag_run = dag.test(run_conf={"sources": sources})
    return str(dag_run.state)


def summary_lines(db_path: Path) -> list[str]:
    """What the warehouse holds: articles by language, top entities by type, top topics."""
    import duckdb

    lines = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        by_language = con.execute(
            "select language, count(*) from articles group by all order by 2 desc, 1"
        ).fetchall()
        lines.append("articles by language: " + ", ".join(f"{lang} {n}" for lang, n in by_language))
        for table in ("articles", "entities", "article_entities", "topics", "article_topics"):
            row = con.execute(f"select count(*) from {table}").fetchone()  # noqa: S608
            count = row[0] if row else 0
            lines.append(f"  {table}: {count} rows")
        lines.append("top entities by type:")
        rows = con.execute(
            """
            with counts as (
                select e.entity_type, e.name, count(*) as articles
                from article_entities ae join entities e using (entity_id)
                group by all
            ),

            ranked as (
                select *, row_number() over (
                    partition by entity_type order by articles desc, name
                ) as rank
                from counts
            )

            select entity_type, string_agg(name || ' (' || articles || ')', ', ' order by rank)
            from ranked where rank <= 5 group by all order by entity_type
            """
        ).fetchall()
        lines += [f"  {kind:<8} {names}" for kind, names in rows]
        topics = con.execute(
            """select t.topic_id, count(*) as n
               from article_topics art join topics t using (topic_id)
               group by all order by n desc, t.topic_id limit 8"""
        ).fetchall()
        lines.append("top topics: " + ", ".join(f"{topic} ({n})" for topic, n in topics))
        # The latest run's, so that a second `make demo` does not count the first one's too.
        failures = con.execute(
            "select status, count(*) from fetch_log where status not in ('parsed', 'listing') "
            "and run_id = (select run_id from pipeline_runs order by started_at desc limit 1) "
            "group by all order by 1"
        ).fetchall()
        lines.append(
            "not loaded by the latest run (recorded in fetch_log): "
            + (", ".join(f"{status} {n}" for status, n in failures) or "none")
        )
    return lines


DEMO_PORT = 8765


@contextlib.contextmanager
def serve_sample_site() -> Iterator[str]:
    """The sample site on a fixed port, so article URLs (and ids) are the same every demo run."""
    from newsetl.samplesite import serve

    port = int(os.environ.get("NEWSETL_DEMO_PORT", DEMO_PORT))
    with contextlib.ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve(port=port))
        except OSError:  # the port is taken: any free one will do for this run
            base_url = stack.enter_context(serve())
        yield base_url


def main() -> int:
    started = time.perf_counter()
    configure_airflow(PROJECT_ROOT / ".airflow")
    allow_loopback()
    print("newsetl demo: preparing Airflow metadata (SQLite)…", flush=True)
    migrate_airflow_db()

    from newsetl.report import write_report
    from newsetl.settings import load_settings

    settings = load_settings()
    with serve_sample_site() as base_url:
        sources = [
            f"wire={base_url}/feed.xml",
            f"korea={base_url}/sitemap.xml",
            str(PROJECT_ROOT / "samples" / "files"),
        ]
        print(
            f"newsetl demo: serving samples/site at {base_url}; running DAG news_etl…", flush=True
        )
        state = run_dag(sources)
    if state != "success":
        print(f"newsetl demo: the DAG run ended {state}; see the log above", file=sys.stderr)
        return 1
    print(f"\nloaded into {settings.db_path}")
    for line in summary_lines(settings.db_path):
        print(line)
    report = write_report(settings, settings.db_path.with_name("report.html"))
    print(f"report: {report}")
    print(f"demo took {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
