"""Incremental: re-running the same sources after a complete run, against the first run.

The corpus is the extraction benchmark's pages (`--copies` times) and `--articles`
generated JSONL articles; both runs are real `newsetl run` processes on one warehouse.
Target: the re-run takes at most 10% of the first run's time. A re-run is short enough
(about a second) for the machine's noise to move it by a fifth, so it runs RERUNS times and
the median counts.

    python bench/bench_incremental.py [--copies 2] [--articles 400]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_generated_corpus, write_page_corpus  # noqa: E402
from measure import emit, newsetl_run  # noqa: E402

MAX_RATIO = 0.10
RERUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-incremental-") as tmp:
        sources = [Path(tmp) / "pages", Path(tmp) / "generated"]
        write_page_corpus(sources[0], copies=args.copies)
        write_generated_corpus(sources[1], args.articles)
        db = Path(tmp) / "warehouse.duckdb"
        first = newsetl_run([str(s) for s in sources], db)
        reruns = [newsetl_run([str(s) for s in sources], db) for _ in range(RERUNS)]
    again = statistics.median(run.seconds for run in reruns)
    ratio = round(again / first.seconds, 3)
    emit(
        "incremental",
        {
            "inputs": 181 * args.copies + args.articles,
            "first_run": {"seconds": first.seconds, "summary": first.stdout.strip()[-200:]},
            "rerun": {
                "seconds": again,
                "each_seconds": [run.seconds for run in reruns],
                "summary": reruns[-1].stdout.strip()[-200:],
            },
            "ratio": ratio,
            "target": MAX_RATIO,
            "met": ratio <= MAX_RATIO,
        },
    )


if __name__ == "__main__":
    main()
