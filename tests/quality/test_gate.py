"""The gate in the pipeline: blocked batches leave the warehouse as it was; volume drops;
Data Docs per run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from warehouse_batches import article, tables

from newsetl import pipeline, warehouse
from newsetl.quality import SOURCE_VOLUMES, BatchRejected, source_volumes, validate_batch
from newsetl.settings import Settings

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def fetch_log(run_id: str, pages: dict[str, int], at: datetime, failed: int = 0) -> pl.DataFrame:
    """fetch_log rows: `pages` parsed pages per source, plus failed fetches of the first."""
    rows = []
    for source, count in pages.items():
        statuses = ["parsed"] * count + (["fetch_failed"] * failed if not rows else [])
        rows += [
            {
                "run_id": run_id,
                "origin": f"https://{source}.example/{run_id}/{i}",
                "final_url": None,
                "kind": "html",
                "source": source,
                "status": status,
                "http_status": None,
                "reason": None,
                "fetched_at": at,
            }
            for i, status in enumerate(statuses)
        ]
    return pl.DataFrame(rows)


def history(runs: list[tuple[str, str, int, datetime]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"run_id": r, "source": s, "pages": p, "fetched_at": t} for r, s, p, t in runs],
        schema={
            "run_id": pl.String(),
            "source": pl.String(),
            "pages": pl.Int64(),
            "fetched_at": pl.Datetime("us", "UTC"),
        },
    )


def test_source_volumes_last_day_against_the_week_before() -> None:
    past = history(
        [
            ("r4", "alpha", 3, NOW - timedelta(hours=2)),  # earlier today: part of the last day
            ("r1", "alpha", 10, NOW - timedelta(days=2)),
            ("r2", "alpha", 12, NOW - timedelta(days=3)),
            ("r3", "alpha", 8, NOW - timedelta(days=7, hours=1)),
            ("r5", "alpha", 0, NOW - timedelta(days=7, hours=2)),  # same day as r3
            ("r0", "alpha", 100, NOW - timedelta(days=9)),  # older than the week
            ("r1", "beta", 4, NOW - timedelta(days=2)),
        ]
    )
    volumes = source_volumes(fetch_log("now", {"alpha": 2, "beta": 1, "gamma": 5}, NOW), past, NOW)
    assert volumes.schema == pl.Schema(SOURCE_VOLUMES)
    assert volumes.rows() == [("alpha", 5, 3, 10.0), ("beta", 1, 1, 4.0), ("gamma", 5, 0, None)]


def test_a_quiet_run_on_a_busy_day_is_not_a_drop() -> None:
    """A 15-minute run that finds nothing new is judged with the rest of its day."""
    past = history(
        [(f"today-{h}", "alpha", 3, NOW - timedelta(hours=h)) for h in range(1, 9)]
        + [(f"day-{d}", "alpha", 24, NOW - timedelta(days=d, hours=1)) for d in range(1, 8)]
    )
    volumes = source_volumes(fetch_log("now", {"alpha": 0}, NOW, failed=1), past, NOW)
    assert volumes.rows() == [("alpha", 24, 7, 24.0)]
    outcome = validate_batch(tables([]), "run-1", now=NOW, volumes=volumes)
    assert outcome.failures == []


@pytest.mark.parametrize(
    ("alpha_pages", "failure"),
    [
        (3, None),  # 70% down: not yet a drop
        (
            2,
            "source_volumes: 1 source fell by 80% or more against the trailing week's pages "
            "per day (alpha 2 against 10.0)",
        ),
        (
            0,
            "source_volumes: 1 source fell by 80% or more against the trailing week's pages "
            "per day (alpha 0 against 10.0)",
        ),
    ],
    ids=["down-70-percent-passes", "down-80-percent-blocks", "silent-source-blocks"],
)
def test_a_source_whose_volume_drops_80_percent_blocks_the_batch(
    alpha_pages: int, failure: str | None
) -> None:
    volumes = pl.DataFrame(
        [("alpha", alpha_pages, 3, 10.0), ("beta", 0, 2, 50.0), ("gamma", 0, 5, 4.0)],
        schema=SOURCE_VOLUMES,
        orient="row",
    )  # beta has too few days, gamma too little volume to be judged
    outcome = validate_batch(tables([]), "run-1", now=NOW, volumes=volumes)
    assert outcome.failures == ([failure] if failure else [])
    [row] = outcome.results.filter(pl.col("table_name") == "source_volumes").rows(named=True)
    assert (row["expectation"], row["column"], row["success"], row["unexpected_count"]) == (
        "expect_column_values_to_be_between",
        "volume_ratio",
        failure is None,
        0 if failure is None else 1,
    )


def write_run(
    settings: Settings, run_id: str, batch: dict[str, pl.DataFrame], log: pl.DataFrame
) -> Path:
    """A run folder as enrich leaves it: tables/ and fetch_log.parquet."""
    run_dir = pipeline.run_dir_for(settings, run_id)
    (run_dir / "tables").mkdir(exist_ok=True)
    for name, frame in batch.items():
        frame.write_parquet(run_dir / "tables" / f"{name}.parquet")
    log.write_parquet(run_dir / "fetch_log.parquet")
    return run_dir / "tables"


def run_from_tables(settings: Settings, run_id: str, tables_dir: Path) -> None:
    """validate → load → publish, as `newsetl run` does after enrich."""
    validated = pipeline.validate(tables_dir, run_id, settings)
    pipeline.load(validated, run_id, settings, datetime.now(UTC))
    pipeline.publish(settings)


def published_rows(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute("select article_id, body, run_id from articles order by all").fetchall()


def good_batch(settings: Settings) -> list[tuple]:
    when = datetime.now(UTC) - timedelta(hours=2)
    batch = tables([article("g1", when), article("g2", when)])
    run_from_tables(
        settings, "good", write_run(settings, "good", batch, fetch_log("good", {"alpha": 2}, when))
    )
    return published_rows(settings)


def duplicate_keys() -> dict[str, pl.DataFrame]:
    when = datetime.now(UTC) - timedelta(hours=1)
    return tables([article("d1", when), article("d1", when, body="다른 본문이다.")])


def empty_bodies() -> dict[str, pl.DataFrame]:
    when = datetime.now(UTC) - timedelta(hours=1)
    rows = [article(f"e{i}", when) for i in range(3)]
    return tables([dict(row, body=" \n ") for row in rows])


@pytest.mark.parametrize(
    ("make_batch", "reason"),
    [
        (duplicate_keys, "articles: 2 duplicate article_id values"),
        (empty_bodies, "articles: 3 of 3 rows have no body or no language (+1 more)"),
    ],
    ids=["duplicate-keys", "all-bodies-empty"],
)
def test_a_blocked_batch_leaves_the_published_warehouse_as_it_was(
    settings: Settings,
    make_batch,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    before = good_batch(settings)
    when = datetime.now(UTC) - timedelta(hours=1)
    tables_dir = write_run(settings, "bad", make_batch(), fetch_log("bad", {"alpha": 2}, when))
    with pytest.raises(BatchRejected, match=f"^{re.escape(reason)}$"):
        run_from_tables(settings, "bad", tables_dir)
    assert published_rows(settings) == before
    assert [row[0] for row in before] == ["g1", "g2"]


def test_a_source_gone_quiet_blocks_the_batch_through_the_pipeline(settings: Settings) -> None:
    good_batch(settings)
    # Three earlier days of alpha with 20 pages each; the last day has the good run's 2.
    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        for n in range(3):
            run_id = f"past-{n}"
            when = datetime.now(UTC) - timedelta(days=n + 1, hours=1)
            log = fetch_log(run_id, {"alpha": 20}, when)
            warehouse.load_batch(con, tables([]), {"fetch_log": log}, run_id)
        con.close()
        warehouse.publish(settings)
    before = published_rows(settings)
    when = datetime.now(UTC) - timedelta(minutes=5)
    tables_dir = write_run(
        settings,
        "quiet",
        tables([article("q1", when)]),
        fetch_log("quiet", {"alpha": 1}, when, failed=9),
    )
    with pytest.raises(
        BatchRejected,
        match=r"^source_volumes: 1 source fell by 80% or more .*"
        r"\(alpha 3 against 20\.0\)$",
    ):
        run_from_tables(settings, "quiet", tables_dir)
    assert published_rows(settings) == before


def test_each_run_writes_gx_data_docs(settings: Settings) -> None:
    good_batch(settings)
    docs = pipeline.run_dir_for(settings, "good") / "validated" / "data_docs"
    index = (docs / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.stem.removeprefix("newsetl-") for p in docs.glob("validations/**/*.html"))
    assert "validations/articles/input/good/" in index
    assert pages == sorted(
        [
            "article_entities.input",
            "article_entities.references",
            "article_topics.input",
            "article_topics.references",
            "articles.input",
            "entities.input",
            "source_volumes.volume",
            "topics.input",
        ]
    )
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute(
            "select count(*), count(*) filter (where success) from validation_results "
            "where run_id = 'good'"
        ).fetchone() == (31, 31)


def docs_pages(docs: Path) -> list[str]:
    return sorted(p.stem.removeprefix("newsetl-") for p in docs.glob("validations/**/*.html"))


def test_data_docs_rendered_later_are_those_rendered_at_once(settings: Settings) -> None:
    """A run's side process renders the docs while the run loads: validate(docs_later=True)
    leaves them to render_data_docs, which renders the same pages."""
    from newsetl.quality import render_data_docs

    when = datetime.now(UTC) - timedelta(hours=2)
    batch = tables([article("g1", when), article("g2", when)])
    log = fetch_log("now", {"alpha": 2}, when)
    at_once = pipeline.validate(write_run(settings, "now", batch, log), "now", settings)
    later = pipeline.validate(
        write_run(settings, "later", batch, fetch_log("later", {"alpha": 2}, when)),
        "later",
        settings,
        docs_later=True,
    )
    assert not (later / "data_docs" / "index.html").exists()
    assert render_data_docs() == later / "data_docs" / "index.html"
    assert render_data_docs() is None  # rendered once
    assert docs_pages(later / "data_docs") == docs_pages(at_once / "data_docs")
    assert len(docs_pages(at_once / "data_docs")) == 8


def test_a_rejected_batch_has_its_data_docs_before_the_error(settings: Settings) -> None:
    from newsetl.quality import render_data_docs

    when = datetime.now(UTC) - timedelta(hours=1)
    tables_dir = write_run(settings, "bad", duplicate_keys(), fetch_log("bad", {"alpha": 2}, when))
    with pytest.raises(BatchRejected, match="^articles: 2 duplicate article_id values$"):
        pipeline.validate(tables_dir, "bad", settings, docs_later=True)
    docs = tables_dir.parent / "validated" / "data_docs"
    assert "articles.input" in docs_pages(docs)
    assert render_data_docs() is None  # nothing left for later
