"""Train the topic classifiers in plugins/newsetl/models/ (topics-ko.npz, topics-en.npz).

Korean: KLUE YNAT headlines (CC BY-SA 4.0). The held-out fifth (newsetl.corpora.ynat_splits)
is never read here. Character 1–3-grams within words; per class, a linear SVM over the TF-IDF
features scaled by their naive-Bayes log-count ratios (NB-SVM, Wang and Manning 2012), blended
with a plain linear SVM over the same features, and folded into one weight row per class.
5-fold predictions over the training part (headline i in fold i mod 5) give per-class offsets
that favour macro-F1 and the softmax temperature (the settings were chosen on the same folds);
the final model is trained on the whole training part.

English: the example headlines in scripts/data/topics-en-examples.tsv, written for this
project (Apache-2.0); word 1–2-grams and character 2–4-grams within words, each view
L2-normalised, logistic regression; the settings and the temperature come from 5-fold
predictions over the same examples.

The features are computed by newsetl.classifier's own analyzers, so the numpy scoring at run
time reads texts exactly as training did.

    .venv/bin/python scripts/train_topics.py [ko|en]
"""

from __future__ import annotations

import csv
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from newsetl.classifier import (  # noqa: E402
    ANALYZERS,
    MODELS_DIR,
    TopicClassifier,
    View,
    save_classifier,
    softmax,
)
from newsetl.corpora import read_ynat, ynat_splits  # noqa: E402
from newsetl.topics import KEYWORD_BLEND, load_taxonomy, score_topics  # noqa: E402
from newsetl.topics import _blend as blend_topics  # noqa: E402

EXAMPLES_EN = ROOT / "scripts" / "data" / "topics-en-examples.tsv"
SEED = 13
KOREAN_VIEWS = (("char_wb", (1, 3)),)
# Chosen on the training folds: NB-SVM C from 0.03–1.0 (plain linear SVM C 0.1–1.0, logistic
# regression, complement naive Bayes, character 1–4-grams and Kiwi morphemes did no better).
KOREAN_C = 0.1
KOREAN_SVM_C = 0.4
KOREAN_SVM_SHARE = 0.2
NB_ALPHA = 1.0
ENGLISH_VIEWS = (("word", (1, 2)), ("char_wb", (2, 4)))
ENGLISH_C = (1.0, 3.0, 10.0, 30.0)


