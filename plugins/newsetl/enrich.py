"""The enrich step: entities, article–entity links and topics for a frame of articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from newsetl.entities import Mention, is_korean, mentions_in, tokenize_korean
from newsetl.gazetteer import Gazetteer, has_hangul, load_gazetteer, normalize_key
from newsetl.issues import ArticleTerms, group_issues
from newsetl.keywords import english_keywords, korean_keywords
from newsetl.schema import (
    ARTICLE_ENTITIES,
    ARTICLE_ISSUES,
    ARTICLE_KEYWORDS,
    ARTICLE_TOPICS,
    ENTITIES,
    TOPICS,
    conform,
    empty,
)
from newsetl.topics import Taxonomy, classify_topics, load_taxonomy, topics_frame

# Articles per worker below which one process does the work. A forked worker loads Kiwi's
# model (~1.5 s) itself; a spawned one (the parent's Kiwi threads have run) also re-imports
# and reloads everything, several seconds more.
MIN_ARTICLES_PER_FORKED_WORKER = 60
MIN_ARTICLES_PER_SPAWNED_WORKER = 1000
# Articles analysed together: enough for Kiwi's batch analysis, few enough that their tokens
# (~100 KB an article) stay small.
ANALYSIS_SLICE = 64
# The terms that stand for an article when the day's stories are grouped into issues.
ISSUE_ENTITIES = 4
ISSUE_KEYWORDS = 4
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
    article_keywords: pl.DataFrame = field(default_factory=lambda: empty(ARTICLE_KEYWORDS))
    article_issues: pl.DataFrame = field(default_factory=lambda: empty(ARTICLE_ISSUES))


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


@dataclass(frozen=True)
class _Analysis:
    """What one article yields before the batch's entities are merged."""

    mentions: list[Mention]
    topics: list[tuple[str, float]]
    keywords: list[tuple[str, float]]


