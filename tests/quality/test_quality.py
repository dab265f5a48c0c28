"""The validation gate: row rules quarantine, table rules fail the batch."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from newsetl import schema
from newsetl.quality import (
    VALIDATION_RESULTS,
    BatchRejected,
    ValidationOutcome,
    _Check,
    _parent_marker,
    _Runner,
    raise_for_failures,
    validate_batch,
)

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
RUN = "run-1"
# 8 + 5 + 2 + 5 + 4 input expectations, 4 reference checks, 2 batch rules.
EXPECTATIONS = 30


def article(article_id: str | None, **overrides: Any) -> dict[str, Any]:
    """An article row that passes every rule unless overridden."""
    row = {
        "article_id": article_id,
        "url": f"https://news.example.kr/{article_id}",
        "origin": "https://news.example.kr/rss",
        "source": "example",
        "title": "반도체 수출 증가",
        "author": None,
        "published_at": NOW - timedelta(hours=3),
        "fetched_at": NOW,
        "language": "ko",
        "body": "반도체 수출이 늘었다.",
        "content_hash": f"hash-{article_id}",
        "story_id": None,
    }
    return row | overrides


def entity(
    entity_id: str | None, entity_type: str | None = "ORG", **overrides: Any
) -> dict[str, Any]:
    """An entity row."""
    row = {
        "entity_id": entity_id,
        "name": "삼성전자",
        "entity_type": entity_type,
        "aliases": ["Samsung Electronics"],
        "wikidata_id": None,
    }
    return row | overrides


def mention(
    article_id: str | None, entity_id: str | None, mention_count: int = 1, salience: float = 0.5
) -> dict[str, Any]:
    """An article_entities row."""
    return {
        "article_id": article_id,
        "entity_id": entity_id,
        "mention_count": mention_count,
        "first_offset": 0,
        "salience": salience,
    }


def tagged(article_id: str | None, topic_id: str | None, score: float = 0.8) -> dict[str, Any]:
    """An article_topics row."""
    return {"article_id": article_id, "topic_id": topic_id, "score": score}


def batch(
    articles: list[dict[str, Any]] | None = None,
    entities: list[dict[str, Any]] | None = None,
    topics: list[str | None] | None = None,
    article_entities: list[dict[str, Any]] | None = None,
    article_topics: list[dict[str, Any]] | None = None,
) -> dict[str, pl.DataFrame]:
    """The five tables; omitted ones are empty."""
    topic_rows = [
        {"topic_id": topic, "label": topic, "label_ko": None, "parent_topic_id": None}
        for topic in topics or []
    ]
    rows = {
        "articles": articles,
        "entities": entities,
        "topics": topic_rows,
        "article_entities": article_entities,
        "article_topics": article_topics,
    }
    return {
        name: pl.DataFrame(rows[name] or [], schema=spec) for name, spec in schema.TABLES.items()
    }


def clean_batch() -> dict[str, pl.DataFrame]:
    """A Korean and an English article with their entities and topics."""
    return batch(
        articles=[
            article("a1"),
            article("a2", language="en", body="Chip exports rose.", url=None, published_at=None),
        ],
        entities=[entity("e1"), entity("e2", "PERSON", name="Lee Jae-yong")],
        topics=["economy", "it_science"],
        article_entities=[mention("a1", "e1", 3, 0.9), mention("a2", "e1"), mention("a2", "e2")],
        article_topics=[tagged("a1", "economy"), tagged("a2", "it_science", 1.0)],
    )


def quarantined(outcome: ValidationOutcome) -> list[tuple[str, str, str, str | None]]:
    """The quarantine as (table_name, row_key, rule, value) tuples."""
    return outcome.quarantine.select("table_name", "row_key", "rule", "value").rows()


def kept(outcome: ValidationOutcome, name: str) -> list[str]:
    """The first key column of a table's surviving rows."""
    return outcome.tables[name][schema.KEYS[name][0]].to_list()


def test_clean_batch_passes() -> None:
    tables = clean_batch()

    outcome = validate_batch(tables, RUN, now=NOW)

    assert outcome.failures == []
    assert outcome.quarantine.schema == pl.Schema(schema.QUARANTINE)
    assert outcome.quarantine.height == 0
    for name, frame in tables.items():
        assert_frame_equal(outcome.tables[name], frame)
    assert outcome.results.schema == pl.Schema(VALIDATION_RESULTS)
    assert outcome.results.height == EXPECTATIONS
    assert outcome.results["success"].all()
    assert outcome.results["unexpected_count"].sum() == 0
    assert outcome.results["run_id"].unique().to_list() == [RUN]
    assert outcome.results["validated_at"].unique().to_list() == [NOW]
    counts = dict(outcome.results.group_by("table_name").len().rows())
    assert counts == {
        "articles": 10,
        "entities": 5,
        "topics": 2,
        "article_entities": 7,
        "article_topics": 6,
    }
    raise_for_failures(outcome)


