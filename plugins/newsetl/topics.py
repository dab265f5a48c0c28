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

import numpy as np
import polars as pl

from newsetl.gazetteer import has_hangul
from newsetl.schema import TOP_TOPICS, TOPICS, conform
from newsetl.settings import parse_yaml

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
    if not math.isfinite(weight):
        raise ValueError(f"taxonomy keyword {text!r} has weight {weight}; weights are numbers")
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
            document = parse_yaml(resolved.read_text(encoding="utf-8")) or {}
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


# Bytes to runs of ASCII word characters (what \w means in ASCII) between spaces: every
# other byte becomes a space, and _FOLD also lower-cases.
_WORD_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
_KEEP = bytes(c if c in _WORD_CHARS else 32 for c in range(256))
_FOLD = _KEEP.lower()
_LEADING_WORD = re.compile(r"[A-Za-z0-9_]+")
# The characters outside ASCII that case-insensitive re matching equates with an ASCII letter
# (İ and ı with i, ſ with s, the Kelvin sign with k). A text holding one is searched with the
# whole alternations, since an ASCII keyword may match there.
ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"

# A leading word → (the word between spaces as it must appear, whether it is looked for
# lower-cased, the keywords starting with it in alternation order)
_Words = dict[bytes, tuple[tuple[bytes, bool, tuple[re.Pattern[str], ...]], ...]]


@dataclass(frozen=True)
class _Matcher:
    """How a taxonomy's keywords are counted, worked out once per taxonomy.

    Latin keywords are counted as the two alternations ``folded`` and ``exact`` find them
    (longest keyword first; leftmost, non-overlapping matches). Where every Latin keyword is
    ASCII and starts with a word character, a match in a text without ASCII_CASE_TWINS can
    only start at a maximal run of ASCII word characters equal (folded: ignoring case) to the
    keyword's leading word, so ``words`` maps each leading word, lower-cased, to what to look
    for there, and only those runs are tried. ``words`` is None when some keyword does not
    fit; the alternations run then, as they do on a text with one of the twins.
    """

    folded: re.Pattern[str] | None
    exact: re.Pattern[str] | None
    words: _Words | None
    korean: tuple[str, ...]  # the distinct Korean keywords
    # UTF-8 lead bytes, one of which every Korean keyword's encoding holds (that of its first
    # character outside ASCII, else of its first): a text without any has none of them.
    korean_leads: tuple[bytes, ...]
    # count key (see _latin_counts; a Korean keyword's is its text) → the keywords with it:
    # (index among all the taxonomy's keywords in order, weight)
    latin_terms: dict[str, tuple[tuple[int, float], ...]]
    korean_terms: dict[str, tuple[tuple[int, float], ...]]
    topic_of: tuple[int, ...]  # keyword index → index of its topic


_matchers: dict[int, tuple[Taxonomy, _Matcher]] = {}


def _escaped(word: str) -> str:
    """A keyword as a regular expression: any run of whitespace between its words."""
    return re.escape(word).replace(r"\ ", r"\s+")


def _alternation(words: list[str], flags: int) -> re.Pattern[str] | None:
    """The alternation of these keywords as whole words, in this order."""
    if not words:
        return None
    body = "|".join(_escaped(w) for w in words)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _ordered(words: set[str]) -> list[str]:
    """Keywords in the alternation's order: longest first, then alphabetically."""
    return sorted(words, key=lambda w: (-len(w), w))


def _leading_words(
    folded: list[str], exact: list[str], compiled: dict[tuple[str, int], re.Pattern[str]]
) -> _Words | None:
    """_Matcher.words for the ordered folded and exact keywords, or None if one does not fit.
    compiled: keyword patterns already at hand, by (pattern, flags)."""
    searches: dict[tuple[bytes, bool], list[re.Pattern[str]]] = {}
    for words, is_folded in ((folded, True), (exact, False)):
        flags = re.IGNORECASE if is_folded else 0
        for word in words:
            lead = _LEADING_WORD.match(word)
            if not word.isascii() or lead is None:
                return None
            source = rf"(?<![\w-]){_escaped(word)}(?![\w-])"
            pattern = compiled.get((source, flags | re.UNICODE)) or re.compile(source, flags)
            needle = b" " + lead.group().encode("ascii") + b" "
            key = (needle.lower() if is_folded else needle, is_folded)
            searches.setdefault(key, []).append(pattern)
    grouped: dict[bytes, list[tuple[bytes, bool, tuple[re.Pattern[str], ...]]]] = {}
    for (needle, is_folded), patterns in searches.items():
        grouped.setdefault(needle[1:-1].lower(), []).append((needle, is_folded, tuple(patterns)))
    return {word: tuple(found) for word, found in grouped.items()}


