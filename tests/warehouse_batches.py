"""Small hand-made batches for the warehouse tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from newsetl import schema

DAY = datetime(2026, 11, 20, tzinfo=UTC)


def article(
    article_id: str,
    published_at: datetime,
    *,
    source: str = "alpha",
    story_id: str | None = None,
    language: str = "ko",
    title: str | None = None,
    body: str | None = None,
    author: str | None = None,
) -> dict[str, Any]:
    """An article row; the body and hash follow the id unless given."""
    text = body or f"{article_id} 본문입니다."
    return {
        "article_id": article_id,
        "url": f"https://news.example.kr/{article_id}",
        "origin": f"https://news.example.kr/{article_id}",
        "source": source,
        "title": title or f"title {article_id}",
        "author": author,
        "published_at": published_at,
        "fetched_at": published_at + timedelta(minutes=30),
        "language": language,
        "body": text,
        "content_hash": f"hash-{article_id}-{len(text)}",
        "story_id": story_id or f"s-{article_id}",
    }


def tables(
    articles: list[dict[str, Any]],
    entities: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    mentions: list[tuple[str, str, int, float]] = (),  # type: ignore[assignment]
    topics: list[tuple[str, str, str | None]] = (),  # type: ignore[assignment]
    tagged: list[tuple[str, str, float]] = (),  # type: ignore[assignment]
) -> dict[str, pl.DataFrame]:
    """The five contract tables from compact tuples."""
    return {
        "articles": pl.DataFrame(articles, schema=schema.ARTICLES),
        "entities": pl.DataFrame(
            [
                {
                    "entity_id": entity_id,
                    "name": name,
                    "entity_type": kind,
                    "aliases": [],
                    "wikidata_id": None,
                }
                for entity_id, name, kind in entities
            ],
            schema=schema.ENTITIES,
        ),
        "article_entities": pl.DataFrame(
            [
                {
                    "article_id": article_id,
                    "entity_id": entity_id,
                    "mention_count": count,
                    "first_offset": 0,
                    "salience": salience,
                }
                for article_id, entity_id, count, salience in mentions
            ],
            schema=schema.ARTICLE_ENTITIES,
        ),
        "topics": pl.DataFrame(
            [
                {"topic_id": topic_id, "label": label, "label_ko": None, "parent_topic_id": parent}
                for topic_id, label, parent in topics
            ],
            schema=schema.TOPICS,
        ),
        "article_topics": pl.DataFrame(
            [
                {"article_id": article_id, "topic_id": topic_id, "score": score}
                for article_id, topic_id, score in tagged
            ],
            schema=schema.ARTICLE_TOPICS,
        ),
    }


def fetches(run_id: str, rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """fetch_log rows from (source, kind, status)."""
    return pl.DataFrame(
        [
            {
                "run_id": run_id,
                "origin": f"https://news.example.kr/{source}/{i}",
                "final_url": None,
                "kind": kind,
                "source": source,
                "status": status,
                "http_status": None,
                "reason": None if status in ("parsed", "listing") else status,
                "fetched_at": DAY + timedelta(hours=12),
            }
            for i, (source, kind, status) in enumerate(rows)
        ]
    )
