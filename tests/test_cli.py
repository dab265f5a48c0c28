"""The CLI end to end: real HTTP server on 127.0.0.1, real DuckDB file, real GX validation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from newsetl import schema
from newsetl.cli import main
from newsetl.settings import PROJECT_ROOT, Settings

SAMPLE_FILES = PROJECT_ROOT / "samples" / "files"


def sample_sources(base_url: str) -> list[str]:
    return [f"wire={base_url}/feed.xml", f"korea={base_url}/sitemap.xml", str(SAMPLE_FILES)]


def table_snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            name: con.execute(f"select * from {name} order by all").fetchall()
            for name in schema.TABLES
        }


def test_run_loads_both_languages_and_records_failures(
    settings: Settings, sample_site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *sample_sources(sample_site), "--quiet"]) == 0
    assert capsys.readouterr().out.startswith(f"published {settings.db_path}")
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        languages = dict(
            con.execute("select language, count(*) from articles group by 1").fetchall()
        )
        assert languages["ko"] >= 6
        assert languages["en"] >= 6
        for table in schema.TABLES:
            assert con.execute(f"select count(*) from {table}").fetchone()[0] > 0, table
        failures = con.execute(
            "select status, reason from fetch_log where status not in ('parsed', 'listing')"
        ).fetchall()
        urls = con.execute("select url from articles where url is not null").fetchall()
    assert ("fetch_failed", "HTTP 404") in failures
    assert ("parse_failed", "no article text") in failures
    assert not [u for (u,) in urls if "utm_" in u], "tracking parameters must be dropped"


def test_rerun_changes_nothing(settings: Settings, sample_site: str) -> None:
    assert main(["run", *sample_sources(sample_site), "--quiet"]) == 0
    before = table_snapshot(settings.db_path)
    assert main(["run", *sample_sources(sample_site), "--quiet"]) == 0
    assert table_snapshot(settings.db_path) == before


GOOD_ARTICLE = {
    "id": "wire-001",
    "title": "Bank of Korea holds rate at 2.5%",
    "published_at": "2026-11-24T10:05:00+09:00",
    "language": "en",
    "body": (
        "The Bank of Korea kept its benchmark interest rate unchanged on Tuesday, "
        "citing a weak won and sticky household debt. Governor Rhee Chang-yong said the board "
        "would watch the Federal Reserve closely before moving again. Economists in Seoul had "
        "expected the hold, and bond yields barely moved after the decision was announced."
    ),
}


def test_bad_inputs_are_recorded_and_the_rest_loads(
    settings: Settings, route_server, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "empty.html").write_bytes(b"")
    (inputs / "junk.html").write_bytes(bytes(range(256)) * 40)
    (inputs / "links.html").write_text(
        "<html><body><ul>"
        + "".join(f"<li><a href='/a{i}'>기사 {i}</a></li>" for i in range(30))
        + "</ul></body></html>",
        encoding="utf-8",
    )
    (inputs / "articles.jsonl").write_text(
        json.dumps(GOOD_ARTICLE) + "\n{not json\n" + json.dumps({"title": "no body"}) + "\n",
        encoding="utf-8",
    )
    (inputs / "notes.pdf").write_bytes(b"%PDF-1.4")
    dead = route_server.url("/gone.html")
    assert main(["run", str(inputs), dead, "--quiet"]) == 0
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        titles = con.execute("select title from articles").fetchall()
        log = con.execute(
            "select regexp_replace(origin, '^.*/', ''), status, reason from fetch_log order by 1"
        ).fetchall()
    assert titles == [("Bank of Korea holds rate at 2.5%",)]
    assert log == [
        ("articles.jsonl#L1", "parsed", None),
        ("articles.jsonl#L2", "parse_failed", "invalid JSON: JSONDecodeError"),
        ("articles.jsonl#L3", "parse_failed", "JSON article has no body"),
        ("empty.html", "parse_failed", "empty"),
        ("gone.html", "fetch_failed", "HTTP 404"),
        ("junk.html", "parse_failed", "not html"),
        ("links.html", "parse_failed", "no article text"),
    ]


def test_rejected_batch_exits_non_zero_and_leaves_the_warehouse(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD_ARTICLE) + "\n", encoding="utf-8")
    assert main(["run", str(good), "--quiet"]) == 0
    before = table_snapshot(settings.db_path)
    capsys.readouterr()

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join(json.dumps({"id": str(i), "body": "1234 5678 ... !!!"}) for i in range(3)) + "\n",
        encoding="utf-8",
    )
    assert main(["run", str(bad), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsetl: error: articles:")
    assert len(err.splitlines()) == 1
    assert table_snapshot(settings.db_path) == before


def test_query_formats(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD_ARTICLE) + "\n", encoding="utf-8")
    assert main(["run", str(good), "--quiet"]) == 0
    capsys.readouterr()
    sql = "select title, language from articles"
    assert main(["query", sql, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"title": "Bank of Korea holds rate at 2.5%", "language": "en"}
    ]
    assert main(["query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "title,language",
        "Bank of Korea holds rate at 2.5%,en",
    ]
    assert main(["query", sql]) == 0
    assert "(1 row)" in capsys.readouterr().out


def test_query_without_warehouse_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.duckdb"
    assert main(["query", "select 1", "--db", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"newsetl: error: no warehouse at {missing}; run `newsetl run` (or `make demo`) first\n"
    )


def test_installed_command_runs_a_url(settings: Settings, sample_site: str) -> None:
    env = {**os.environ, "NEWSETL_DB": str(settings.db_path), "NEWSETL_ALLOWED_HOSTS": "127.0.0.1"}
    command = [str(Path(sys.executable).with_name("newsetl")), "run", f"{sample_site}/feed.xml"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "fetched" in done.stderr  # progress lines
    query = subprocess.run(
        [
            command[0],
            "query",
            "select count(*) as n from articles where language = 'en'",
            "--format",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(query.stdout)[0]["n"] >= 5  # all of stdout arrives through the pipe
    # The console script ends the process itself: the exit code and the one-line error stay.
    missing = settings.db_path.with_name("none.duckdb")
    failed = subprocess.run(
        [command[0], "query", "select 1", "--db", str(missing)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"newsetl: error: no warehouse at {missing};")


def test_a_run_with_workers_validates_beside_them_and_renders_data_docs(tmp_path: Path) -> None:
    """A run large enough for worker processes validates in its side process, which renders
    the Data Docs while the run loads: they are all there once the run has published."""
    body = "The Bank of Korea kept its benchmark interest rate unchanged on Tuesday, citing"
    rows = [
        {"id": f"wire-{i:03d}", "title": f"Rates {i}", "language": "en", "body": f"{body} {i}."}
        for i in range(60)
    ]
    source = tmp_path / "wire.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    db, work = tmp_path / "warehouse.duckdb", tmp_path / "work"
    command = [str(Path(sys.executable).with_name("newsetl")), "run", str(source), "--db", str(db)]
    env = {**os.environ, "NEWSETL_WORK_DIR": str(work)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        [(run_id, articles)] = con.execute(
            "select run_id, articles_in_batch from pipeline_runs"
        ).fetchall()
        results = con.execute("select count(*) from validation_results").fetchone()
    assert articles == 60 and results == (31,)
    docs = work / "runs" / run_id / "validated" / "data_docs"
    pages = sorted(p.stem.removeprefix("newsetl-") for p in docs.glob("validations/**/*.html"))
    assert len(pages) == 8 and "articles.input" in pages
    assert f"validations/articles/input/{run_id}/" in (docs / "index.html").read_text("utf-8")
