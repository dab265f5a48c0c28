"""The DuckDB warehouse: migrations, the transactional load, and the published snapshot.

The pipeline writes only to a private working database. After a load commits, the working
file is checkpointed, copied beside the published path and renamed over it, so readers
(opened read-only at any time) see the previous batch or the new one, never part of one,
and the pipeline never holds a lock on the published file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from newsetl import schema, search
from newsetl.settings import PROJECT_ROOT, Settings
from newsetl.statements import quoted, staged

SQL_DIR = PROJECT_ROOT / "sql"
LOCK_TIMEOUT_SECONDS = float(os.environ.get("NEWSETL_LOCK_TIMEOUT", "300"))


class WarehouseBusy(RuntimeError):
    """Another process is loading this warehouse."""


@dataclass(frozen=True)
class LoadResult:
    """What a load changed."""

    articles_changed: int
    articles_unchanged: int
    entities_upserted: int
    quarantined: int


def migration_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    """Numbered migrations in order (001_name.sql, 002_name.sql, ...)."""
    return sorted((sql_dir / "migrations").glob("[0-9][0-9][0-9]_*.sql"))


def view_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return sorted((sql_dir / "views").glob("[0-9][0-9][0-9]_*.sql"))


def migrate(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply pending migrations, each in its own transaction, then (re)create the views."""
    con.execute(
        "create table if not exists schema_migrations "
        "(version varchar primary key, applied_at timestamptz default now())"
    )
    applied = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    done = []
    for path in migration_files(sql_dir):
        if path.stem in applied:
            continue
        con.execute("begin")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(f"insert into schema_migrations (version) values ({quoted(path.stem)})")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        done.append(path.stem)
    for path in view_files(sql_dir):
        con.execute(path.read_text(encoding="utf-8"))
    return done


def working_path(settings: Settings) -> Path:
    return settings.work_dir / "warehouse.work.duckdb"


