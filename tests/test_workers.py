"""Work spread over processes comes back whole and in order, however it was split."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from newsetl.workers import (
    SideProcess,
    kept_workers,
    map_shares,
    side_process,
    slice_sizes,
    worker_count,
)


def tag_with_pid(items: list[int]) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in items]


class Unpicklable(Exception):
    def __reduce__(self) -> object:
        raise TypeError("not this one")


def refuse(kind: str) -> None:
    if kind == "plain":
        raise ValueError("table articles: 3 rows without a title")
    raise Unpicklable("held a lock")


def die_at_start() -> None:
    os._exit(3)


def slow_start() -> None:
    import time

    time.sleep(60)


def share_in_daemon(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(
        map_shares(tag_with_pid, list(range(100)), workers=2, min_items=1, min_items_spawned=1)
    )


def test_shares_come_back_in_the_items_order_from_two_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Forked, so the workers know this test module's function without importing it.
    monkeypatch.setattr("newsetl.workers.can_fork", lambda: True)
    items = list(range(101))
    results = map_shares(tag_with_pid, items, workers=2, min_items=10, min_items_spawned=10)
    assert [item for item, _pid in results] == items
    assert os.getpid() not in {pid for _item, pid in results}  # the workers did it


def test_slices_shrink_as_the_work_runs_out() -> None:
    # A quarter of what is left for each of two workers, never under 8 but for the rest.
    assert slice_sizes(905, 2) == [227, 170, 127, 96, 72, 54, 40, 30, 23, 17, 13, 9, 8, 8, 8, 3]
    assert slice_sizes(48, 2) == [12, 9, 8, 8, 8, 3]
    assert slice_sizes(5, 2) == [5]
    assert slice_sizes(0, 2) == []
    for total in range(1, 3000, 7):
        for count in (2, 3, 8):
            assert sum(slice_sizes(total, count)) == total


def test_a_small_batch_stays_in_this_process() -> None:
    results = map_shares(tag_with_pid, list(range(30)), workers=2, min_items=24)
    assert {pid for _item, pid in results} == {os.getpid()}


def test_a_daemonic_process_does_the_work_itself() -> None:
    """A Celery pool worker is daemonic and may not start children."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=share_in_daemon, args=(queue,), daemon=True)
    child.start()
    results = queue.get(timeout=60)
    child.join(timeout=60)
    assert [item for item, _pid in results] == list(range(100))
    assert {pid for _item, pid in results} == {child.pid}


def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSETL_WORKERS", "3")
    assert worker_count() == 3
    monkeypatch.setenv("NEWSETL_WORKERS", "")
    assert worker_count() == len(os.sched_getaffinity(0))


def test_parsing_over_two_processes_gives_what_one_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    import polars as pl

    from newsetl import schema
    from newsetl.documents import parse_raw
    from newsetl.settings import PROJECT_ROOT

    pages = sorted((PROJECT_ROOT / "samples" / "site").rglob("*.html"))
    rows = [
        {
            **dict.fromkeys(schema.RAW_FETCHES),
            "origin": f"http://127.0.0.1:8000/copy-{n}/{page.name}",
            "final_url": f"http://127.0.0.1:8000/copy-{n}/{page.name}",
            "kind": "html",
            "source": "samples",
            "status": "ok",
            "content": page.read_bytes(),
            "fetched_at": datetime(2026, 11, 24, tzinfo=UTC),
        }
        for n in range(6)
        for page in pages
    ]
    raw = pl.DataFrame(rows, schema=schema.RAW_FETCHES)
    assert raw.height >= 60
    monkeypatch.setenv("NEWSETL_WORKERS", "1")
    alone = parse_raw(raw, "r")
    monkeypatch.setenv("NEWSETL_WORKERS", "2")
    monkeypatch.setattr(
        "newsetl.workers.MIN_ITEMS_PER_SPAWNED_WORKER", 24
    )  # spawned under pytest-timeout's thread
    shared = parse_raw(raw, "r")
    assert shared[0].equals(alone[0])
    assert shared[1].equals(alone[1])


