"""Each mart's SQL on a small hand-made warehouse, with the exact rows expected."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import pytest
from warehouse_batches import DAY, article, fetches, tables

from newsetl import warehouse
from newsetl.settings import Settings

D = DAY.date()
BEFORE = D - timedelta(days=1)


@pytest.fixture
def con(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Four articles over two days, two outlets, three entities and two topic levels."""
    batch = tables(
        [
            article(
                "a1",
                DAY + timedelta(hours=1),
                source="alpha",
                story_id="s1",
                author="김기자",
                title="삼성전자 이재용 회장 서울 회동",
            ),
            article(
                "a2",
                DAY + timedelta(hours=2),
                source="beta",
                story_id="s1",
                language="en",
                title="Samsung chief meets in Seoul",
            ),
            article("a3", DAY + timedelta(hours=3), source="alpha", story_id="s2"),
            article("a4", DAY - timedelta(hours=20), source="beta", story_id="s3"),
        ],
        entities=[
            ("e:lee", "이재용", "PERSON"),
            ("e:samsung", "삼성전자", "ORG"),
            ("e:seoul", "서울", "LOCATION"),
        ],
        mentions=[
            ("a1", "e:samsung", 3, 0.9),
            ("a1", "e:lee", 1, 0.6),
            ("a1", "e:seoul", 1, 0.3),
            ("a2", "e:samsung", 1, 0.8),
            ("a2", "e:lee", 2, 0.4),
            ("a3", "e:samsung", 1, 0.5),
            ("a4", "e:seoul", 1, 0.7),
        ],
        topics=[
            ("economy", "Economy", None),
            ("it_science", "IT and science", None),
            ("semiconductors", "Semiconductors", "it_science"),
        ],
        tagged=[
            ("a1", "economy", 0.9),
            ("a1", "semiconductors", 0.7),
            ("a2", "economy", 0.8),
            ("a3", "semiconductors", 0.6),
            ("a4", "economy", 0.5),
        ],
    )
    log = fetches(
        "run-1",
        [
            ("alpha", "html", "parsed"),
            ("alpha", "html", "parsed"),
            ("alpha", "html", "fetch_failed"),
            ("beta", "feed", "listing"),
            ("beta", "html", "parsed"),
            ("beta", "html", "parsed"),
            ("beta", "html", "parse_failed"),
        ],
    )
    connection = warehouse.open_working(settings)
    warehouse.load_batch(connection, batch, {"fetch_log": log}, "run-1")
    # Fixed load times make the publication-to-load delay exact.
    connection.execute(
        """
        update articles set loaded_at = published_at + case article_id
            when 'a1' then interval 2 hour
            when 'a3' then interval 4 hour
            when 'a2' then interval 4 hour
            else interval 6 hour end
        """
    )
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_daily_entity_mentions(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select * from daily_entity_mentions order by day, entity_id") == [
        (BEFORE, "e:seoul", "서울", "LOCATION", 1, 1, 0.7),
        (D, "e:lee", "이재용", "PERSON", 2, 3, 0.5),
        (D, "e:samsung", "삼성전자", "ORG", 3, 5, 0.7333),
        (D, "e:seoul", "서울", "LOCATION", 1, 1, 0.3),
    ]


def test_entity_cooccurrence(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select * from entity_cooccurrence order by all") == [
        (D, "e:lee", "이재용", "PERSON", "e:samsung", "삼성전자", "ORG", 2),
        (D, "e:lee", "이재용", "PERSON", "e:seoul", "서울", "LOCATION", 1),
        (D, "e:samsung", "삼성전자", "ORG", "e:seoul", "서울", "LOCATION", 1),
    ]


def test_topic_daily(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select * from topic_daily order by day, topic_id") == [
        (BEFORE, "economy", "Economy", None, 1, 0.5),
        (D, "economy", "Economy", None, 2, 1.7),
        (D, "semiconductors", "Semiconductors", "it_science", 2, 1.3),
    ]


