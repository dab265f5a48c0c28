"""
### news_report

Writes the HTML report (`report.html` beside the published warehouse) each time the
warehouse asset `news_warehouse` changes, that is after every publish by `news_etl` or
`news_maintenance`. The report reads the published snapshot read-only, so it never waits
for, or blocks, a load.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

WAREHOUSE = Asset(name="news_warehouse", uri="newsetl://warehouse/published")


@dag(
    dag_id="news_report",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["newsetl", "news", "report"],
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": 2.0,
    },
    doc_md=__doc__,
)
def news_report() -> None:
    @task
    def report() -> str:
        from newsetl.report import write_report
        from newsetl.settings import load_settings

        settings = load_settings()
        return str(write_report(settings, settings.db_path.with_name("report.html")))

    report()


dag = news_report()

if __name__ == "__main__":
    dag.test()
