"""Linear topic classifiers over TF-IDF n-grams, stored as plain arrays (no pickles).

A model file (``models/topics-<language>.npz``) holds one or more views of the text (an
analyzer, its n-gram vocabulary and IDF weights), one weight row per top-level topic over all
views' features, the intercepts and a softmax temperature fitted on data the model did not
train on, so that scores read as probabilities. Each view's TF-IDF vector is L2-normalised on
its own, so a model of two views is the weighted sum of two linear models.
``scripts/train_topics.py`` writes the files with scikit-learn; reading and scoring here need
numpy only (importing scikit-learn would cost every pipeline process seconds).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent / "models"

_WORD = re.compile(r"(?u)\b\w\w+\b")


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside space-padded words, lowercased (scikit-learn's "char_wb")."""
    low, high = ngram_range
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            # A word shorter than n yields itself once, and no longer n-grams.
            grams.extend(padded[i : i + n] for i in range(max(length - n + 1, 1)))
            if length <= n:
                break
    return grams


def word_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Word n-grams of two or more word characters, lowercased (scikit-learn's "word")."""
    low, high = ngram_range
    tokens = _WORD.findall(text.lower())
    grams: list[str] = []
    for n in range(low, min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


ANALYZERS: dict[str, Callable[[str, tuple[int, int]], list[str]]] = {
    "char_wb": char_wb_ngrams,
    "word": word_ngrams,
}


@dataclass(frozen=True)
class View:
    """One way of reading a text: an analyzer, its vocabulary and IDF weights."""

    analyzer: str  # a key of ANALYZERS
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"unknown analyzer {self.analyzer!r}")

    def ngrams(self, text: str) -> list[str]:
        """The text's n-grams as the view reads them (out-of-vocabulary ones included)."""
        return ANALYZERS[self.analyzer](text, self.ngram_range)

    def tfidf(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The texts' features as (row, feature index, value) triples: sublinear TF × IDF,
        each row L2-normalised."""
        get = self.vocabulary.get
        rows: list[int] = []
        indexes: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            found = Counter(index for index in map(get, self.ngrams(text)) if index is not None)
            rows.extend([row] * len(found))
            indexes.extend(found.keys())
            counts.extend(found.values())
        row_of = np.array(rows, dtype=np.intp)
        index_of = np.array(indexes, dtype=np.intp)
        values = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.idf[index_of]
        norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=len(texts)))
        return row_of, index_of, values / norms[row_of]


@dataclass(frozen=True)
class TopicClassifier:
    """A linear model over the TF-IDF features of one or more views of a text."""

    classes: tuple[str, ...]
    views: tuple[View, ...]
    coef: np.ndarray  # classes × features of all views, in view order
    intercept: np.ndarray
    temperature: float
    _coef_by_view: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sizes = [len(view.vocabulary) for view in self.views]
        if sum(sizes) != self.coef.shape[1]:
            raise ValueError(f"{self.coef.shape[1]} weights per class for {sum(sizes)} features")
        bounds = np.cumsum([0, *sizes])
        # Feature-major copies, so one text's features gather contiguous rows.
        blocks = tuple(
            np.ascontiguousarray(self.coef[:, start:end].T)
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)
        )
        object.__setattr__(self, "_coef_by_view", blocks)

    def decision(self, texts: list[str]) -> np.ndarray:
        """Raw linear scores, texts × classes."""
        scores = np.tile(self.intercept, (len(texts), 1))
        for view, weights in zip(self.views, self._coef_by_view, strict=True):
            rows, indexes, values = view.tfidf(texts)
            parts = weights[indexes] * values[:, None]
            for column in range(scores.shape[1]):
                scores[:, column] += np.bincount(rows, parts[:, column], minlength=len(texts))
        return scores

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Calibrated class probabilities, texts × classes (rows sum to 1)."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        return softmax(self.decision(texts) * self.temperature)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def save_classifier(model: TopicClassifier, path: Path) -> None:
    """Write a model as a compressed .npz of plain arrays."""
    terms = [
        term
        for view in model.views
        for term in sorted(view.vocabulary, key=view.vocabulary.__getitem__)
    ]
    np.savez_compressed(
        path,
        classes=np.array(model.classes),
        analyzers=np.array([view.analyzer for view in model.views]),
        ngram_ranges=np.array([view.ngram_range for view in model.views]),
        view_sizes=np.array([len(view.vocabulary) for view in model.views]),
        terms=np.array(terms),
        idf=np.concatenate([view.idf for view in model.views]).astype(np.float32),
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
            idf = data["idf"].astype(np.float64)
            views = []
            start = 0
            for analyzer, (low, high), size in zip(
                data["analyzers"], data["ngram_ranges"], data["view_sizes"], strict=True
            ):
                end = start + int(size)
                views.append(
                    View(
                        analyzer=str(analyzer),
                        ngram_range=(int(low), int(high)),
                        vocabulary={term: i for i, term in enumerate(terms[start:end])},
                        idf=idf[start:end],
                    )
                )
                start = end
            model = TopicClassifier(
                classes=tuple(str(c) for c in data["classes"]),
                views=tuple(views),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                temperature=float(data["temperature"]),
            )
        _cache[path] = model
        return model
