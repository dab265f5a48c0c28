"""Scale: `newsetl run` over N generated articles against N/10, peak memory and time.

Generated Korean and English wire stories (deterministic seed, JSONL files of 5,000 lines).
Targets: peak RSS at most 1.5 GB at N, and time(N) at most 11 x time(N/10).

    python bench/bench_scale.py [--articles 2000]     # make bench
    python bench/bench_scale.py --articles 100000     # make bench-scale
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_generated_corpus  # noqa: E402
from measure import emit, newsetl_run  # noqa: E402

MAX_RSS_MB = 1536
MAX_TIME_RATIO = 11.0


def measure_size(articles: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-scale-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_generated_corpus(corpus, articles, seed=seed)
        run = newsetl_run([str(corpus)], Path(tmp) / "warehouse.duckdb")
    return {
        "articles": articles,
        "seconds": run.seconds,
        "articles_per_s": round(articles / run.seconds, 1),
        "peak_rss_mb": run.peak_rss_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    small = measure_size(max(1, args.articles // 10), args.seed)
    large = measure_size(args.articles, args.seed)
    ratio = round(large["seconds"] / small["seconds"], 2)
    emit(
        "scale",
        {
            "small": small,
            "large": large,
            "time_ratio": ratio,
            "targets": {"peak_rss_mb": MAX_RSS_MB, "time_ratio": MAX_TIME_RATIO},
            "met": large["peak_rss_mb"] <= MAX_RSS_MB and ratio <= MAX_TIME_RATIO,
        },
    )


if __name__ == "__main__":
    main()