def _lead_byte(keyword: str) -> bytes:
    """The first UTF-8 byte of the keyword's first character outside ASCII, else of its first."""
    char = next((c for c in keyword if not c.isascii()), keyword[:1])
    return char.encode("utf-8", "surrogatepass")[:1]


def _matcher(taxonomy: Taxonomy) -> _Matcher:
    """The taxonomy's keyword matcher, built once per taxonomy object."""
    cached = _matchers.get(id(taxonomy))
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    folded: set[str] = set()
    exact: set[str] = set()
    korean: dict[str, None] = {}
    latin_terms: dict[str, list[tuple[int, float]]] = {}
    korean_terms: dict[str, list[tuple[int, float]]] = {}
    compiled: dict[tuple[str, int], re.Pattern[str]] = {}
    topic_of: list[int] = []
    for topic_index, topic in enumerate(taxonomy.topics):
        for keyword in topic.keywords:
            index = len(topic_of)
            topic_of.append(topic_index)
            if keyword.pattern is None:
                korean[keyword.text] = None
                korean_terms.setdefault(keyword.text, []).append((index, keyword.weight))
                continue
            compiled[keyword.pattern.pattern, keyword.pattern.flags] = keyword.pattern
            if keyword.pattern.flags & re.IGNORECASE:
                folded.add(keyword.text)
                key = keyword.text.casefold()
            else:
                exact.add(keyword.text)
                key = "=" + keyword.text
            latin_terms.setdefault(key, []).append((index, keyword.weight))
    folded_order, exact_order = _ordered(folded), _ordered(exact)
    matcher = _Matcher(
        _alternation(folded_order, re.IGNORECASE),
        _alternation(exact_order, 0),
        _leading_words(folded_order, exact_order, compiled),
        tuple(korean),
        tuple(sorted({_lead_byte(k) for k in korean})),
        {key: tuple(terms) for key, terms in latin_terms.items()},
        {key: tuple(terms) for key, terms in korean_terms.items()},
        tuple(topic_of),
    )
    _matchers[id(taxonomy)] = (taxonomy, matcher)
    return matcher


def _latin_counts(text: str, matcher: _Matcher) -> Counter[str]:
    """How often each Latin keyword occurs, by key: the matched text with its whitespace
    collapsed, case-folded for the folded keywords and after '=' for the exact ones."""
    counts: Counter[str] = Counter()
    if not text:
        return counts
    if matcher.words is not None and (
        text.isascii() or not any(twin in text for twin in ASCII_CASE_TWINS)
    ):
        return _word_counts(text, matcher.words)
    if matcher.folded is not None:
        counts.update(" ".join(m.group().split()).casefold() for m in matcher.folded.finditer(text))
    if matcher.exact is not None:
        counts.update("=" + " ".join(m.group().split()) for m in matcher.exact.finditer(text))
    return counts


def _word_counts(text: str, words: _Words) -> Counter[str]:
    """_latin_counts by way of _Matcher.words: only the runs of ASCII word characters that
    start a keyword are tried, in text order, skipping those inside the previous match."""
    counts: Counter[str] = Counter()
    # One byte per character (the non-ASCII ones '?'), so offsets are the text's.
    data = text.encode("ascii", "replace")
    lower = data.translate(_FOLD)
    present = words.keys() & lower.split()
    if not present:
        return counts
    spaced = {True: b" " + lower + b" "}
    starts: dict[bool, list[tuple[int, tuple[re.Pattern[str], ...]]]] = {True: [], False: []}
    for word in present:
        for needle, is_folded, patterns in words[word]:
            if is_folded not in spaced:
                spaced[is_folded] = b" " + data.translate(_KEEP) + b" "
            _runs(spaced[is_folded], needle, patterns, starts[is_folded])
    for is_folded, found in starts.items():
        # one run per offset: the tuples compare by offset alone
        found.sort()
        end = 0
        for start, patterns in found:
            if start < end:
                continue
            for pattern in patterns:
                match = pattern.match(text, start)
                if match is not None:
                    key = " ".join(match.group().split())
                    counts[key.casefold() if is_folded else "=" + key] += 1
                    end = match.end()
                    break
    return counts


def _runs(
    spaced: bytes,
    needle: bytes,
    patterns: tuple[re.Pattern[str], ...],
    found: list[tuple[int, tuple[re.Pattern[str], ...]]],
) -> None:
    """Append (offset in the text, patterns) for each run equal to needle (a word between
    spaces) in spaced (the text's runs between spaces, with one space before and after)."""
    step = len(needle) - 1
    # The needle's first space is the byte before the run: its offset is the run's in the text.
    start = spaced.find(needle)
    while start >= 0:
        found.append((start, patterns))
        start = spaced.find(needle, start + step)


