"""Topic scoring against the keyword taxonomy in ``config/taxonomy.yaml``."""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from newsetl.gazetteer import has_hangul
from newsetl.schema import TOP_TOPICS, TOPICS, conform

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "taxonomy.yaml"

HEADLINE_WEIGHT = 3.0
BODY_CAP = 3
# The raw weight at which a topic scores 0.5; the score saturates towards 1 above it.
HALF_SCORE = 4.0


@dataclass(frozen=True)
class Keyword:
    """One keyword of a topic with its weight and how it is found."""

    text: str
    weight: float
    pattern: re.Pattern[str] | None  # None: a Korean keyword, found as a substring


@dataclass(frozen=True)
class Topic:
    """A topic or sub-topic with its labels and keywords."""

    topic_id: str
    label: str
    label_ko: str
    parent_topic_id: str | None
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True)
class Taxonomy:
    """Topics in file order, parents before their children."""

    topics: tuple[Topic, ...]

    def get(self, topic_id: str) -> Topic | None:
        """The topic with this id, if any."""
        return next((t for t in self.topics if t.topic_id == topic_id), None)


def _keyword(text: str, weight: float) -> Keyword:
    """A keyword with its matcher: Hangul as a substring, Latin as whole words."""
    text = unicodedata.normalize("NFKC", text)
    if has_hangul(text):
        return Keyword(text, weight, None)
    escaped = re.escape(text).replace(r"\ ", r"\s+")
    flags = 0 if text.isupper() and len(text) <= 4 else re.IGNORECASE
    return Keyword(text, weight, re.compile(rf"(?<![\w-]){escaped}(?![\w-])", flags))


def _keywords(raw: Any) -> list[Keyword]:
    """Keywords from a list (weight 1) or a keyword → weight mapping, per language."""
    found: list[Keyword] = []
    groups = raw.values() if isinstance(raw, dict) else [raw]
    for group in groups:
        if isinstance(group, dict):
            found.extend(_keyword(str(k), float(w)) for k, w in group.items())
        elif group:
            found.extend(_keyword(str(k), 1.0) for k in group)
    return found


def build_taxonomy(document: dict[str, Any]) -> Taxonomy:
    """A taxonomy from a parsed YAML document; the top level must be schema.TOP_TOPICS."""
    topics: list[Topic] = []

    def add(raw: dict[str, Any], parent: str | None) -> None:
        topic_id = str(raw["id"])
        topics.append(
            Topic(
                topic_id,
                str(raw.get("label", topic_id)),
                str(raw.get("label_ko", raw.get("label", topic_id))),
                parent,
                tuple(_keywords(raw.get("keywords") or {})),
            )
        )
        for child in raw.get("children") or []:
            add(child, topic_id)

    for raw in document.get("topics") or []:
        add(raw, None)
    tops = [t.topic_id for t in topics if t.parent_topic_id is None]
    if sorted(tops) != sorted(TOP_TOPICS):
        raise ValueError(f"top-level topics {tops} are not {list(TOP_TOPICS)}")
    ids = [t.topic_id for t in topics]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate topic ids in the taxonomy")
    return Taxonomy(tuple(topics))


_cache: dict[Path, Taxonomy] = {}
_lock = threading.Lock()


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """config/taxonomy.yaml, parsed once per path."""
    resolved = (path or DEFAULT_PATH).resolve()
    with _lock:
        if resolved not in _cache:
            document = yaml.safe_load(resolved.read_text(encoding="utf-8")) or {}
            _cache[resolved] = build_taxonomy(document)
        return _cache[resolved]


def topics_frame(taxonomy: Taxonomy) -> pl.DataFrame:
    """schema.TOPICS: every topic with its labels, parents first, in file order."""
    rows = [
        {
            "topic_id": t.topic_id,
            "label": t.label,
            "label_ko": t.label_ko,
            "parent_topic_id": t.parent_topic_id,
        }
        for t in taxonomy.topics
    ]
    return conform(pl.DataFrame(rows, schema=TOPICS), TOPICS)


