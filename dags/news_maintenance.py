"""
### news_maintenance

Daily housekeeping, one day's interval at a time:

- **prune_runs**: run folders older than `NEWSETL_RAW_RETENTION_DAYS` (30) are deleted,
  raw fetches included; older than `NEWSETL_COMPACT_AFTER_DAYS` (1) they are compacted to
  one raw file each without the intermediate files.
- **prune_raw_layer**: the same retention for the raw layer's days (what backfills and
  `newsetl reparse` replay); each closed day is compacted to one file.
- **prune_quality**: validation results and quarantine rows older than
  `NEWSETL_QUALITY_RETENTION_DAYS` (90) leave the warehouse.
- **checkpoint**: the working warehouse's WAL is folded into its file.
- **publish**: the pruned warehouse is published (the asset `news_warehouse` changes).

The warehouse tasks share the pool `newsetl_warehouse` with `news_etl`'s load.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

WAREHOUSE = Asset(name="news_warehouse", uri="newsetl://warehouse/published")
WAREHOUSE_POOL = "newsetl_warehouse"


@dag(
    dag_id="news_maintenance",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["newsetl", "maintenance"],
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": 2.0,
    },
    doc_md=__doc__,
)
def news_maintenance() -> None:
    @task
    def prune_runs() -> None:
        from newsetl.maintenance import Retention, prune_runs
        from newsetl.settings import load_settings

        now = get_current_context()["data_interval_end"] or pendulum.now("UTC")
        prune_runs(load_settings(), now, Retention.from_env())

    @task
    def prune_raw_layer() -> None:
        from newsetl.maintenance import Retention, prune_raw_layer
        from newsetl.settings import load_settings

        now = get_current_context()["data_interval_end"] or pendulum.now("UTC")
        prune_raw_layer(load_settings(), now, Retention.from_env())

    @task(pool=WAREHOUSE_POOL)
    def prune_quality() -> None:
        from newsetl.maintenance import Retention, prune_quality
        from newsetl.settings import load_settings

        now = get_current_context()["data_interval_end"] or pendulum.now("UTC")
        prune_quality(load_settings(), now, Retention.from_env())

    @task(pool=WAREHOUSE_POOL)
    def checkpoint() -> None:
        from newsetl.maintenance import checkpoint_warehouse
        from newsetl.settings import load_settings

        checkpoint_warehouse(load_settings())

    @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE])
    def publish() -> str:
        from newsetl.pipeline import publish
        from newsetl.settings import load_settings

        return str(publish(load_settings()))

    [prune_runs(), prune_raw_layer()] >> prune_quality() >> checkpoint() >> publish()


dag = news_maintenance()

if __name__ == "__main__":
    dag.test()
