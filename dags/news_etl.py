"""
### news_etl

Extracts news articles from the configured sources (feeds, sitemaps, article pages,
files), parses them, enriches them with entities and topics, validates the batch with
Great Expectations, loads it into the private working warehouse and publishes a snapshot
for analysts. Each task calls one `newsetl.pipeline` step and passes file paths.

Trigger with `{"sources": ["https://example.com/feed.xml", ...]}` to run other sources
than `config/sources.yaml`.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, get_current_context, task


@dag(
    dag_id="news_etl",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["newsetl", "news", "etl"],
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": True,
    },
    params={"sources": Param([], type="array", description="sources; empty = config/sources.yaml")},
    doc_md=__doc__,
)
def news_etl() -> None:
    @task
    def extract() -> str:
        from newsetl.pipeline import extract, run_dir_for
        from newsetl.settings import load_settings

        context = get_current_context()
        settings = load_settings()
        run_dir = run_dir_for(settings, context["run_id"])
        sources = list(context["params"].get("sources") or []) or None
        return str(extract(sources, run_dir, settings))

    @task
    def parse(raw_path: str) -> str:
        from pathlib import Path

        from newsetl.pipeline import parse

        return str(parse(Path(raw_path), get_current_context()["run_id"]))

    @task
    def enrich(documents_path: str) -> str:
        from pathlib import Path

        from newsetl.pipeline import enrich

        return str(enrich(Path(documents_path)))

    @task
    def validate(tables_dir: str) -> str:
        from pathlib import Path

        from newsetl.pipeline import validate

        return str(validate(Path(tables_dir), get_current_context()["run_id"]))

    @task
    def load(validated_dir: str) -> dict[str, int]:
        from pathlib import Path

        from newsetl.pipeline import load
        from newsetl.settings import load_settings

        context = get_current_context()
        started = context["dag_run"].start_date or pendulum.now("UTC")
        return load(Path(validated_dir), context["run_id"], load_settings(), started)

    @task
    def publish(counts: dict[str, int]) -> str:
        from newsetl.pipeline import publish
        from newsetl.settings import load_settings

        return str(publish(load_settings()))

    raw = extract()
    validated = validate(enrich(parse(raw)))
    publish(load(validated))


dag = news_etl()

if __name__ == "__main__":
    dag.test()
