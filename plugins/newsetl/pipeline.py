"""The pipeline's steps as functions of files, shared by the Airflow DAG and the CLI.

Each step reads what the previous one wrote under the run's directory and returns the
path it wrote, so a DAG task passes paths (never frames) and any step can be re-run.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from newsetl import schema
from newsetl.settings import Settings, load_settings

log = logging.getLogger("newsetl")

Progress = Callable[[str], None]


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
    from newsetl.sources import collect, load_sources_file, parse_source_args

    chosen = parse_source_args(sources) if sources else load_sources_file(settings.sources_file)
    raw = collect(chosen, settings, progress=progress)
    out = run_dir / "raw.parquet"
    raw.write_parquet(out, compression="zstd")
    failures = raw.filter(pl.col("status") != "ok").height
    log.info("extract: %d read, %d failed", raw.height - failures, failures)
    return out


def parse(raw_path: Path, run_id: str) -> Path:
    """raw.parquet → documents.parquet and fetch_log.parquet."""
    from newsetl.documents import parse_raw

    raw = pl.read_parquet(raw_path)
    documents, fetch_log = parse_raw(raw, run_id)
    out = raw_path.parent / "documents.parquet"
    documents.write_parquet(out)
    fetch_log.write_parquet(raw_path.parent / "fetch_log.parquet")
    failed = fetch_log.filter(pl.col("status") == "parse_failed").height
    log.info("parse: %d documents, %d not articles", documents.height, failed)
    return out


def enrich(documents_path: Path) -> Path:
    """documents.parquet → tables/ with the five contract tables as Parquet."""
    from newsetl.enrich import enrich_articles
    from newsetl.transform import build_articles

    articles = build_articles(pl.read_parquet(documents_path))
    enriched = enrich_articles(articles)
    out = documents_path.parent / "tables"
    out.mkdir(exist_ok=True)
    frames = {
        "articles": articles,
        "entities": enriched.entities,
        "topics": enriched.topics,
        "article_entities": enriched.article_entities,
        "article_topics": enriched.article_topics,
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


def validate(tables_dir: Path, run_id: str) -> Path:
    """tables/ → validated/ (rows that passed, quarantine, results); raises BatchRejected."""
    from newsetl.quality import raise_for_failures, validate_batch

    tables = {name: pl.read_parquet(tables_dir / f"{name}.parquet") for name in schema.TABLES}
    outcome = validate_batch(tables, run_id)
    out = tables_dir.parent / "validated"
    out.mkdir(exist_ok=True)
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
    raise_for_failures(outcome)
    return out


def load(
    validated_dir: Path, run_id: str, settings: Settings, started_at: datetime
) -> dict[str, int]:
    """Load the validated batch into the private working warehouse in one transaction."""
    from newsetl import warehouse

    tables = {name: pl.read_parquet(validated_dir / f"{name}.parquet") for name in schema.TABLES}
    run_dir = validated_dir.parent
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
    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        try:
            run_row = pl.DataFrame(
                [
                    {
                        **counts,
                        "run_id": run_id,
                        "started_at": started_at,
                        "finished_at": datetime.now(UTC),
                        "status": "loaded",
                        "articles_changed": 0,
                    }
                ]
            )
            result = warehouse.load_batch(
                con,
                tables,
                {"fetch_log": fetch_log, "quarantine": quarantine, "validation_results": results},
                run_id,
            )
            run_row = run_row.with_columns(articles_changed=pl.lit(result.articles_changed))
            con.register("staged_run", run_row.to_arrow())
            con.execute("delete from pipeline_runs where run_id = ?", [run_id])
            con.execute("insert into pipeline_runs by name select * from staged_run")
            con.unregister("staged_run")
        finally:
            con.close()
    log.info(
        "load: %d articles changed, %d unchanged, %d entities upserted",
        result.articles_changed,
        result.articles_unchanged,
        result.entities_upserted,
    )
    return {**counts, "articles_changed": result.articles_changed}


def publish(settings: Settings) -> Path:
    """Replace the published database with the working one, atomically."""
    from newsetl import warehouse

    with warehouse.writer_lock(settings):
        path = warehouse.publish(settings)
    log.info("publish: %s", path)
    return path


def run(
    sources: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    run_id: str | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Every step once, in this process: the CLI's `newsetl run`."""
    settings = settings or load_settings()
    run_id = run_id or new_run_id()
    run_dir = run_dir_for(settings, run_id)
    summary = RunSummary(run_id=run_id)
    started_at = datetime.now(UTC)
    say = progress or (lambda _msg: None)

    def timed(step: str, func: Callable[[], Path]) -> Path:
        began = time.perf_counter()
        say(f"{step}…")
        result = func()
        summary.seconds[step] = round(time.perf_counter() - began, 3)
        return result

    raw = timed("extract", lambda: extract(sources, run_dir, settings, progress))
    documents = timed("parse", lambda: parse(raw, run_id))
    tables = timed("enrich", lambda: enrich(documents))
    validated = timed("validate", lambda: validate(tables, run_id))
    counts: dict[str, int] = {}

    def do_load() -> Path:
        counts.update(load(validated, run_id, settings, started_at))
        return validated

    timed("load", do_load)
    summary.published = str(timed("publish", lambda: publish(settings)))
    summary.fetched = counts["fetched"]
    summary.fetch_failures = counts["fetch_failures"]
    summary.parse_failures = counts["parse_failures"]
    summary.articles = counts["articles_in_batch"]
    summary.articles_changed = counts["articles_changed"]
    summary.quarantined = counts["quarantined"]
    summary.entities = pl.read_parquet(validated / "entities.parquet").height
    summary.topics = pl.read_parquet(validated / "article_topics.parquet").height
    return summary
