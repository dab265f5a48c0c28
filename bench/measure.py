"""What every benchmark needs: time and peak memory of a real process, and the result line."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
NEWSETL = str(VENV_BIN / "newsetl")


@dataclass(frozen=True)
class Measured:
    """One finished process: wall-clock seconds, peak resident memory, output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(
    argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run argv to completion; peak RSS is the largest of the process and its children."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=out, stderr=err, env={**os.environ, **(env or {})}, cwd=cwd
        )
        # wait4 reads this child's own peak memory, not the largest of every child so far.
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            round(seconds, 3),
            round(usage.ru_maxrss / 1024, 1),
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def newsetl_run(
    sources: list[str], db: Path, *, extra_env: dict[str, str] | None = None
) -> Measured:
    """`newsetl run SOURCES --db DB --quiet` as a real process; raises when it fails."""
    measured = run_measured(
        [NEWSETL, "run", *sources, "--db", str(db), "--quiet"],
        env={"NEWSETL_WORK_DIR": str(db.parent / ".newsetl"), **(extra_env or {})},
    )
    if measured.returncode != 0:
        raise RuntimeError(f"newsetl run failed ({measured.returncode}): {measured.stderr[-2000:]}")
    return measured


def emit(name: str, result: dict[str, Any]) -> None:
    """Print the benchmark's one JSON line and keep it under bench/results/."""
    line = json.dumps(
        {"benchmark": name, **result, "python": platform.python_version(), "cpus": os.cpu_count()},
        ensure_ascii=False,
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(line + "\n", encoding="utf-8")
    print(line, flush=True)
