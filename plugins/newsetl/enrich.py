"""The enrich step: entities, article–entity links and topics for a frame of articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import polars as pl

from newsetl.entities import Mention, is_korean, mentions_in, tokenize_korean
from newsetl.gazetteer import Gazetteer, load_gazetteer, normalize_key
from newsetl.schema import ARTICLE_ENTITIES, ARTICLE_TOPICS, ENTITIES, conform
from newsetl.topics import Taxonomy, load_taxonomy, score_topics, topics_frame

# Salience weights: being in the headline, appearing early, being mentioned often.
HEADLINE_WEIGHT = 0.45
LEAD_WEIGHT = 0.25
FREQUENCY_WEIGHT = 0.30
_AUTHOR_NOISE = re.compile(
    r"\b(?:by|staff|reporter|correspondent|writer|editor)\b|기자|특파원|통신원|[()\[\]<>]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Enriched:
    """The four frames the enrich step hands to validation and loading."""

    entities: pl.DataFrame
    article_entities: pl.DataFrame
    topics: pl.DataFrame
    article_topics: pl.DataFrame


def author_names(author: str | None) -> set[str]:
    """Lookup keys of the people in a byline field: "홍길동 기자", "By A and B"."""
    if not author:
        return set()
    cleaned = _AUTHOR_NOISE.sub(" ", author)
    parts = re.split(r",|;|/|·|\band\b|&|\n", cleaned)
    return {normalize_key(p) for p in parts if normalize_key(p)}


def salience(
    offsets: list[int], title_length: int, body_length: int, count: int, top_count: int
) -> float:
    """How central an entity is to one article, in [0, 1]."""
    in_title = any(offset < title_length for offset in offsets)
    body_offsets = [o - title_length - 2 for o in offsets if o >= title_length]
    if body_offsets and body_length > 0:
        lead = 1.0 - min(1.0, min(body_offsets) / body_length)
    else:
        lead = 1.0 if in_title else 0.0
    frequency = count / top_count if top_count else 0.0
    value = HEADLINE_WEIGHT * in_title + LEAD_WEIGHT * lead + FREQUENCY_WEIGHT * frequency
    return round(min(1.0, max(0.0, value)), 4)


def _without_authors(mentions: list[Mention], author: str | None, title: str) -> list[Mention]:
    """Drop the reporter's own name unless the headline is about them."""
    names = author_names(author)
    if not names:
        return mentions
    title_key = normalize_key(title)
    keys_of_authors = {
        m.entity_key
        for m in mentions
        if normalize_key(m.name) in names and normalize_key(m.name) not in title_key
    }
    return [m for m in mentions if m.entity_key not in keys_of_authors]


def enrich_articles(
    articles: pl.DataFrame,
    *,
    gazetteer: Gazetteer | None = None,
    taxonomy: Taxonomy | None = None,
) -> Enriched:
    """articles has schema.ARTICLES (article_id, title, body, language, author, ...). One
    entities row per entity_key with canonical name, type, aliases (every other spelling seen
    plus the gazetteer's, deduplicated, sorted), wikidata_id; article_entities with
    mention_count, first_offset, salience in [0,1] (headline and lead count more);
    article_topics for every scored topic. Deterministic: the same input gives the same rows
    in the same order."""
    gazetteer = gazetteer or load_gazetteer()
    taxonomy = taxonomy or load_taxonomy()
    rows = articles.select("article_id", "title", "body", "language", "author").to_dicts()
    texts = [f"{r['title'] or ''}\n\n{r['body'] or ''}" for r in rows]
    korean = [
        (r["language"] or "").startswith("ko") if r["language"] else is_korean(text)
        for r, text in zip(rows, texts, strict=True)
    ]
    korean_indexes = [i for i, flag in enumerate(korean) if flag]
    tokens = dict(
        zip(
            korean_indexes,
            tokenize_korean([texts[i] for i in korean_indexes], gazetteer),
            strict=True,
        )
    )

    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, str] = {}
    link_rows: list[dict[str, object]] = []
    topic_rows: list[dict[str, object]] = []
    for index, row in enumerate(rows):
        title, body = row["title"] or "", row["body"] or ""
        found = mentions_in(texts[index], len(title), korean[index], gazetteer, tokens.get(index))
        found = _without_authors(found, row["author"], title)
        by_key: dict[str, list[Mention]] = defaultdict(list)
        for mention in found:
            by_key[mention.entity_key].append(mention)
            spellings[mention.entity_key][mention.name] += 1
            types.setdefault(mention.entity_key, mention.entity_type)
        top_count = max((len(ms) for ms in by_key.values()), default=0)
        for key, ms in by_key.items():
            offsets = [m.offset for m in ms]
            link_rows.append(
                {
                    "article_id": row["article_id"],
                    "entity_id": key,
                    "mention_count": len(ms),
                    "first_offset": min(offsets),
                    "salience": salience(offsets, len(title), len(body), len(ms), top_count),
                }
            )
        language = "ko" if korean[index] else row["language"]
        for topic_id, score in score_topics(title, body, language, taxonomy):
            topic_rows.append(
                {"article_id": row["article_id"], "topic_id": topic_id, "score": score}
            )

    entity_rows = []
    for key in sorted(spellings):
        entry = gazetteer.get(key)
        seen = spellings[key]
        if entry is not None:
            name, entity_type, wikidata = entry.name, entry.entity_type, entry.wikidata_id
            known = set(entry.aliases)
        else:
            # Short forms were resolved to the full name, so the longest spelling is that name.
            name = sorted(seen, key=lambda s: (-len(s), -seen[s], s))[0]
            entity_type, wikidata, known = types[key], None, set()
        aliases = sorted((known | set(seen)) - {name})
        entity_rows.append(
            {
                "entity_id": key,
                "name": name,
                "entity_type": entity_type,
                "aliases": aliases,
                "wikidata_id": wikidata,
            }
        )
    entities = conform(pl.DataFrame(entity_rows, schema=ENTITIES), ENTITIES)
    article_entities = conform(
        pl.DataFrame(link_rows, schema=ARTICLE_ENTITIES), ARTICLE_ENTITIES
    ).sort(["article_id", "salience", "entity_id"], descending=[False, True, False])
    article_topics = conform(pl.DataFrame(topic_rows, schema=ARTICLE_TOPICS), ARTICLE_TOPICS).sort(
        ["article_id", "score", "topic_id"], descending=[False, True, False]
    )
    return Enriched(entities, article_entities, topics_frame(taxonomy), article_topics)