def test_empty_input_passes() -> None:
    outcome = validate_batch(batch(), RUN, now=NOW)

    assert outcome.failures == []
    assert outcome.quarantine.height == 0
    assert {name: frame.height for name, frame in outcome.tables.items()} == dict.fromkeys(
        schema.TABLES, 0
    )
    # Nothing to check row by row: the batch is recorded as empty without starting GX.
    assert outcome.results.select("table_name", "expectation", "success").rows() == [
        ("articles", "empty_batch", True)
    ]


def test_a_batch_with_links_but_no_articles_is_still_checked() -> None:
    links = [{"article_id": "a:gone", "topic_id": "t:x", "score": 0.9}]
    outcome = validate_batch(batch(article_topics=links), RUN, now=NOW)

    assert outcome.results.height == EXPECTATIONS
    assert outcome.failures == [
        "article_topics: 1 article_id value not in articles",
        "article_topics: 1 topic_id value not in topics",
    ]


def test_bad_entity_type_is_quarantined_with_its_mentions() -> None:
    tables = clean_batch()
    tables["entities"] = pl.concat(
        [tables["entities"], pl.DataFrame([entity("e3", "COMPANY")], schema=schema.ENTITIES)]
    )
    tables["article_entities"] = pl.concat(
        [
            tables["article_entities"],
            pl.DataFrame([mention("a1", "e3")], schema=schema.ARTICLE_ENTITIES),
        ]
    )

    outcome = validate_batch(tables, RUN, now=NOW)

    assert quarantined(outcome) == [
        ("entities", "e3", "expect_column_values_to_be_in_set(entity_type)", "COMPANY"),
        ("article_entities", "a1|e3", "parent_quarantined", "e3"),
    ]
    assert outcome.quarantine["run_id"].to_list() == [RUN, RUN]
    assert outcome.quarantine["quarantined_at"].to_list() == [NOW, NOW]
    assert outcome.failures == []
    assert kept(outcome, "entities") == ["e1", "e2"]
    assert outcome.tables["article_entities"].height == 3
    row = outcome.results.filter(
        pl.col("table_name") == "entities", pl.col("expectation").str.ends_with("in_set")
    )
    assert row.select("success", "unexpected_count").row(0) == (False, 1)


@pytest.mark.parametrize(
    ("body", "rule", "value"),
    [
        ("   ", "expect_column_values_to_match_regex(body)", "   "),
        ("\u3000\n", "expect_column_values_to_match_regex(body)", "\u3000\n"),
        (None, "expect_column_values_to_not_be_null(body)", None),
    ],
    ids=["blank", "ideographic-space", "null"],
)
def test_article_without_body_is_quarantined_with_its_children(
    body: str | None, rule: str, value: str | None
) -> None:
    tables = clean_batch()
    tables["articles"] = tables["articles"].with_columns(
        pl.when(pl.col("article_id") == "a2").then(pl.lit(body)).otherwise("body").alias("body")
    )

    outcome = validate_batch(tables, RUN, now=NOW)

    assert quarantined(outcome) == [
        ("articles", "a2", rule, value),
        ("article_entities", "a2|e1", "parent_quarantined", "a2"),
        ("article_entities", "a2|e2", "parent_quarantined", "a2"),
        ("article_topics", "a2|it_science", "parent_quarantined", "a2"),
    ]
    assert outcome.failures == []
    assert kept(outcome, "articles") == ["a1"]
    assert kept(outcome, "article_entities") == ["a1"]
    assert kept(outcome, "article_topics") == ["a1"]
    # e2 was only mentioned by a2; it leaves silently.
    assert kept(outcome, "entities") == ["e1"]
    assert kept(outcome, "topics") == ["economy", "it_science"]


