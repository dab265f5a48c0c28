"""Pure Polars transforms from parsed documents to the contract's `articles` table."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import polars as pl

from newsetl import schema

if TYPE_CHECKING:
    import numpy as np

    from newsetl.duplicates import KnownStories

_SPACE = re.compile(r"\s+")


def content_hash(body: str) -> str:
    """SHA-256 of the body with whitespace folded: the same text hashes the same."""
    return hashlib.sha256(_SPACE.sub(" ", body).strip().encode("utf-8")).hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def article_key(
    url: str | None, source: str | None, external_id: str | None, body_hash: str
) -> str:
    """What makes an article itself: its canonical URL, else the source's id, else its text."""
    if url:
        return f"url:{url}"
    if external_id:
        return f"id:{source or ''}:{external_id}"
    return f"hash:{body_hash}"


def build_articles(documents: pl.DataFrame) -> pl.DataFrame:
    """Stable ids, content hashes and story ids; one row per article_id (the first seen wins)."""
    return build_articles_and_signatures(documents)[0]


def build_articles_and_signatures(
    documents: pl.DataFrame, known: KnownStories | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """build_articles, with stories continued from `known` articles of earlier batches, and
    the batch's own MinHash values (newsetl.stories.SIGNATURES) for the batches after it."""
    return with_stories(identified_articles(documents), known)


def identified_articles(documents: pl.DataFrame) -> pl.DataFrame:
    """The documents with content_hash and article_id, one row per article_id (the first
    seen wins): everything of `articles` but the story."""
    if "extractor_version" not in documents.columns:
        documents = documents.with_columns(extractor_version=pl.lit(None, dtype=pl.String()))
    docs = schema.conform(documents, schema.DOCUMENTS)
    hashes = [content_hash(body) for body in docs["body"]]
    ids = [
        _digest(article_key(url, source, external, digest))
        for url, source, external, digest in zip(
            docs["url"], docs["source"], docs["external_id"], hashes, strict=True
        )
    ]
    return docs.with_columns(
        pl.Series("content_hash", hashes, dtype=pl.String),
        pl.Series("article_id", ids, dtype=pl.String),
    ).unique(subset="article_id", keep="first", maintain_order=True)


def with_stories(
    articles: pl.DataFrame, known: KnownStories | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """identified_articles with their story ids (the `articles` table), and the batch's
    MinHash values (newsetl.stories.SIGNATURES)."""
    stories, values = story_ids(articles, known)
    articles = schema.conform(articles.with_columns(story_id=stories), schema.ARTICLES)
    from newsetl.stories import signatures_frame

    return articles, signatures_frame(articles["article_id"], stories, values)


def story_ids(
    articles: pl.DataFrame, known: KnownStories | None = None
) -> tuple[pl.Series, np.ndarray]:
    """One story per group of near-duplicate bodies (syndicated copies, small edits), named
    's:' + the first 16 hex digits of the content hash of the group's earliest article, or
    the story of a `known` article the group copies; with each body's MinHash values."""
    from newsetl.duplicates import assign_stories

    ids = articles["article_id"].to_list()
    hashes = dict(zip(ids, articles["content_hash"].to_list(), strict=True))
    labels, values = assign_stories(
        ids, articles["body"].to_list(), articles["published_at"].to_list(), known
    )
    names = [f"s:{hashes[label][:16]}" if label in hashes else label for label in labels]
    return pl.Series("story_id", names, dtype=pl.String), values
