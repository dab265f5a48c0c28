"""End to end: `newsetl run` from raw pages on disk to the published warehouse, in articles/s.

The corpus is the extraction benchmark's pages, each copied `--copies` times with its own
canonical URL (181 x 5 = 905 files). Beside it, from the same files and in the same run:
trafilatura's bare_extraction with metadata in 2 processes (the extraction floor), and
newspaper4k's parse (and nlp, which needs nltk data it cannot download) in its own
virtual environment, bench/.venv-newspaper4k, created on first use.

    python bench/bench_end_to_end.py [--copies 5]

Targets: newsetl >= 0.5 x the floor's throughput and >= 4 x newspaper4k's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_page_corpus  # noqa: E402
from measure import BENCH, Measured, emit, newsetl_run, run_measured  # noqa: E402

NEWSPAPER_VENV = BENCH / ".venv-newspaper4k"
PEERS = str(BENCH / "peers.py")
NEWSPAPER_TIMEOUT_NOTE = "newspaper4k"


def newspaper_python() -> Path | None:
    """newspaper4k's interpreter, installing it with uv the first time; None if that fails."""
    python = NEWSPAPER_VENV / "bin" / "python"
    if not python.exists():
        uv = [shutil.which("uv")] if shutil.which("uv") else ["python3", "-m", "uv"]
        commands = [
            [*uv, "venv", "-q", "--python", "3.11", str(NEWSPAPER_VENV)],
            # Byte-compiled, as `make install` compiles ours: where PYTHONDONTWRITEBYTECODE is
            # set, the peer would otherwise compile its imports again in every run.
            [*uv, "pip", "install", "-q", "--compile-bytecode", "--python", str(python)]
            + ["newspaper4k[nlp]"],
        ]
        for command in commands:
            try:
                if subprocess.run(command, capture_output=True).returncode != 0:
                    return None
            except OSError:
                return None
    return python


def peer(python: Path, name: str, folder: Path, processes: int) -> tuple[Measured, dict]:
    measured = run_measured([str(python), PEERS, name, str(folder), "--processes", str(processes)])
    last = measured.stdout.strip().splitlines()[-1] if measured.stdout.strip() else "{}"
    return measured, json.loads(last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--newspaper-processes", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-e2e-") as tmp:
        pages = Path(tmp) / "pages"
        files = write_page_corpus(pages, copies=args.copies)
        db = Path(tmp) / "warehouse.duckdb"
        ours = newsetl_run([str(pages)], db)
        articles = int(ours.stdout.split(" articles in batch")[0].rsplit(" ", 1)[-1])
        floor, floor_out = peer(Path(sys.executable), "trafilatura", pages, 2)
        result: dict = {
            "files": len(files),
            "newsetl": {
                "articles": articles,
                "seconds": ours.seconds,
                "articles_per_s": round(articles / ours.seconds, 1),
                "peak_rss_mb": ours.peak_rss_mb,
            },
            "trafilatura_floor": {
                **floor_out,
                "seconds": floor.seconds,
                "articles_per_s": round(floor_out.get("articles", 0) / floor.seconds, 1),
            },
        }
        python = newspaper_python()
        if python is None:
            result["newspaper4k"] = {"error": "could not install newspaper4k"}
        else:
            paper, paper_out = peer(python, "newspaper4k", pages, args.newspaper_processes)
            result["newspaper4k"] = {
                **paper_out,
                "seconds": paper.seconds,
                "articles_per_s": round(paper_out.get("articles", 0) / paper.seconds, 1),
            }
    ours_rate = result["newsetl"]["articles_per_s"]
    floor_rate = result["trafilatura_floor"]["articles_per_s"] or float("nan")
    paper_rate = result["newspaper4k"].get("articles_per_s") or float("nan")
    result["vs_floor"] = round(ours_rate / floor_rate, 2)
    result["vs_newspaper4k"] = round(ours_rate / paper_rate, 2)
    result["targets"] = {"vs_floor": 0.5, "vs_newspaper4k": 4.0}
    result["met"] = result["vs_floor"] >= 0.5 and result["vs_newspaper4k"] >= 4.0
    emit("end_to_end", result)


if __name__ == "__main__":
    main()
