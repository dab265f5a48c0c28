"""
### news_etl

Every 15 minutes (`NEWSETL_SCHEDULE`: a cron expression, or `none` for manual runs only)
extracts the news articles of its data interval from the configured sources, parses them,
enriches them with entities and topics, validates the batch with Great Expectations,
loads it into the private working warehouse and publishes a snapshot for analysts.

- **extract** is mapped over the sources: one task per source, so a slow site holds up
  only its own task. A backfill (`airflow backfill create --dag-id news_etl ...`) does not
  go to the network: each of its runs replays the raw fetches kept for its interval.
- **load** and **publish** run in the pool `newsetl_warehouse` (one slot): one writer.
- **publish** updates the asset `news_warehouse`, which schedules `news_report`.
- A task that fails for good records the step and its reason in `pipeline_runs`.

Trigger with `{"sources": ["https://example.com/feed.xml", ...]}` to run other sources
than `config/sources.yaml`.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task

WAREHOUSE = Asset(name="news_warehouse", uri="newsetl://warehouse/published")
WAREHOUSE_POOL = "newsetl_warehouse"


def schedule_from_env() -> CronDataIntervalTimetable | None:
    """NEWSETL_SCHEDULE as a timetable whose runs each cover one interval; `none`: manual."""
    value = os.environ.get("NEWSETL_SCHEDULE", "*/15 * * * *").strip()
    if value.lower() in ("", "none", "manual"):
        return None
    return CronDataIntervalTimetable(value, timezone="UTC")


def report_failure(context) -> None:  # type: ignore[no-untyped-def]
    """Name the failing step and its reason in the log and in pipeline_runs."""
    import logging

    from newsetl.runs import one_line
    from newsetl.steps import fail

    ti = context["ti"]
    exception = context.get("exception")
    reason = one_line(exception) if isinstance(exception, BaseException) else str(exception)
    logging.getLogger("newsetl").error(fail(context["run_id"], ti.task_id, ti.map_index, reason))


@dag(
    dag_id="news_etl",
    schedule=schedule_from_env(),
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["newsetl", "news", "etl"],
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=10),
        "on_failure_callback": report_failure,
    },
    params={"sources": Param([], type="array", description="sources; empty = config/sources.yaml")},
    doc_md=__doc__,
)
def news_etl() -> None:
    @task
    def plan() -> list[str]:
        from newsetl.steps import begin

        context = get_current_context()
        dag_run = context["dag_run"]
        sources = list(context["params"].get("sources") or [])
        return begin(
            context["run_id"],
            dag_run.run_type,
            context.get("data_interval_start"),
            context.get("data_interval_end"),
            sources,
        )

    @task(retries=3, execution_timeout=timedelta(minutes=30))
    def extract(source: str) -> str:
        from newsetl.steps import extract

        context = get_current_context()
        return extract(context["run_id"], context["ti"].map_index, source)

    @task
    def parse(parts: list[str]) -> str:
        from newsetl.steps import parse

        return parse(get_current_context()["run_id"])

    @task
    def enrich(documents: str) -> str:
        from newsetl.steps import enrich

        return enrich(documents)

    @task
    def validate(tables: str) -> str:
        from newsetl.steps import validate

        return validate(tables, get_current_context()["run_id"])

    @task(pool=WAREHOUSE_POOL)
    def load(validated: str) -> str:
        from newsetl.steps import load

        context = get_current_context()
        started = context["dag_run"].start_date or pendulum.now("UTC")
        return load(validated, context["run_id"], started)

    @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE])
    def publish(run_folder: str) -> str:
        from newsetl.steps import publish

        return publish(run_folder)

    parts = extract.expand(source=plan())
    validated = validate(enrich(parse(parts)))
    publish(load(validated))


dag = news_etl()

if __name__ == "__main__":
    dag.test()
