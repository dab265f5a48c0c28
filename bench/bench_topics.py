"""Topic classification in Korean and English, against baselines measured in the same run.

Korean: the held-out fifth of the YNAT headlines (newsetl.corpora.ynat_splits; the shipped
model never trained, calibrated or tuned on it), macro-F1 over the seven YNAT classes for
- the shipped model (models/topics-ko.npz, top-1 of newsetl.topics.classify_topics),
- TF-IDF character 1–3-grams + logistic regression trained here on the same training part
  (the reference baseline), and
- the keyword taxonomy alone (config/taxonomy.yaml, best top-level topic).

English: bench/data/topics-en-test.tsv, 80 headlines (10 per top-level topic) written and
labelled for this project apart from the training examples; accuracy of newsetl (model and
keywords blended), of the model alone and of the keywords alone.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

from measure import emit  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from newsetl import topics as topics_module  # noqa: E402
from newsetl.classifier import load_classifier  # noqa: E402
from newsetl.corpora import read_ynat, ynat_splits  # noqa: E402
from newsetl.schema import TOP_TOPICS  # noqa: E402
from newsetl.topics import classify_topics, load_taxonomy, score_topics  # noqa: E402

ENGLISH_TEST = ROOT / "bench" / "data" / "topics-en-test.tsv"


def first_top(scored: list[tuple[str, float]], fallback: str) -> str:
    """The best-scored top-level topic, or the fallback when none scored."""
    return next((topic for topic, _ in scored if topic in TOP_TOPICS), fallback)


def keyword_top(title: str, language: str) -> str:
    """The keyword taxonomy's best top-level topic for a headline."""
    return first_top(score_topics(title, "", language, load_taxonomy()), "society")


def korean() -> dict[str, object]:
    """Macro-F1 on the held-out YNAT headlines."""
    parts = list(ynat_splits(read_ynat()))
    train = [h for part, h in parts if part == "train"]
    test = [h for part, h in parts if part == "held_out"]
    truth = [h.topic for h in test]
    titles = [h.text for h in test]
    taxonomy = load_taxonomy()
    # YNAT files entertainment and weather under culture; newsetl moves a clearly weather
    # story to society (the taxonomy's home for it). Scored in YNAT's convention, so
    # without that move; with it, reported beside.
    moved = dict(topics_module.MOVED_SUB_TOPICS)
    topics_module.MOVED_SUB_TOPICS.clear()
    try:
        scored = classify_topics(titles, [""] * len(titles), ["ko"] * len(titles), taxonomy)
    finally:
        topics_module.MOVED_SUB_TOPICS.update(moved)
    as_shipped = classify_topics(titles, [""] * len(titles), ["ko"] * len(titles), taxonomy)
    ours = [
        "culture_life" if t == "entertainment" else t
        for t in (first_top(s, "society") for s in scored)
    ]
    shipped = [
        "culture_life" if t == "entertainment" else t
        for t in (first_top(s, "society") for s in as_shipped)
    ]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    baseline = LogisticRegression(C=10, max_iter=2000, random_state=13)
    baseline.fit(vectorizer.fit_transform([h.text for h in train]), [h.topic for h in train])
    predicted = list(baseline.predict(vectorizer.transform(titles)))
    keywords = [
        "culture_life" if t == "entertainment" else t
        for t in (keyword_top(x, "ko") for x in titles)
    ]
    labels = sorted(set(truth))
    return {
        "train_headlines": len(train),
        "held_out_headlines": len(test),
        "newsetl_macro_f1": round(f1_score(truth, ours, average="macro", labels=labels), 4),
        "newsetl_accuracy": round(accuracy_score(truth, ours), 4),
        "newsetl_with_weather_moved_to_society_macro_f1": round(
            f1_score(truth, shipped, average="macro", labels=labels), 4
        ),
        "tfidf_char13_logreg_macro_f1": round(
            f1_score(truth, predicted, average="macro", labels=labels), 4
        ),
        "keyword_taxonomy_macro_f1": round(
            f1_score(truth, keywords, average="macro", labels=labels), 4
        ),
        "per_class_f1": dict(
            zip(
                labels,
                (round(v, 4) for v in f1_score(truth, ours, average=None, labels=labels)),
                strict=True,
            )
        ),
        "model_bytes": (ROOT / "plugins" / "newsetl" / "models" / "topics-ko.npz").stat().st_size,
    }


def english() -> dict[str, object]:
    """Accuracy on the written English test headlines."""
    with ENGLISH_TEST.open(encoding="utf-8", newline="") as handle:
        rows = [(r["title"], r["topic"]) for r in csv.DictReader(handle, delimiter="\t")]
    titles, truth = [t for t, _ in rows], [c for _, c in rows]
    taxonomy = load_taxonomy()
    ours = [
        first_top(s, "society")
        for s in classify_topics(titles, [""] * len(titles), ["en"] * len(titles), taxonomy)
    ]
    saved = dict(topics_module.KEYWORD_BLEND)
    topics_module.KEYWORD_BLEND["en"] = 0.0
    try:
        model_only = [
            first_top(s, "society")
            for s in classify_topics(titles, [""] * len(titles), ["en"] * len(titles), taxonomy)
        ]
    finally:
        topics_module.KEYWORD_BLEND.clear()
        topics_module.KEYWORD_BLEND.update(saved)
    keywords = [keyword_top(t, "en") for t in titles]
    model = load_classifier("en")
    return {
        "test_headlines": len(rows),
        "classes": len(set(truth)),
        "training_examples": None if model is None else "scripts/data/topics-en-examples.tsv",
        "newsetl_accuracy": round(accuracy_score(truth, ours), 4),
        "newsetl_macro_f1": round(f1_score(truth, ours, average="macro"), 4),
        "model_only_accuracy": round(accuracy_score(truth, model_only), 4),
        "keyword_taxonomy_accuracy": round(accuracy_score(truth, keywords), 4),
    }


def main() -> None:
    """Print one JSON line and write bench/results/topics.json."""
    result = {
        "benchmark": "topics",
        "korean_ynat_held_out": korean(),
        "english_written_test": english(),
        "targets": {"korean_macro_f1": 0.85},
    }
    emit("topics", result)


if __name__ == "__main__":
    main()