def _normalized(text: str) -> str:
    """NFKC (which leaves ASCII as it is)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _korean_counts(text: str, matcher: _Matcher) -> dict[str, int]:
    """How often each Korean keyword occurs as a substring (non-overlapping), the found ones."""
    if not matcher.korean or not text:
        return {}
    encoded = text.encode("utf-8", "surrogatepass")
    if not any(lead in encoded for lead in matcher.korean_leads):
        return {}
    counts: dict[str, int] = {}
    for keyword in matcher.korean:
        found = text.count(keyword)
        if found:
            counts[keyword] = found
    return counts


def _terms(
    terms: dict[str, tuple[tuple[int, float], ...]],
    headline: dict[str, int],
    body: dict[str, int],
    out: list[tuple[int, float]],
) -> None:
    """(keyword index, weighted hits) of every keyword with one of these keys."""
    for key in headline.keys() | body.keys():
        hits = HEADLINE_WEIGHT * headline.get(key, 0) + min(BODY_CAP, body.get(key, 0))
        for index, weight in terms.get(key, ()):
            out.append((index, weight * hits))


def score_topics(
    title: str | None, body: str, language: str | None, taxonomy: Taxonomy
) -> list[tuple[str, float]]:
    """scores in (0,1]; a sub-topic match also scores its parent; headline counts more;
    sorted by score desc; may be empty"""
    headline, text = _normalized(title or ""), _normalized(body or "")
    matcher = _matcher(taxonomy)
    # Weights are finite (see _keyword), so a keyword that is not found adds exactly 0.0:
    # only the found ones make terms.
    terms: list[tuple[int, float]] = []
    pairs = (
        (matcher.latin_terms, _latin_counts(headline, matcher), _latin_counts(text, matcher)),
        (matcher.korean_terms, _korean_counts(headline, matcher), _korean_counts(text, matcher)),
    )
    for keyed, in_headline, in_body in pairs:
        _terms(keyed, in_headline, in_body, terms)
    # one term per keyword index: the tuples compare by index alone
    terms.sort()
    # Each topic's total adds its keywords' terms in taxonomy order, as a sum over all of
    # them would.
    totals: dict[int, float] = {}
    topic_of = matcher.topic_of
    for index, term in terms:
        topic_index = topic_of[index]
        totals[topic_index] = totals.get(topic_index, 0.0) + term
    raw: dict[str, float] = {}
    for topic_index, total in totals.items():
        if total > 0:
            raw[taxonomy.topics[topic_index].topic_id] = total
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


# A top-level topic beside the first needs this probability; at most this many are kept.
SECOND_TOPIC_MIN = 0.35
# ... or this much when one of its sub-topics' keywords match strongly (two kinds of evidence).
SUPPORTED_TOPIC_MIN = 0.15
SUPPORTING_SUB_TOPIC = 0.8
MAX_TOP_TOPICS = 2
# A sub-topic's score is its parent's probability times its keyword score; kept from here.
SUB_TOPIC_MIN = 0.2
MAX_SUB_TOPICS = 2
LEAD_CHARS = 300
HEADLINE_SHARE = 0.35
# How much the taxonomy's keyword scores count beside the model's probabilities, per
# language: the English model learned from a few hundred written headlines only, so its
# vocabulary is narrow and the keyword lists fill the gaps. English's weight is the best of
# 0.0-0.7 in 5-fold predictions over the training examples (scripts/train_topics.py prints
# the comparison: 0.670 without keywords, 0.719 at 0.3, 0.710 at 0.5), never the test set.
KEYWORD_BLEND = {"ko": 0.0, "en": 0.3}
# Sub-topics the training data files under another section than the taxonomy does: YNAT
# puts weather stories under 생활문화 (culture), the taxonomy under society. When the
# sub-topic's keywords clearly match, the model's mass moves to the taxonomy's parent.
MOVED_SUB_TOPICS = {"weather": ("culture_life", "society")}


def classify_topics(
    titles: list[str | None],
    bodies: list[str | None],
    languages: list[str | None],
    taxonomy: Taxonomy,
) -> list[list[tuple[str, float]]]:
    """Scored topics per article: the classifier's calibrated probability for one or two
    top-level topics (headline and lead read), and the sub-topics of those whose keywords
    match. Without a model for the language, the keyword scores alone. Sorted by score."""
    from newsetl.classifier import load_classifier

    results: list[list[tuple[str, float]]] = [[] for _ in titles]
    keyword_scores = [
        dict(score_topics(t, b or "", lang, taxonomy))
        for t, b, lang in zip(titles, bodies, languages, strict=True)
    ]
    by_language: dict[str, list[int]] = {}
    for index, language in enumerate(languages):
        by_language.setdefault("ko" if language == "ko" else "en", []).append(index)
    for language, indexes in by_language.items():
        model = load_classifier(language)
        if model is None:
            for index in indexes:
                results[index] = _keyword_only(keyword_scores[index], taxonomy)
            continue
        texts = [f"{titles[i] or ''} {(bodies[i] or '')[:LEAD_CHARS]}".strip() for i in indexes]
        # The model learned from headlines: the headline alone weighs most, the lead helps
        # (and carries a headline-less item on its own).
        probabilities = model.probabilities(texts)
        headlines = model.probabilities([titles[i] or "" for i in indexes])
        has_title = np.array([[1.0 if titles[i] else 0.0] for i in indexes])
        weight = HEADLINE_SHARE * has_title
        probabilities = weight * headlines + (1.0 - weight) * probabilities
        blend = KEYWORD_BLEND.get(language, 0.0)
        for row, index in enumerate(indexes):
            tops = dict(zip(model.classes, (float(p) for p in probabilities[row]), strict=True))
            if blend:
                tops = _blend(tops, keyword_scores[index], blend)
            results[index] = _combine(tops, keyword_scores[index], taxonomy)
    return results


def _blend(tops: dict[str, float], keywords: dict[str, float], weight: float) -> dict[str, float]:
    """(1 - weight) × model probabilities + weight × keyword scores made a distribution;
    the model alone where no top-level keyword matched."""
    matched = {topic: keywords.get(topic, 0.0) for topic in tops}
    total = sum(matched.values())
    if total <= 0.0:
        return tops
    return {t: (1.0 - weight) * p + weight * matched[t] / total for t, p in tops.items()}


def _supported(topic_id: str, keywords: dict[str, float], taxonomy: Taxonomy) -> bool:
    """Whether one of the topic's sub-topics matches strongly on keywords."""
    return any(
        t.parent_topic_id == topic_id and keywords.get(t.topic_id, 0.0) >= SUPPORTING_SUB_TOPIC
        for t in taxonomy.topics
    )