@pytest.mark.parametrize(
    ("published_at", "expected"),
    [
        (NOW + timedelta(days=2), [("articles", "a2", "2025-06-03T12:00:00+00:00")]),
        (datetime(1989, 12, 31, tzinfo=UTC), [("articles", "a2", "1989-12-31T00:00:00+00:00")]),
        (NOW + timedelta(days=1), []),
        (datetime(1990, 1, 1, tzinfo=UTC), []),
    ],
    ids=["two-days-ahead", "before-1990", "one-day-ahead", "on-1990-01-01"],
)
def test_published_at_out_of_range_is_quarantined(
    published_at: datetime, expected: list[tuple[str, str, str]]
) -> None:
    tables = batch(articles=[article("a1"), article("a2", published_at=published_at)])

    outcome = validate_batch(tables, RUN, now=NOW)

    rule = "expect_column_values_to_be_between(published_at)"
    assert quarantined(outcome) == [(table, key, rule, value) for table, key, value in expected]
    assert outcome.failures == []


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        (
            batch(articles=[article("a1", language="EN")]),
            ("articles", "a1", "expect_column_values_to_match_regex(language)", "EN"),
        ),
        (
            batch(articles=[article("a1", language="en\n")]),
            ("articles", "a1", "expect_column_values_to_match_regex(language)", "en\n"),
        ),
        (
            batch(articles=[article("a1", url="www.example.com/a1")]),
            ("articles", "a1", "expect_column_values_to_match_regex(url)", "www.example.com/a1"),
        ),
        (
            batch(articles=[article(None)]),
            ("articles", "", "expect_column_values_to_not_be_null(article_id)", None),
        ),
        (
            batch(entities=[entity("e1", name=None)]),
            ("entities", "e1", "expect_column_values_to_not_be_null(name)", None),
        ),
        (
            batch(entities=[entity("e1", None)]),
            ("entities", "e1", "expect_column_values_to_not_be_null(entity_type)", None),
        ),
        (
            batch(topics=[None]),
            ("topics", "", "expect_column_values_to_not_be_null(topic_id)", None),
        ),
        (
            batch(
                articles=[article("a1")],
                entities=[entity("e1")],
                article_entities=[mention("a1", "e1", 0)],
            ),
            ("article_entities", "a1|e1", "expect_column_values_to_be_between(mention_count)", "0"),
        ),
        (
            batch(
                articles=[article("a1")],
                entities=[entity("e1")],
                article_entities=[mention("a1", "e1", 1, -0.1)],
            ),
            ("article_entities", "a1|e1", "expect_column_values_to_be_between(salience)", "-0.1"),
        ),
        (
            batch(articles=[article("a1")], article_entities=[mention("a1", None)]),
            ("article_entities", "a1|", "expect_column_values_to_not_be_null(entity_id)", None),
        ),
        (
            batch(
                articles=[article("a1")],
                topics=["economy"],
                article_topics=[tagged("a1", "economy", 1.5)],
            ),
            ("article_topics", "a1|economy", "expect_column_values_to_be_between(score)", "1.5"),
        ),
    ],
    ids=[
        "upper-case-language",
        "language-with-newline",
        "url-without-scheme",
        "null-article-id",
        "null-entity-name",
        "null-entity-type",
        "null-topic-id",
        "zero-mentions",
        "negative-salience",
        "null-entity-id-in-link",
        "score-above-one",
    ],
)
def test_row_rule_quarantines_the_row(
    tables: dict[str, pl.DataFrame], expected: tuple[str, str, str, str | None]
) -> None:
    outcome = validate_batch(tables, RUN, now=NOW, max_empty_share=1.0)

    assert quarantined(outcome) == [expected]


def test_duplicate_article_id_rejects_the_batch() -> None:
    tables = batch(articles=[article("a1"), article("a1", title="다른 제목"), article("a2")])

    outcome = validate_batch(tables, RUN, now=NOW)

    assert outcome.failures == ["articles: 2 duplicate article_id values"]
    assert outcome.quarantine.height == 0
    with pytest.raises(BatchRejected) as rejected:
        raise_for_failures(outcome)
    assert str(rejected.value) == "articles: 2 duplicate article_id values"


def test_duplicate_link_rows_reject_the_batch() -> None:
    tables = clean_batch()
    tables["article_entities"] = pl.concat([tables["article_entities"]] * 2)

    outcome = validate_batch(tables, RUN, now=NOW)

    assert outcome.failures == ["article_entities: 6 duplicate (article_id, entity_id) values"]
    failed = outcome.results.filter(~pl.col("success"))
    assert failed.select("column", "details").rows() == [
        (
            "article_id,entity_id",
            '{"ignore_row_if": "any_value_is_missing", "sample": ["a1|e1", "a2|e1", "a2|e2"]}',
        )
    ]


def test_dangling_topic_id_fails_the_batch() -> None:
    tables = clean_batch()
    tables["article_topics"] = pl.concat(
        [
            tables["article_topics"],
            pl.DataFrame([tagged("a1", "sports")], schema=schema.ARTICLE_TOPICS),
        ]
    )

    outcome = validate_batch(tables, RUN, now=NOW)

    assert outcome.failures == ["article_topics: 1 topic_id value not in topics"]
    assert outcome.quarantine.height == 0
    failed = outcome.results.filter(~pl.col("success"))
    assert failed.select("table_name", "expectation", "column", "unexpected_count").rows() == [
        ("article_topics", "expect_column_values_to_be_in_set", "topic_id", 1)
    ]
    assert failed["details"].to_list() == [
        '{"parent": "topics.topic_id", "parent_keys": 2, "sample": ["sports"]}'
    ]


