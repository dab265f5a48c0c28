"""The pipeline's steps as functions of files, shared by the Airflow DAG and the CLI.

Each step reads what the previous one wrote under the run's directory and returns the
path it wrote, so a DAG task passes paths (never frames) and any step can be re-run.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from newsetl import schema, workers
from newsetl.settings import Settings, load_settings
from newsetl.statements import quoted

if TYPE_CHECKING:
    import duckdb

    from newsetl.sources import Source

log = logging.getLogger("newsetl")

Progress = Callable[[str], None]

# A run with at least this many raw rows to parse keeps worker processes for all its parts.
PARALLEL_MIN_ROWS = 2 * workers.MIN_ITEMS_PER_WORKER


@dataclass
class RunSummary:
    """Counts and timings of one run, printed by the CLI and logged by the DAG."""

    run_id: str
    fetched: int = 0
    fetch_failures: int = 0
    parse_failures: int = 0
    articles: int = 0
    articles_changed: int = 0
    entities: int = 0
    topics: int = 0
    quarantined: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    published: str | None = None

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def new_run_id(prefix: str = "cli") -> str:
    """A run id that sorts by time and never collides."""
    return f"{prefix}__{datetime.now(UTC):%Y%m%dT%H%M%S}_{secrets.token_hex(3)}"


def run_dir_for(settings: Settings, run_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)
    path = settings.work_dir / "runs" / safe
    path.mkdir(parents=True, exist_ok=True)
    return path


def extract(
    sources: Sequence[str] | None,
    run_dir: Path,
    settings: Settings,
    progress: Progress | None = None,
) -> Path:
    """Fetch and read every source into raw.parquet (the replayable raw layer of the run)."""
    from newsetl.sources import load_sources_file, parse_source_args

    chosen = parse_source_args(sources) if sources else load_sources_file(settings.sources_file)
    return _extract_to(chosen, run_dir / "raw.parquet", run_dir, settings, progress, "extract")


def extract_source(
    source: str,
    shard: int,
    run_dir: Path,
    settings: Settings,
    progress: Progress | None = None,
) -> Path:
    """One source → raw/part-<shard>.parquet: the DAG maps a task over sources with this."""
    from newsetl.sources import parse_source_args

    out = run_dir / "raw" / f"part-{shard:04d}.parquet"
    chosen = parse_source_args([source])
    return _extract_to(chosen, out, run_dir, settings, progress, f"extract {source}")


def _extract_to(
    chosen: Sequence[Source],
    out: Path,
    run_dir: Path,
    settings: Settings,
    progress: Progress | None,
    label: str,
) -> Path:
    """Collect sources into one raw Parquet file and append the rows to the raw layer."""
    from newsetl.raw import RAW_ROW_GROUP, record_raw
    from newsetl.sources import collect

    raw = collect(
        chosen,
        settings,
        progress=progress,
        state_dir=state_dir_for(settings),
        save_state_to=run_dir / PENDING_STATE,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    recorded = record_raw(raw, settings, run_dir.name)
    if len(recorded) == 1:
        # The raw layer's file holds the same rows (and their run id, which readers leave
        # out): a copy, where writing them again would compress every body a second time.
        shutil.copyfile(recorded[0], out)
    else:
        raw.write_parquet(out, compression="zstd", row_group_size=RAW_ROW_GROUP)
    failures = raw.filter(pl.col("status") != "ok").height
    log.info("%s: %d read, %d failed", label, raw.height - failures, failures)
    return out


PENDING_STATE = "state"


def state_dir_for(settings: Settings) -> Path:
    """Where each source remembers what it read (newsetl.state), as of the last published run."""
    return settings.work_dir / "state"


def promote_state(run_dir: Path, settings: Settings) -> int:
    """Move the source state a run's extract wrote into place, once the run is published; a
    run that failed leaves it behind, so the next run reads those pages again."""
    pending = run_dir / PENDING_STATE
    files = sorted(pending.glob("*.json")) if pending.is_dir() else []
    target = state_dir_for(settings)
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        os.replace(file, target / file.name)
    return len(files)


def read_raw(raw_path: Path | Sequence[Path]) -> pl.DataFrame:
    """Raw rows from raw.parquet, several raw files, or folders of them (raw/ parts written
    by extract_source, or a day of the raw layer)."""
    paths = [raw_path] if isinstance(raw_path, Path) else list(raw_path)
    files = [
        file
        for path in paths
        for file in (sorted(path.rglob("*.parquet")) if path.is_dir() else [path])
    ]
    if not files:
        return schema.empty(schema.RAW_FETCHES)
    return pl.concat(
        [schema.conform(pl.read_parquet(file), schema.RAW_FETCHES) for file in files],
        how="vertical",
    )


def parse(raw_path: Path | Sequence[Path], run_id: str, out_dir: Path | None = None) -> Path:
    """Raw rows (see read_raw) → documents.parquet and fetch_log.parquet in `out_dir`
    (default: beside raw.parquet, or beside a raw/ folder)."""
    from newsetl.documents import parse_raw_with_fingerprints

    raw = read_raw(raw_path)
    documents, fetch_log, fingerprints = parse_raw_with_fingerprints(raw, run_id)
    first = raw_path if isinstance(raw_path, Path) else Path(next(iter(raw_path)))
    folder = out_dir or first.parent
    out = folder / "documents.parquet"
    documents.write_parquet(out)
    fetch_log.write_parquet(folder / "fetch_log.parquet")
    fingerprints.write_parquet(folder / RAW_FINGERPRINTS)
    failed = fetch_log.filter(pl.col("status") == "parse_failed").height
    log.info("parse: %d documents, %d not articles", documents.height, failed)
    return out


def enrich(
    documents_path: Path, settings: Settings | None = None, earlier: Sequence[Path] = ()
) -> Path:
    """documents.parquet → tables/ with the five contract tables as Parquet, and the batch's
    story signatures (newsetl.stories); stories continue those of published articles and of
    the `earlier` signature files (this run's parts already loaded)."""
    from newsetl.enrich import enrich_articles
    from newsetl.stories import SIGNATURES_FILE, known_stories
    from newsetl.transform import identified_articles, with_stories

    settings = settings or load_settings()
    identified = identified_articles(pl.read_parquet(documents_path))

    def stories() -> tuple[pl.DataFrame, pl.DataFrame]:
        return with_stories(
            identified, known_stories(settings, earlier) if identified.height else None
        )

    if workers.has_kept_workers() and identified.height:
        # The workers enrich while this process finds the stories (enrichment does not read
        # them): a thread waits on the workers, and no process is forked while it runs.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsetl-enrich") as pool:
            enriching = pool.submit(enrich_articles, identified)
            articles, signatures = stories()
            enriched = enriching.result()
    else:
        articles, signatures = stories()
        enriched = enrich_articles(identified)
    out = documents_path.parent / "tables"
    out.mkdir(exist_ok=True)
    signatures.write_parquet(out / SIGNATURES_FILE)
    frames = {
        "articles": articles,
        "entities": enriched.entities,
        "topics": enriched.topics,
        "article_entities": enriched.article_entities,
        "article_topics": enriched.article_topics,
        "article_keywords": enriched.article_keywords,
        "article_issues": enriched.article_issues,
    }
    for name, frame in frames.items():
        frame.write_parquet(out / f"{name}.parquet")
    log.info(
        "enrich: %d articles, %d entities, %d entity links, %d topic links",
        articles.height,
        enriched.entities.height,
        enriched.article_entities.height,
        enriched.article_topics.height,
    )
    return out


def validate(
    tables_dir: Path,
    run_id: str,
    settings: Settings | None = None,
    fetch_log_path: Path | None = None,
    docs_later: bool = False,
) -> Path:
    """tables/ → validated/ (rows that passed, quarantine, results, data_docs/).

    Raises BatchRejected. Each source's pages (in `fetch_log_path`, default the batch's own
    fetch log) are judged against its trailing week in the published warehouse. With
    `docs_later` a batch that passes leaves its Data Docs to quality.render_data_docs; a
    rejected one has them rendered before the error is raised.
    """
    from newsetl.quality import (
        VOLUME_HISTORY,
        raise_for_failures,
        render_data_docs,
        source_volumes,
        validate_batch,
    )
    from newsetl.warehouse import source_history

    settings = settings or load_settings()
    now = datetime.now(UTC)
    tables = {name: pl.read_parquet(tables_dir / f"{name}.parquet") for name in schema.TABLES}
    fetch_log = pl.read_parquet(fetch_log_path or tables_dir.parent / "fetch_log.parquet")
    volumes = source_volumes(fetch_log, source_history(settings, now - VOLUME_HISTORY), now)
    out = tables_dir.parent / "validated"
    out.mkdir(exist_ok=True)
    outcome = validate_batch(
        tables,
        run_id,
        now=now,
        volumes=volumes,
        data_docs_dir=out / "data_docs",
        docs_later=docs_later,
    )
    for name, frame in outcome.tables.items():
        frame.write_parquet(out / f"{name}.parquet")
    outcome.quarantine.write_parquet(out / "quarantine.parquet")
    outcome.results.write_parquet(out / "validation_results.parquet")
    log.info(
        "validate: %d expectations, %d rows quarantined, %d table failures",
        outcome.results.height,
        outcome.quarantine.height,
        len(outcome.failures),
    )
    if outcome.failures and docs_later:
        render_data_docs()  # the operator reads why in them
    raise_for_failures(outcome)
    return out


def load(
    validated_dir: Path,
    run_id: str,
    settings: Settings,
    started_at: datetime,
    earlier: dict[str, int] | None = None,
    last: bool = True,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, int]:
    """Load the validated batch into the private working warehouse in one transaction
    (through `con` where the caller holds it open, see warehouse.working).

    `earlier` holds the counts of the run's parts loaded before this one (a large run is
    loaded in parts); the run's `pipeline_runs` row shows their sum. The search index is
    rebuilt with the `last` part only."""
    import duckdb

    from newsetl import runs, warehouse

    tables = {name: pl.read_parquet(validated_dir / f"{name}.parquet") for name in schema.TABLES}
    run_dir = validated_dir.parent
    # Keywords and issues are not gated: they follow the articles that passed.
    passed = tables["articles"].select("article_id")
    for name in schema.ARTICLE_EXTRAS:
        extra = run_dir / "tables" / f"{name}.parquet"
        if extra.exists():
            tables[name] = pl.read_parquet(extra).join(passed, on="article_id", how="semi")
    fetch_log = pl.read_parquet(run_dir / "fetch_log.parquet")
    quarantine = pl.read_parquet(validated_dir / "quarantine.parquet")
    results = pl.read_parquet(validated_dir / "validation_results.parquet")
    counts = {
        "fetched": fetch_log.filter(pl.col("status") != "fetch_failed").height,
        "fetch_failures": fetch_log.filter(pl.col("status") == "fetch_failed").height,
        "parse_failures": fetch_log.filter(pl.col("status") == "parse_failed").height,
        "articles_in_batch": tables["articles"].height,
        "quarantined": quarantine.height,
    }
    totals = {key: value + (earlier or {}).get(key, 0) for key, value in counts.items()}
    with ExitStack() as stack:
        if con is None:
            con = stack.enter_context(warehouse.working(settings))
        records = {
            "fetch_log": fetch_log,
            "quarantine": quarantine,
            "validation_results": results,
        }
        try:
            result = warehouse.load_batch(
                con, tables, records, run_id, index=last, stage_dir=run_dir
            )
        except duckdb.OutOfMemoryException:
            # The cap keeps a load small; a warehouse whose indexes outgrow it loads
            # again (the failed transaction rolled back) under DuckDB's own default.
            log.warning("load: over NEWSETL_DUCKDB_MEMORY, loading again without the cap")
            memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            con.execute(f"set memory_limit = '{int(memory * 0.8) // 2**20}MB'")
            result = warehouse.load_batch(
                con, tables, records, run_id, index=last, stage_dir=run_dir
            )
        changed = result.articles_changed + (earlier or {}).get("articles_changed", 0)
        runs.save_run(
            con,
            _run_root(run_dir),
            {**totals, "articles_changed": changed},
            started_at,
            "loaded",
        )
    log.info(
        "load: %d articles changed, %d unchanged, %d entities upserted",
        result.articles_changed,
        result.articles_unchanged,
        result.entities_upserted,
    )
    return {**counts, "articles_changed": result.articles_changed}


def _run_root(folder: Path) -> Path:
    """The run's folder (the one with its run.json) for a run folder or one of its parts."""
    from newsetl import runs

    for candidate in (folder, *folder.parents):
        if (candidate / runs.RUN_FILE).exists():
            return candidate
    return folder


def publish(settings: Settings, run_dir: Path | None = None) -> Path:
    """Replace the published database with the working one, atomically.

    With `run_dir`, the run's `pipeline_runs` row says `published` in the new snapshot.
    """
    from newsetl import runs, warehouse

    with warehouse.writer_lock(settings):
        if run_dir is not None:
            con = warehouse.open_working(settings)
            try:
                runs.mark_run(con, run_dir, "published")
            finally:
                con.close()
        path = warehouse.publish(settings)
        if run_dir is not None:
            from newsetl import stories

            promote_state(run_dir, settings)
            stories.promote(run_dir, settings)
    log.info("publish: %s", path)
    return path


LOADED_RAW_INDEX = "loaded_raw.parquet"
RAW_FINGERPRINTS = "raw_fingerprints.parquet"  # written by parse beside its documents


def _raw_fingerprints(raw: pl.DataFrame) -> list[str]:
    """documents.raw_fingerprint of each raw row."""
    from newsetl.documents import FINGERPRINTED, raw_fingerprint

    rows = raw.select(*FINGERPRINTED, "content").iter_rows(named=True)
    return [raw_fingerprint(row) for row in rows]


def skip_loaded(
    raw_path: Path, run_dir: Path, run_id: str, settings: Settings
) -> tuple[Path, pl.DataFrame]:
    """Set aside raw rows already parsed into an article that the published warehouse holds
    unchanged; returns the raw rows left to parse and fetch-log rows for the ones set aside.

    Loading them again would change nothing (the load keeps an article whose content hash is
    unchanged), so a re-run skips their parse and enrichment.
    """
    import duckdb

    from newsetl.documents import FETCH_LOG
    from newsetl.raw import RAW_ROW_GROUP

    index_path = settings.work_dir / LOADED_RAW_INDEX
    if not index_path.exists() or not settings.db_path.exists():
        return raw_path, schema.empty(FETCH_LOG)
    if not pl.scan_parquet(raw_path).filter(pl.col("status") == "ok").head(1).collect().height:
        return raw_path, schema.empty(FETCH_LOG)  # nothing fetched anew: nothing to set aside
    raw = read_raw(raw_path)
    raw = raw.with_columns(pl.Series("fingerprint", _raw_fingerprints(raw), dtype=pl.String))
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        known = {
            row[0]
            for row in con.execute(
                f"select i.fingerprint from read_parquet({quoted(str(index_path))}) as i "  # noqa: S608
                "join articles as a on a.article_id = i.article_id "
                "and a.content_hash = i.content_hash"
            ).fetchall()
        }
    unchanged = pl.col("fingerprint").is_in(list(known)) & (pl.col("status") == "ok")
    skipped = raw.filter(unchanged)
    if not skipped.height:
        return raw_path, schema.empty(FETCH_LOG)
    kept_path = run_dir / "raw-changed.parquet"
    raw.filter(~unchanged).drop("fingerprint").write_parquet(
        kept_path, compression="zstd", row_group_size=RAW_ROW_GROUP
    )
    fetch_log = skipped.select(
        pl.lit(run_id, pl.String).alias("run_id"),
        "origin",
        "final_url",
        "kind",
        "source",
        pl.lit("unchanged").alias("status"),
        "http_status",
        pl.lit("already loaded, unchanged").alias("reason"),
        "fetched_at",
    )
    log.info("incremental: %d raw rows unchanged since an earlier load", skipped.height)
    return kept_path, fetch_log


def record_loaded(validated_dir: Path, settings: Settings) -> None:
    """Remember which raw rows became which published articles, for skip_loaded, by the
    fingerprints the parse step kept beside its documents."""
    rows = pl.read_parquet(validated_dir.parent / RAW_FINGERPRINTS)
    articles = pl.read_parquet(
        validated_dir / "articles.parquet", columns=["origin", "article_id", "content_hash"]
    )
    fresh = rows.join(articles, on="origin", how="inner").select(
        "fingerprint", "article_id", "content_hash"
    )
    index_path = settings.work_dir / LOADED_RAW_INDEX
    if index_path.exists():
        fresh = pl.concat([pl.read_parquet(index_path), fresh])
    fresh = fresh.unique(subset="fingerprint", keep="last", maintain_order=True)
    staging = index_path.with_name(f".{index_path.name}.{secrets.token_hex(4)}")
    fresh.write_parquet(staging)
    # A reader sees the old index or the new one; a stale entry only costs a re-parse.
    os.replace(staging, index_path)


def split_raw(raw_path: Path, run_dir: Path, rows: int) -> list[Path]:
    """The raw rows in parts of at most `rows` (parts/NNNN/raw.parquet); one part is the file
    itself. A large run goes through parse, enrich, validate and load part by part, so its
    memory stays that of one part; it is published once, whole."""
    total = pl.scan_parquet(raw_path).select(pl.len()).collect().item()
    if total <= rows:
        return [raw_path]
    parts = []
    for index, offset in enumerate(range(0, total, rows)):
        part = run_dir / "parts" / f"{index:04d}" / "raw.parquet"
        part.parent.mkdir(parents=True, exist_ok=True)
        pl.scan_parquet(raw_path).slice(offset, rows).sink_parquet(part, compression="zstd")
        parts.append(part)
    return parts


def _add_to_fetch_log(fetch_log: Path, rows: pl.DataFrame) -> Path:
    """Append fetch-log rows (the raw rows set aside as already loaded) to a batch's log."""
    if rows.height:
        written = pl.read_parquet(fetch_log)
        rows = rows.cast({c: written.schema[c] for c in rows.columns})
        combined = pl.concat([written, rows], how="diagonal_relaxed")
        combined.select(written.columns).write_parquet(fetch_log)
    return fetch_log


def run(
    sources: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    run_id: str | None = None,
    progress: Progress | None = None,
    raw_from: Callable[[Path], Path] | None = None,
) -> RunSummary:
    """Every step once, in this process: the CLI's `newsetl run`.

    `raw_from(run_dir)` replaces the extract step (reparse writes raw rows from the raw
    layer instead of fetching).
    """
    settings = settings or load_settings()
    run_id = run_id or new_run_id()
    run_dir = run_dir_for(settings, run_id)
    summary = RunSummary(run_id=run_id)
    started_at = datetime.now(UTC)
    say = progress or (lambda _msg: None)

    from newsetl import quality, runs, stories

    runs.write_run_info(run_dir, runs.RunInfo(run_id=run_id, run_type="cli"))

    def timed(step: str, func: Callable[[], Path], shard: int = runs.NOT_MAPPED) -> Path:
        say(f"{step}…" if shard == runs.NOT_MAPPED else f"{step} part {shard + 1}…")
        with runs.timed_step(run_dir, step, shard) as record:
            before = dict(counts)
            result = func()
            if step == "load":
                record.rows_out = counts["articles_changed"] - before.get("articles_changed", 0)
                in_batch = counts["articles_in_batch"] - before.get("articles_in_batch", 0)
                record.detail = f"{in_batch} articles in batch"
            elif step != "publish":
                record.rows_out, record.detail = runs.describe_output(step, result)
        summary.seconds[step] = round(summary.seconds.get(step, 0.0) + (record.seconds or 0.0), 3)
        return result

    counts: dict[str, int] = {}

    def set_aside(source: Path) -> tuple[Path, pl.DataFrame]:
        from newsetl.documents import FETCH_LOG

        if raw_from is not None:  # a reparse exists to parse again what was loaded
            return source, schema.empty(FETCH_LOG)
        return skip_loaded(source, run_dir, run_id, settings)

    with ExitStack() as stack:
        stack.callback(stories.forget_known_stories)
        side = None
        if workers.can_fork():  # forked now, while this process is small
            # Great Expectations loads in a process of its own while this one extracts.
            side = stack.enter_context(workers.side_process(quality.preload_in_side_process))
            stack.enter_context(workers.kept_workers())
        if raw_from is not None:
            raw = timed("extract", lambda: raw_from(run_dir))
        else:
            raw = timed("extract", lambda: extract(sources, run_dir, settings, progress))
        changed, unchanged = set_aside(raw)
        # Rows to parse: a source's unchanged or failed fetches need no worker and no GX.
        to_parse = pl.scan_parquet(changed).filter(pl.col("status") == "ok")
        if to_parse.select(pl.len()).collect().item() >= PARALLEL_MIN_ROWS:
            stack.enter_context(workers.kept_workers())  # spawned: nothing was forked above
            if side is None:
                # Worker processes do the row work from here on and none is forked any more,
                # so GX can load in a thread beside them, ready for the validate step.
                quality.preload()
                stack.callback(quality.wait_for_preload)
        elif side is not None:
            # Too little to validate for GX to be worth its load: end the side process now,
            # as its import would compete with this run for the CPU.
            side.close()
            side = None
        loaded = _parse_to_load(
            changed, unchanged, run_dir, run_id, settings, started_at, timed, counts, side
        )
    summary.published = str(timed("publish", lambda: publish(settings, run_dir)))
    if raw_from is None:
        for validated in loaded:
            record_loaded(validated, settings)
    summary.fetched = counts["fetched"]
    summary.fetch_failures = counts["fetch_failures"]
    summary.parse_failures = counts["parse_failures"]
    summary.articles = counts["articles_in_batch"]
    summary.articles_changed = counts["articles_changed"]
    summary.quarantined = counts["quarantined"]
    summary.entities = sum(pl.read_parquet(v / "entities.parquet").height for v in loaded)
    summary.topics = sum(pl.read_parquet(v / "article_topics.parquet").height for v in loaded)
    return summary


def _parse_to_load(
    changed: Path,
    unchanged: pl.DataFrame,
    run_dir: Path,
    run_id: str,
    settings: Settings,
    started_at: datetime,
    timed: Callable[..., Path],
    counts: dict[str, int],
    side: workers.SideProcess | None = None,
) -> list[Path]:
    """Parse, enrich, validate and load a run's raw rows part by part (split_raw); returns
    each part's validated folder. `counts` adds up what the loads report; the
    validate step runs in `side` where there is one."""
    from newsetl import quality, runs
    from newsetl.stories import SIGNATURES_FILE

    parts = split_raw(changed, run_dir, settings.batch_rows)
    shards = [runs.NOT_MAPPED] if len(parts) == 1 else list(range(len(parts)))
    documents = [
        timed("parse", lambda part=part: parse(part, run_id, out_dir=part.parent), shard)
        for part, shard in zip(parts, shards, strict=True)
    ]
    fetch_log = _add_to_fetch_log(documents[0].parent / "fetch_log.parquet", unchanged)
    if len(parts) > 1:  # the run's whole fetch log, for the volume rule of every part
        fetch_log = run_dir / "fetch_log.parquet"
        pl.concat(
            [pl.read_parquet(d.parent / "fetch_log.parquet") for d in documents]
        ).write_parquet(fetch_log)
    validated_parts: list[Path] = []
    for position, (part_documents, shard) in enumerate(zip(documents, shards, strict=True)):
        last = position == len(documents) - 1
        earlier = [v.parent / "tables" / SIGNATURES_FILE for v in validated_parts]
        tables = timed("enrich", lambda d=part_documents, e=earlier: enrich(d, settings, e), shard)
        arguments = (tables, run_id, settings, fetch_log)
        with ExitStack() as held:
            # The working warehouse opens (the writer lock, migrations) in a thread while
            # the batch validates; for the part that builds the search index, the thread
            # goes on to work out its articles' search terms.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsetl-open") as pool:
                opening = pool.submit(_open_for_load, held, settings, tables, last)
                validated = timed(
                    "validate",
                    lambda a=arguments: (
                        side.call(partial(validate, docs_later=True), *a) if side else validate(*a)
                    ),
                    shard,
                )
                con = opening.result()
            # The side process renders the batch's Data Docs while this one loads it.
            docs = side.submit(quality.render_data_docs) if side else None

            def do_load(
                v: Path = validated, last: bool = last, con: duckdb.DuckDBPyConnection = con
            ) -> Path:
                loaded = load(
                    v, run_id, settings, started_at, earlier=dict(counts), last=last, con=con
                )
                for key, value in loaded.items():
                    counts[key] = counts.get(key, 0) + value
                return v

            timed("load", do_load, shard)
            if docs is not None:
                docs()  # rendered (or failed) before the part counts as loaded
        validated_parts.append(validated)
    return validated_parts


def _open_for_load(
    held: ExitStack, settings: Settings, tables_dir: Path, index: bool
) -> duckdb.DuckDBPyConnection:
    """The working warehouse, held open by `held`; with `index`, the enriched articles'
    search terms worked out ahead on it (search.prepare_terms)."""
    from newsetl import search, warehouse

    con = held.enter_context(warehouse.working(settings))
    if index:
        columns = ["article_id", "title", "body"]
        articles = pl.read_parquet(tables_dir / "articles.parquet", columns=columns)
        if articles.height:
            search.prepare_terms(con, articles, tables_dir.parent)
    return con


def reparse(
    since: date,
    until: date | None = None,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Parse onward again from the raw layer (no network): `newsetl reparse`."""
    from newsetl.raw import read_raw_layer

    settings = settings or load_settings()

    def from_raw_layer(run_dir: Path) -> Path:
        raw = read_raw_layer(settings, since, until)
        out = run_dir / "raw.parquet"
        schema.conform(raw, schema.RAW_FETCHES).write_parquet(out, compression="zstd")
        log.info("reparse: %d raw rows from %s to %s", raw.height, since, until or "today")
        return out

    return run(
        settings=settings,
        run_id=new_run_id("reparse"),
        progress=progress,
        raw_from=from_raw_layer,
    )