def fit_temperature(scores: np.ndarray, truth: list[int]) -> float:
    """The softmax temperature with the least log loss on scores the model did not train on."""
    best, best_loss = 1.0, float("inf")
    for temperature in np.arange(0.25, 12.01, 0.25):
        probabilities = softmax(scores * temperature)
        loss = -float(np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


class Features:
    """TF-IDF views of texts (each L2-normalised), fitted on training texts."""

    def __init__(self, views: tuple[tuple[str, tuple[int, int]], ...], min_df: int) -> None:
        self.views = views
        self.vectorizers = [
            TfidfVectorizer(
                analyzer=partial(ANALYZERS[name], ngram_range=ngram_range),
                sublinear_tf=True,
                min_df=min_df,
            )
            for name, ngram_range in views
        ]

    def fit_transform(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([v.fit_transform(texts) for v in self.vectorizers]).tocsr()

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([v.transform(texts) for v in self.vectorizers]).tocsr()

    def as_views(self) -> tuple[View, ...]:
        return tuple(
            View(
                analyzer=name,
                ngram_range=ngram_range,
                vocabulary={str(k): int(i) for k, i in vectorizer.vocabulary_.items()},
                idf=vectorizer.idf_,
            )
            for (name, ngram_range), vectorizer in zip(self.views, self.vectorizers, strict=True)
        )


class NBSVM:
    """One-vs-rest linear SVMs over features scaled by naive-Bayes log-count ratios; the
    scaling is folded into the weights, so it scores like any linear model."""

    def __init__(self, c: float) -> None:
        self.c = c

    def fit(self, features: sparse.csr_matrix, labels: list[str]) -> NBSVM:
        self.classes_ = np.array(sorted(set(labels)))
        truth = np.array(labels)
        present = (features > 0).astype(np.float64)
        coef, intercept = [], []
        for label in self.classes_:
            inside = NB_ALPHA + np.asarray(present[truth == label].sum(axis=0)).ravel()
            outside = NB_ALPHA + np.asarray(present[truth != label].sum(axis=0)).ravel()
            ratio = np.log(inside / inside.sum()) - np.log(outside / outside.sum())
            svm = LinearSVC(C=self.c, random_state=SEED)
            svm.fit(features.multiply(ratio).tocsr(), (truth == label).astype(int))
            coef.append(svm.coef_[0] * ratio)
            intercept.append(svm.intercept_[0])
        self.coef_, self.intercept_ = np.array(coef), np.array(intercept)
        return self

    def decision_function(self, features: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(features @ self.coef_.T) + self.intercept_


class Linear:
    """Fitted linear weights, shaped like a scikit-learn estimator's."""

    def __init__(self, classes: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.classes_, self.coef_, self.intercept_ = classes, coef, intercept

    def decision_function(self, features: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(features @ self.coef_.T) + self.intercept_


def as_model(features: Features, estimator: object, temperature: float) -> TopicClassifier:
    """The fitted views and linear estimator as a plain-array TopicClassifier."""
    return TopicClassifier(
        classes=tuple(str(c) for c in estimator.classes_),  # type: ignore[attr-defined]
        views=features.as_views(),
        coef=np.asarray(estimator.coef_),  # type: ignore[attr-defined]
        intercept=np.asarray(estimator.intercept_),  # type: ignore[attr-defined]
        temperature=temperature,
    )


def korean_scores(
    train: list[str], labels: list[str], scored: list[str]
) -> tuple[Linear, np.ndarray, Features]:
    """The blended Korean model fitted on train, its scores on the scored texts, its views."""
    features = Features(KOREAN_VIEWS, min_df=2)
    matrix = features.fit_transform(train)
    nbsvm = NBSVM(KOREAN_C).fit(matrix, labels)
    svm = LinearSVC(C=KOREAN_SVM_C, random_state=SEED).fit(matrix, labels)
    blended = Linear(
        nbsvm.classes_,
        (1.0 - KOREAN_SVM_SHARE) * nbsvm.coef_ + KOREAN_SVM_SHARE * svm.coef_,
        (1.0 - KOREAN_SVM_SHARE) * nbsvm.intercept_ + KOREAN_SVM_SHARE * svm.intercept_,
    )
    if not scored:
        return blended, np.zeros((0, len(blended.classes_))), features
    return blended, blended.decision_function(features.transform(scored)), features


def macro_f1(scores: np.ndarray, truth: np.ndarray) -> float:
    """Macro-F1 of the arg-max class."""
    return float(f1_score(truth, scores.argmax(axis=1), average="macro"))


def fit_offsets(scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-class score offsets that raise macro-F1 (coordinate ascent in steps of 0.05)."""
    offsets = np.zeros(scores.shape[1])
    best = macro_f1(scores, truth)
    for _ in range(3):
        for label in range(scores.shape[1]):
            for step in np.arange(-0.3, 0.31, 0.05):
                trial = offsets.copy()
                trial[label] += step
                value = macro_f1(scores + trial, truth)
                if value > best + 1e-5:
                    best, offsets = value, trial
    return offsets


def train_korean() -> None:
    """YNAT → topics-ko.npz."""
    train = [h for part, h in ynat_splits(read_ynat()) if part == "train"]
    texts, labels = [h.text for h in train], [h.topic for h in train]
    classes = sorted(set(labels))
    truth = np.array([classes.index(label) for label in labels])
    held_scores = np.zeros((len(train), len(classes)))
    for fold in range(5):
        inside = [i for i in range(len(train)) if i % 5 != fold]
        outside = [i for i in range(len(train)) if i % 5 == fold]
        _, held_scores[outside], _ = korean_scores(
            [texts[i] for i in inside], [labels[i] for i in inside], [texts[i] for i in outside]
        )
    offsets = fit_offsets(held_scores, truth)
    temperature = fit_temperature(held_scores + offsets, list(truth))
    estimator, _, features = korean_scores(texts, labels, [])
    estimator.intercept_ = estimator.intercept_ + offsets
    out = MODELS_DIR / "topics-ko.npz"
    save_classifier(as_model(features, estimator, temperature), out)
    plain, offset = macro_f1(held_scores, truth), macro_f1(held_scores + offsets, truth)
    print(
        f"wrote {out} ({out.stat().st_size} bytes), {len(train)} headlines, 5-fold macro-F1 "
        f"{plain:.4f}, with offsets {offset:.4f} {offsets.round(2).tolist()}, T={temperature}"
    )


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(headline, topic) rows of a TSV with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["title"], row["topic"]) for row in csv.DictReader(handle, delimiter="\t")]


def english_estimator(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, random_state=SEED)


def train_english() -> None:
    """The written examples → topics-en.npz."""
    rows = read_examples(EXAMPLES_EN)
    texts, labels = [t for t, _ in rows], [c for _, c in rows]
    classes = sorted(set(labels))
    held_scores = {c: np.zeros((len(rows), len(classes))) for c in ENGLISH_C}
    for fold in range(5):
        train = [i for i in range(len(rows)) if i % 5 != fold]
        test = [i for i in range(len(rows)) if i % 5 == fold]
        features = Features(ENGLISH_VIEWS, min_df=1)
        matrix = features.fit_transform([texts[i] for i in train])
        held = features.transform([texts[i] for i in test])
        for c in ENGLISH_C:
            estimator = english_estimator(c).fit(matrix, [labels[i] for i in train])
            held_scores[c][test] = estimator.decision_function(held)
    truth = np.array([classes.index(label) for label in labels])
    accuracy = {c: float(np.mean(s.argmax(axis=1) == truth)) for c, s in held_scores.items()}
    best = max(ENGLISH_C, key=lambda c: (accuracy[c], -c))
    temperature = fit_temperature(held_scores[best], list(truth))
    blends = english_blends(texts, classes, softmax(held_scores[best] * temperature), truth)
    features = Features(ENGLISH_VIEWS, min_df=1)
    estimator = english_estimator(best).fit(features.fit_transform(texts), labels)
    out = MODELS_DIR / "topics-en.npz"
    save_classifier(as_model(features, estimator, temperature), out)
    cv = ", ".join(f"C={c}: {a:.3f}" for c, a in accuracy.items())
    print(
        f"wrote {out} ({out.stat().st_size} bytes), {len(rows)} examples, 5-fold {cv}, "
        f"C={best}, T={temperature}"
    )
    chosen = max(BLEND_WEIGHTS, key=lambda w: (blends[w], -w))
    by_weight = ", ".join(f"{w}: {a:.3f}" for w, a in blends.items())
    print(
        f"keyword blend, 5-fold accuracy by weight: {by_weight}; best {chosen} "
        f"(topics.KEYWORD_BLEND['en'] is {KEYWORD_BLEND['en']})"
    )


# The weights of the taxonomy's keyword scores beside the English model's probabilities
# (topics.KEYWORD_BLEND) compared on the same folds.
BLEND_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def english_blends(
    texts: list[str], classes: list[str], probabilities: np.ndarray, truth: np.ndarray
) -> dict[float, float]:
    """Accuracy of the out-of-fold probabilities blended with keyword scores as
    newsetl.topics blends them, by weight (the examples are headlines without a body)."""
    taxonomy = load_taxonomy()
    keywords = [dict(score_topics(text, "", "en", taxonomy)) for text in texts]
    accuracy = {}
    for weight in BLEND_WEIGHTS:
        hits = 0
        for row, scores in enumerate(keywords):
            tops = dict(zip(classes, (float(p) for p in probabilities[row]), strict=True))
            blended = blend_topics(tops, scores, weight) if weight else tops
            hits += max(blended, key=lambda t: blended[t]) == classes[truth[row]]
        accuracy[weight] = round(hits / len(texts), 4)
    return accuracy


def main() -> None:
    """Train the languages named on the command line (default both)."""
    languages = sys.argv[1:] or ["ko", "en"]
    if "ko" in languages:
        train_korean()
    if "en" in languages:
        train_english()


if __name__ == "__main__":
    main()
