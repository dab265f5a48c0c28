"""The peers of the end-to-end benchmark, run as their own processes over the same files.

    python bench/peers.py trafilatura DIR --processes 2
    bench/.venv-newspaper4k/bin/python bench/peers.py newspaper4k DIR --processes 1

Prints one JSON object: how many files gave an article, how many did not, and what failed.
Imports nothing from newsetl, so it runs in newspaper4k's own virtual environment.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from importlib.metadata import version
from multiprocessing import Pool
from pathlib import Path

_NLP_STATE: dict[str, str] = {}


def _page(path: Path) -> bytes:
    content = path.read_bytes()
    return gzip.decompress(content) if path.suffix == ".gz" else content


def trafilatura_one(path: Path) -> tuple[bool, str | None]:
    """trafilatura's bare_extraction with metadata, from the page's bytes."""
    import trafilatura

    document = trafilatura.bare_extraction(_page(path), with_metadata=True)
    text = getattr(document, "text", None) if document is not None else None
    return bool(text and text.strip()), None if text else "no text"


def newspaper4k_one(path: Path) -> tuple[bool, str | None]:
    """newspaper4k's parse, then its nlp while nlp works (it needs nltk data it cannot fetch)."""
    from charset_normalizer import from_bytes
    from newspaper import Article

    raw = _page(path)
    best = from_bytes(raw).best()
    html = str(best) if best is not None else raw.decode("utf-8", "replace")
    # Image size checks download every image; the benchmark runs offline, like newsetl.
    article = Article(f"https://bench.example/{path.name}", fetch_images=False)
    try:
        article.download(input_html=html)
        article.parse()
    except Exception as exc:  # a peer's failure is a data point, not a crash of the benchmark
        return False, f"parse: {exc.__class__.__name__}"
    if _NLP_STATE.get("nlp", "ok") == "ok":
        try:
            article.nlp()
            _NLP_STATE["nlp"] = "ok"
        except Exception as exc:
            reason = " ".join(str(exc).replace("*", "").split())[:80]
            _NLP_STATE["nlp"] = f"failed: {exc.__class__.__name__}: {reason}"
    return bool(article.text.strip()), None if article.text.strip() else "no text"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("peer", choices=("trafilatura", "newspaper4k"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.name.endswith((".html", ".html.gz")))
    work = trafilatura_one if args.peer == "trafilatura" else newspaper4k_one
    with Pool(args.processes) as pool:
        outcomes = list(pool.imap_unordered(work, files, chunksize=8))
    failures = Counter(reason for ok, reason in outcomes if not ok)
    nlp_state = None
    if args.peer == "newspaper4k":
        with Pool(1) as pool:
            nlp_state = pool.apply(_probe_nlp, (files[0],))
    print(
        json.dumps(
            {
                "peer": args.peer,
                "files": len(files),
                "articles": sum(ok for ok, _ in outcomes),
                "failures": dict(failures),
                "processes": args.processes,
                # Peers' releases differ in speed: each line says which one it measured.
                "version": version(args.peer),
                **({"nlp": nlp_state} if nlp_state else {}),
            }
        )
    )


def _probe_nlp(path: Path) -> str:
    newspaper4k_one(path)
    return _NLP_STATE.get("nlp", "ok")


if __name__ == "__main__":
    main()
