"""Every page and text dump of the bundled sample corpus, parsed against samples/manifest.yaml."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsetl.dates import parse_datetime_text
from newsetl.language import detect_language
from newsetl.parse import ParsedDocument, ParseError, parse_html, parse_text_dump

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MANIFEST_PATH = SAMPLES / "manifest.yaml"
BASE_URL = "http://127.0.0.1:8000"

MANIFEST: dict[str, Any] = (
    yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8")) if MANIFEST_PATH.exists() else {}
)
ARTICLES: list[dict[str, Any]] = MANIFEST.get("articles", [])


def entries(kind: str) -> list[Any]:
    return [pytest.param(entry, id=entry["id"]) for entry in ARTICLES if entry["kind"] == kind]


def served_bytes(path: str) -> bytes:
    placeholder = MANIFEST.get("base_url_placeholder", "{{BASE_URL}}").encode("ascii")
    return (SAMPLES / path).read_bytes().replace(placeholder, BASE_URL.encode("ascii"))


def with_base(url: str | None) -> str | None:
    return (
        url.replace(MANIFEST.get("base_url_placeholder", "{{BASE_URL}}"), BASE_URL) if url else None
    )


def syndicated_copies() -> set[str]:
    """Members of a syndicated story other than its first (the copies on partner outlets)."""
    return {member for story in MANIFEST["syndicated"] for member in story["members"][1:]}


def metadata(document: ParsedDocument) -> dict[str, object]:
    return {
        "title": document.title,
        "author": document.author,
        "published_at": document.published_at,
        "language": document.language,
    }


def expected_metadata(entry: dict[str, Any]) -> dict[str, object]:
    return {
        "title": entry["title"],
        "author": entry["author"],
        "published_at": datetime.fromisoformat(entry["published_at"]),
        "language": entry["language"],
    }


@pytest.mark.parametrize("entry", entries("html"))
def test_sample_html_page(entry: dict[str, Any]) -> None:
    url = BASE_URL + entry["url_path"]

    document = parse_html(served_bytes(entry["path"]), url=url)

    assert metadata(document) == expected_metadata(entry)
    # A partner's copy whose rel=canonical credits the first publisher stays its own article
    # (one row per outlet); the syndicated pair shares a story_id instead (transform).
    own_page = entry["id"] in syndicated_copies()
    assert document.url == (url if own_page else with_base(entry["canonical_url"]) or url)
    for sentence in (
        entry["first_sentence"],
        entry["last_sentence"],
        *entry.get("body_must_contain", []),
    ):
        assert sentence in document.body
    for unwanted in entry.get("must_not_contain", []):
        assert unwanted not in document.body


@pytest.mark.parametrize("entry", entries("text"))
def test_sample_text_dump(entry: dict[str, Any]) -> None:
    document = parse_text_dump((SAMPLES / entry["path"]).read_bytes(), origin=entry["path"])

    lines = document.body.splitlines()
    assert metadata(document) == expected_metadata(entry)
    assert document.url is None
    for sentence in (entry["first_sentence"], entry["last_sentence"]):
        assert sentence in document.body
    for kept in entry.get("body_must_contain", []):
        assert any(kept in line for line in lines)
    for dropped in entry.get("body_must_not_contain_lines", {}).values():
        assert dropped not in lines
        assert dropped not in document.body


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(entry, id=entry["url_path"])
        for entry in MANIFEST.get("non_articles", [])
        if entry.get("path")
    ],
)
def test_sample_non_article_page(entry: dict[str, Any]) -> None:
    with pytest.raises(ParseError) as raised:
        parse_html(served_bytes(entry["path"]), url=BASE_URL + entry["url_path"])

    assert str(raised.value) == "no article text"


@pytest.mark.parametrize("entry", entries("jsonl"))
def test_sample_jsonl_row_date_and_language(entry: dict[str, Any]) -> None:
    lines = (SAMPLES / entry["path"]).read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[entry["line"] - 1])

    assert parse_datetime_text(row["published_at"]) == datetime.fromisoformat(entry["published_at"])
    assert detect_language(row["body"]) == entry["language"]
