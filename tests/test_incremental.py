"""Re-running the same sources: unchanged files are not read again, and what a failed run
read is read again by the next one (the source state moves into place only on publish)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from newsetl import pipeline
from newsetl.quality import BatchRejected
from newsetl.settings import Settings

STORY = (
    "The city council of Harbourview approved a new ferry timetable on Tuesday, adding "
    "evening crossings to the island terminal from March. Councillors said ridership rose "
    "by a fifth last year as more commuters chose the boat over the congested bridge, and "
    "the operator will hire twelve more deckhands before the spring season begins."
)


def write_articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wire.jsonl"
    lines = [
        json.dumps(
            {
                "id": f"hv-{n}",
                "title": f"Harbourview ferry timetable, update {n}",
                "body": f"{STORY} Update {n}: the schedule was posted at the terminal.",
                "published_at": f"2026-11-2{n % 5}T09:00:00+09:00",
                "language": "en",
            }
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fetch_statuses(db: Path, run_id: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select kind, status from fetch_log where run_id = ? order by origin", [run_id]
        ).fetchall()


def article_count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from articles").fetchone()[0]


def test_an_unchanged_file_is_not_read_again(settings: Settings, tmp_path: Path) -> None:
    path = write_articles(tmp_path / "wire", 3)
    first = pipeline.run([str(path.parent)], settings=settings)
    assert first.articles_changed == 3

    again = pipeline.run([str(path.parent)], settings=settings)
    assert (again.articles, again.articles_changed) == (0, 0)
    assert fetch_statuses(settings.db_path, again.run_id) == [("jsonl", "unchanged")]
    raw = pl.read_parquet(settings.work_dir / "runs" / again.run_id / "raw.parquet")
    assert raw["content"].to_list() == [None]  # nothing read, nothing stored twice

    write_articles(tmp_path / "wire", 4)  # one more line: the file changed
    changed = pipeline.run([str(path.parent)], settings=settings)
    # The file is read again; its three loaded lines are set aside unparsed, the new one loads.
    assert (changed.articles, changed.articles_changed) == (1, 1)
    assert article_count(settings.db_path) == 4


def test_what_a_rejected_run_read_is_read_again(settings: Settings, tmp_path: Path) -> None:
    path = write_articles(tmp_path / "wire", 2)
    # Dated in the future, every article is quarantined, and a batch that loses them all fails.
    lines = path.read_text().splitlines()
    broken = [json.loads(line) | {"published_at": "2099-01-01T00:00:00Z"} for line in lines]
    path.write_text("\n".join(json.dumps(row) for row in broken) + "\n", encoding="utf-8")
    with pytest.raises(BatchRejected, match="all 2 rows quarantined"):
        pipeline.run([str(path.parent)], settings=settings)
    assert not any(pipeline.state_dir_for(settings).glob("*.json"))

    write_articles(tmp_path / "wire", 2)  # fixed by the outlet: same size, new content
    fixed = pipeline.run([str(path.parent)], settings=settings)
    assert fixed.articles_changed == 2
    assert len(list(pipeline.state_dir_for(settings).glob("*.json"))) == 1


def test_a_large_run_goes_through_in_parts_and_is_published_whole(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_articles(tmp_path / "wire", 5)
    whole = pipeline.run([str(path.parent)], settings=settings)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        expected = con.execute(
            "select article_id, story_id, title from articles order by article_id"
        ).fetchall()

    monkeypatch.setenv("NEWSETL_BATCH_ROWS", "2")
    monkeypatch.setenv("NEWSETL_DB", str(tmp_path / "parts" / "warehouse.duckdb"))
    from newsetl.settings import load_settings

    in_parts = load_settings()
    assert in_parts.batch_rows == 2
    summary = pipeline.run([str(path.parent)], settings=in_parts)

    assert (summary.articles, summary.articles_changed) == (whole.articles, 5)
    # Near-copies in later parts join the story of the earlier part (newsetl.stories).
    with duckdb.connect(str(in_parts.db_path), read_only=True) as con:
        assert (
            con.execute(
                "select article_id, story_id, title from articles order by article_id"
            ).fetchall()
            == expected
        )
        steps = con.execute(
            "select step, shard, rows_out from pipeline_steps where run_id = ? "
            "and step in ('parse', 'load') order by step, shard",
            [summary.run_id],
        ).fetchall()
        assert steps == [
            ("load", 0, 2), ("load", 1, 2), ("load", 2, 1),
            ("parse", 0, 2), ("parse", 1, 2), ("parse", 2, 1),
        ]  # fmt: skip
        assert con.execute(
            "select articles_in_batch, articles_changed, status from pipeline_runs "
            "where run_id = ?",
            [summary.run_id],
        ).fetchone() == (5, 5, "published")
        # The search index, rebuilt once with the last part, covers every part.
        assert con.execute(
            "select count(*) from search_articles('ferry timetable')"
        ).fetchone() == (5,)


def test_a_load_that_outgrows_the_memory_cap_loads_again_without_it(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Primary-key indexes must fit in DuckDB's memory; a warehouse whose indexes outgrow
    NEWSETL_DUCKDB_MEMORY fails its first attempt (injected here), which rolls back."""
    import newsetl.warehouse as warehouse

    real = warehouse.load_batch
    attempts: list[str] = []

    def first_attempt_out_of_memory(con, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(con.execute("select current_setting('memory_limit')").fetchone()[0])
        if len(attempts) == 1:
            con.execute("begin")
            con.execute("delete from articles")  # work the failed attempt must not keep
            con.execute("rollback")
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return real(con, *args, **kwargs)

    monkeypatch.setattr(warehouse, "load_batch", first_attempt_out_of_memory)
    summary = pipeline.run([str(write_articles(tmp_path / "wire", 3).parent)], settings=settings)

    assert summary.articles_changed == 3
    assert "loading again without the cap" in caplog.text
    assert len(attempts) == 2 and attempts[0] != attempts[1]  # the second without the cap
    assert article_count(settings.db_path) == 3


def test_a_rerun_with_nothing_new_loads_no_great_expectations_ahead(
    settings: Settings, tmp_path: Path
) -> None:
    """Fifty unchanged files are fifty raw rows with nothing to parse: the re-run does not
    load a GX context ahead of a validation that will not run (it would be left unused)."""
    from newsetl import quality

    folder = tmp_path / "wire"
    for n in range(50):
        write_articles(folder / f"desk-{n:02d}", 1).rename(folder / f"desk-{n:02d}.jsonl")
    first = pipeline.run([str(folder)], settings=settings)
    assert first.articles >= 1
    assert quality._preloaded is None  # the first run's validation took what it preloaded

    again = pipeline.run([str(folder)], settings=settings)

    statuses = fetch_statuses(settings.db_path, again.run_id)
    assert len(statuses) == 50 and {status for _, status in statuses} == {"unchanged"}
    assert quality._preloaded is None


def test_the_parse_step_fingerprints_rows_as_skip_loaded_hashes_them(
    settings: Settings, tmp_path: Path
) -> None:
    """The workers' fingerprints (kept beside the documents for record_loaded) are the ones
    skip_loaded gets when it hashes the same raw rows in the next run."""
    import hashlib

    from newsetl import __version__
    from newsetl.documents import parse_raw_with_fingerprints
    from newsetl.parse import EXTRACTOR_VERSION

    source = write_articles(tmp_path / "wire", 60).parent
    (source / "broken.jsonl").write_text('{"id": "x", "title": "no body"}\n', encoding="utf-8")
    run_dir = tmp_path / "run"
    raw_path = pipeline.extract([str(source)], run_dir, settings)
    raw = pipeline.read_raw(raw_path)
    documents, log, fingerprints = parse_raw_with_fingerprints(raw, "r1")
    assert documents.height == 60 and log.filter(pl.col("status") == "parse_failed").height == 1
    assert fingerprints["origin"].to_list() == documents["origin"].to_list()

    def by_hand(row: dict[str, object]) -> str:
        digest = hashlib.sha256(f"{__version__}/{EXTRACTOR_VERSION}".encode())
        for key in ("origin", "final_url", "kind", "source", "content_type"):
            digest.update(b"\x00" + str(row[key] or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x00" + (row["content"] or b""))  # type: ignore[operator]
        return digest.hexdigest()

    parsed = raw.join(fingerprints, on="origin", how="semi")
    assert fingerprints["fingerprint"].to_list() == [
        by_hand(row) for row in parsed.iter_rows(named=True)
    ]
    assert pipeline._raw_fingerprints(parsed) == fingerprints["fingerprint"].to_list()


RERUN_SCRIPT = """
import sys
from newsetl import pipeline
from newsetl.settings import load_settings

summary = pipeline.run([sys.argv[2]], settings=load_settings(sys.argv[1]))
assert summary.articles_changed == 0, summary
print("pandas" in sys.modules)
"""


def test_a_rerun_with_nothing_new_never_imports_pandas(settings: Settings, tmp_path: Path) -> None:
    """DuckDB's Python client imports pandas (a quarter of a second) when a statement binds
    a parameter or scans a Python object: a run inlines its values and stages its frames as
    Parquet, so a re-run that finds nothing new goes without it."""
    import os
    import subprocess
    import sys

    path = write_articles(tmp_path / "wire", 3)
    pipeline.run([str(path.parent)], settings=settings)
    env = {**os.environ, "NEWSETL_WORK_DIR": str(settings.work_dir)}
    done = subprocess.run(
        [sys.executable, "-c", RERUN_SCRIPT, str(settings.db_path), str(path.parent)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
