from datetime import UTC, date, datetime

import polars as pl
from polars.testing import assert_frame_equal

from newsetl.enrich import enrich_articles
from newsetl.issues import ArticleTerms, group_issues
from newsetl.keywords import english_keywords
from newsetl.schema import ARTICLE_ISSUES, ARTICLE_KEYWORDS, ARTICLES


def articles(*rows: dict[str, object]) -> pl.DataFrame:
    """An ARTICLES frame with only the columns the enrich step reads filled in."""
    return pl.DataFrame([{**dict.fromkeys(ARTICLES), **row} for row in rows], schema=ARTICLES)


def test_english_keywords_weigh_the_headline() -> None:
    found = english_keywords(
        "Subway strike ends",
        "The subway union and the operator agreed on staffing. The strike had lasted a day. "
        "Union leaders said the subway would run normally.",
    )
    assert found == [
        ("subway", 1.0),
        ("strike", 0.8),
        ("ends", 0.6),
        ("union", 0.4),
    ]


def test_korean_keywords_are_nouns_without_particles() -> None:
    # 버스, once in the body, is left out: a single body mention says little.
    enriched = enrich_articles(
        articles(
            {
                "article_id": "k",
                "title": "서울 지하철 노조 파업",
                "body": "지하철 노조가 파업에 들어갔다. 시민들은 지하철 대신 버스를 탔다.",
                "language": "ko",
            }
        )
    )
    expected = pl.DataFrame(
        [
            ("k", "지하철", 1.0),
            ("k", "노조", 0.8),
            ("k", "파업", 0.8),
            ("k", "서울", 0.6),
        ],
        schema=ARTICLE_KEYWORDS,
        orient="row",
    )
    assert_frame_equal(enriched.article_keywords, expected)


def test_stories_of_one_event_group_across_languages_and_outlets() -> None:
    day = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    enriched = enrich_articles(
        articles(
            {
                "article_id": "en",
                "title": "Bank of Korea holds rates as Rhee Chang-yong watches the won",
                "body": "The Bank of Korea kept its key rate at 2.25%. Governor Rhee Chang-yong "
                "said the won was weak.",
                "language": "en",
                "source": "A",
                "published_at": day,
            },
            {
                "article_id": "ko",
                "title": "한국은행 기준금리 동결…이창용 총재 환율 주시",
                "body": "한국은행은 기준금리를 연 2.25%로 동결했다. "
                "이창용 총재는 환율을 지켜보겠다고 말했다.",
                "language": "ko",
                "source": "B",
                "published_at": day,
            },
            {
                "article_id": "other",
                "title": "손흥민, 파라과이전 결승골",
                "body": "손흥민이 결승골을 넣었다.",
                "language": "ko",
                "source": "B",
                "published_at": day,
            },
        )
    )
    issues = enriched.article_issues
    assert issues["article_id"].to_list() == ["en", "ko"]
    assert issues["issue_id"].n_unique() == 1
    assert issues["day"].to_list() == [date(2026, 11, 25)] * 2
    assert issues["label"].to_list() == ["Bank of Korea · Rhee Chang-yong · 금리"] * 2


def test_group_issues_needs_shared_terms_on_the_same_day() -> None:
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    found = group_issues(
        [
            ArticleTerms("a", monday, ("org:x", "person:y", "kw:z"), ("X", "Y", "z")),
            ArticleTerms("b", monday, ("org:x", "person:y"), ("X", "Y")),
            ArticleTerms("c", monday, ("org:x", "kw:q"), ("X", "q")),
            ArticleTerms("d", tuesday, ("org:x", "person:y"), ("X", "Y")),
        ]
    )
    expected = pl.DataFrame(
        [
            ("a", "issue:2026-11-23:", monday, "X · Y · z"),
            ("b", "issue:2026-11-23:", monday, "X · Y · z"),
        ],
        schema=ARTICLE_ISSUES,
        orient="row",
    )
    assert_frame_equal(found.with_columns(pl.col("issue_id").str.slice(0, 17)), expected)
