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
from datetime import datetime

import numpy as np
from datasketch import MinHash, MinHashLSH

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


# datasketch's 64-bit affine permutations (h -> a*h + b mod 2^64). The shingle hashes are
# already avalanched, so the signature is one array expression per body.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine64").permutations


def signature(hashes: np.ndarray) -> MinHash:
    """The MinHash of a body's shingle hashes."""
    a, b = _PERMUTATIONS
    if hashes.size:
        with np.errstate(over="ignore"):
            values = (hashes[:, None] * a + b).min(axis=0)
    else:
        values = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    return MinHash(seed=1, hashvalues=values, permutations=_PERMUTATIONS, scheme="affine64")


def group_near_duplicates(
    keys: Sequence[str],
    bodies: Sequence[str],
    published: Sequence[datetime | None],
    *,
    threshold: float = SIMILARITY,
) -> list[str]:
    """For each body, the key of the earliest-published member of its near-duplicate group
    (ties broken by key), so members of one group share one representative."""
    shingles = [shingle_hashes(body) for body in bodies]
    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, grams in enumerate(shingles):
        minhash = signature(grams)
        for candidate in index.query(minhash):
            j = int(candidate)
            if hash_jaccard(grams, shingles[j]) >= threshold:
                parent[find(i)] = find(j)
        index.insert(str(i), minhash)

    def order(i: int) -> tuple[bool, str, str]:
        moment = published[i]
        return (moment is None, moment.isoformat() if moment else "", keys[i])

    first: dict[int, int] = {}
    for i in sorted(range(len(keys)), key=order):
        first.setdefault(find(i), i)
    return [keys[first[find(i)]] for i in range(len(keys))]
