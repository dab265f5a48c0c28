"""Stories across batches: the MinHash values of recently loaded articles, kept so that a copy
syndicated in a later run (or a later part of a large run) joins the story it copies.

Each enrich step writes its batch's values beside its tables; publishing a run merges them
into one Parquet file under the work folder, holding the last STORY_WINDOW of articles. Like
the source state, they count only once the run is published.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from newsetl.duplicates import NUM_PERM, KnownStories, KnownStory
from newsetl.settings import Settings

STORY_WINDOW = timedelta(days=7)
SIGNATURES_FILE = "story_signatures.parquet"
SIGNATURES: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "story_id": pl.String(),
    "minhash": pl.Array(pl.UInt64(), NUM_PERM),
}


def store_path(settings: Settings) -> Path:
    return settings.work_dir / SIGNATURES_FILE


def signatures_frame(
    article_ids: Iterable[str], story_ids: Iterable[str], values: Sequence[np.ndarray]
) -> pl.DataFrame:
    """A batch's rows of SIGNATURES."""
    matrix = np.vstack(values) if values else np.empty((0, NUM_PERM), dtype=np.uint64)
    return pl.DataFrame(
        {
            "article_id": list(article_ids),
            "story_id": list(story_ids),
            "minhash": matrix,
        },
        schema=SIGNATURES,
    )


@dataclass
class _Read:
    """What known_stories last read: its files (each with its size and modification time),
    the stories, and their article ids."""

    files: list[tuple[Path, int, int]]
    stories: KnownStories
    article_ids: set[str]


_last_read: _Read | None = None


def known_stories(settings: Settings, earlier: Sequence[Path] = ()) -> KnownStories:
    """The published window's articles, then those of `earlier` signature files (the parts
    of this run already loaded); the last article of an id wins.

    The parts of a large run each ask again with one more file: those calls only add the new
    file's stories (and their LSH index only grows, see KnownStories) when none of its ids
    was read before; anything else reads every file again."""
    global _last_read
    files = [
        (p, stat.st_size, stat.st_mtime_ns)
        for p in (store_path(settings), *earlier)
        if (stat := _stat(p)) is not None
    ]
    last = _last_read
    if last is not None and files[: len(last.files)] == last.files:
        added = _signatures([path for path, _, _ in files[len(last.files) :]])
        ids = added["article_id"].to_list()
        if not last.article_ids.intersection(ids) and len(set(ids)) == len(ids):
            last.stories.extend(_known(added))
            last.article_ids.update(ids)
            last.files = files
            return last.stories
    frame = _signatures([path for path, _, _ in files]).unique(
        subset="article_id", keep="last", maintain_order=True
    )
    stories = KnownStories(_known(frame))
    _last_read = _Read(files, stories, set(frame["article_id"].to_list()))
    return stories


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _signatures(files: Sequence[Path]) -> pl.DataFrame:
    if not files:
        return pl.DataFrame(schema=SIGNATURES)
    return pl.concat([pl.read_parquet(f, columns=list(SIGNATURES)) for f in files])


def _known(frame: pl.DataFrame) -> list[KnownStory]:
    matrix = frame["minhash"].to_numpy()
    return [
        KnownStory(story_id, matrix[row])
        for row, story_id in enumerate(frame["story_id"].to_list())
    ]


def promote(run_dir: Path, settings: Settings, now: datetime | None = None) -> int:
    """Merge the signature files a run wrote into the store (called when it is published);
    articles added more than STORY_WINDOW ago drop out. Returns the rows kept."""
    pending = sorted(run_dir.rglob(SIGNATURES_FILE))
    if not pending:
        return 0
    now = now or datetime.now(UTC)
    fresh = pl.concat([pl.read_parquet(p) for p in pending]).with_columns(
        added_at=pl.lit(now, dtype=pl.Datetime("us", "UTC"))
    )
    store = store_path(settings)
    if store.exists():
        fresh = pl.concat([pl.read_parquet(store), fresh], how="vertical_relaxed")
    kept = fresh.filter(pl.col("added_at") >= now - STORY_WINDOW).unique(
        subset="article_id", keep="last", maintain_order=True
    )
    store.parent.mkdir(parents=True, exist_ok=True)
    staging = store.with_name(f".{store.name}.{secrets.token_hex(4)}")
    kept.write_parquet(staging)
    os.replace(staging, store)
    return kept.height
