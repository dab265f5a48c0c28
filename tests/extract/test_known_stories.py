"""Known stories of earlier batches: the banded MinHash index finds what datasketch's LSH
finds, grows part by part to what reading every file again gives, and names a group after
the oldest known article it copies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from datasketch import MinHash, MinHashLSH

from newsetl.duplicates import (
    BANDS,
    NUM_PERM,
    ROWS,
    SIMILARITY,
    KnownStories,
    _permutations,
    assign_stories,
    shingle_hashes,
    signature,
)
from newsetl.settings import Settings
from newsetl.stories import (
    SIGNATURES,
    forget_known_stories,
    known_stories,
    signatures_frame,
    store_path,
)


def test_permutations_and_bands_are_datasketchs() -> None:
    """Signatures stored by earlier releases, made with datasketch, stay comparable."""
    reference = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine64").permutations
    a, b = _permutations()
    assert np.array_equal(a, reference[0]) and np.array_equal(b, reference[1])
    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, ROWS)


def related_values(seed: int, count: int, family: int = 8) -> np.ndarray:
    """MinHash-like rows in families: each row copies a family's base and redraws a share of
    its values, from a few (near copies) to most (unrelated), so some rows share bands and
    agree above SIMILARITY, some share bands and agree below it, and some share nothing."""
    rng = np.random.default_rng(seed)
    bases = rng.integers(0, 2**64 - 1, (count // family + 1, NUM_PERM), dtype=np.uint64)
    rows = bases[rng.integers(0, len(bases), count)].copy()
    for row in rows:
        redrawn = rng.random(NUM_PERM) < rng.choice([0.05, 0.3, 0.45, 0.6, 0.9])
        row[redrawn] = rng.integers(0, 2**64 - 1, int(redrawn.sum()), dtype=np.uint64)
    return rows


def reference_oldest(known: np.ndarray, alive: list[int], queries: np.ndarray) -> list[int]:
    """The oldest living known row that datasketch's LSH returns and that agrees enough."""
    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    for position in alive:
        lsh.insert(
            position, MinHash(num_perm=NUM_PERM, hashvalues=known[position], scheme="affine64")
        )
    answers = []
    for query in queries:
        found = sorted(lsh.query(MinHash(num_perm=NUM_PERM, hashvalues=query, scheme="affine64")))
        agreeing = [p for p in found if np.count_nonzero(known[p] == query) >= 0.6 * NUM_PERM]
        answers.append(agreeing[0] if agreeing else -1)
    return answers


def test_oldest_matches_are_what_datasketch_finds() -> None:
    values = related_values(seed=7, count=600)
    known, queries = values[:400], values[400:]
    stories = KnownStories()
    stories.extend([f"a{n}" for n in range(400)], [f"s{n}" for n in range(400)], known)
    expected = reference_oldest(known, list(range(400)), queries)
    assert stories.oldest_matches(queries).tolist() == expected
    # Query by query, the same answers.
    assert [stories.oldest_matches(queries[n : n + 1])[0] for n in range(200)] == expected
    assert sum(p >= 0 for p in expected) > 40 and sum(p < 0 for p in expected) > 40


def test_long_runs_of_candidates_that_mostly_disagree() -> None:
    """Families of 150 rows: a query's runs hold many older rows, most of which share a band
    but agree on too few values, so the runs are read for several rounds."""
    values = related_values(seed=5, count=3300, family=150)
    known, queries = values[:3000], values[3000:]
    stories = KnownStories()
    stories.extend([f"a{n}" for n in range(3000)], [f"s{n}" for n in range(3000)], known)
    expected = reference_oldest(known, list(range(3000)), queries)
    assert stories.oldest_matches(queries).tolist() == expected
    assert len({p for p in expected if p > 0}) > 20


def test_grown_part_by_part_it_matches_one_built_at_once() -> None:
    """Three parts, the third repeating two articles of the first: an article's later row
    replaces its earlier one, as reading every file again (the last row winning) does."""
    values = related_values(seed=11, count=360)
    ids = [f"a{n}" for n in range(300)] + ["a5", "a17"] + [f"b{n}" for n in range(58)]
    story_ids = [f"s{n}" for n in range(360)]
    parts = [slice(0, 120), slice(120, 300), slice(300, 360)]
    grown = KnownStories()
    for part in parts:
        grown.extend(ids[part], story_ids[part], values[part])

    frame = pl.DataFrame({"article_id": ids, "story_id": story_ids, "row": range(360)})
    last = frame.unique(subset="article_id", keep="last", maintain_order=True)
    at_once = KnownStories()
    at_once.extend(last["article_id"].to_list(), last["story_id"].to_list(), values[last["row"]])

    queries = related_values(seed=12, count=200)
    queries[:4] = values[[5, 17, 300, 301]]  # the replaced rows of a5 and a17, then their new
    named = [grown.story_ids[p] if p >= 0 else None for p in grown.oldest_matches(queries)]
    again = [at_once.story_ids[p] if p >= 0 else None for p in at_once.oldest_matches(queries)]
    assert named == again
    assert "s5" not in named and "s17" not in named
    # a17's first row is gone and nothing else known is like it; the new rows name theirs.
    assert named[1] is None and named[2:4] == ["s300", "s301"]
    assert len(grown) == len(at_once) == 358


def write(path: Path, rows: list[tuple[str, str]], seed: int) -> Path:
    values = related_values(seed, len(rows))
    signatures_frame([r[0] for r in rows], [r[1] for r in rows], values).write_parquet(path)
    return path


