"""The `newsetl` command: run the pipeline once, query the warehouse, write the report."""

from __future__ import annotations

import argparse
import atexit
import csv
import datetime as dt
import decimal
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

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


def entry() -> NoReturn:
    """The `newsetl` console script: main(), the exit handlers, and the end of the process.

    Tearing the interpreter down after a run (freeing every loaded module's objects one by one)
    took about a second after the 905-page benchmark run, 5 % of it. Nothing is left to write
    by then: the run's files and the warehouse are closed, and the exit handlers (logging's
    flush, temporary files) run here as they would at a normal exit.
    """
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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

    reparse = commands.add_parser(
        "reparse", help="parse onward again from the raw layer, without the network"
    )
    reparse.add_argument("--since", required=True, type=_day, help="first fetch day, YYYY-MM-DD")
    reparse.add_argument("--until", type=_day, help="last fetch day (default: today)")
    reparse.add_argument("--db")
    reparse.add_argument("--quiet", action="store_true", help="print only the summary line")
    reparse.set_defaults(handler=_reparse)

    query = commands.add_parser("query", help="run read-only SQL against the published warehouse")
    query.add_argument("sql")
    query.add_argument("--db")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.set_defaults(handler=_query)

    entities = commands.add_parser(
        "entities", help="list entities the gazetteer does not know, most frequent first"
    )
    entities.add_argument(
        "--unknown", action="store_true", required=True, help="only names not in the gazetteer"
    )
    entities.add_argument("--type", dest="entity_type", help="PERSON, ORG, LOCATION, ...")
    entities.add_argument("--limit", type=int, default=30)
    entities.add_argument("--db")
    entities.add_argument("--format", choices=("table", "csv", "json", "yaml"), default="table")
    entities.set_defaults(handler=_entities)

    search = commands.add_parser(
        "search", help="full-text search over articles (Korean and English), best first"
    )
    search.add_argument("text")
    search.add_argument("--db")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--format", choices=("table", "csv", "json"), default="table")
    search.set_defaults(handler=_search)

    report = commands.add_parser("report", help="write a self-contained HTML report")
    report.add_argument("--db")
    report.add_argument("--out", help="default: beside the warehouse, report.html")
    report.set_defaults(handler=_report)
    return parser


def _run(args: argparse.Namespace) -> int:
    from newsetl.pipeline import run
    from newsetl.progress import run_progress
    from newsetl.settings import load_settings

    settings = load_settings(args.db)
    with run_progress(quiet=args.quiet) as progress:
        summary = run(args.sources or None, settings=settings, progress=progress)
    print(
        f"published {summary.published}: {summary.articles} articles in batch "
        f"({summary.articles_changed} new or changed), {summary.entities} entities, "
        f"{summary.topics} topic links; {summary.fetch_failures} fetch failures, "
        f"{summary.parse_failures} not articles, {summary.quarantined} rows quarantined "
        f"[run {summary.run_id}, {sum(summary.seconds.values()):.1f}s]"
    )
    return 0


def _reparse(args: argparse.Namespace) -> int:
    from newsetl.pipeline import reparse
    from newsetl.settings import load_settings

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"  {message}", file=sys.stderr, flush=True)

    summary = reparse(args.since, args.until, settings=load_settings(args.db), progress=progress)
    print(
        f"published {summary.published}: reparsed {summary.articles} articles "
        f"({summary.articles_changed} new or changed), {summary.parse_failures} not articles "
        f"[run {summary.run_id}]"
    )
    return 0


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {value!r}") from exc


def _query(args: argparse.Namespace) -> int:
    from newsetl.settings import load_settings
    from newsetl.warehouse import connect_published

    with connect_published(load_settings(args.db)) as con:
        cursor = con.execute(args.sql, getattr(args, "params", None))
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


def _entities(args: argparse.Namespace) -> int:
    from newsetl.gazetteer import frequent_unknown_entities, gazetteer_stub, load_gazetteer
    from newsetl.settings import load_settings
    from newsetl.warehouse import connect_published

    with connect_published(load_settings(args.db)) as con:
        rows = frequent_unknown_entities(con, load_gazetteer(), args.limit, args.entity_type)
    columns = ["entity_id", "name", "entity_type", "aliases", "articles", "mentions", "last_seen"]
    if args.format == "yaml":
        print("# paste under entities: in config/gazetteer.yaml, then fix ids, names, types")
        for row in rows:
            print(gazetteer_stub(row))
    elif args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, default=_json_default)
        print()
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[row[c] for c in columns] for row in rows])
    else:
        print(format_table(columns, [[row[c] for c in columns] for row in rows]))
    return 0


def _search(args: argparse.Namespace) -> int:
    args.sql = (
        "select article_id, score, published_date, source, language, title, url "
        "from search_articles($text) limit $limit"
    )
    args.params = {"text": args.text, "limit": args.limit}
    return _query(args)


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