@contextlib.contextmanager
def writer_lock(settings: Settings, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialise loads: wait for another load up to `timeout`, then refuse with a clear message."""
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    lock_path = settings.work_dir / "writer.lock"
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise WarehouseBusy(
                        f"another newsetl load holds {settings.db_path.name} (pid {holder}); "
                        "try again when it finishes"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def working(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The working database for a load: the writer lock held and the connection open
    (open_working) until the block ends."""
    with writer_lock(settings):
        con = open_working(settings)
        try:
            yield con
        finally:
            con.close()


def open_working(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The private read-write database, seeded from the published one when it is missing."""
    path = working_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() and settings.db_path.exists():
        shutil.copyfile(settings.db_path, path)
    # DuckDB takes 80% of the machine by default; rebuilding the search index over 100,000
    # articles peaked at 2.7 GB that way, and at 0.9 GB with 512 MB (spilling, no slower).
    # Primary-key indexes must fit in memory: a load that runs out retries without the cap.
    con = duckdb.connect(
        str(path),
        config={"memory_limit": settings.duckdb_memory, "preserve_insertion_order": False},
    )
    # No progress bar: slow statements would draw one into task logs.
    con.execute("set enable_progress_bar = false")
    migrate(con)
    return con


def load_batch(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, pl.DataFrame],
    records: dict[str, pl.DataFrame],
    run_id: str,
    *,
    index: bool = True,
    stage_dir: Path | None = None,
) -> LoadResult:
    """Load one validated batch in a single transaction; loading it again changes nothing.

    An article is (re)written only when it is new or its content hash changed; its entity
    and topic rows are replaced with it. Entities merge their aliases. `records` holds the
    run's own rows (quarantine, fetch_log, validation_results), appended for this run_id
    after any earlier attempt of the same run is removed. The full-text index is rebuilt
    in the same transaction when an article changed, so it never lags the articles. With
    `index=False` (a run's parts before its last) it is dropped instead, and the next load
    that indexes rebuilds it once for them all. The frames are staged under `stage_dir`.
    """
    frames = {
        name: schema.conform(tables[name], columns) for name, columns in schema.TABLES.items()
    }
    # Keywords and issues (migration 005) follow their article like the tables above.
    extras = [table for table in schema.ARTICLE_EXTRAS if table in tables]
    for table in extras:
        frames[table] = schema.conform(tables[table], schema.ARTICLE_EXTRAS[table])
    with staged(
        con,
        {f"staged_{name}": frame for name, frame in {**frames, **records}.items()},
        stage_dir,
    ):
        return _load_staged(con, frames, records, extras, run_id, index)


def _load_staged(
    con: duckdb.DuckDBPyConnection,
    frames: dict[str, pl.DataFrame],
    records: dict[str, pl.DataFrame],
    extras: list[str],
    run_id: str,
    index: bool,
) -> LoadResult:
    """load_batch's transaction, over the staged_<name> views of the frames."""
    con.execute("begin")
    try:
        con.execute(
            """
            create or replace temp table changed_articles as
            select s.article_id
            from staged_articles as s
            left join articles as a on a.article_id = s.article_id
            where a.article_id is null or a.content_hash <> s.content_hash
            """
        )
        changed = _count(con, "changed_articles")
        for table in ("article_entities", "article_topics", "articles"):
            con.execute(
                f"delete from {table} where article_id in (select article_id from changed_articles)"  # noqa: S608 - fixed names
            )
        article_columns = ", ".join(schema.ARTICLES)  # by name: migrations append columns
        con.execute(
            f"""
            insert into articles ({article_columns}, run_id, loaded_at)
            select {article_columns}, {quoted(run_id)} as run_id, now() as loaded_at
            from staged_articles
            where article_id in (select article_id from changed_articles)
            """  # noqa: S608 - the contract's own column names and a quoted run id
        )
        con.execute(
            """
            insert into topics select * from staged_topics
            on conflict (topic_id) do update set
                label = excluded.label,
                label_ko = excluded.label_ko,
                parent_topic_id = excluded.parent_topic_id
            """
        )
        con.execute(
            """
            create or replace temp table changed_entities as
            select distinct entity_id from staged_article_entities
            where article_id in (select article_id from changed_articles)
            """
        )
        upserted = _count(con, "changed_entities")
        con.execute(
            """
            insert into entities
            select * from staged_entities
            where entity_id in (select entity_id from changed_entities)
            on conflict (entity_id) do update set
                aliases = list_sort(list_distinct(list_concat(entities.aliases, excluded.aliases))),
                wikidata_id = coalesce(entities.wikidata_id, excluded.wikidata_id)
            """
        )
        for table in ("article_entities", "article_topics"):
            con.execute(
                f"insert into {table} select * from staged_{table} "  # noqa: S608 - fixed names
                "where article_id in (select article_id from changed_articles)"
            )
        for table in extras:
            con.execute(
                f"delete from {table} "  # noqa: S608 - fixed names
                "where article_id in (select article_id from changed_articles)"
            )
            con.execute(
                f"insert into {table} select * from staged_{table} "  # noqa: S608 - fixed names
                "where article_id in (select article_id from changed_articles)"
            )
        for table, frame in records.items():
            con.execute(f"delete from {table} where run_id = {quoted(run_id)}")  # noqa: S608
            if frame.height:
                names = ", ".join(f'"{c}"' for c in frame.columns)
                con.execute(f"insert into {table} ({names}) select {names} from staged_{table}")  # noqa: S608
        if not index:
            if changed:
                con.execute(f"drop schema if exists {search.INDEX_SCHEMA} cascade")
        elif changed or not _has_search_index(con):
            search.build_index(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    quarantined = records["quarantine"].height if "quarantine" in records else 0
    return LoadResult(
        articles_changed=changed,
        articles_unchanged=frames["articles"].height - changed,
        entities_upserted=upserted,
        quarantined=quarantined,
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()  # noqa: S608 - fixed names
    return int(row[0]) if row else 0


def _has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from duckdb_schemas() where schema_name = "  # noqa: S608 - quoted
        + quoted(search.INDEX_SCHEMA)
    ).fetchone()
    return bool(row and row[0])


def publish(settings: Settings) -> Path:
    """Copy the checkpointed working database over the published path atomically.

    The caller holds the writer lock, so a staging copy left beside the target can only be
    the remains of a publish that was killed; it is removed.
    """
    source = working_path(settings)
    target = settings.db_path
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.publishing-*"):
        leftover.unlink()
    with duckdb.connect(str(source)) as con:
        con.execute("set enable_progress_bar = false")
        con.execute("checkpoint")
    staging = target.with_name(f".{target.name}.publishing-{os.getpid()}")
    shutil.copyfile(source, staging)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    stale_wal = target.with_name(target.name + ".wal")
    if stale_wal.exists():
        # A WAL beside the published file could only come from a read-write open by hand;
        # replaying it onto the new snapshot would corrupt it.
        stale_wal.unlink()
    os.replace(staging, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return target


def connect_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database.

    Extensions autoload from the duckdb-ext-* packages, so the fts extension's own
    `match_bm25` works here too, with no download.
    """
    if not settings.db_path.exists():
        raise FileNotFoundError(
            f"no warehouse at {settings.db_path}; run `newsetl run` (or `make demo`) first"
        )
    return duckdb.connect(
        str(settings.db_path),
        read_only=True,
        config={"extension_directory": str(search.extension_directory())},
    )


def source_history(settings: Settings, since: datetime) -> pl.DataFrame:
    """Pages parsed per source and run since `since`, from the published warehouse.

    Only published runs count: a blocked batch never lowers a source's baseline.
    """
    empty = pl.DataFrame(
        schema={
            "run_id": pl.String(),
            "source": pl.String(),
            "pages": pl.Int64(),
            "fetched_at": schema.UTC_TS,
        }
    )
    if not settings.db_path.exists():
        return empty
    with connect_published(settings) as con:
        # A variable rather than a bound parameter (see newsetl.statements).
        con.execute(f"set variable volume_since = timestamptz {quoted(since.isoformat())}")
        frame = con.execute(
            (SQL_DIR / "queries" / "source_history.sql").read_text(encoding="utf-8")
        ).pl()
    if not frame.height:
        return empty
    # DuckDB hands back 'Etc/UTC'; the frames of the pipeline say 'UTC'.
    frame = frame.with_columns(pl.col("fetched_at").dt.convert_time_zone("UTC"))
    return schema.conform(frame, dict(empty.schema))