def test_daily_top_stories(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con,
        "select day, rank, story_id, headline, articles, sources, outlets, languages, first_url "
        "from daily_top_stories order by day, rank",
    ) == [
        (BEFORE, 1, "s3", "title a4", 1, 1, ["beta"], ["ko"], "https://news.example.kr/a4"),
        (
            D,
            1,
            "s1",
            "삼성전자 이재용 회장 서울 회동",
            2,
            2,
            ["alpha", "beta"],
            ["en", "ko"],
            "https://news.example.kr/a1",
        ),
        (D, 2, "s2", "title a3", 1, 1, ["alpha"], ["ko"], "https://news.example.kr/a3"),
    ]


def test_source_stats(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con,
        "select source, articles, pages_fetched, fetch_failures, not_articles, "
        "median_hours_to_load, last_published_at from source_stats order by source",
    ) == [
        ("alpha", 2, 2, 1, 0, 3.0, DAY + timedelta(hours=3)),
        ("beta", 2, 3, 0, 1, 5.0, DAY + timedelta(hours=2)),
    ]


def test_bigkinds_export(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con,
        "select news_id, published_date, outlet, byline, title, categories, persons, locations, "
        "organisations, keywords, url from bigkinds_export order by news_id",
    ) == [
        (
            "a1",
            D,
            "alpha",
            "김기자",
            "삼성전자 이재용 회장 서울 회동",
            "Economy,IT and science>Semiconductors",
            "이재용",
            "서울",
            "삼성전자",
            "삼성전자,이재용,서울",
            "https://news.example.kr/a1",
        ),
        (
            "a2",
            D,
            "beta",
            None,
            "Samsung chief meets in Seoul",
            "Economy",
            "이재용",
            None,
            "삼성전자",
            "삼성전자,이재용",
            "https://news.example.kr/a2",
        ),
        (
            "a3",
            D,
            "alpha",
            None,
            "title a3",
            "IT and science>Semiconductors",
            None,
            None,
            "삼성전자",
            "삼성전자",
            "https://news.example.kr/a3",
        ),
        (
            "a4",
            BEFORE,
            "beta",
            None,
            "title a4",
            "Economy",
            None,
            "서울",
            None,
            "서울",
            "https://news.example.kr/a4",
        ),
    ]
    assert rows(con, "select body from bigkinds_export where news_id = 'a3'") == [
        ("a3 본문입니다.",)
    ]


def test_trending_entities_against_the_trailing_14_days(settings: Settings) -> None:
    # e:x: 3 articles 15 days before (outside the window), 2 at 14 and at 7 days before
    # (inside it, under the minimum volume), 4 on the day.
    counts = {-15: 3, -14: 2, -7: 2, 0: 4}
    articles, mentions = [], []
    for offset, n in counts.items():
        for i in range(n):
            article_id = f"x{offset}_{i}"
            articles.append(article(article_id, DAY + timedelta(days=offset, hours=i)))
            mentions.append((article_id, "e:x", 1, 0.5))
    con = warehouse.open_working(settings)
    warehouse.load_batch(
        con, tables(articles, entities=[("e:x", "엑스", "ORG")], mentions=mentions), {}, "run-1"
    )
    # Window for the day: 2 + 2 articles over 14 days: mean 4/14, variance 8/14 - mean².
    assert rows(con, "select * from trending_entities order by day") == [
        (D - timedelta(days=15), "e:x", "엑스", "ORG", 3, 0.0, 0.0, 3.0),
        (D, "e:x", "엑스", "ORG", 4, 0.2857, 0.6999, 3.7143),
    ]
    con.close()


def test_the_four_documented_views_keep_their_names(con: duckdb.DuckDBPyConnection) -> None:
    views = {row[0] for row in rows(con, "select view_name from duckdb_views() where not internal")}
    assert {
        "daily_entity_mentions",
        "entity_cooccurrence",
        "topic_daily",
        "source_stats",
        "trending_entities",
        "daily_top_stories",
        "bigkinds_export",
    } <= views
    assert isinstance(D, date)