def test_kept_workers_parse_without_trafilatura_in_the_runs_process(tmp_path: Path) -> None:
    """Workers kept for a run were forked before its first parse and import trafilatura
    themselves: the run's own process has no use for it (a quarter of a second)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "import polars as pl\n"
        "from newsetl import schema\n"
        "from newsetl.documents import parse_raw\n"
        "from newsetl.settings import PROJECT_ROOT\n"
        "from newsetl.workers import kept_workers\n"
        "pages = sorted((PROJECT_ROOT / 'samples' / 'site').rglob('*.html'))\n"
        "rows = [{**dict.fromkeys(schema.RAW_FETCHES), 'origin': f'http://127.0.0.1/{n}/{p.name}',\n"
        "         'final_url': f'http://127.0.0.1/{n}/{p.name}', 'kind': 'html',\n"
        "         'source': 'samples', 'status': 'ok', 'content': p.read_bytes(),\n"
        "         'fetched_at': datetime(2026, 11, 24, tzinfo=UTC)}\n"
        "        for n in range(6) for p in pages]\n"
        "with kept_workers(2):\n"
        "    documents, log = parse_raw(pl.DataFrame(rows, schema=schema.RAW_FETCHES), 'r')\n"
        "print(len(rows), documents.height, 'trafilatura' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows, parsed, imported = done.stdout.split()
    assert int(rows) >= 60 and int(parsed) >= int(rows) // 2
    assert imported == "False"


def test_kept_workers_serve_every_share_of_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsetl.workers.can_fork", lambda: True)
    with kept_workers(2):
        first = map_shares(tag_with_pid, list(range(60)), min_items=10)
        second = map_shares(tag_with_pid, list(range(60, 130)), min_items=10)
    assert [item for item, _pid in first + second] == list(range(130))
    pids = {pid for _item, pid in first + second}
    assert os.getpid() not in pids
    assert len(pids) <= 2  # the same two processes, not new ones per call


def test_workers_end_with_a_killed_parent(tmp_path: Path) -> None:
    """kill -9 of a run must not leave its workers behind holding its output open."""
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from newsetl.workers import kept_workers\n"
        "import newsetl.workers as w\n"
        "with kept_workers(2):\n"
        "    executor, _ = w._kept\n"
        "    print(' '.join(str(p) for p in executor._processes), flush=True)\n"
        "    time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert child.stdout is not None
    workers = [int(pid) for pid in child.stdout.readline().split()]
    assert len(workers) == 2
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    for pid in alive:  # reaped zombies of the dead parent do not count; living workers do
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        assert state == "Z", f"worker {pid} outlived its parent"
    assert child.stdout.read() == ""  # the pipe closed: no worker holds it


def test_enrich_step_finds_stories_while_kept_workers_enrich(tmp_path, monkeypatch) -> None:
    """With kept workers the enrich step finds the stories beside the workers' enrichment;
    the tables it writes are the ones the step writes without workers, syndicated copies in
    one story included."""
    import polars as pl
    from polars.testing import assert_frame_equal

    from newsetl import pipeline, schema
    from newsetl.settings import load_settings

    monkeypatch.setenv("NEWSETL_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("NEWSETL_DB", str(tmp_path / "warehouse.duckdb"))
    story = (
        "The Bank of Korea held its benchmark rate at 2.5 percent on Thursday, as Governor "
        "Rhee Chang-yong said household debt and the won's weakness called for patience. "
    )
    rows = [
        {
            "origin": f"file:///wire/{n}.html",
            "url": f"https://news.example.com/{n}",
            "source": "wire",
            "title": f"Bank of Korea holds rate, item {n}",
            "body": story * 3 if n % 10 == 0 else f"Item {n}: Samsung Electronics said {n}. " * 8,
            "language": "en",
        }
        for n in range(130)
    ]
    documents = schema.conform(
        pl.DataFrame([{**dict.fromkeys(schema.DOCUMENTS), **row} for row in rows]),
        schema.DOCUMENTS,
    )
    tables = {}
    for name, kept in (("serial", False), ("kept", True)):
        folder = tmp_path / name
        folder.mkdir()
        documents.write_parquet(folder / "documents.parquet")
        if kept:
            with kept_workers(2):
                tables[name] = pipeline.enrich(folder / "documents.parquet", load_settings())
        else:
            tables[name] = pipeline.enrich(folder / "documents.parquet", load_settings())

    for table in ("articles", "entities", "article_entities", "article_topics"):
        assert_frame_equal(
            pl.read_parquet(tables["kept"] / f"{table}.parquet"),
            pl.read_parquet(tables["serial"] / f"{table}.parquet"),
        )
    articles = pl.read_parquet(tables["kept"] / "articles.parquet")
    copies = articles.filter(pl.col("body").str.starts_with("The Bank of Korea"))
    assert copies.height == 13 and copies["story_id"].n_unique() == 1


def test_a_side_process_serves_calls_and_raises_their_errors_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("newsetl.workers.can_fork", lambda: True)  # whatever ran before
    with side_process() as side:
        assert side is not None
        assert side.call(os.getpid) != os.getpid()
        assert side.call(sorted, [3, 1, 2]) == [1, 2, 3]
        with pytest.raises(ValueError, match="^table articles: 3 rows without a title$"):
            side.call(refuse, "plain")
        with pytest.raises(RuntimeError, match="^Unpicklable: held a lock$"):
            side.call(refuse, "unpicklable")
        assert side.call(sorted, [2, 1]) == [1, 2]  # still serving after the errors


def test_a_side_process_works_while_this_one_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr("newsetl.workers.can_fork", lambda: True)
    with side_process() as side:
        assert side is not None
        began = time.monotonic()
        pending = side.submit(time.sleep, 1.0)
        assert time.monotonic() - began < 0.5  # submitted, not waited for
        with pytest.raises(RuntimeError, match="^the side process is still running sleep$"):
            side.call(sorted, [2, 1])
        assert pending() is None
        assert time.monotonic() - began >= 1.0
        failing = side.submit(refuse, "plain")
        with pytest.raises(ValueError, match="^table articles: 3 rows without a title$"):
            failing()
        assert side.call(sorted, [2, 1]) == [1, 2]


def test_a_side_process_still_loading_ends_at_once() -> None:
    """A run with nothing to validate must not wait for Great Expectations to finish loading."""
    import time

    side = SideProcess(slow_start)
    began = time.monotonic()
    side.close()
    assert time.monotonic() - began < 5
    assert not side._process.is_alive()


def test_no_side_process_where_none_may_be_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsetl.workers.can_fork", lambda: False)
    with side_process() as side:
        assert side is None


def test_a_side_process_that_died_is_one_clear_error() -> None:
    side = SideProcess(die_at_start)
    side._process.join(timeout=10)
    try:
        with pytest.raises(RuntimeError, match="^the side process ended during sorted$"):
            side.call(sorted, [2, 1])
    finally:
        side.close()