@dataclass(frozen=True)
class _Matcher:
    """Every Latin keyword of a taxonomy in two alternations, found in one pass over a text."""

    folded: re.Pattern[str] | None
    exact: re.Pattern[str] | None


_matchers: dict[int, tuple[Taxonomy, _Matcher]] = {}


def _matcher(taxonomy: Taxonomy) -> _Matcher:
    """The taxonomy's combined Latin matcher, built once per taxonomy object."""
    cached = _matchers.get(id(taxonomy))
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    folded: set[str] = set()
    exact: set[str] = set()
    for topic in taxonomy.topics:
        for keyword in topic.keywords:
            if keyword.pattern is not None:
                (folded if keyword.pattern.flags & re.IGNORECASE else exact).add(keyword.text)

    def alternation(words: set[str], flags: int) -> re.Pattern[str] | None:
        if not words:
            return None
        ordered = sorted(words, key=lambda w: (-len(w), w))
        body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)

    matcher = _Matcher(alternation(folded, re.IGNORECASE), alternation(exact, 0))
    _matchers[id(taxonomy)] = (taxonomy, matcher)
    return matcher


def _latin_counts(text: str, matcher: _Matcher) -> Counter[str]:
    """How often each Latin keyword occurs (case-folded key for the folded ones)."""
    counts: Counter[str] = Counter()
    if not text:
        return counts
    if matcher.folded is not None:
        counts.update(" ".join(m.group().split()).casefold() for m in matcher.folded.finditer(text))
    if matcher.exact is not None:
        counts.update("=" + " ".join(m.group().split()) for m in matcher.exact.finditer(text))
    return counts


def _count(keyword: Keyword, text: str, latin: Counter[str]) -> int:
    """How often a keyword occurs in a text whose Latin keywords were already counted."""
    if not text:
        return 0
    if keyword.pattern is None:
        return text.count(keyword.text)
    if keyword.pattern.flags & re.IGNORECASE:
        return latin[keyword.text.casefold()]
    return latin["=" + keyword.text]


def score_topics(
    title: str | None, body: str, language: str | None, taxonomy: Taxonomy
) -> list[tuple[str, float]]:
    """scores in (0,1]; a sub-topic match also scores its parent; headline counts more;
    sorted by score desc; may be empty"""
    headline = unicodedata.normalize("NFKC", title or "")
    text = unicodedata.normalize("NFKC", body or "")
    matcher = _matcher(taxonomy)
    headline_latin, text_latin = _latin_counts(headline, matcher), _latin_counts(text, matcher)
    raw: dict[str, float] = {}
    for topic in taxonomy.topics:
        total = 0.0
        for keyword in topic.keywords:
            in_headline = _count(keyword, headline, headline_latin)
            in_body = _count(keyword, text, text_latin)
            hits = HEADLINE_WEIGHT * in_headline + min(BODY_CAP, in_body)
            total += keyword.weight * hits
        if total > 0:
            raw[topic.topic_id] = total
    # A parent scores its own keywords plus its best sub-topic, not the sum of all of them,
    # so a section with many overlapping sub-topics does not win on breadth alone.
    best_child: dict[str, float] = {}
    for topic in taxonomy.topics:
        parent = topic.parent_topic_id
        if parent is not None and topic.topic_id in raw:
            best_child[parent] = max(best_child.get(parent, 0.0), raw[topic.topic_id])
    for parent, value in best_child.items():
        raw[parent] = raw.get(parent, 0.0) + value
    scored = [
        (topic_id, round(1.0 - math.exp(-value * math.log(2) / HALF_SCORE), 4))
        for topic_id, value in raw.items()
        if value >= 1.0
    ]
    scored = [(topic_id, max(score, 0.0001)) for topic_id, score in scored]
    return sorted(scored, key=lambda item: (-item[1], item[0]))
