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

from newsetl.duplicates import NUM_PERM, KnownStories
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
    article_ids: Iterable[str], story_ids: Iterable[str], values: np.ndarray
) -> pl.DataFrame:
    """A batch's rows of SIGNATURES (`values`: one row of NUM_PERM values per article)."""
    return pl.DataFrame(
        {
            "article_id": list(article_ids),
            "story_id": list(story_ids),
            "minhash": values.reshape(-1, NUM_PERM),
        },
        schema=SIGNATURES,
    )


@dataclass
class _Read:
    """What known_stories last read: its files, each with its inode, size and modification
    time, and the stories."""

    files: list[tuple[Path, int, int, int]]
    stories: KnownStories


_last_read: _Read | None = None


def known_stories(settings: Settings, earlier: Sequence[Path] = ()) -> KnownStories:
    """The published window's articles, then those of `earlier` signature files (the parts
    of this run already loaded); an article read again takes its later place.

    The parts of a large run each ask again with one more file: when the files read last
    time come first and unchanged, only the new ones are read and added (see KnownStories),
    instead of reading and indexing every earlier part again for each part."""
    global _last_read
    files = [
        (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        for path in (store_path(settings), *earlier)
        if (stat := _stat(path)) is not None
    ]
    last = _last_read
    if last is None or files[: len(last.files)] != last.files:
        last = _last_read = _Read([], KnownStories())
    for path, *_ in files[len(last.files) :]:
        frame = pl.read_parquet(path, columns=list(SIGNATURES))
        last.stories.extend(
            frame["article_id"].to_list(), frame["story_id"].to_list(), frame["minhash"].to_numpy()
        )
    last.files = files
    return last.stories


def forget_known_stories() -> None:
    """Free what known_stories keeps for the next part (called when a run ends)."""
    global _last_read
    _last_read = None


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


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
