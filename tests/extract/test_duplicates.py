"""Near-duplicate grouping: syndicated copies share a story, different write-ups do not."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from newsetl import pipeline
from newsetl.duplicates import group_near_duplicates, jaccard, shingle_set
from newsetl.parse import parse_html
from newsetl.settings import PROJECT_ROOT, Settings
from newsetl.transform import build_articles

SAMPLES = PROJECT_ROOT / "samples"
MANIFEST = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
BASE = "http://127.0.0.1:8000"
WIRE = (
    "SEJONG — South Korea's exports rose 8.4 percent in November from a year earlier, led by "
    "semiconductors and ships, the trade ministry said on Monday. Chip exports hit a record "
    "for the month as prices for high-bandwidth memory stayed firm, while car shipments to "
    "the United States fell for a third month."
)


def test_shingles_fold_case_spacing_and_punctuation() -> None:
    assert shingle_set("Hello,  World!") == {
        "hello",
        "ello ",
        "llo w",
        "lo wo",
        "o wor",
        " worl",
        "world",
    }
    assert shingle_set("똠양꿍") == {"똠양꿍"}
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("other", "same_story"),
    [
        pytest.param(WIRE, True, id="exact-copy"),
        pytest.param(WIRE.replace("on Monday", "on Monday morning"), True, id="small-edit"),
        pytest.param(
            WIRE.replace(
                "while car shipments to the United States fell for a third month.",
                "Shipments of cars were down for the third straight month.",
            ),
            True,
            id="last-sentence-rewritten",
        ),
        pytest.param(
            "Exports climbed in November on strong chip sales, government data showed, though "
            "automobile sales to America slipped again and shipbuilders delivered fewer vessels.",
            False,
            id="same-event-own-words",
        ),
        pytest.param(
            "11월 수출이 반도체와 선박 호조에 힘입어 지난해 같은 달보다 8.4% 늘었다고 "
            "산업통상부가 1일 밝혔다.",
            False,
            id="korean-write-up",
        ),
    ],
)
def test_groups(other: str, same_story: bool) -> None:
    early = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    late = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    groups = group_near_duplicates(["late", "early"], [other, WIRE], [late, early])
    assert groups == (["early", "early"] if same_story else ["late", "early"])


def test_the_story_is_named_after_its_earliest_member_whatever_the_order() -> None:
    texts = [WIRE, WIRE + " Imports rose 2 percent.", WIRE.replace("8.4", "8.5")]
    published = [
        datetime(2026, 12, 1, 5, tzinfo=UTC),
        None,
        datetime(2026, 12, 1, 1, tzinfo=UTC),
    ]
    assert group_near_duplicates(["x", "y", "z"], texts, published) == ["z", "z", "z"]
    reverse = group_near_duplicates(["z", "y", "x"], texts[::-1], published[::-1])
    assert reverse == ["z", "z", "z"]


def parsed_sample(article_id: str) -> dict[str, object]:
    entry = next(item for item in MANIFEST["articles"] if item["id"] == article_id)
    content = (SAMPLES / entry["path"]).read_bytes().replace(b"{{BASE_URL}}", BASE.encode())
    url = BASE + entry["url_path"]
    document = parse_html(content, url=url)
    return {
        "origin": url,
        "url": document.url,
        "source": entry["source"],
        "external_id": None,
        "title": document.title,
        "author": document.author,
        "published_at": document.published_at,
        "fetched_at": datetime(2026, 11, 25, tzinfo=UTC),
        "language": document.language,
        "body": document.body,
        "extractor_version": "test",
    }


def test_syndicated_sample_pair_is_two_articles_of_one_story() -> None:
    """The partner copy credits the original with rel=canonical; it stays its own article
    (its outlet counts), and shares the original's story_id."""
    (story,) = MANIFEST["syndicated"]
    same_event = next(e for e in MANIFEST["same_event"] if e["event"] == story["story"])
    html_members = [m for m in same_event["members"] if not m.startswith(("ko-dump", "jsonl"))]
    documents = pl.DataFrame([parsed_sample(m) for m in html_members])
    articles = build_articles(documents)
    assert articles.height == 2
    assert articles["url"].n_unique() == 2
    assert articles["source"].to_list() == ["The Pacific Ledger", "Harbor Times"]
    assert articles["story_id"].n_unique() == 1
    assert Path(articles["url"][1]).name == "hyundai-metaplant-second-shift.html"


def test_same_event_write_ups_stay_separate_stories() -> None:
    documents = pl.DataFrame(
        [parsed_sample("en-bok-rate-hold"), parsed_sample("en-hyundai-georgia-ledger")]
    )
    assert build_articles(documents)["story_id"].n_unique() == 2


def test_a_copy_syndicated_in_a_later_run_joins_the_published_story(
    settings: Settings, tmp_path: Path
) -> None:
    def write(folder: str, article_id: str, body: str, when: str) -> Path:
        path = tmp_path / folder / "wire.jsonl"
        path.parent.mkdir(parents=True)
        line = {"id": article_id, "title": "Exports rise", "body": body, "published_at": when}
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
        return path.parent

    morning = write("morning", "w1", WIRE, "2026-11-20T00:00:00Z")
    first = pipeline.run([str(morning)], settings=settings)
    edited = WIRE.replace("on Monday", "on Monday morning")
    other = "Shipbuilders delivered fewer vessels in November as a strike at two yards dragged on."
    pipeline.run([str(write("noon", "w2", edited, "2026-11-20T03:00:00Z"))], settings=settings)
    pipeline.run([str(write("evening", "w3", other, "2026-11-20T06:00:00Z"))], settings=settings)

    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        stories = dict(con.execute("select origin, story_id from articles").fetchall())
    by_file = {origin.split("/")[-2]: story for origin, story in stories.items()}
    assert by_file["noon"] == by_file["morning"]
    assert by_file["evening"] != by_file["morning"]
    assert first.articles_changed == 1
