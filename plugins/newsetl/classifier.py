"""Linear topic classifiers over TF-IDF n-grams, stored as plain arrays (no pickles).

A model file (``models/topics-<language>.npz``) holds the n-gram vocabulary, its IDF weights,
one weight row per top-level topic, the intercepts and a softmax temperature fitted on data
the model did not train on, so that scores read as probabilities. ``scripts/train_topics.py``
writes them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class TopicClassifier:
    """A TF-IDF + linear model over one language's text."""

    classes: tuple[str, ...]
    analyzer: str  # "char_wb" or "word"
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # classes × features
    intercept: np.ndarray
    temperature: float

    def _vectorizer(self) -> Any:
        """A CountVectorizer with the fixed vocabulary (it needs no fitting)."""
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            vocabulary=self.vocabulary,
            lowercase=True,
        )

    def features(self, texts: list[str]) -> Any:
        """Sublinear TF × IDF, L2-normalised rows (a sparse matrix)."""
        from sklearn.preprocessing import normalize

        counts = _vectorizer_for(self).transform(texts).astype(np.float64)
        counts.data = 1.0 + np.log(counts.data)
        return normalize(counts.multiply(self.idf).tocsr())

    def decision(self, texts: list[str]) -> np.ndarray:
        """Raw linear scores, texts × classes."""
        return np.asarray(self.features(texts) @ self.coef.T) + self.intercept

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Calibrated class probabilities, texts × classes (rows sum to 1)."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        return softmax(self.decision(texts) * self.temperature)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


_vectorizers: dict[int, tuple[TopicClassifier, Any]] = {}


def _vectorizer_for(model: TopicClassifier) -> Any:
    """One vectorizer per model object, built on first use."""
    cached = _vectorizers.get(id(model))
    if cached is None or cached[0] is not model:
        cached = (model, model._vectorizer())
        _vectorizers[id(model)] = cached
    return cached[1]


def save_classifier(model: TopicClassifier, path: Path) -> None:
    """Write a model as a compressed .npz of plain arrays."""
    terms = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    np.savez_compressed(
        path,
        classes=np.array(model.classes),
        analyzer=np.array(model.analyzer),
        ngram_range=np.array(model.ngram_range),
        terms=np.array(terms),
        idf=model.idf.astype(np.float32),
        coef=model.coef.astype(np.float32),
        intercept=model.intercept.astype(np.float32),
        temperature=np.array(model.temperature),
    )


_cache: dict[Path, TopicClassifier] = {}
_lock = threading.Lock()


def load_classifier(language: str, directory: Path = MODELS_DIR) -> TopicClassifier | None:
    """The topic model of a language ("ko", "en"), loaded once per process; None if absent."""
    path = directory / f"topics-{language}.npz"
    with _lock:
        if path in _cache:
            return _cache[path]
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            terms = [str(t) for t in data["terms"]]
            low, high = (int(n) for n in data["ngram_range"])
            model = TopicClassifier(
                classes=tuple(str(c) for c in data["classes"]),
                analyzer=str(data["analyzer"]),
                ngram_range=(low, high),
                vocabulary={term: index for index, term in enumerate(terms)},
                idf=data["idf"].astype(np.float64),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                temperature=float(data["temperature"]),
            )
        _cache[path] = model
        return model
