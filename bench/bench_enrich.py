"""Enrich throughput on Korean news-length articles, in one process and spread over two.

The articles are built from KLUE-NER news sentences, 25 to an article (about the length of a
Korean news story), with the first sentence as headline; English articles are the 24 GUM
news documents repeated. Each configuration runs enrich_articles once after a warm-up, in
steady state: two processes are the kept workers a `newsetl run` forks at its start
(newsetl.workers), warmed up (Kiwi and the taggers loaded) before timing; their start-up and
warm-up is reported apart.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

import polars as pl  # noqa: E402
from measure import emit  # noqa: E402

from newsetl.corpora import read_gum, read_klue_ner  # noqa: E402
from newsetl.enrich import enrich_articles  # noqa: E402
from newsetl.schema import ARTICLES as ARTICLE_SCHEMA  # noqa: E402
from newsetl.workers import kept_workers  # noqa: E402

SENTENCES_PER_ARTICLE = 25
ARTICLE_COUNT = 400
PARALLEL_ARTICLE_COUNT = 800


def korean_articles(count: int) -> pl.DataFrame:
    """count Korean articles of 25 KLUE sentences each (sentences reused round-robin)."""
    sentences = [s.text for s in read_klue_ner()]
    rows = []
    for number in range(count):
        chosen = [
            sentences[(number * SENTENCES_PER_ARTICLE + k) % len(sentences)]
            for k in range(SENTENCES_PER_ARTICLE)
        ]
        rows.append(
            {
                **dict.fromkeys(ARTICLE_SCHEMA),
                "article_id": f"ko-{number}",
                "title": chosen[0][:60],
                "body": " ".join(chosen[1:]),
                "language": "ko",
            }
        )
    return pl.DataFrame(rows, schema=ARTICLE_SCHEMA)


def english_articles(count: int) -> pl.DataFrame:
    """count English articles cycling over the GUM news documents."""
    documents = read_gum()
    rows = []
    for number in range(count):
        doc = documents[number % len(documents)]
        title, _, body = doc.text.partition("\n")
        rows.append(
            {
                **dict.fromkeys(ARTICLE_SCHEMA),
                "article_id": f"en-{number}",
                "title": title,
                "body": body,
                "language": "en",
            }
        )
    return pl.DataFrame(rows, schema=ARTICLE_SCHEMA)


def rate(frame: pl.DataFrame, workers: int) -> float:
    """Articles per second of one enrich_articles call."""
    began = time.perf_counter()
    enrich_articles(frame, workers=workers)
    return round(frame.height / (time.perf_counter() - began), 1)


def main() -> None:
    """Print one JSON line and write bench/results/enrich.json."""
    korean = korean_articles(PARALLEL_ARTICLE_COUNT)
    english = english_articles(ARTICLE_COUNT // 4)
    # Two processes first: the workers fork before this process has loaded Kiwi.
    began = time.perf_counter()
    with kept_workers(2):
        enrich_articles(korean.head(240), workers=2)  # each worker loads its models
        warm_up = round(time.perf_counter() - began, 1)
        two = rate(korean, 2)
    korean = korean.head(ARTICLE_COUNT)
    enrich_articles(korean.head(5), workers=1)  # load models in this process
    chars = korean["body"].str.len_chars().mean()
    result = {
        "benchmark": "enrich",
        "cpu_count": os.cpu_count(),
        "korean_articles": korean.height,
        "korean_mean_chars": round(float(chars or 0), 1),
        "sentences_per_article": SENTENCES_PER_ARTICLE,
        "korean_articles_per_s_1_process": rate(korean, 1),
        "korean_articles_per_s_2_processes": two,
        "korean_articles_2_processes": PARALLEL_ARTICLE_COUNT,
        "workers_start_and_warm_up_seconds": warm_up,
        "english_articles": english.height,
        "english_articles_per_s_1_process": rate(english, 1),
        "target_korean_articles_per_s_2_cores": 40,
    }
    emit("enrich", result)


if __name__ == "__main__":
    main()