def _combine(
    tops: dict[str, float], keywords: dict[str, float], taxonomy: Taxonomy
) -> list[tuple[str, float]]:
    """Top-level probabilities and keyword scores as the article's kept topics."""
    if "entertainment" not in tops and keywords.get("entertainment", 0.0) > 0.0:
        # A model without an entertainment class (YNAT files it under culture) hands part of
        # its culture and society mass to entertainment, in proportion to the keywords.
        entertainment = keywords["entertainment"]
        rival = max(keywords.get("culture_life", 0.0), keywords.get("society", 0.0))
        share = entertainment / (entertainment + rival) if entertainment > rival else 0.0
        moved = 0.0
        for donor in ("culture_life", "society"):
            if donor in tops:
                moved += tops[donor] * share
                tops[donor] *= 1.0 - share
        tops["entertainment"] = moved
    for sub_topic, (home, parent) in MOVED_SUB_TOPICS.items():
        if keywords.get(sub_topic, 0.0) >= 0.5 and tops.get(home, 0.0) > tops.get(parent, 0.0):
            tops[parent], tops[home] = tops.get(parent, 0.0) + tops[home], 0.0
    ranked = sorted(tops.items(), key=lambda item: (-item[1], item[0]))
    kept = [ranked[0]] + [
        (topic, p)
        for topic, p in ranked[1:MAX_TOP_TOPICS]
        if p >= SECOND_TOPIC_MIN
        or (p >= SUPPORTED_TOPIC_MIN and _supported(topic, keywords, taxonomy))
    ]
    out = [(topic, round(p, 4)) for topic, p in kept]
    for parent, probability in kept:
        children = [
            (t.topic_id, probability * keywords[t.topic_id])
            for t in taxonomy.topics
            if t.parent_topic_id == parent and t.topic_id in keywords
        ]
        children.sort(key=lambda item: (-item[1], item[0]))
        out.extend(
            (topic, round(score, 4))
            for topic, score in children[:MAX_SUB_TOPICS]
            if score >= SUB_TOPIC_MIN
        )
    return sorted(out, key=lambda item: (-item[1], item[0]))


def _keyword_only(keywords: dict[str, float], taxonomy: Taxonomy) -> list[tuple[str, float]]:
    """Keyword scores reduced the same way: the best top-level topic or two and their subs."""
    tops = {
        t.topic_id: keywords.get(t.topic_id, 0.0)
        for t in taxonomy.topics
        if t.parent_topic_id is None
    }
    if not any(tops.values()):
        return []
    total = sum(tops.values())
    return _combine({k: v / total for k, v in tops.items()}, keywords, taxonomy)
