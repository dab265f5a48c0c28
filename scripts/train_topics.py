"""Train the topic classifiers in plugins/newsetl/models/ (topics-ko.npz, topics-en.npz).

Korean: KLUE YNAT headlines (CC BY-SA 4.0). The held-out fifth (newsetl.corpora.ynat_splits)
is never read here; of the rest, every fifth headline is a calibration part on which the
softmax temperature is fitted (and on which the settings were chosen), and the final model
is trained on the other four fifths. Character 1–3-grams within words, linear SVM.

English: the example headlines in scripts/data/topics-en-examples.tsv, written for this
project (Apache-2.0); word 1–2-grams, logistic regression; the temperature is fitted by
leave-one-out-like 5-fold predictions over the same examples.

    .venv/bin/python scripts/train_topics.py [ko|en]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from newsetl.classifier import MODELS_DIR, TopicClassifier, save_classifier, softmax  # noqa: E402
from newsetl.corpora import read_ynat, ynat_splits  # noqa: E402

EXAMPLES_EN = ROOT / "scripts" / "data" / "topics-en-examples.tsv"
SEED = 13


def fit_temperature(scores: np.ndarray, truth: list[int]) -> float:
    """The softmax temperature with the least log loss on scores the model did not train on."""
    best, best_loss = 1.0, float("inf")
    for temperature in np.arange(0.25, 12.01, 0.25):
        probabilities = softmax(scores * temperature)
        loss = -float(np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def as_model(vectorizer: TfidfVectorizer, estimator: object, temperature: float) -> TopicClassifier:
    """The fitted vectorizer and linear estimator as a plain-array TopicClassifier."""
    return TopicClassifier(
        classes=tuple(str(c) for c in estimator.classes_),  # type: ignore[attr-defined]
        analyzer=str(vectorizer.analyzer),
        ngram_range=tuple(vectorizer.ngram_range),  # type: ignore[arg-type]
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_,
        coef=np.asarray(estimator.coef_),  # type: ignore[attr-defined]
        intercept=np.asarray(estimator.intercept_),  # type: ignore[attr-defined]
        temperature=temperature,
    )


def korean_vectorizer() -> TfidfVectorizer:
    """Character 1–3-grams inside words, sublinear TF."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)


def train_korean() -> None:
    """YNAT → topics-ko.npz."""
    train = [h for part, h in ynat_splits(read_ynat()) if part == "train"]
    calibration = train[::5]
    fit = [h for i, h in enumerate(train) if i % 5]
    vectorizer = korean_vectorizer()
    estimator = LinearSVC(C=0.3, random_state=SEED)
    estimator.fit(vectorizer.fit_transform([h.text for h in fit]), [h.topic for h in fit])
    classes = list(estimator.classes_)
    scores = estimator.decision_function(vectorizer.transform([h.text for h in calibration]))
    temperature = fit_temperature(scores, [classes.index(h.topic) for h in calibration])
    # The final model learns from the calibration part too; the temperature carries over.
    vectorizer = korean_vectorizer()
    estimator = LinearSVC(C=0.3, random_state=SEED)
    estimator.fit(vectorizer.fit_transform([h.text for h in train]), [h.topic for h in train])
    out = MODELS_DIR / "topics-ko.npz"
    save_classifier(as_model(vectorizer, estimator, temperature), out)
    print(f"wrote {out} ({out.stat().st_size} bytes), {len(train)} headlines, T={temperature}")


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(headline, topic) rows of a TSV with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["title"], row["topic"]) for row in csv.DictReader(handle, delimiter="\t")]


def english_vectorizer() -> TfidfVectorizer:
    """Word 1–2-grams, sublinear TF."""
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)


def train_english() -> None:
    """The written examples → topics-en.npz."""
    rows = read_examples(EXAMPLES_EN)
    texts, labels = [t for t, _ in rows], [c for _, c in rows]
    classes = sorted(set(labels))
    held_scores = np.zeros((len(rows), len(classes)))
    for fold in range(5):
        train = [i for i in range(len(rows)) if i % 5 != fold]
        test = [i for i in range(len(rows)) if i % 5 == fold]
        vectorizer = english_vectorizer()
        estimator = LogisticRegression(C=20, max_iter=2000, random_state=SEED)
        estimator.fit(
            vectorizer.fit_transform([texts[i] for i in train]), [labels[i] for i in train]
        )
        held_scores[test] = estimator.decision_function(
            vectorizer.transform([texts[i] for i in test])
        )
    temperature = fit_temperature(held_scores, [classes.index(c) for c in labels])
    vectorizer = english_vectorizer()
    estimator = LogisticRegression(C=20, max_iter=2000, random_state=SEED)
    estimator.fit(vectorizer.fit_transform(texts), labels)
    out = MODELS_DIR / "topics-en.npz"
    save_classifier(as_model(vectorizer, estimator, temperature), out)
    print(f"wrote {out} ({out.stat().st_size} bytes), {len(rows)} examples, T={temperature}")


def main() -> None:
    """Train the languages named on the command line (default both)."""
    languages = sys.argv[1:] or ["ko", "en"]
    if "ko" in languages:
        train_korean()
    if "en" in languages:
        train_english()


if __name__ == "__main__":
    main()
