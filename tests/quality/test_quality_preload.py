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


SIDE_SCRIPT = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from polars.testing import assert_frame_equal
from warehouse_batches import article, tables

from newsetl import quality
from newsetl.quality import validate_batch
from newsetl.workers import SideProcess

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
docs = Path(sys.argv[1])


def in_side(batch):
    result = validate_batch(batch, "r", now=NOW, data_docs_dir=docs / "there")
    modules = quality._SQL_ONLY_MODULES
    absent = {name: sys.modules.get(name, "never imported") for name in modules}
    # Imported at the top of GX's KL-divergence expectation: stand-ins, never used.
    unused = {"scipy.stats._stats_py", "altair.vegalite"} & set(sys.modules)
    return (absent, unused), result


when = NOW - timedelta(hours=2)
bad = article("a3", when)
bad["published_at"] = NOW + timedelta(days=30)
batch = tables([article("a1", when), article("a2", when), bad])
# Forked first, as a run forks it: from a process without threads.
side = SideProcess(quality.preload_in_side_process)
try:
    (absent, unused), there = side.call(in_side, batch)
finally:
    side.close()
here = validate_batch(batch, "r", now=NOW, data_docs_dir=docs / "here")
assert absent == {"sqlalchemy": None, "pyodbc": None}, absent
assert not unused, unused
assert there.failures == here.failures
assert there.quarantine.height == here.quarantine.height == 1, there.quarantine
assert_frame_equal(there.results, here.results)
assert_frame_equal(there.quarantine, here.quarantine)
print("judged alike")
"""


def test_the_side_process_validates_without_the_sql_only_modules(tmp_path: Path) -> None:
    """The run's side process marks SQLAlchemy and pyodbc missing before GX loads, and never
    imports scipy.stats and altair: the batch is judged exactly as in a process that has them.
    In a process of its own, because a side process may only be forked from one without
    threads (GX leaves some behind)."""
    import os
    import subprocess
    import sys

    tests_dir = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join([tests_dir, os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-c", SIDE_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "judged alike"


def test_a_module_imported_on_use_loads_when_first_read(monkeypatch) -> None:
    """The stand-in leaves the module unimported through `import` and `from ... import`,
    then the first attribute read imports it and every read goes to the real module."""
    import importlib
    import sys

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    quality.import_on_use("colorsys")
    stand_in = sys.modules["colorsys"]
    import colorsys  # noqa: F401 - an import statement does not load it

    assert importlib.import_module("colorsys") is stand_in
    assert "_real" not in stand_in.__dict__
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    real = sys.modules["colorsys"]
    assert real is not stand_in and real.__file__.endswith("colorsys.py")
    assert stand_in.hsv_to_rgb is real.hsv_to_rgb
    quality.import_on_use("colorsys")  # already imported: left as it is
    assert sys.modules["colorsys"] is real
