"""Full-text search over Korean and English articles, built before publish, read read-only."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import polars as pl
import pytest
from warehouse_batches import DAY, article, tables

from newsetl import search, warehouse
from newsetl.settings import Settings

ARTICLES = [
    article(
        "ko-chip",
        DAY,
        title="삼성전자, 차세대 반도체 양산",
        body="삼성전자가 평택에서 반도체를 양산한다.",
    ),
    article("ko-rate", DAY, title="한국은행 기준금리 동결", body="한국은행이 기준금리를 동결했다."),
    article(
        "en-chip",
        DAY + timedelta(hours=1),
        language="en",
        title="Samsung starts chip output",
        body="Samsung Electronics began mass production of memory chips in Pyeongtaek.",
    ),
]


@pytest.fixture
def published(settings: Settings) -> Settings:
    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        warehouse.load_batch(con, tables(ARTICLES), {}, "run-1")
        con.close()
        warehouse.publish(settings)
    return settings


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("반도체", ["ko-chip"]),  # 반도체를 in the body, 반도체 in the title
        ("기준금리", ["ko-rate"]),
        ("삼성전자 반도체", ["ko-chip"]),
        ("samsung", ["en-chip"]),
        ("Memory CHIPS", ["en-chip"]),
        ("없는단어", []),
    ],
    ids=[
        "korean-word-with-particle",
        "korean-compound",
        "korean-two-words",
        "english",
        "english-case-and-punctuation",
        "no-match",
    ],
)
def test_search_articles_from_a_read_only_reader(
    published: Settings, query: str, expected: list[str]
) -> None:
    with duckdb.connect(str(published.db_path), read_only=True) as con:
        found = con.execute(
            "select article_id from search_articles(?) where matched_terms = query_terms",
            [query],
        ).fetchall()
    assert [row[0] for row in found] == expected


def test_scores_equal_the_fts_extensions_match_bm25(published: Settings) -> None:
    with warehouse.connect_published(published) as con:
        ours = con.execute(
            "select article_id, score from search_articles('삼성전자 반도체 samsung')"
        ).fetchall()
        theirs = con.execute(
            """
            select article_id, round(score, 6)
            from (
                select article_id, fts_main_article_search.match_bm25(
                    article_id, search_terms('삼성전자 반도체 samsung')
                ) as score
                from article_search
            )
            where score is not null
            order by score desc, article_id
            """
        ).fetchall()
    assert ours == theirs
    assert [row[0] for row in ours][:1] == ["ko-chip"]


def test_search_terms_split_korean_into_character_pairs() -> None:
    con = duckdb.connect()
    con.execute(search.SEARCH_SQL_DIR.joinpath("010_search_terms.sql").read_text())
    assert con.execute("select search_terms('삼성전자가 AI-반도체를, 3.5%!')").fetchone() == (
        "삼성 성전 전자 자가 ai 반도 도체 체를 3 5",
    )


def test_the_index_follows_changed_articles(published: Settings) -> None:
    changed = dict(ARTICLES[1], body="한국은행이 기준금리를 인하했다.", content_hash="new")
    with warehouse.writer_lock(published):
        con = warehouse.open_working(published)
        warehouse.load_batch(con, tables([changed]), {}, "run-2")
        assert con.execute(
            "select article_id from search_articles('인하') where matched_terms = query_terms"
        ).fetchall() == [("ko-rate",)]
        con.close()


FRESH_TERMS = (
    "select article_id, search_terms(coalesce(title, '') || ' ' || body) from stg_articles"
)


def test_only_new_and_changed_articles_have_their_terms_worked_out_again(
    published: Settings,
) -> None:
    changed = dict(ARTICLES[1], body="한국은행이 기준금리를 인하했다.", content_hash="new")
    retitled = dict(ARTICLES[0], title="삼성전자, 차세대 메모리 양산", content_hash="retitled")
    new = article(
        "en-rate",
        DAY,
        language="en",
        title="Bank of Korea holds rates",
        body="The Bank of Korea kept its base rate at 2.5 percent.",
    )
    with warehouse.writer_lock(published):
        con = warehouse.open_working(published)
        # A row whose article did not change is left as it is: this one says so.
        con.execute("update article_search set terms = 'untouched' where article_id = 'en-chip'")
        warehouse.load_batch(con, tables([changed, retitled, new]), {}, "run-2")
        kept = dict(con.execute("select article_id, terms from article_search").fetchall())
        fresh = dict(con.execute(FRESH_TERMS).fetchall())
        found = con.execute(
            "select article_id from search_articles('메모리 양산') "
            "where matched_terms = query_terms"
        ).fetchall()
        con.close()
    assert kept.pop("en-chip") == "untouched"
    assert kept == {key: terms for key, terms in fresh.items() if key != "en-chip"}
    assert sorted(kept) == ["en-rate", "ko-chip", "ko-rate"]
    assert found == [("ko-chip",)]


def test_an_article_search_of_the_older_layout_is_built_again(published: Settings) -> None:
    with warehouse.writer_lock(published):
        con = warehouse.open_working(published)
        con.execute(
            "create or replace table article_search as "
            "select article_id, 'stale' as terms from stg_articles"
        )
        assert search.build_index(con) == 3
        columns = con.execute("select * from article_search limit 0").description
        kept = dict(con.execute("select article_id, terms from article_search").fetchall())
        fresh = dict(con.execute(FRESH_TERMS).fetchall())
        con.close()
    assert [column[0] for column in columns] == ["article_id", "terms", "text_hash"]
    assert kept == fresh


def test_the_extension_loads_from_the_package() -> None:
    path = search.fts_extension_path()
    assert path.name == "fts.duckdb_extension"
    assert path.is_relative_to(search.extension_directory())


def test_newsetl_search_on_the_command_line(published: Settings) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    newsetl = Path(sys.executable).with_name("newsetl")
    completed = subprocess.run(
        [str(newsetl), "search", "반도체 양산", "--db", str(published.db_path), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(completed.stdout)
    assert [(row["article_id"], row["title"]) for row in found] == [
        ("ko-chip", "삼성전자, 차세대 반도체 양산")
    ]


def test_terms_worked_out_ahead_are_taken_for_the_text_they_came_from(
    published: Settings,
) -> None:
    """prepare_terms works out a batch's terms while it validates; the load takes them only
    for an article whose text is still the one they came from."""
    changed = dict(ARTICLES[1], body="한국은행이 기준금리를 인하했다.", content_hash="new")
    new = article("en-rate", DAY, language="en", title="Bank of Korea holds rates")
    with warehouse.writer_lock(published):
        con = warehouse.open_working(published)
        ahead = pl.DataFrame([ARTICLES[0], changed, new]).select("article_id", "title", "body")
        # ko-chip is indexed already with this text: nothing to work out for it.
        assert search.prepare_terms(con, ahead) == 2
        # Marked, to tell taken terms from terms worked out again.
        con.execute("update prepared_search_terms set terms = 'ahead ' || terms")
        edited = dict(new, body="The Bank of Korea kept its base rate at 2.5 percent.")
        warehouse.load_batch(con, tables([changed, edited]), {}, "run-2")
        kept = dict(con.execute("select article_id, terms from article_search").fetchall())
        fresh = dict(con.execute(FRESH_TERMS).fetchall())
        leftover = con.execute(
            "select count(*) from duckdb_tables() where table_name = 'prepared_search_terms'"
        ).fetchone()
        con.close()
    assert kept["ko-rate"] == "ahead " + fresh["ko-rate"]  # taken
    assert kept["en-rate"] == fresh["en-rate"]  # its body changed after: worked out again
    assert kept["ko-chip"] == fresh["ko-chip"] and kept["en-chip"] == fresh["en-chip"]
    assert leftover == (0,)  # used once, by that load
