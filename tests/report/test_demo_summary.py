from pathlib import Path

import duckdb

from newsetl.demo import summary_lines
from newsetl.warehouse import migrate


def test_the_demo_reports_what_the_latest_run_did_not_load(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    migrate(con)
    for run_id, hour in (("first", 1), ("second", 2)):
        con.execute(
            "insert into pipeline_runs (run_id, started_at, finished_at, status, fetched, "
            "fetch_failures, parse_failures, articles_in_batch, articles_changed, quarantined) "
            "values (?, ?, ?, 'published', 3, 1, 0, 2, 2, 0)",
            [run_id, f"2026-11-25 0{hour}:00:00+00", f"2026-11-25 0{hour}:05:00+00"],
        )
    rows = [
        ("first", "https://x.test/dead", "fetch_failed", "HTTP 404"),
        ("first", "https://x.test/topics", "parse_failed", "no article text"),
        ("first", "https://x.test/a", "parsed", None),
        ("second", "https://x.test/dead", "fetch_failed", "HTTP 404"),
        ("second", "samples/files/articles.jsonl", "unchanged", None),
    ]
    for run_id, origin, status, reason in rows:
        con.execute(
            "insert into fetch_log (run_id, origin, kind, status, reason, fetched_at) "
            "values (?, ?, 'page', ?, ?, now())",
            [run_id, origin, status, reason],
        )
    con.close()
    assert summary_lines(db)[-1] == (
        "not loaded by the latest run (recorded in fetch_log): fetch_failed 1, unchanged 1"
    )
