from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from newsetl import schema, warehouse
from newsetl.settings import Settings
from newsetl.statements import staged

NOW = datetime(2026, 11, 24, 5, 31, tzinfo=UTC)
RUN = "run-1"


def batch(
    body: str = "한국은행이 기준금리를 동결했다.", alias: str = "한은"
) -> dict[str, pl.DataFrame]:
    """A one-article batch in the five contract tables."""
    articles = pl.DataFrame(
        [
            {
                "article_id": "a1",
                "url": "https://news.example.kr/1",
                "origin": "https://news.example.kr/1",
                "source": "example",
                "title": "기준금리 동결",
                "author": "김민지",
                "published_at": NOW,
                "fetched_at": NOW,
                "language": "ko",
                "body": body,
                "content_hash": str(hash(body)),
                "story_id": "s1",
            }
        ],
        schema=schema.ARTICLES,
    )
    entities = pl.DataFrame(
        [
            {
                "entity_id": "org:bank-of-korea",
                "name": "한국은행",
                "entity_type": "ORG",
                "aliases": ["Bank of Korea", alias],
                "wikidata_id": "Q482662",
            }
        ],
        schema=schema.ENTITIES,
    )
    links = pl.DataFrame(
        [
            {
                "article_id": "a1",
                "entity_id": "org:bank-of-korea",
                "mention_count": 2,
                "first_offset": 0,
                "salience": 0.9,
            }
        ],
        schema=schema.ARTICLE_ENTITIES,
    )
    topics = pl.DataFrame(
        [{"topic_id": "economy", "label": "Economy", "label_ko": "경제", "parent_topic_id": None}],
        schema=schema.TOPICS,
    )
    article_topics = pl.DataFrame(
        [{"article_id": "a1", "topic_id": "economy", "score": 0.8}], schema=schema.ARTICLE_TOPICS
    )
    return {
        "articles": articles,
        "entities": entities,
        "article_entities": links,
        "topics": topics,
        "article_topics": article_topics,
    }


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {
        name: con.execute(f"select * exclude (loaded_at) from {name} order by all").fetchall()
        if name == "articles"
        else con.execute(f"select * from {name} order by all").fetchall()
        for name in schema.TABLES
    }


def test_migrations_apply_once(settings: Settings) -> None:
    con = warehouse.open_working(settings)
    assert warehouse.migrate(con) == []
    versions = [row[0] for row in con.execute("select version from schema_migrations").fetchall()]
    assert versions == [p.stem for p in warehouse.migration_files()]
    con.close()


def test_load_twice_changes_nothing(settings: Settings) -> None:
    con = warehouse.open_working(settings)
    first = warehouse.load_batch(con, batch(), {}, RUN)
    before = snapshot(con)
    second = warehouse.load_batch(con, batch(), {}, "run-2")
    assert (first.articles_changed, second.articles_changed, second.articles_unchanged) == (1, 0, 1)
    assert snapshot(con) == before
    con.close()


def test_changed_article_replaces_its_rows_and_merges_aliases(settings: Settings) -> None:
    con = warehouse.open_working(settings)
    warehouse.load_batch(con, batch(), {}, RUN)
    result = warehouse.load_batch(
        con, batch(body="한국은행이 기준금리를 인하했다.", alias="BOK"), {}, "run-2"
    )
    assert result.articles_changed == 1
    assert con.execute("select body, run_id from articles").fetchall() == [
        ("한국은행이 기준금리를 인하했다.", "run-2")
    ]
    assert con.execute("select count(*) from article_entities").fetchone() == (1,)
    assert con.execute("select aliases from entities").fetchone() == (
        ["BOK", "Bank of Korea", "한은"],
    )
    con.close()


def quarantined(run_id: str) -> pl.DataFrame:
    """The run's quarantine: one article with a blank body."""
    row = {
        "run_id": run_id,
        "table_name": "articles",
        "row_key": "a9",
        "rule": "body_not_blank",
        "value": "",
        "quarantined_at": NOW,
    }
    return pl.DataFrame([row], schema=schema.QUARANTINE)


def test_run_records_are_replaced_for_a_retried_run(settings: Settings) -> None:
    quarantine = quarantined(RUN)
    con = warehouse.open_working(settings)
    warehouse.load_batch(con, batch(), {"quarantine": quarantine}, RUN)
    warehouse.load_batch(con, batch(), {"quarantine": quarantine}, RUN)
    assert con.execute("select run_id, row_key, rule from quarantine").fetchall() == [
        (RUN, "a9", "body_not_blank")
    ]
    con.close()


