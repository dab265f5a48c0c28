"""The `newsetl` command: run the pipeline once, query the warehouse, write the report."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

EXIT_REJECTED = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("newsetl: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for people, the traceback with --debug
        if args.debug:
            raise
        print(f"newsetl: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_REJECTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsetl", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="log everything, show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="extract, transform, validate, load and publish once")
    run.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="files, folders or http(s) URLs (pages, feeds, sitemaps); "
        "default: config/sources.yaml",
    )
    run.add_argument(
        "--db", help="published warehouse (default data/warehouse.duckdb or $NEWSETL_DB)"
    )
    run.add_argument("--quiet", action="store_true", help="print only the summary line")
    run.set_defaults(handler=_run)

    query = commands.add_parser("query", help="run read-only SQL against the published warehouse")
    query.add_argument("sql")
    query.add_argument("--db")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.set_defaults(handler=_query)

    report = commands.add_parser("report", help="write a self-contained HTML report")
    report.add_argument("--db")
    report.add_argument("--out", help="default: beside the warehouse, report.html")
    report.set_defaults(handler=_report)
    return parser


def _run(args: argparse.Namespace) -> int:
    from newsetl.pipeline import run
    from newsetl.settings import load_settings

    settings = load_settings(args.db)

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"  {message}", file=sys.stderr, flush=True)

    summary = run(args.sources or None, settings=settings, progress=progress)
    print(
        f"published {summary.published}: {summary.articles} articles in batch "
        f"({summary.articles_changed} new or changed), {summary.entities} entities, "
        f"{summary.topics} topic links; {summary.fetch_failures} fetch failures, "
        f"{summary.parse_failures} not articles, {summary.quarantined} rows quarantined "
        f"[run {summary.run_id}, {sum(summary.seconds.values()):.1f}s]"
    )
    return 0


def _query(args: argparse.Namespace) -> int:
    from newsetl.settings import load_settings
    from newsetl.warehouse import connect_published

    with connect_published(load_settings(args.db)) as con:
        cursor = con.execute(args.sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    if args.format == "json":
        json.dump(
            [dict(zip(columns, row, strict=True)) for row in rows],
            sys.stdout,
            ensure_ascii=False,
            default=_json_default,
        )
        print()
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        print(format_table(columns, rows))
    return 0


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsetl.report import write_report
    from newsetl.settings import load_settings

    settings = load_settings(args.db)
    out = Path(args.out) if args.out else settings.db_path.with_name("report.html")
    print(write_report(settings, out))
    return 0


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int = 60) -> str:
    """Rows as an aligned text table, long cells cut at `width` characters."""
    cells = [[_cell(value, width) for value in row] for row in rows]
    widths = [
        max([_display_width(name)] + [_display_width(row[i]) for row in cells])
        for i, name in enumerate(columns)
    ]
    lines = [
        " | ".join(_pad(name, widths[i]) for i, name in enumerate(columns)),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [" | ".join(_pad(value, widths[i]) for i, value in enumerate(row)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 400 else text[:399] + "…"


if __name__ == "__main__":
    raise SystemExit(main())
