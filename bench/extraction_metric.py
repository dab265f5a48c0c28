"""The article-extraction benchmark's metric: word-shingle precision, recall and F1.

Tokens are Unicode \\w+ matches, shingles their 4-grams (a text shorter than 4 tokens is one
shingle); TP/FP/FN count shingle multiplicities per page; precision and recall are averaged
over pages (1.0 where a page has neither FP nor FN) and F1 is taken of the averages.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BENCHMARK = SHARED_DATA / "extraction-benchmark"
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(predicted: str, truth: str) -> tuple[float | None, float | None]:
    """Precision and recall of one page (None where undefined)."""
    pred, gold = shingles(predicted), shingles(truth)
    tp = sum((pred & gold).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def score(predictions: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Averaged precision, recall and F1 over the pages of `truth`."""
    precisions, recalls = [], []
    for page_id, gold in truth.items():
        precision, recall = page_scores(predictions.get(page_id, ""), gold)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def load_benchmark() -> tuple[dict[str, bytes], dict[str, str], dict[str, str]]:
    """Page bytes, ground-truth bodies and page URLs by page id."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        page_id: gzip.decompress((BENCHMARK / "html" / f"{page_id}.html.gz").read_bytes())
        for page_id in truth
    }
    bodies = {page_id: item["articleBody"] for page_id, item in truth.items()}
    urls = {page_id: item.get("url") for page_id, item in truth.items()}
    return pages, bodies, urls