def analyse_articles(
    rows: list[dict[str, Any]],
    gazetteer: Gazetteer | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[_Analysis]:
    """Mentions, topics and keywords of each article row (title, body, language, author);
    models and the default gazetteer and taxonomy are loaded once per process. Rows go
    through in slices, so Kiwi's tokens of only one slice are held at a time."""
    if not rows:
        return []
    gazetteer = gazetteer or load_gazetteer()
    taxonomy = taxonomy or load_taxonomy()
    out: list[_Analysis] = []
    for start in range(0, len(rows), ANALYSIS_SLICE):
        out.extend(_analyse_slice(rows[start : start + ANALYSIS_SLICE], gazetteer, taxonomy))
    return out


def _analyse_slice(
    rows: list[dict[str, Any]], gazetteer: Gazetteer, taxonomy: Taxonomy
) -> list[_Analysis]:
    texts = [f"{r['title'] or ''}\n\n{r['body'] or ''}" for r in rows]
    korean = [
        (r["language"] or "").startswith("ko") if r["language"] else is_korean(text)
        for r, text in zip(rows, texts, strict=True)
    ]
    korean_indexes = [i for i, flag in enumerate(korean) if flag]
    korean_tokens = tokenize_korean([texts[i] for i in korean_indexes], gazetteer)
    tokens = dict(zip(korean_indexes, korean_tokens, strict=True))
    topics = classify_topics(
        [r["title"] for r in rows],
        [r["body"] for r in rows],
        ["ko" if flag else (r["language"] or "en") for r, flag in zip(rows, korean, strict=True)],
        taxonomy,
    )
    out = []
    for index, row in enumerate(rows):
        title, body = row["title"] or "", row["body"] or ""
        found = mentions_in(texts[index], len(title), korean[index], gazetteer, tokens.get(index))
        found = _without_authors(found, row["author"], title)
        if korean[index]:
            keywords = korean_keywords(tokens[index], len(title))
        else:
            keywords = english_keywords(title, body)
        out.append(_Analysis(found, topics[index], keywords))
    return out


def _analyse_shares(rows: list[dict[str, Any]], workers: int | None) -> list[_Analysis]:
    """analyse_articles over the machine's cores (newsetl.workers).

    Korean articles go first, together: only the workers that get Korean slices load Kiwi's
    model (seconds of CPU each), and the costliest articles start first, so the cheap English
    ones even out the end. Results come back in the rows' order."""
    from newsetl.workers import map_shares

    order = sorted(range(len(rows)), key=lambda i: not (rows[i]["language"] or "").startswith("ko"))
    analyses = map_shares(
        analyse_articles,
        [rows[i] for i in order],
        workers=workers,
        min_items=MIN_ARTICLES_PER_FORKED_WORKER,
        min_items_spawned=MIN_ARTICLES_PER_SPAWNED_WORKER,
    )
    placed: list[_Analysis | None] = [None] * len(rows)
    for position, analysis in zip(order, analyses, strict=True):
        placed[position] = analysis
    return [analysis for analysis in placed if analysis is not None]


def _day(row: dict[str, Any]) -> date | None:
    """The article's day: published, else fetched (UTC)."""
    moment = row.get("published_at") or row.get("fetched_at")
    return moment.date() if isinstance(moment, datetime) else None


def enrich_articles(
    articles: pl.DataFrame,
    *,
    gazetteer: Gazetteer | None = None,
    taxonomy: Taxonomy | None = None,
    workers: int | None = None,
) -> Enriched:
    """articles has schema.ARTICLES (article_id, title, body, language, author, ...). One
    entities row per entity_key with canonical name, type, aliases (every other spelling seen
    but one-syllable short forms, plus the gazetteer's, deduplicated, sorted), wikidata_id;
    article_entities with mention_count, first_offset, salience in [0,1] (headline and lead
    count more);
    article_topics with one or two calibrated top-level topics and their matching sub-topics;
    article_keywords; article_issues grouping the day's stories about one event.
    Deterministic: the same input gives the same rows in the same order, whatever the number
    of `workers` processes a large batch is spread over (default: newsetl.workers)."""
    gazetteer = gazetteer or load_gazetteer()
    taxonomy = taxonomy or load_taxonomy()
    columns = ["article_id", "title", "body", "language", "author"]
    columns += [c for c in ("published_at", "fetched_at") if c in articles.columns]
    rows = articles.select(columns).to_dicts()
    custom = gazetteer is not load_gazetteer() or taxonomy is not load_taxonomy()
    if custom or workers == 1:
        analyses = analyse_articles(rows, gazetteer, taxonomy)
    else:
        analyses = _analyse_shares(rows, workers)

    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    named: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, str] = {}
    link_rows: list[dict[str, object]] = []
    topic_rows: list[dict[str, object]] = []
    keyword_rows: list[dict[str, object]] = []
    article_links: dict[str, list[tuple[str, float]]] = {}
    for row, analysis in zip(rows, analyses, strict=True):
        title, body = row["title"] or "", row["body"] or ""
        by_key: dict[str, list[Mention]] = defaultdict(list)
        for mention in analysis.mentions:
            by_key[mention.entity_key].append(mention)
            spellings[mention.entity_key][mention.name] += 1
            named[mention.entity_key][mention.stands_for or mention.name] += 1
            types.setdefault(mention.entity_key, mention.entity_type)
        top_count = max((len(ms) for ms in by_key.values()), default=0)
        links = []
        for key, ms in by_key.items():
            offsets = [m.offset for m in ms]
            value = salience(offsets, len(title), len(body), len(ms), top_count)
            links.append((key, value))
            link_rows.append(
                {
                    "article_id": row["article_id"],
                    "entity_id": key,
                    "mention_count": len(ms),
                    "first_offset": min(offsets),
                    "salience": value,
                }
            )
        article_links[row["article_id"]] = links
        topic_rows.extend(
            {"article_id": row["article_id"], "topic_id": topic_id, "score": score}
            for topic_id, score in analysis.topics
        )
        keyword_rows.extend(
            {"article_id": row["article_id"], "keyword": keyword, "score": score}
            for keyword, score in analysis.keywords
        )

    entity_rows = []
    names: dict[str, str] = {}
    for key in sorted(spellings):
        entry = gazetteer.get(key)
        seen = spellings[key]
        if entry is not None:
            name, entity_type, wikidata = entry.name, entry.entity_type, entry.wikidata_id
            known = set(entry.aliases)
        else:
            # A mention that stands for a name gave that name (이 for 이재용, 경기
            # 고양종합운동장 for 고양종합운동장), so the longest is the entity's full name.
            names_given = named[key]
            name = sorted(names_given, key=lambda s: (-len(s), -names_given[s], s))[0]
            entity_type, wikidata, known = types[key], None, set()
        names[key] = name
        # A syllable that stood for the entity in context (이 회장's 이, 한미's 미) is no
        # spelling of it.
        spelled = {s for s in seen if len(s) > 1 or not has_hangul(s)}
        aliases = sorted((known | spelled) - {name})
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
    article_keywords = conform(
        pl.DataFrame(keyword_rows, schema=ARTICLE_KEYWORDS), ARTICLE_KEYWORDS
    ).sort(["article_id", "score", "keyword"], descending=[False, True, False])
    issues = group_issues(
        [
            _issue_terms(row, article_links[row["article_id"]], analysis.keywords, names)
            for row, analysis in zip(rows, analyses, strict=True)
        ]
    )
    return Enriched(
        entities,
        article_entities,
        # The taxonomy's rows come with articles: an empty batch stays empty.
        topics_frame(taxonomy) if rows else empty(TOPICS),
        article_topics,
        article_keywords,
        issues,
    )


def _issue_terms(
    row: dict[str, Any],
    links: list[tuple[str, float]],
    keywords: list[tuple[str, float]],
    names: dict[str, str],
) -> ArticleTerms:
    """An article's most salient entities and keywords, for grouping into issues."""
    ranked = sorted(links, key=lambda item: (-item[1], item[0]))[:ISSUE_ENTITIES]
    terms = [key for key, _ in ranked]
    labels = [names[key] for key, _ in ranked]
    # Keywords that spell (part of) one of these entities add nothing: "bank" of Bank of Korea.
    entity_names = {normalize_key(label) for label in labels}
    entity_names |= {word for label in entity_names for word in label.split()}
    for keyword, _score in keywords[:ISSUE_KEYWORDS]:
        if normalize_key(keyword) not in entity_names:
            terms.append("kw:" + normalize_key(keyword))
            labels.append(keyword)
    return ArticleTerms(row["article_id"], _day(row), tuple(terms), tuple(labels))