def test_a_run_id_with_a_quote_is_written_as_it_is(settings: Settings) -> None:
    """Run ids are inlined as SQL literals (newsetl.statements.quoted); an Airflow run id
    given by hand may hold a quote."""
    quarantine = quarantined("manual__o'brien")
    con = warehouse.open_working(settings)
    for _ in range(2):  # the second load replaces the run's rows
        warehouse.load_batch(con, batch(), {"quarantine": quarantine}, "manual__o'brien")
    assert con.execute("select run_id from articles").fetchall() == [("manual__o'brien",)]
    assert con.execute("select run_id, row_key from quarantine").fetchall() == [
        ("manual__o'brien", "a9")
    ]
    con.close()


def test_staged_frames_read_back_as_they_are(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "id": ["a", "b'c", None],
            "at": [NOW, None, NOW],
            "aliases": [["한은", "BOK"], [], None],
            "score": [0.5, None, 1.0],
            "count": [1, 2, None],
        },
        schema_overrides={"at": pl.Datetime("us", "UTC")},
    )
    con = duckdb.connect()
    with staged(con, {"staged_x": frame}, tmp_path):
        back = con.execute("select * from staged_x").pl()
        assert back.with_columns(pl.col("at").dt.convert_time_zone("UTC")).equals(frame)
    assert not con.execute("select * from duckdb_views() where view_name = 'staged_x'").fetchall()
    assert list(tmp_path.iterdir()) == []  # the staged files go with the block
    con.close()


def test_publish_replaces_the_file_under_an_open_reader(settings: Settings) -> None:
    con = warehouse.open_working(settings)
    warehouse.load_batch(con, batch(), {}, RUN)
    con.close()
    warehouse.publish(settings)
    reader = duckdb.connect(str(settings.db_path), read_only=True)
    assert reader.execute("select count(*) from articles").fetchone() == (1,)

    con = warehouse.open_working(settings)
    extra = batch(body="두 번째 기사 본문이다.")
    extra["articles"] = extra["articles"].with_columns(article_id=pl.lit("a2"))
    for name in ("article_entities", "article_topics"):
        extra[name] = extra[name].with_columns(article_id=pl.lit("a2"))
    warehouse.load_batch(con, extra, {}, "run-2")
    con.close()
    warehouse.publish(settings)

    # the open reader keeps the snapshot it opened; a new reader sees the new batch
    assert reader.execute("select count(*) from articles").fetchone() == (1,)
    reader.close()
    with duckdb.connect(str(settings.db_path), read_only=True) as fresh:
        assert fresh.execute("select count(*) from articles").fetchone() == (2,)
    assert not list(settings.db_path.parent.glob(".warehouse.duckdb.publishing-*"))


def _hold_lock(work_dir: str, db: str, seconds: float, ready: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    held = Settings(db_path=Path(db), work_dir=Path(work_dir), config_dir=Path(work_dir))
    with warehouse.writer_lock(held):
        ready.set()
        time.sleep(seconds)


def test_a_second_writer_is_refused_with_a_clear_message(settings: Settings) -> None:
    ready = multiprocessing.get_context("fork").Event()
    holder = multiprocessing.get_context("fork").Process(
        target=_hold_lock, args=(str(settings.work_dir), str(settings.db_path), 3.0, ready)
    )
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(
            warehouse.WarehouseBusy,
            match=r"another newsetl load holds warehouse.duckdb \(pid \d+\)",
        ):
            with warehouse.writer_lock(settings, timeout=0.5):
                pass
    finally:
        holder.join()
    with warehouse.writer_lock(settings, timeout=0.5):
        pass


def test_views_answer_on_a_loaded_warehouse(settings: Settings) -> None:
    con = warehouse.open_working(settings)
    warehouse.load_batch(con, batch(), {}, RUN)
    assert con.execute(
        "select day, name, articles, mentions from daily_entity_mentions"
    ).fetchall() == [(NOW.date(), "한국은행", 1, 2)]
    assert con.execute("select topic_id, articles from topic_daily").fetchall() == [("economy", 1)]
    con.close()


def test_migrating_a_new_warehouse_never_imports_pandas(tmp_path: Path) -> None:
    """A first run migrates a new warehouse: its statements bind no parameter either, so
    DuckDB's client does not import pandas there (newsetl.statements)."""
    import subprocess
    import sys

    script = (
        "import sys, duckdb\n"
        "from newsetl.search import load_fts\n"
        "from newsetl.warehouse import migrate\n"
        f"con = duckdb.connect({str(tmp_path / 'new.duckdb')!r})\n"
        "assert migrate(con)\n"
        "load_fts(con)\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
