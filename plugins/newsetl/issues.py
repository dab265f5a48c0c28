"""The day's issues: stories about one event, across outlets, grouped together.

Each article is summed up by its terms: its most salient entities and its top keywords. Two
articles of the same day belong to one issue when they share at least two terms and enough
of them (Jaccard similarity); issues are the connected groups of two or more articles.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

import polars as pl

from newsetl.schema import ARTICLE_ISSUES, conform

MIN_SHARED = 2
MIN_JACCARD = 0.2
TERMS_PER_ARTICLE = 8


@dataclass(frozen=True)
class ArticleTerms:
    """What an article is about, for grouping: its day and its terms (with display labels)."""

    article_id: str
    day: date | None
    terms: tuple[str, ...]  # entity ids and "kw:<keyword>" keys, best first
    labels: tuple[str, ...]  # the same terms as people read them


def group_issues(articles: list[ArticleTerms]) -> pl.DataFrame:
    """schema.ARTICLE_ISSUES: one row per article that shares an issue with another article
    of its day; the issue id is stable for the same day and the same leading terms."""
    parent = {a.article_id: a.article_id for a in articles}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    by_day: dict[date, list[ArticleTerms]] = {}
    for article in articles:
        if article.day is not None and article.terms:
            by_day.setdefault(article.day, []).append(article)
    for day_articles in by_day.values():
        sets = [set(a.terms) for a in day_articles]
        for i in range(len(day_articles)):
            for j in range(i + 1, len(day_articles)):
                shared = len(sets[i] & sets[j])
                if shared >= MIN_SHARED and shared / len(sets[i] | sets[j]) >= MIN_JACCARD:
                    left, right = find(day_articles[i].article_id), find(day_articles[j].article_id)
                    if left != right:
                        parent[max(left, right)] = min(left, right)
    groups: dict[str, list[ArticleTerms]] = {}
    for article in articles:
        if article.day is not None:
            groups.setdefault(find(article.article_id), []).append(article)
    rows: list[dict[str, object]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        counts: Counter[str] = Counter()
        label_of: dict[str, str] = {}
        for member in members:
            counts.update(member.terms)
            label_of.update(zip(member.terms, member.labels, strict=True))
        leading = [term for term, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
        day = members[0].day
        digest = hashlib.sha1(f"{day}|{'|'.join(sorted(leading))}".encode()).hexdigest()[:12]
        issue_id = f"issue:{day}:{digest}"
        label = " · ".join(label_of[term] for term in leading)
        rows.extend(
            {"article_id": m.article_id, "issue_id": issue_id, "day": day, "label": label}
            for m in members
        )
    frame = pl.DataFrame(rows, schema=ARTICLE_ISSUES)
    return conform(frame, ARTICLE_ISSUES).sort(["issue_id", "article_id"])