def test_dangling_article_and_entity_ids_fail_the_batch() -> None:
    tables = clean_batch()
    tables["article_entities"] = pl.concat(
        [
            tables["article_entities"],
            pl.DataFrame([mention("a9", "e9")], schema=schema.ARTICLE_ENTITIES),
        ]
    )

    outcome = validate_batch(tables, RUN, now=NOW)

    assert outcome.failures == [
        "article_entities: 1 article_id value not in articles",
        "article_entities: 1 entity_id value not in entities",
    ]
    with pytest.raises(BatchRejected) as rejected:
        raise_for_failures(outcome)
    assert str(rejected.value) == "article_entities: 1 article_id value not in articles (+1 more)"


def test_a_link_value_that_reads_like_a_parent_key_marker_still_dangles() -> None:
    # GX sees a link value that is a key of its parent as a marker; a value that merely
    # spells the marker is not a key and must still fail the batch.
    marker = _parent_marker("entities", "entity_id")
    tables = clean_batch()
    tables["article_entities"] = pl.concat(
        [
            tables["article_entities"],
            pl.DataFrame([mention("a1", marker)], schema=schema.ARTICLE_ENTITIES),
        ]
    )

    outcome = validate_batch(tables, RUN, now=NOW)

    assert outcome.failures == ["article_entities: 1 entity_id value not in entities"]
    failed = outcome.results.filter(~pl.col("success"))
    assert failed.select("column", "unexpected_count", "details").rows() == [
        (
            "entity_id",
            1,
            json.dumps(
                {"parent": "entities.entity_id", "parent_keys": 2, "sample": [marker]},
                ensure_ascii=False,
            ),
        )
    ]


@pytest.mark.parametrize(
    ("articles", "failures"),
    [
        (
            [article(f"a{i}", body=" ") for i in range(4)],
            [
                "articles: 4 of 4 rows have no body or no language",
                "articles: all 4 rows quarantined",
            ],
        ),
        (
            [
                article("a1", body=None),
                article("a2", body=""),
                article("a3", language=None),
                article("a4"),
            ],
            ["articles: 3 of 4 rows have no body or no language"],
        ),
        (
            [article("a1", body=None), article("a2", language=None), article("a3"), article("a4")],
            [],
        ),
        (
            [article("a1", language="xx-YY"), article("a2", url="mailto:x")],
            ["articles: all 2 rows quarantined"],
        ),
    ],
    ids=["all-bodies-empty", "three-of-four-empty", "half-empty", "all-quarantined-otherwise"],
)
def test_too_many_empty_articles_fail_the_batch(
    articles: list[dict[str, Any]], failures: list[str]
) -> None:
    outcome = validate_batch(batch(articles=articles), RUN, now=NOW)

    assert outcome.failures == failures


def test_raise_for_failures_is_quiet_without_failures() -> None:
    outcome = ValidationOutcome(
        tables={},
        quarantine=schema.empty(schema.QUARANTINE),
        results=schema.empty(VALIDATION_RESULTS),
        failures=[],
    )

    raise_for_failures(outcome)


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({}, "missing ['articles', 'entities', 'topics', 'article_entities', 'article_topics']"),
        (batch() | {"extra": pl.DataFrame()}, "unknown ['extra']"),
    ],
    ids=["no-tables", "unknown-table"],
)
def test_wrong_table_set_is_a_programming_error(
    tables: dict[str, pl.DataFrame], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_batch(tables, RUN, now=NOW)


def test_import_does_not_load_great_expectations() -> None:
    probe = "import sys, newsetl.quality; print('great_expectations' in sys.modules)"

    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == "False"


def test_expectation_that_cannot_run_is_a_failure() -> None:
    runner = _Runner()
    import great_expectations.expectations as gxe

    # Numeric bounds on a text column make GX raise inside the metric.
    check = _Check(
        "articles",
        gxe.ExpectColumnValuesToBeBetween(column="title", min_value=0, max_value=1),
        quarantines=True,
    )
    frame = batch(articles=[article("a1")])["articles"]

    [evaluated] = runner.evaluate("articles", "probe", frame, [check])

    assert evaluated.failure == (
        "articles: expect_column_values_to_be_between(title) could not run: "
        "Column values, min_value, and max_value must either be None or of the same type."
    )
    assert evaluated.flagged == []
    assert evaluated.result["success"] is False
    assert evaluated.result["unexpected_count"] is None
