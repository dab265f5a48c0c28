import json
from pathlib import Path

import duckdb
import pytest

from newsetl.cli import main
from newsetl.gazetteer import gazetteer_stub
from newsetl.warehouse import migrate


def warehouse_with_entities(path: Path) -> None:
    """A warehouse with two articles: one known entity, two unknown ones."""
    con = duckdb.connect(str(path))
    migrate(con)
    for article_id in ("a1", "a2"):
        con.execute(
            "insert into articles (article_id, url, origin, source, title, body, language, "
            "story_id, content_hash, published_at, fetched_at, run_id, loaded_at) "
            "values (?, ?, ?, 's', 't', 'b', 'ko', 'st', 'h', "
            "timestamptz '2026-11-25 00:00:00+00', now(), 'r', now())",
            [article_id, f"https://x.test/{article_id}", f"https://x.test/{article_id}"],
        )
    con.execute(
        "insert into entities values "
        "('org:meta', 'Meta Platforms', 'ORG', ['메타'], 'Q380'), "
        "('org:8a6cdfda7eee', '노바웨이브', 'ORG', [], null), "
        "('person:6f9f031f04a3', '박서율', 'PERSON', ['서율'], null)"
    )
    con.execute(
        "insert into article_entities values "
        "('a1', 'org:meta', 3, 0, 1.0), ('a2', 'org:meta', 1, 0, 0.5), "
        "('a1', 'org:8a6cdfda7eee', 2, 5, 0.7), ('a2', 'org:8a6cdfda7eee', 1, 9, 0.3), "
        "('a2', 'person:6f9f031f04a3', 1, 20, 0.2)"
    )
    con.close()


def test_unknown_names_are_listed_most_frequent_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "warehouse.duckdb"
    warehouse_with_entities(db)
    assert main(["entities", "--unknown", "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["entity_type"], r["articles"], r["mentions"]) for r in rows] == [
        ("노바웨이브", "ORG", 2, 3),
        ("박서율", "PERSON", 1, 1),
    ]


def test_unknown_names_as_gazetteer_stubs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "warehouse.duckdb"
    warehouse_with_entities(db)
    assert (
        main(["entities", "--unknown", "--type", "PERSON", "--db", str(db), "--format", "yaml"])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[1:] == [
        '  - {id: person:todo, name: "박서율", type: PERSON, aliases: ["박서율", "서율"]}'
    ]


def test_stub_slugs_latin_names() -> None:
    row = {"name": "Acme Holdings", "entity_type": "ORG", "aliases": ["Acme"]}
    assert gazetteer_stub(row) == (
        '  - {id: org:acme-holdings, name: "Acme Holdings", type: ORG, '
        'aliases: ["Acme Holdings", "Acme"]}'
    )
