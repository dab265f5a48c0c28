"""The schemas of every frame that passes between steps, declared once.

Steps check their output against these with :func:`conform`, so a column that goes
missing or changes type fails where it happens rather than in the warehouse.
"""

from __future__ import annotations

import polars as pl

UTC_TS = pl.Datetime("us", "UTC")

# One row per fetch attempt or file read (the raw layer of a run).
RAW_FETCHES: dict[str, pl.DataType] = {
    "origin": pl.String(),  # the URL fetched or the file read
    "final_url": pl.String(),  # after redirects; the file path for files
    "kind": pl.String(),  # html | text | jsonl | feed | sitemap | home (a page we discovered from)
    "source": pl.String(),  # the outlet/source name
    "status": pl.String(),  # ok | error | not_modified (a conditional GET answered 304)
    "http_status": pl.Int32(),
    "reason": pl.String(),  # why it failed, one line; null when ok
    "content_type": pl.String(),
    "content": pl.Binary(),
    "fetched_at": UTC_TS,
    "headers": pl.String(),  # JSON object of the response headers that matter (fetch.KEPT_HEADERS)
    "elapsed_ms": pl.Int32(),
    "attempts": pl.Int32(),  # 1 + retries
    "listed_at": UTC_TS,  # the date the feed or sitemap gave the link (news:publication_date)
}

# One row per parsed document, before ids and enrichment.
DOCUMENTS: dict[str, pl.DataType] = {
    "origin": pl.String(),
    "url": pl.String(),  # canonical URL, null for documents that have none
    "source": pl.String(),
    "external_id": pl.String(),  # an id the input carried (JSONL `id`), else null
    "title": pl.String(),
    "author": pl.String(),
    "published_at": UTC_TS,
    "fetched_at": UTC_TS,
    "language": pl.String(),
    "body": pl.String(),
    "extractor_version": pl.String(),  # parse.EXTRACTOR_VERSION of the code that made the row
}

ARTICLES: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "url": pl.String(),
    "origin": pl.String(),
    "source": pl.String(),
    "title": pl.String(),
    "author": pl.String(),
    "published_at": UTC_TS,
    "fetched_at": UTC_TS,
    "language": pl.String(),
    "body": pl.String(),
    "content_hash": pl.String(),
    "story_id": pl.String(),
    "extractor_version": pl.String(),  # parse.EXTRACTOR_VERSION of the code that made the row
}

ENTITIES: dict[str, pl.DataType] = {
    "entity_id": pl.String(),
    "name": pl.String(),
    "entity_type": pl.String(),
    "aliases": pl.List(pl.String()),
    "wikidata_id": pl.String(),
}

ARTICLE_ENTITIES: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "entity_id": pl.String(),
    "mention_count": pl.Int32(),
    "first_offset": pl.Int32(),
    "salience": pl.Float64(),
}

TOPICS: dict[str, pl.DataType] = {
    "topic_id": pl.String(),
    "label": pl.String(),
    "label_ko": pl.String(),
    "parent_topic_id": pl.String(),
}

ARTICLE_TOPICS: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "topic_id": pl.String(),
    "score": pl.Float64(),
}

# A few scored keywords per article (migration 005).
ARTICLE_KEYWORDS: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "keyword": pl.String(),
    "score": pl.Float64(),
}

# The issue (stories about one event that day, across outlets) an article belongs to.
ARTICLE_ISSUES: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "issue_id": pl.String(),
    "day": pl.Date(),
    "label": pl.String(),
}

# Per-article tables beside the contract's five: written by enrich, replaced with their
# article at load, not validated by the gate.
ARTICLE_EXTRAS: dict[str, dict[str, pl.DataType]] = {
    "article_keywords": ARTICLE_KEYWORDS,
    "article_issues": ARTICLE_ISSUES,
}

QUARANTINE: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "table_name": pl.String(),
    "row_key": pl.String(),
    "rule": pl.String(),
    "value": pl.String(),
    "quarantined_at": UTC_TS,
}

# The five tables of the contract, in load order (parents first).
TABLES: dict[str, dict[str, pl.DataType]] = {
    "articles": ARTICLES,
    "entities": ENTITIES,
    "topics": TOPICS,
    "article_entities": ARTICLE_ENTITIES,
    "article_topics": ARTICLE_TOPICS,
}

KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "entities": ("entity_id",),
    "topics": ("topic_id",),
    "article_entities": ("article_id", "entity_id"),
    "article_topics": ("article_id", "topic_id"),
}

ENTITY_TYPES = ("PERSON", "ORG", "LOCATION", "PRODUCT", "EVENT", "OTHER")
TOP_TOPICS = (
    "politics",
    "economy",
    "society",
    "world",
    "it_science",
    "culture_life",
    "sports",
    "entertainment",
)


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame with exactly these columns and types."""
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select the schema's columns in order, cast to its types; missing columns fail."""
    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
