"""Near-duplicate grouping: syndicated copies and lightly edited versions share one story.

Bodies are compared as sets of character 5-grams (whitespace folded, case folded), which
works alike for Korean, where particles glue onto words, and English. Each 5-gram is hashed
to 64 bits with numpy in one pass over the text (a rolling polynomial over code points, then
splitmix64's finaliser), so a batch costs array work rather than a hash call per shingle.
MinHash signatures in an LSH index (datasketch) find candidate pairs without comparing every
pair; each candidate is confirmed with the exact Jaccard similarity of the two hash sets
(collisions are negligible at 64 bits), then pairs are joined transitively. A story is
named after its earliest member, so adding a later copy
never renames it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

SHINGLE_CHARS = 5
NUM_PERM = 128
# Syndicated copies with a changed sentence or two sit above 0.8; different articles on the
# same event, written separately, stay well under 0.3.
SIMILARITY = 0.6
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
        hashes ^= hashes >> np.uint64(30)
        hashes *= _MIX1
        hashes ^= hashes >> np.uint64(27)
        hashes *= _MIX2
        hashes ^= hashes >> np.uint64(31)
    return np.unique(hashes)


def hash_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """jaccard() of two shingle_hashes arrays."""
    if not a.size and not b.size:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's 64-bit affine permutations (h -> a*h + b mod 2^64). The shingle hashes are
    already avalanched, so the signature is one array expression per body. datasketch (and
    the scipy it imports, a second) loads on first use: a run with nothing new never needs it."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme="affine64").permutations


def signature(hashes: np.ndarray) -> MinHash:
    """The MinHash of a body's shingle hashes."""
    a, b = _permutations()
    if hashes.size:
        with np.errstate(over="ignore"):
            values = (hashes[:, None] * a + b).min(axis=0)
    else:
        values = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    return _minhash(values)


@dataclass(frozen=True)
class KnownStory:
    """An article of an earlier batch: its story and its body's MinHash values."""

    story_id: str
    values: np.ndarray  # NUM_PERM unsigned 64-bit MinHash values


def group_near_duplicates(
    keys: Sequence[str],
    bodies: Sequence[str],
    published: Sequence[datetime | None],
    *,
    threshold: float = SIMILARITY,
) -> list[str]:
    """For each body, the key of the earliest-published member of its near-duplicate group
    (ties broken by key), so members of one group share one representative."""
    return assign_stories(keys, bodies, published, threshold=threshold)[0]


def assign_stories(
    keys: Sequence[str],
    bodies: Sequence[str],
    published: Sequence[datetime | None],
    known: Sequence[KnownStory] = (),
    *,
    threshold: float = SIMILARITY,
) -> tuple[list[str], list[np.ndarray]]:
    """Each body's group label and MinHash values.

    A body near a `known` article of an earlier batch (estimated Jaccard of the MinHash
    values, their bodies being gone) takes that article's story_id as its label, so a copy
    syndicated hours later joins the story it copies; otherwise the label is the key of the
    earliest-published member of its group in this batch (ties broken by key)."""
    shingles = [shingle_hashes(body) for body in bodies]
    minhashes = [signature(grams) for grams in shingles]
    from datasketch import MinHashLSH

    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    known_index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for position, story in enumerate(known):
        known_index.insert(position, _minhash(story.values))
    parent = list(range(len(keys)))
    story_of: dict[int, str] = {}  # root → the known story it joined

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
                story_of.setdefault(root_j, story_of.pop(root_i))

    for i, minhash in enumerate(minhashes):
        # Candidates already joined need no comparison: in a big cluster most are.
        for j in index.query(minhash):
            if find(i) != find(j) and hash_jaccard(shingles[i], shingles[j]) >= threshold:
                union(i, j)
        index.insert(i, minhash)
        if known and find(i) not in story_of:
            # The oldest known article it copies names the story.
            for position in sorted(known_index.query(minhash)):
                story = known[position]
                agreement = np.count_nonzero(story.values == minhash.hashvalues) / NUM_PERM
                if agreement >= threshold:
                    story_of[find(i)] = story.story_id
                    break

    def order(i: int) -> tuple[bool, str, str]:
        moment = published[i]
        return (moment is None, moment.isoformat() if moment else "", keys[i])

    first: dict[int, int] = {}
    for i in sorted(range(len(keys)), key=order):
        first.setdefault(find(i), i)
    labels = [story_of.get(find(i), keys[first[find(i)]]) for i in range(len(keys))]
    return labels, [minhash.hashvalues for minhash in minhashes]


def _minhash(values: np.ndarray) -> MinHash:
    from datasketch import MinHash

    return MinHash(seed=1, hashvalues=values, permutations=_permutations(), scheme="affine64")
