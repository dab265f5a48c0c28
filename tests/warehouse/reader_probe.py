"""A reader that queries the published warehouse until told to stop, as a separate process.

Usage: reader_probe.py duckdb|sqlalchemy|cli DB_PATH STOP_FILE OUT_JSON

Each read opens a fresh read-only connection (as a BI tool's new query does), counts
articles and their entity links in one statement, and records the pair it saw or the
error it got. After the stop file appears it reads once more, then writes the tally.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

QUERY = (
    "select (select count(*) from articles), (select count(*) from article_entities), "
    "(select count(distinct run_id) from articles)"
)


def read_duckdb(db: str) -> tuple[int, int, int]:
    import duckdb

    with duckdb.connect(db, read_only=True) as con:
        row = con.execute(QUERY).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def read_cli(db: str) -> tuple[int, int, int]:
    """The duckdb command-line shell, read-only, as an analyst runs it."""
    import subprocess

    cli = Path(sys.executable).with_name("duckdb")
    done = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", db, "-c", QUERY],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"duckdb exited {done.returncode}")
    articles, links, runs = (int(value) for value in done.stdout.strip().split(","))
    return articles, links, runs


def make_sqlalchemy_reader(db: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    # How Superset connects through duckdb-engine, without pooling so each query sees the
    # file as it is now.
    engine = create_engine(f"duckdb:///{db}", connect_args={"read_only": True}, poolclass=NullPool)

    def read(_db: str) -> tuple[int, int, int]:
        with engine.connect() as con:
            row = con.execute(text(QUERY)).one()
        return int(row[0]), int(row[1]), int(row[2])

    return read


def main() -> int:
    kind, db, stop_file, out = sys.argv[1:5]
    readers = {"duckdb": read_duckdb, "cli": read_cli}
    read = readers[kind] if kind in readers else make_sqlalchemy_reader(db)
    seen: Counter[str] = Counter()
    errors: list[str] = []
    reads = 0
    last: str | None = None
    ready = Path(out).with_suffix(".ready")
    while True:
        stopping = Path(stop_file).exists()
        try:
            articles, links, runs = read(db)
            last = f"{articles}/{links}/{runs}"
            seen[last] += 1
        except Exception as exc:  # every failure counts; the test wants none
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
        reads += 1
        if reads == 1:
            ready.touch()
        if stopping:
            break
    Path(out).write_text(
        json.dumps({"reads": reads, "errors": errors, "seen": dict(seen), "last": last})
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