def read_all(files: list[Path]) -> KnownStories:
    frame = pl.concat([pl.read_parquet(f, columns=list(SIGNATURES)) for f in files])
    frame = frame.unique(subset="article_id", keep="last", maintain_order=True)
    stories = KnownStories()
    stories.extend(
        frame["article_id"].to_list(), frame["story_id"].to_list(), frame["minhash"].to_numpy()
    )
    return stories


def same(a: KnownStories, b: KnownStories, probe: np.ndarray) -> bool:
    return [a.story_ids[p] if p >= 0 else None for p in a.oldest_matches(probe)] == [
        b.story_ids[p] if p >= 0 else None for p in b.oldest_matches(probe)
    ]


def test_each_part_reads_only_its_own_file(settings: Settings, tmp_path: Path) -> None:
    forget_known_stories()
    store = store_path(settings)
    store.parent.mkdir(parents=True, exist_ok=True)
    write(store, [(f"w{n}", f"s:w{n}") for n in range(40)], seed=1)
    part1 = write(tmp_path / "p1.parquet", [(f"p{n}", f"s:p{n}") for n in range(40)], seed=2)
    part2 = write(tmp_path / "p2.parquet", [("p3", "s:again"), ("q1", "s:q1")], seed=3)
    probe = np.concatenate([related_values(seed, 40) for seed in (1, 2, 3)])

    first = known_stories(settings, [part1])
    assert len(first) == 80 and same(first, read_all([store, part1]), probe)
    second = known_stories(settings, [part1, part2])
    assert second is first  # grown, not read again
    assert len(second) == 81 and same(second, read_all([store, part1, part2]), probe)

    # A published run rewrites the store: everything is read again.
    write(store, [(f"w{n}", f"s:w{n}") for n in range(10)], seed=1)
    third = known_stories(settings, [part1])
    assert third is not second and len(third) == 50
    assert same(third, read_all([store, part1]), probe)
    forget_known_stories()


WORDS = np.random.default_rng(3).choice(list("abcdefghijklmnopqrstuvwxyz"), size=(8, 60, 6))
SENTENCES = [" ".join("".join(word) for word in sentence) + "." for sentence in WORDS]


def test_a_group_copying_two_known_stories_takes_the_oldest() -> None:
    """A, B and C each share five of six sentences with the next: A ~ B and B ~ C, but not
    A ~ C. Known: an older copy of A, then a newer copy of C. Where A and C come first in
    the batch, each takes its own known story, and B then joins the two groups: the group
    takes the story of the oldest known article, whichever order the joins happen in."""
    a, b, c = (" ".join(SENTENCES[k : k + 6]) for k in (0, 1, 2))
    grams = {name: shingle_hashes(text) for name, text in {"a": a, "b": b, "c": c}.items()}
    from newsetl.duplicates import hash_jaccard

    assert hash_jaccard(grams["a"], grams["b"]) >= SIMILARITY
    assert hash_jaccard(grams["b"], grams["c"]) >= SIMILARITY
    assert hash_jaccard(grams["a"], grams["c"]) < SIMILARITY

    known = KnownStories()
    known.extend(
        ["old-a", "new-c"],
        ["s:old", "s:new"],
        np.stack([signature(grams["a"]), signature(grams["c"])]),
    )
    now = [datetime(2026, 12, 2, tzinfo=UTC)] * 3
    for order in (["c", "a", "b"], ["a", "c", "b"], ["b", "c", "a"]):
        bodies = [{"a": a, "b": b, "c": c}[name] for name in order]
        labels, _ = assign_stories(order, bodies, now, known)
        assert labels == ["s:old"] * 3, order


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_batches(count: int) -> None:
    bodies = [SENTENCES[0]] * count
    labels, values = assign_stories(
        [f"k{n}" for n in range(count)], bodies, [None] * count, KnownStories()
    )
    assert labels == [f"k{n}" for n in range(count)]
    assert values.shape == (count, NUM_PERM)


def test_a_signature_in_blocks_is_the_minimum_over_every_shingle() -> None:
    a, b = _permutations()
    long_body = " ".join(SENTENCES)  # several blocks of shingles
    for text in (long_body, SENTENCES[0][:40], "abc", ""):
        hashes = shingle_hashes(text)
        with np.errstate(over="ignore"):
            expected = (
                (hashes[:, None] * a + b).min(axis=0)
                if hashes.size
                else np.full(NUM_PERM, 2**64 - 1, dtype=np.uint64)
            )
        assert np.array_equal(signature(hashes), expected)
    assert len(shingle_hashes(long_body)) > 3 * 256


def test_an_airflow_enrich_task_lets_go_of_the_stories_it_read(
    settings: Settings, tmp_path: Path
) -> None:
    """pipeline.run keeps the known stories for its next part; an Airflow task's enrich has
    no next part, and its process may go on to run other tasks."""
    from newsetl import steps, stories

    store = store_path(settings)
    store.parent.mkdir(parents=True, exist_ok=True)
    write(store, [(f"w{n}", f"s:w{n}") for n in range(20)], seed=1)
    documents = pl.DataFrame(
        {
            "origin": ["file:///wire.jsonl#L1"],
            "url": [None],
            "source": ["Wire"],
            "external_id": ["w-new"],
            "title": ["Exports rise"],
            "author": [None],
            "published_at": [datetime(2026, 12, 1, tzinfo=UTC)],
            "fetched_at": [datetime(2026, 12, 1, tzinfo=UTC)],
            "language": ["en"],
            "body": [" ".join(SENTENCES[:3])],
            "extractor_version": ["test"],
        }
    )
    folder = tmp_path / "run"
    folder.mkdir()
    documents.write_parquet(folder / "documents.parquet")
    forget_known_stories()
    tables = Path(steps.enrich(str(folder / "documents.parquet")))
    assert pl.read_parquet(tables / "articles.parquet").height == 1
    assert stories._last_read is None
