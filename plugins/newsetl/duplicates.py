"""Near-duplicate grouping: syndicated copies and lightly edited versions share one story.

Bodies are compared as sets of character 5-grams (whitespace folded, case folded), which
works alike for Korean, where particles glue onto words, and English. Each 5-gram is hashed
to 64 bits with numpy in one pass over the text (a rolling polynomial over code points, then
splitmix64's finaliser), so a batch costs array work rather than a hash call per shingle.
MinHash signatures (datasketch's affine permutations, computed with numpy) banded for
locality-sensitive hashing find candidate pairs without comparing every pair; each candidate
is confirmed with the exact Jaccard similarity of the two hash sets (collisions are
negligible at 64 bits), then pairs are joined transitively. A story is named after its
earliest member, so adding a later copy never renames it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import cache

import numpy as np

SHINGLE_CHARS = 5
NUM_PERM = 128
# Syndicated copies with a changed sentence or two sit above 0.8; different articles on the
# same event, written separately, stay well under 0.3.
SIMILARITY = 0.6
# The bands datasketch's MinHashLSH picks for SIMILARITY and NUM_PERM, weighing false
# positives and false negatives alike (a test checks): 18 bands of 7 values.
BANDS, ROWS = 18, 7
SIGNATURE_BLOCK = 256
_NON_WORD = re.compile(r"[\W_]+")


def shingle_set(text: str, size: int = SHINGLE_CHARS) -> set[str]:
    """Character n-grams of the text with punctuation and spacing folded to one space."""
    folded = _NON_WORD.sub(" ", text.casefold()).strip()
    if len(folded) <= size:
        return {folded} if folded else set()
    return {folded[i : i + size] for i in range(len(folded) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


_POLY = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def shingle_hashes(text: str, size: int = SHINGLE_CHARS) -> np.ndarray:
    """The sorted, distinct 64-bit hashes of shingle_set(text), computed with array work."""
    folded = _NON_WORD.sub(" ", text.casefold()).strip()
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = max(len(codes) - size + 1, 1 if len(codes) else 0)
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(min(size, len(codes))):
            hashes = hashes * _POLY + codes[k : k + count]
    return np.unique(_mix(hashes))


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values *= _MIX1
        values ^= values >> np.uint64(27)
        values *= _MIX2
        values ^= values >> np.uint64(31)
    return values


def hash_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """jaccard() of two shingle_hashes arrays."""
    if not a.size and not b.size:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The 64-bit affine permutations h -> a*h + b mod 2^64 of datasketch's MinHash(seed=1,
    scheme="affine64"), drawn the same way (a test compares them), so signatures stored by
    earlier runs stay comparable. The shingle hashes are already avalanched, so a body's
    signature is one array expression."""
    generator = np.random.RandomState(1)
    a = generator.randint(0, 1 << 63, NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = generator.randint(0, 1 << 64, NUM_PERM, dtype=np.uint64)
    return a, b


def signature(hashes: np.ndarray) -> np.ndarray:
    """The NUM_PERM MinHash values of a body's shingle hashes, SIGNATURE_BLOCK shingles at a
    time so that the products stay in the cache."""
    a, b = _permutations()
    values = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    products = np.empty((min(len(hashes), SIGNATURE_BLOCK), NUM_PERM), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(hashes), SIGNATURE_BLOCK):
            block = hashes[start : start + SIGNATURE_BLOCK]
            product = products[: len(block)]
            np.multiply(block[:, None], a, out=product)
            product += b
            np.minimum(values, product.min(axis=0), out=values)
    return values


def band_keys(values: np.ndarray) -> np.ndarray:
    """Each LSH band of ROWS MinHash values folded into one 64-bit key: (n, NUM_PERM) →
    (n, BANDS). Equal bands give equal keys; a collision of unequal ones (about 2^-64) only
    adds a candidate, which the similarity check then judges."""
    bands = values[:, : BANDS * ROWS].reshape(len(values), BANDS, ROWS)
    keys = np.zeros((len(values), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(ROWS):
            keys = keys * _POLY + bands[:, :, row]
    return _mix(keys)


class KnownStories:
    """Articles of earlier batches, oldest first: their story ids and MinHash values, with
    an LSH index of sorted band keys that grows as parts of a run are added instead of being
    built again (and holds a few numbers per article rather than Python objects).

    An article added again replaces its earlier entry and moves to the end."""

    def __init__(self) -> None:
        self.story_ids: list[str] = []
        self._positions: dict[str, int] = {}  # article id → its current position
        self._values = np.empty((0, NUM_PERM), dtype=np.uint64)
        self._low_bytes = np.empty((0, NUM_PERM), dtype=np.uint8)  # of each value
        self._alive = np.empty(0, dtype=bool)
        self._sorted_keys = np.empty((BANDS, 0), dtype=np.uint64)
        self._order = np.empty((BANDS, 0), dtype=np.int32)

    def __len__(self) -> int:
        return len(self._positions)

    def extend(
        self, article_ids: Sequence[str], story_ids: Sequence[str], values: np.ndarray
    ) -> None:
        """Add articles (rows of `values`) after those already known."""
        if not len(article_ids):
            return
        start = len(self.story_ids)
        alive = np.ones(len(article_ids), dtype=bool)
        for offset, article_id in enumerate(article_ids):
            earlier = self._positions.get(article_id)
            if earlier is not None:
                if earlier >= start:
                    alive[earlier - start] = False
                else:
                    self._alive[earlier] = False
            self._positions[article_id] = start + offset
        self.story_ids.extend(story_ids)
        self._values = np.concatenate([self._values, values.astype(np.uint64, copy=False)])
        self._low_bytes = np.concatenate([self._low_bytes, values.astype(np.uint8)])
        self._alive = np.concatenate([self._alive, alive])
        keys = np.concatenate([self._sorted_keys, band_keys(values).T], axis=1)
        added = np.arange(start, start + len(article_ids), dtype=np.int32)
        order = np.concatenate([self._order, np.tile(added, (BANDS, 1))], axis=1)
        by_key = np.argsort(keys, axis=1, kind="stable")
        self._sorted_keys = np.take_along_axis(keys, by_key, axis=1)
        self._order = np.take_along_axis(order, by_key, axis=1)

    def oldest_matches(self, values: np.ndarray) -> np.ndarray:
        """For each row of `values`, the position of the oldest known article that shares an
        LSH band with it and agrees on at least SIMILARITY of its MinHash values (the
        estimated Jaccard similarity of two bodies), or -1.

        A band's candidates for a row are one run of its sorted keys, oldest first, so each
        run is read from its start only until an article agrees (or one older than the
        row's best so far is left): syndicated stories have hundreds of known copies, and
        the first usually agrees."""
        count = len(values)
        best = np.full(count, len(self.story_ids), dtype=np.int64)
        if len(self) and count:
            low_bytes = values.astype(np.uint8)
            keys = band_keys(values)
            runs = [self._runs(band, keys[:, band]) for band in range(BANDS)]
            rows, at, end = (np.concatenate(parts) for parts in zip(*runs, strict=True))
            order = self._order.ravel()
            step = 4
            while len(rows):
                taken = at[:, None] + np.arange(step)
                valid = taken < end[:, None]
                positions = order[np.minimum(taken, end[:, None] - 1)].astype(np.int64)
                valid &= self._alive[positions] & (positions < best[rows, None])
                pair_rows = np.broadcast_to(rows[:, None], taken.shape)[valid]
                pair_positions = positions[valid]
                agrees = np.zeros(taken.shape, dtype=bool)
                agrees[valid] = self._agree(pair_rows, pair_positions, values, low_bytes)
                found = agrees.any(axis=1)
                first = positions[np.arange(len(rows)), agrees.argmax(axis=1)]
                np.minimum.at(best, rows[found], first[found])
                at = at + step
                going = ~found & (at < end)
                going[going] &= order[at[going]] < best[rows[going]]
                rows, at, end = rows[going], at[going], end[going]
                step = min(step * 2, 256)
        best[best == len(self.story_ids)] = -1
        return best

    def _runs(self, band: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The query rows with known articles of an equal key in `band`, and where their run
        starts and ends in the flattened order of every band's sorted keys."""
        sorted_keys = self._sorted_keys[band]
        low = np.searchsorted(sorted_keys, keys, side="left")
        high = np.searchsorted(sorted_keys, keys, side="right")
        rows = np.flatnonzero(high > low)
        offset = band * sorted_keys.size
        return rows, low[rows] + offset, high[rows] + offset

    def _agree(
        self, rows: np.ndarray, positions: np.ndarray, values: np.ndarray, low_bytes: np.ndarray
    ) -> np.ndarray:
        """Whether each (query row, known position) pair agrees on SIMILARITY of its values.
        Values equal are equal in their low bytes too: comparing those first (an eighth of
        the memory) rules out most others, and only the rest compare in full."""
        needed = SIMILARITY * NUM_PERM
        close = np.count_nonzero(self._low_bytes[positions] == low_bytes[rows], axis=1) >= needed
        agrees = np.zeros(len(rows), dtype=bool)
        same = self._values[positions[close]] == values[rows[close]]
        agrees[close] = np.count_nonzero(same, axis=1) >= needed
        return agrees


def group_near_duplicates(
    keys: Sequence[str], bodies: Sequence[str], published: Sequence[datetime | None]
) -> list[str]:
    """For each body, the key of the earliest-published member of its near-duplicate group
    (ties broken by key), so members of one group share one representative."""
    return assign_stories(keys, bodies, published)[0]


def assign_stories(
    keys: Sequence[str],
    bodies: Sequence[str],
    published: Sequence[datetime | None],
    known: KnownStories | None = None,
) -> tuple[list[str], np.ndarray]:
    """Each body's group label, and its MinHash values (one row per body).

    A body near a `known` article of an earlier batch (estimated Jaccard of the MinHash
    values, their bodies being gone) takes that article's story_id as its label, so a copy
    syndicated hours later joins the story it copies; where a group comes to hold copies of
    several, the oldest known article names it. Otherwise the label is the key of the
    earliest-published member of its group in this batch (ties broken by key)."""
    shingles = [shingle_hashes(body) for body in bodies]
    values = np.empty((len(bodies), NUM_PERM), dtype=np.uint64)
    for row, grams in enumerate(shingles):
        values[row] = signature(grams)
    oldest = known.oldest_matches(values) if known is not None else None
    tables: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
    parent = list(range(len(keys)))
    story_of: dict[int, int] = {}  # root → the position of the known article it copies

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[root_i] = root_j
            if root_i in story_of:
                joined = story_of.pop(root_i)
                story_of[root_j] = min(joined, story_of.get(root_j, joined))

    for i, row in enumerate(band_keys(values).tolist()):
        candidates: set[int] = set()
        for table, key in zip(tables, row, strict=True):
            members = table.setdefault(key, [])
            candidates.update(members)
            members.append(i)
        # Candidates already joined need no comparison: in a big cluster most are.
        for j in sorted(candidates):
            if find(i) != find(j) and hash_jaccard(shingles[i], shingles[j]) >= SIMILARITY:
                union(i, j)
        if oldest is not None and oldest[i] >= 0 and find(i) not in story_of:
            story_of[find(i)] = int(oldest[i])

    def order(i: int) -> tuple[bool, str, str]:
        moment = published[i]
        return (moment is None, moment.isoformat() if moment else "", keys[i])

    first: dict[int, int] = {}
    for i in sorted(range(len(keys)), key=order):
        first.setdefault(find(i), i)
    labels = [
        known.story_ids[story_of[find(i)]]
        if known is not None and find(i) in story_of
        else keys[first[find(i)]]
        for i in range(len(keys))
    ]
    return labels, values
