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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from newsetl.duplicates import NUM_PERM, KnownStory
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


def known_stories(settings: Settings, earlier: Sequence[Path] = ()) -> list[KnownStory]:
    """The published window's articles, then those of `earlier` signature files (the parts
    of this run already loaded)."""
    files = [p for p in (store_path(settings), *earlier) if p.exists()]
    if not files:
        return []
    frame = pl.concat([pl.read_parquet(f, columns=list(SIGNATURES)) for f in files])
    frame = frame.unique(subset="article_id", keep="last", maintain_order=True)
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
