import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from newsetl.enrich import enrich_articles
from newsetl.gazetteer import normalize_key
from newsetl.schema import ARTICLES, TOP_TOPICS
from newsetl.textdump import clean_text_dump

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MANIFEST = SAMPLES / "manifest.yaml"

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="sample corpus not present")


def clean_sample_articles() -> list[tuple[dict[str, Any], str]]:
    """Manifest entries whose body needs no HTML parsing: JSONL records and text dumps."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    found = []
    for item in manifest["articles"]:
        path = SAMPLES / item["path"]
        if item["kind"] == "jsonl":
            records = [
                json.loads(line)
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            body = next(r["body"] for r in records if r["title"] == item["title"])
        elif item["kind"] == "text":
            # The body the pipeline gets: the page text without the portal's menus.
            dump = path.read_text(encoding=item.get("encoding") or "utf-8")
            body = clean_text_dump(dump).body
        else:
            continue
        found.append((item, body))
    return found


def enriched_samples() -> tuple[list[dict[str, Any]], Any]:
    """The clean sample articles and what the enrich step makes of them."""
    samples = clean_sample_articles()
    rows = [
        {
            **dict.fromkeys(ARTICLES),
            "article_id": item["id"],
            "title": item["title"],
            "body": body,
            "language": item["language"],
            "author": item.get("author"),
        }
        for item, body in samples
    ]
    return [item for item, _ in samples], enrich_articles(pl.DataFrame(rows, schema=ARTICLES))


def test_sample_articles_yield_the_manifest_entities_and_topics() -> None:
    items, enriched = enriched_samples()
    assert len(items) >= 6
    entities = {row["entity_id"]: row for row in enriched.entities.iter_rows(named=True)}
    second_place = []
    for item in items:
        links = enriched.article_entities.filter(pl.col("article_id") == item["id"])
        by_name = {
            normalize_key(spelling): entities[entity_id]
            for entity_id in links["entity_id"]
            for spelling in (entities[entity_id]["name"], *entities[entity_id]["aliases"])
        }
        for expected in item["entities"]:
            row = by_name.get(normalize_key(expected["name"]))
            assert row is not None, (item["id"], expected["name"])
            assert row["entity_type"] == expected["type"], (item["id"], expected["name"])
        topics = enriched.article_topics.filter(pl.col("article_id") == item["id"])["topic_id"]
        tops = [t for t in topics if t in TOP_TOPICS]
        # The manifest's topic is the article's first top-level topic, or (for a story that
        # straddles two, like a carmaker's plant abroad: economy or world) its second.
        assert item["topic"] in tops, item["id"]
        if tops[0] != item["topic"]:
            second_place.append(item["id"])
        if item.get("subtopic"):
            assert item["subtopic"] in topics.to_list(), item["id"]
    assert second_place == ["ko-dump-hyundai-georgia"]


def test_sample_reporters_are_not_entities() -> None:
    items, enriched = enriched_samples()
    names = {
        normalize_key(spelling)
        for row in enriched.entities.iter_rows(named=True)
        for spelling in (row["name"], *row["aliases"])
    }
    for item in items:
        if item.get("author"):
            assert normalize_key(item["author"]) not in names, item["id"]
