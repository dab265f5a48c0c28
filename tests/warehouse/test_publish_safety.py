"""Safe publish: readers during loads, kill -9 at any point of a load, one writer at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from warehouse_batches import DAY, article, tables

from newsetl import warehouse
from newsetl.settings import Settings

PROBE = Path(__file__).with_name("reader_probe.py")
BATCH_SIZE = 40


def numbered_batch(number: int) -> dict:
    """Batch `number`: BATCH_SIZE new articles, each with one entity link."""
    ids = [f"b{number}-{i:03d}" for i in range(BATCH_SIZE)]
    return tables(
        [article(i, DAY + timedelta(minutes=n)) for n, i in enumerate(ids)],
        entities=[("e:seoul", "서울", "LOCATION")],
        mentions=[(i, "e:seoul", 1, 0.5) for i in ids],
    )


def load_and_publish(settings: Settings, number: int) -> None:
    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        try:
            warehouse.load_batch(con, numbered_batch(number), {}, f"run-{number}")
        finally:
            con.close()
        warehouse.publish(settings)


def published_state(settings: Settings) -> tuple[int, int, int]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        row = con.execute(
            "select count(*), count(distinct article_id), "
            "(select count(*) from article_entities) from articles"
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def test_readers_see_whole_batches_and_no_errors_during_loads(
    settings: Settings, tmp_path: Path
) -> None:
    load_and_publish(settings, 1)
    stop = tmp_path / "stop"
    readers = []
    for kind in ("duckdb", "cli", "sqlalchemy"):
        out = tmp_path / f"reader-{len(readers)}.json"
        process = subprocess.Popen(
            [sys.executable, str(PROBE), kind, str(settings.db_path), str(stop), str(out)]
        )
        readers.append((kind, process, out))
    for _, process, out in readers:
        while not out.with_suffix(".ready").exists():
            assert process.poll() is None, "a reader died before its first read"
            os.sched_yield()

    for number in range(2, 7):
        load_and_publish(settings, number)
    stop.touch()

    whole = {f"{BATCH_SIZE * n}/{BATCH_SIZE * n}/{n}" for n in range(1, 7)}
    total_reads = 0
    for kind, process, out in readers:
        assert process.wait(timeout=120) == 0
        tally = json.loads(out.read_text())
        total_reads += tally["reads"]
        assert tally["errors"] == [], kind
        assert set(tally["seen"]) <= whole, kind  # never part of a batch
        assert tally["last"] == f"{BATCH_SIZE * 6}/{BATCH_SIZE * 6}/6", kind
    print(f"reads during 5 loads: {total_reads}, errors: 0")


# Where the child stops dead: inside the load transaction, between the commit and the
# publish, and halfway through copying the snapshot beside the published file.
KILL_POINTS = {
    "inside-the-load-transaction": """
        from newsetl import search
        real = search.build_index
        def build_index(con):
            real(con)
            pause()
        search.build_index = build_index
    """,
    "after-commit-before-publish": """
        real_publish = warehouse.publish
        def publish_after_pause(settings):
            pause()
        warehouse.publish = publish_after_pause
    """,
    "halfway-through-the-snapshot-copy": """
        import shutil
        def copyfile(source, target):
            data = open(source, "rb").read()
            with open(target, "wb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                pause()
        shutil.copyfile = copyfile
    """,
}

CHILD = """
import os, sys, time
from pathlib import Path
sys.path[:0] = [{here!r}, {tests!r}]
from newsetl import warehouse
from newsetl.settings import load_settings
from test_publish_safety import load_and_publish

def pause():
    Path({paused!r}).touch()
    while True:
        time.sleep(3600)

{patch}
load_and_publish(load_settings(), 2)
"""


@pytest.mark.parametrize("point", list(KILL_POINTS), ids=list(KILL_POINTS))
def test_kill_9_during_a_load_leaves_the_published_file_and_a_rerun_completes(
    settings: Settings, tmp_path: Path, point: str
) -> None:
    load_and_publish(settings, 1)
    before = published_state(settings)
    paused = tmp_path / "paused"
    script = CHILD.format(
        here=str(Path(__file__).parent),
        tests=str(Path(__file__).parents[1]),
        paused=str(paused),
        patch=textwrap.dedent(KILL_POINTS[point]),
    )
    child = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    while not paused.exists():
        assert child.poll() is None, "the loading child ended before its kill point"
        os.sched_yield()
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL

    assert published_state(settings) == before == (BATCH_SIZE, BATCH_SIZE, BATCH_SIZE)
    load_and_publish(settings, 2)  # the next run: same batch, no duplicate
    assert published_state(settings) == (2 * BATCH_SIZE, 2 * BATCH_SIZE, 2 * BATCH_SIZE)
    assert not list(settings.db_path.parent.glob(".warehouse.duckdb.publishing-*"))


LOADER = """
import sys
sys.path[:0] = [{here!r}, {tests!r}]
from newsetl.settings import load_settings
from test_publish_safety import load_and_publish
load_and_publish(load_settings(), {number})
"""


def test_two_loads_at_once_are_serialised(settings: Settings) -> None:
    here, tests = str(Path(__file__).parent), str(Path(__file__).parents[1])
    loads = [
        subprocess.Popen(
            [sys.executable, "-c", LOADER.format(here=here, tests=tests, number=number)],
            env=os.environ.copy(),
        )
        for number in (1, 2)
    ]
    assert [process.wait(timeout=300) for process in loads] == [0, 0]
    assert published_state(settings) == (2 * BATCH_SIZE, 2 * BATCH_SIZE, 2 * BATCH_SIZE)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute(
            "select run_id, count(*) from articles group by all order by all"
        ).fetchall() == [("run-1", BATCH_SIZE), ("run-2", BATCH_SIZE)]
