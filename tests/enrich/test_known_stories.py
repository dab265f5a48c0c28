"""Known stories of earlier parts: read once per part, the same as reading every file again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from newsetl.duplicates import NUM_PERM, KnownStories, assign_stories
from newsetl.settings import Settings
from newsetl.stories import SIGNATURES, known_stories, signatures_frame, store_path


def write(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    """A signature file of (article_id, story_id, seed of its MinHash values)."""
    values = [
        np.random.default_rng(seed).integers(0, 2**63, NUM_PERM, np.uint64) for *_, seed in rows
    ]
    signatures_frame([r[0] for r in rows], [r[1] for r in rows], values).write_parquet(path)
    return path


def read_all(files: list[Path]) -> list[tuple[str, list[int]]]:
    """Every file read again, the last row of an article winning."""
    frame = pl.concat([pl.read_parquet(f, columns=list(SIGNATURES)) for f in files if f.exists()])
    frame = frame.unique(subset="article_id", keep="last", maintain_order=True)
    return [(row["story_id"], list(row["minhash"])) for row in frame.iter_rows(named=True)]


def contents(stories: KnownStories) -> list[tuple[str, list[int]]]:
    return [(s.story_id, [int(v) for v in s.values]) for s in stories]


def test_each_part_adds_its_stories_to_what_was_read(settings: Settings, tmp_path: Path) -> None:
    store = store_path(settings)
    store.parent.mkdir(parents=True, exist_ok=True)
    write(store, [("a1", "s:a", 1), ("a2", "s:b", 2)])
    part1 = write(tmp_path / "p1.parquet", [("b1", "s:c", 3), ("b2", "s:c", 4)])
    part2 = write(tmp_path / "p2.parquet", [("c1", "s:d", 5)])
    # Part 3 carries an article part 1 had: its last row wins, so everything is read again.
    part3 = write(tmp_path / "p3.parquet", [("b1", "s:e", 6), ("d1", "s:f", 7)])

    first = known_stories(settings, [part1])
    assert contents(first) == read_all([store, part1])
    index = first.index()
    second = known_stories(settings, [part1, part2])
    assert second is first and second.index() is index  # grown, not built again
    assert contents(second) == read_all([store, part1, part2])
    third = known_stories(settings, [part1, part2, part3])
    assert third is not second
    assert contents(third) == read_all([store, part1, part2, part3])
    assert [s.story_id for s in third] == ["s:a", "s:b", "s:c", "s:d", "s:e", "s:f"]

    # A published run rewrites the store: it is read again.
    write(store, [("a1", "s:a", 1)])
    assert contents(known_stories(settings, [part1])) == read_all([store, part1])


def test_a_grown_index_finds_what_one_built_at_once_finds() -> None:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**63, NUM_PERM, np.uint64)
    body = "Samsung Electronics said its quarterly operating profit rose 12 percent. " * 6
    # The known article's values are those of the same body, so a copy must join its story.
    labels, values = assign_stories(["x1"], [body], [datetime(2026, 12, 1, tzinfo=UTC)])
    from newsetl.duplicates import KnownStory

    known = [KnownStory("s:old", values[0])] + [
        KnownStory(f"s:{n}", base ^ np.uint64(n)) for n in range(50)
    ]
    grown = KnownStories(known[:20])
    grown.index()
    grown.extend(known[20:])
    now = [datetime(2026, 12, 2, tzinfo=UTC)]
    assert assign_stories(["y1"], [body], now, grown)[0] == ["s:old"]
    assert assign_stories(["y1"], [body], now, known)[0] == ["s:old"]
    assert labels == ["x1"]
