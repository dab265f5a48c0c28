"""Near-duplicate grouping: syndicated copies and lightly edited versions share one story.

Bodies are compared as sets of character 5-grams (whitespace folded, case folded), which
works alike for Korean, where particles glue onto words, and English. MinHash signatures in
an LSH index (datasketch) find candidate pairs without comparing every pair; each candidate
is confirmed with the exact Jaccard similarity of the two shingle sets, then pairs are
joined transitively. A story is named after its earliest member, so adding a later copy
never renames it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

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


def signature(shingles: set[str]) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, seed=1)
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
    return minhash


def group_near_duplicates(
    keys: Sequence[str],
    bodies: Sequence[str],
    published: Sequence[datetime | None],
    *,
    threshold: float = SIMILARITY,
) -> list[str]:
    """For each body, the key of the earliest-published member of its near-duplicate group
    (ties broken by key), so members of one group share one representative."""
    shingles = [shingle_set(body) for body in bodies]
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
            if jaccard(grams, shingles[j]) >= threshold:
                parent[find(i)] = find(j)
        index.insert(str(i), minhash)

    def order(i: int) -> tuple[bool, str, str]:
        moment = published[i]
        return (moment is None, moment.isoformat() if moment else "", keys[i])

    first: dict[int, int] = {}
    for i in sorted(range(len(keys)), key=order):
        first.setdefault(find(i), i)
    return [keys[first[find(i)]] for i in range(len(keys))]
