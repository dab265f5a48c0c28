"""Real `newsetl run` processes under hostile conditions: SIGKILL mid-run, a full disk, and two
runs at once on one warehouse. The warehouse must converge, stay untouched, or refuse clearly.

NEWSETL_KILL_SEEDS (default 2) sets how many kill points the kill -9 test tries.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

NEWSETL = str(Path(sys.executable).parent / "newsetl")
CONTRACT = ("articles", "entities", "topics", "article_entities", "article_topics")
# Columns that say when or by which run a row was written, not what it holds.
RUN_COLUMNS = {"run_id", "loaded_at", "fetched_at"}
KILL_SEEDS = int(os.environ.get("NEWSETL_KILL_SEEDS", "2"))

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from corpus import generated_article  # noqa: E402


def write_corpus(folder: Path, articles: int, *, seed: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as out:
        for index in range(articles):
            record = generated_article(index, seed)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


def start_run(
    sources: list[Path], db: Path, env: dict[str, str] | None = None, **popen: object
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [NEWSETL, "run", *map(str, sources), "--db", str(db), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "NEWSETL_WORK_DIR": str(db.parent / ".newsetl"),
            **(env or {}),
        },
        **popen,  # type: ignore[arg-type]
    )


def run_ok(sources: list[Path], db: Path) -> None:
    process = start_run(sources, db)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err


def contract_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """The five contract tables as sorted rows, without load timestamps and run ids."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = {}
        for table in CONTRACT:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if name not in RUN_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows[table] = sorted(
                con.execute(f"select {listed} from {table}").fetchall(),  # noqa: S608
                key=repr,
            )
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 40, seed=11)


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    db = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    run_ok([corpus], db)
    return contract_rows(db)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(KILL_SEEDS))
def test_kill_9_then_rerun_converges(
    seed: int, corpus: Path, reference: dict[str, list], tmp_path: Path
) -> None:
    db = tmp_path / "warehouse.duckdb"
    rng = random.Random(seed)
    for _ in range(2):
        process = start_run([corpus], db)
        time.sleep(rng.uniform(0.5, 14.0))
        process.send_signal(signal.SIGKILL)
        process.communicate()
    run_ok([corpus], db)
    after = contract_rows(db)
    assert after == reference
    keys = {table: len(rows) for table, rows in after.items()}
    assert keys["articles"] == 40
    with duckdb.connect(str(db), read_only=True) as con:
        ids = con.execute("select count(distinct article_id), count(*) from articles").fetchone()
    assert ids == (40, 40)


def _cap_file_size(limit: int) -> None:
    # The write then fails with EFBIG instead of the process dying of SIGXFSZ.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_full_disk_fails_in_one_line_and_leaves_the_warehouse_untouched(
    corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "warehouse.duckdb"
    run_ok([corpus], db)
    before = _digest(db)
    bigger = tmp_path / "bigger"
    bigger.mkdir()
    # Random words do not compress, so the raw layer outgrows the cap before anything is parsed.
    words = random.Random(5).choices([f"w{n:x}" for n in range(50_000)], k=60_000)
    record = {"id": "big-1", "title": "Big", "language": "en", "body": " ".join(words)}
    (bigger / "big.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    process = start_run([bigger], db, preexec_fn=lambda: _cap_file_size(128 * 1024))
    _out, err = process.communicate(timeout=600)
    assert process.returncode == 1
    assert err.count("\n") == 1 and err.startswith("newsetl: error: ")
    assert "File too large" in err
    assert _digest(db) == before


@pytest.mark.slow
def test_two_runs_at_once_are_serialised(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "first", 15, seed=21)
    second = write_corpus(tmp_path / "second", 15, seed=22)
    db = tmp_path / "warehouse.duckdb"
    processes = [start_run([first], db), start_run([second], db)]
    outcomes = [(p.wait(timeout=600), p.communicate()) for p in processes]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    with duckdb.connect(str(db), read_only=True) as con:
        ids = con.execute("select count(distinct article_id), count(*) from articles").fetchone()
    assert ids == (30, 30)


def test_a_run_that_cannot_get_the_writer_lock_refuses_clearly(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 3, seed=31)
    db = tmp_path / "warehouse.duckdb"
    work = db.parent / ".newsetl"
    work.mkdir()
    with open(work / "writer.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        process = start_run([corpus], db, {"NEWSETL_LOCK_TIMEOUT": "1"})
        _out, err = process.communicate(timeout=600)
    assert process.returncode == 1
    assert err == (
        "newsetl: error: another newsetl load holds warehouse.duckdb (pid 4242); "
        "try again when it finishes\n"
    )
    assert not db.exists()
