"""Full-text search over articles: the fts index, built by the pipeline before publish.

Readers open the published file read-only, so the index is built in the working database
by the load, with the signed fts extension from the duckdb-ext-fts package (never an
INSTALL from the network). Korean words are indexed as overlapping character pairs and
other words whole (`search_terms`, sql/search/), so one index serves both languages
without a morphological analyser at query time. `search_articles('query')` ranks with
BM25 in plain SQL over the index tables, so any reader can call it without the extension.
The terms (`article_search`) are kept up to date article by article; the fts pragma can only
build its index whole, so that part grows with the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from newsetl.settings import PROJECT_ROOT
from newsetl.statements import quoted, staged

SEARCH_SQL_DIR = PROJECT_ROOT / "sql" / "search"
INDEX_SCHEMA = "fts_main_article_search"
SEARCH_COLUMNS = ["article_id", "terms", "text_hash"]  # article_search, as 020 makes it


def extension_directory() -> Path:
    """The folder DuckDB's extension autoloading should look in (the package's binaries)."""
    import duckdb_ext  # type: ignore[import-not-found]

    return Path(next(iter(duckdb_ext.__path__))) / "extensions"


def fts_extension_path() -> Path:
    """The signed fts binary shipped by duckdb-ext-fts for this DuckDB version and platform."""
    version = duckdb.__version__
    matches = sorted(extension_directory().glob(f"v{version}/*/fts.duckdb_extension"))
    if not matches:
        raise FileNotFoundError(
            f"no fts extension for DuckDB {version} under {extension_directory()}; "
            "install the duckdb-ext-fts version that matches duckdb"
        )
    return matches[0]


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension from the package, never from the network."""
    con.execute(f"load {quoted(str(fts_extension_path()))}")  # a path cannot be bound


def prepare_terms(
    con: duckdb.DuckDBPyConnection, articles: pl.DataFrame, stage_dir: Path | None = None
) -> int:
    """Work out ahead the search terms of a batch's articles (article_id, title, body) that
    article_search lacks, into a temporary table of this connection that the next
    build_index takes them from. The run does this in a thread while the batch validates:
    the terms are a fifth of a first load. An article that validation or a later change
    alters is worked out again, since its text no longer hashes the same. The articles are
    staged under `stage_dir` (newsetl.statements.staged). Returns the articles prepared."""
    con.execute(_read("010_search_terms.sql"))
    con.execute(_read("015_prepared_terms.sql"))  # an empty table where there was none
    # Only what article_search lacks (where it exists in this layout; build_index makes it).
    missing = (
        "and not exists (select 1 from article_search as known where known.article_id ="
        " batch_text.article_id and known.text_hash = md5(search_text(title, body)))"
        if _columns(con, "article_search") == SEARCH_COLUMNS
        else ""
    )
    with staged(con, {"batch_text": articles.select("article_id", "title", "body")}, stage_dir):
        con.execute(
            "insert into prepared_search_terms select article_id, md5(search_text(title, body)),"
            " search_terms(search_text(title, body)) from batch_text"
            f" where body is not null {missing}"  # noqa: S608 - fixed text
        )
    row = con.execute("select count(*) from prepared_search_terms").fetchone()
    return int(row[0]) if row else 0


def build_index(con: duckdb.DuckDBPyConnection) -> int:
    """Bring article_search up to date (terms worked out only for new or changed articles,
    or taken from prepare_terms), rebuild its fts index and the search macros; returns rows
    indexed.

    Runs inside the caller's transaction when there is one, so a crash leaves the previous
    index in place.
    """
    load_fts(con)
    con.execute(_read("010_search_terms.sql"))
    # The macro depends on the index schema, which the rebuild drops.
    con.execute("drop macro table if exists search_articles")
    if _columns(con, "article_search") not in ([], SEARCH_COLUMNS):
        con.execute("drop table article_search")  # an older layout: built again whole
    con.execute(_read("015_prepared_terms.sql"))
    con.execute(_read("020_article_search.sql"))
    con.execute(
        "pragma create_fts_index('article_search', 'article_id', 'terms', "
        "stemmer = 'none', stopwords = 'none', ignore = '\\s+', "
        "strip_accents = 0, lower = 0, overwrite = 1)"
    )
    con.execute(_read("030_search_articles.sql"))
    row = con.execute("select count(*) from article_search").fetchone()
    return int(row[0]) if row else 0


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "  # noqa: S608 - quoted
        f"where table_schema = current_schema() and table_name = {quoted(table)} "
        "order by ordinal_position"
    ).fetchall()
    return [row[0] for row in rows]


def _read(name: str) -> str:
    return (SEARCH_SQL_DIR / name).read_text(encoding="utf-8")
