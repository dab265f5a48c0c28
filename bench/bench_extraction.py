"""Main-text extraction on the shared article-extraction benchmark: newsetl against trafilatura.

Prints one JSON line: newsetl's F1 (through its parse of each page, as `newsetl run` does)
and parse throughput with metadata, beside trafilatura 2.3's bare_extraction (default and
favor_precision) measured in the same process on the same decoded pages.

Throughput is pages per second of this process's CPU time (one core, since parsing is
single-threaded), so other work on the machine does not distort it; `wall_pages_per_s`
gives the wall-clock figure beside it.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_metric import load_benchmark, score  # noqa: E402
from measure import emit  # noqa: E402

Timing = tuple[float, float]  # CPU seconds, wall seconds


def newsetl_bodies(pages: dict[str, bytes], urls: dict[str, str]) -> tuple[dict[str, str], Timing]:
    from newsetl.parse import ParseError, parse_html

    out: dict[str, str] = {}
    cpu, wall = time.process_time(), time.perf_counter()
    for page_id, content in pages.items():
        try:
            out[page_id] = parse_html(content, url=urls.get(page_id)).body
        except ParseError:
            out[page_id] = ""
    return out, (time.process_time() - cpu, time.perf_counter() - wall)


def trafilatura_bodies(
    pages: dict[str, bytes], urls: dict[str, str], **options: bool
) -> tuple[dict[str, str], Timing]:
    import trafilatura

    from newsetl.encoding import decode_html

    texts = {page_id: decode_html(content)[0] for page_id, content in pages.items()}
    out: dict[str, str] = {}
    cpu, wall = time.process_time(), time.perf_counter()
    for page_id, text in texts.items():
        doc = trafilatura.bare_extraction(
            text, url=urls.get(page_id), with_metadata=True, **options
        )
        out[page_id] = (doc.text if doc is not None else "") or ""
    return out, (time.process_time() - cpu, time.perf_counter() - wall)


def rates(count: int, timing: Timing) -> dict[str, float]:
    cpu, wall = timing
    return {
        "pages_per_s": round(count / cpu, 1),
        "wall_pages_per_s": round(count / wall, 1),
    }


def main() -> None:
    pages, truth, urls = load_benchmark()
    korean = {
        pid for pid, body in truth.items() if any("\uac00" <= ch <= "\ud7a3" for ch in body[:500])
    }
    # Pay one-off costs (imports, trafilatura's and justext's lazily built tables) before
    # timing anyone: a long-running extract pays them once.
    warm = dict(list(pages.items())[:20])
    newsetl_bodies(warm, urls)
    trafilatura_bodies(warm, urls)
    ours, ours_seconds = newsetl_bodies(pages, urls)
    plain, plain_seconds = trafilatura_bodies(pages, urls)
    precise, precise_seconds = trafilatura_bodies(pages, urls, favor_precision=True)
    result = {
        "benchmark": "extraction",
        "pages": len(pages),
        "python": platform.python_version(),
        "newsetl": {
            **score(ours, truth),
            "korean_f1": score(ours, {k: truth[k] for k in korean})["f1"] if korean else None,
            **rates(len(pages), ours_seconds),
        },
        "trafilatura": {**score(plain, truth), **rates(len(pages), plain_seconds)},
        "trafilatura_favor_precision": {
            **score(precise, truth),
            **rates(len(pages), precise_seconds),
        },
        "korean_pages": len(korean),
    }
    emit("extraction", result)


if __name__ == "__main__":
    main()
