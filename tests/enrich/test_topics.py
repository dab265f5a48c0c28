import polars as pl
import pytest
from polars.testing import assert_frame_equal

from newsetl.schema import TOP_TOPICS, TOPICS
from newsetl.topics import build_taxonomy, load_taxonomy, score_topics, topics_frame


def test_topics_frame_has_the_eight_top_topics_with_labels() -> None:
    frame = topics_frame(load_taxonomy())
    assert frame.schema == pl.Schema(TOPICS)
    tops = frame.filter(pl.col("parent_topic_id").is_null())
    assert sorted(tops["topic_id"].to_list()) == sorted(TOP_TOPICS)
    assert tops.filter(pl.col("topic_id") == "economy").row(0) == (
        "economy",
        "Economy",
        "경제",
        None,
    )


@pytest.mark.parametrize(
    ("sub_topic", "parent"),
    [
        ("ai", "it_science"),
        ("semiconductors", "it_science"),
        ("xr", "it_science"),
        ("autos", "economy"),
        ("energy", "economy"),
        ("real_estate", "economy"),
        ("monetary_policy", "economy"),
        ("elections", "politics"),
        ("diplomacy", "politics"),
        ("labor", "society"),
        ("weather", "society"),
        ("football", "sports"),
        ("baseball", "sports"),
        ("k_pop", "entertainment"),
        ("film", "culture_life"),
    ],
)
def test_sub_topics_have_parents(sub_topic: str, parent: str) -> None:
    frame = topics_frame(load_taxonomy())
    assert frame.filter(pl.col("topic_id") == sub_topic)["parent_topic_id"].to_list() == [parent]


@pytest.mark.parametrize(
    ("title", "body", "language", "top", "sub"),
    [
        pytest.param(
            "한은, 기준금리 연 2.25% 동결",
            "",
            "ko",
            "economy",
            "monetary_policy",
            id="ko-headline-only-rates",
        ),
        pytest.param(
            "손흥민, 파라과이전 결승골",
            "",
            "ko",
            "sports",
            "football",
            id="ko-headline-only-football",
        ),
        pytest.param(
            "전국 한파특보…서울 영하 12도",
            "기상청은 내일 아침 기온이 더 떨어진다고 밝혔다.",
            "ko",
            "society",
            "weather",
            id="ko-cold-wave",
        ),
        pytest.param(
            "SK하이닉스, HBM4 양산 돌입",
            "반도체 업계는 엔비디아 공급을 주목한다.",
            "ko",
            "it_science",
            "semiconductors",
            id="ko-chips",
        ),
        pytest.param(
            "Bank of Korea holds key rate at 2.25%",
            "",
            "en",
            "economy",
            "monetary_policy",
            id="en-headline-only-rates",
        ),
        pytest.param(
            "Meta cuts Quest prices as headset war with Apple heats up",
            "Mixed reality headsets.",
            "en",
            "it_science",
            "xr",
            id="en-xr",
        ),
        pytest.param(
            "Hyundai adds second shift at Georgia EV plant",
            "The automaker will hire workers.",
            "en",
            "economy",
            "autos",
            id="en-autos",
        ),
        pytest.param(
            "APEC leaders pledge open supply chains",
            "The summit of Asia-Pacific Economic Cooperation leaders ended.",
            None,
            "world",
            "apec",
            id="en-no-language",
        ),
    ],
)
def test_score_topics_picks_section_and_sub_topic(
    title: str, body: str, language: str | None, top: str, sub: str
) -> None:
    scores = score_topics(title, body, language, load_taxonomy())
    ids = [topic_id for topic_id, _ in scores]
    assert [t for t in ids if t in TOP_TOPICS][0] == top
    assert sub in ids
    assert all(0 < score <= 1 for _, score in scores)
    assert [s for _, s in scores] == sorted((s for _, s in scores), reverse=True)


def test_sub_topic_match_also_scores_parent() -> None:
    scores = dict(score_topics("기준금리", "", "ko", load_taxonomy()))
    assert scores["monetary_policy"] > 0
    assert scores["economy"] >= scores["monetary_policy"]


def test_headline_counts_more_than_body() -> None:
    taxonomy = load_taxonomy()
    in_title = dict(score_topics("반도체", "오늘 발표가 있었다.", "ko", taxonomy))["semiconductors"]
    in_body = dict(score_topics("발표", "오늘 반도체 발표가 있었다.", "ko", taxonomy))[
        "semiconductors"
    ]
    assert in_title > in_body


def test_no_keywords_no_topics() -> None:
    assert score_topics(None, "", None, load_taxonomy()) == []


def test_short_english_acronyms_match_only_in_capitals() -> None:
    taxonomy = load_taxonomy()
    assert "ai" in dict(score_topics("AI chips", "", "en", taxonomy))
    assert "ai" not in dict(score_topics("Ai Weiwei exhibition", "", "en", taxonomy))


def test_custom_taxonomy_must_keep_the_top_topics() -> None:
    with pytest.raises(ValueError, match="top-level topics"):
        build_taxonomy({"topics": [{"id": "economy", "label": "Economy", "label_ko": "경제"}]})


@pytest.mark.parametrize("weight", [".inf", ".nan"])
def test_a_keyword_weight_must_be_a_number(weight: str) -> None:
    """YAML's .inf and .nan parse as floats; a taxonomy that uses them is refused in one line
    instead of scoring every article infinite or NaN."""
    import yaml

    document = {
        "topics": [
            {"id": t, "label": t.title(), "label_ko": t, "keywords": {"en": [t]}}
            for t in TOP_TOPICS
        ]
    }
    document["topics"][1]["keywords"] = {"en": yaml.safe_load(f"{{rates: {weight}}}")}
    with pytest.raises(ValueError, match="^taxonomy keyword 'rates' has weight"):
        build_taxonomy(document)


def test_custom_taxonomy_frame() -> None:
    document = {
        "topics": [
            {"id": t, "label": t.title(), "label_ko": t, "keywords": {"en": [t]}}
            for t in TOP_TOPICS
        ]
    }
    document["topics"][1]["children"] = [
        {"id": "rates", "label": "Rates", "label_ko": "금리", "keywords": {"ko": {"금리": 2}}}
    ]
    taxonomy = build_taxonomy(document)
    expected = pl.DataFrame(
        {
            "topic_id": ["politics", "economy", "rates", *TOP_TOPICS[2:]],
            "label": ["Politics", "Economy", "Rates", *(t.title() for t in TOP_TOPICS[2:])],
            "label_ko": ["politics", "economy", "금리", *TOP_TOPICS[2:]],
            "parent_topic_id": [None, None, "economy", *([None] * 6)],
        },
        schema=TOPICS,
    )
    assert_frame_equal(topics_frame(taxonomy), expected)
    assert score_topics("금리", "", "ko", taxonomy) == [("economy", 0.6464), ("rates", 0.6464)]
