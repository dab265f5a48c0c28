"""Great Expectations loaded ahead, in a thread beside the run's workers: the batch it is
loaded for is judged as without it, and no thread outlives the run."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from warehouse_batches import article, tables

from newsetl import pipeline, quality
from newsetl.quality import validate_batch
from newsetl.settings import Settings

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def preload_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "newsetl-gx-preload"]


def validation_pages(docs: Path) -> list[str]:
    return sorted(p.stem.removeprefix("newsetl-") for p in docs.glob("validations/**/*.html"))


@pytest.fixture
def no_preloaded_context() -> None:
    """Start from nothing preloaded (an earlier test's run may have left a context)."""
    quality._take_preloaded()


@pytest.mark.usefixtures("no_preloaded_context")
def test_preload_twice_builds_one_context_the_next_batch_takes(tmp_path: Path) -> None:
    when = NOW - timedelta(hours=2)
    batch = tables([article("a1", when), article("a2", when)])
    without = validate_batch(batch, "r", now=NOW, data_docs_dir=tmp_path / "without")

    quality.preload()
    quality.preload()
    assert len(preload_threads()) <= 1
    quality.wait_for_preload()
    quality.wait_for_preload()
    assert preload_threads() == []
    assert quality._preloaded is not None

    preloaded = validate_batch(batch, "r", now=NOW, data_docs_dir=tmp_path / "with")

    assert quality._preloaded is None  # taken by that batch; the next builds its own
    assert preloaded.failures == without.failures == []
    assert_frame_equal(preloaded.results, without.results)
    assert_frame_equal(preloaded.quarantine, without.quarantine)
    pages = validation_pages(tmp_path / "with")
    assert pages == validation_pages(tmp_path / "without")
    assert "articles.input" in pages


@pytest.mark.usefixtures("no_preloaded_context")
def test_a_run_with_workers_preloads_and_leaves_no_thread(
    settings: Settings, tmp_path: Path
) -> None:
    # Enough rows for the run to keep worker processes, which is when it preloads GX.
    body = "The Bank of Korea kept its benchmark interest rate unchanged on Tuesday."
    rows = [
        {"id": f"wire-{i:03d}", "title": f"Rates {i}", "language": "en", "body": f"{body} {i}"}
        for i in range(pipeline.PARALLEL_MIN_ROWS)
    ]
    source = tmp_path / "wire.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    summary = pipeline.run([str(source)], settings=settings, run_id="wide")

    assert summary.articles == len(rows)
    assert preload_threads() == []
    assert quality._preloading is None  # the run waited for it
    assert quality._preloaded is None  # and its validate step took the context
    docs = pipeline.run_dir_for(settings, "wide") / "validated" / "data_docs"
    assert (docs / "index.html").exists()
    assert "articles.input" in validation_pages(docs)
