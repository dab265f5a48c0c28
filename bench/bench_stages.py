"""Each step of the pipeline on its own: throughput and where its time goes (cProfile).

The corpus is the extraction benchmark's pages once (HTML, the parse-heavy part) and
`--articles` generated Korean and English JSONL articles (the enrich-heavy part). Steps run
in this process, one after the other, as `newsetl run` runs them; each step's first-use
imports (trafilatura, Kiwi's model, Great Expectations) count in that step.

    python bench/bench_stages.py [--articles 400] [--top 6]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_generated_corpus, write_page_corpus  # noqa: E402
from measure import emit  # noqa: E402


def profiled(func: Callable[[], Any], top: int) -> tuple[Any, float, list[str]]:
    """func's result, its seconds, and its `top` functions by own time."""
    profile = cProfile.Profile()
    began = time.perf_counter()
    result = profile.runcall(func)
    seconds = time.perf_counter() - began
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    hot = [
        f"{Path(file).name}:{line}({name}) {own:.2f}s"
        for (file, line, name), (_calls, _prim, own, _cum, _callers) in rows
    ]
    return result, seconds, hot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-stages-") as tmp:
        os.environ["NEWSETL_DB"] = str(Path(tmp) / "warehouse.duckdb")
        os.environ["NEWSETL_WORK_DIR"] = str(Path(tmp) / ".newsetl")
        from newsetl import pipeline
        from newsetl.settings import load_settings

        settings = load_settings()
        write_page_corpus(Path(tmp) / "pages", copies=1)
        write_generated_corpus(Path(tmp) / "generated", args.articles)
        sources = [str(Path(tmp) / "pages"), str(Path(tmp) / "generated")]
        run_id = pipeline.new_run_id("bench")
        run_dir = pipeline.run_dir_for(settings, run_id)
        started = datetime.now(UTC)
        stages: dict[str, dict[str, Any]] = {}

        def step(name: str, func: Callable[[], Any]) -> Any:
            result, seconds, hot = profiled(func, args.top)
            stages[name] = {"seconds": round(seconds, 3), "top_own_time": hot}
            return result

        raw = step("extract", lambda: pipeline.extract(sources, run_dir, settings))
        documents = step("parse", lambda: pipeline.parse(raw, run_id))
        tables = step("enrich", lambda: pipeline.enrich(documents))
        validated = step("validate", lambda: pipeline.validate(tables, run_id, settings))
        counts = step("load", lambda: pipeline.load(validated, run_id, settings, started))
        step("publish", lambda: pipeline.publish(settings, run_dir))
    articles = counts["articles_in_batch"]
    for stage in stages.values():
        seconds = stage["seconds"]
        stage["articles_per_s"] = round(articles / seconds, 1) if seconds else None
    total = sum(stage["seconds"] for stage in stages.values())
    emit(
        "stages",
        {
            "pages": 181,
            "generated_articles": args.articles,
            "articles": articles,
            "seconds": round(total, 3),
            "share": {name: round(stage["seconds"] / total, 3) for name, stage in stages.items()},
            "stages": stages,
        },
    )


if __name__ == "__main__":
    main()
