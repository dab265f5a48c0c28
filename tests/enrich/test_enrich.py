import polars as pl
from polars.testing import assert_frame_equal

from newsetl.enrich import author_names, enrich_articles, salience
from newsetl.entities import entity_key
from newsetl.schema import ARTICLE_ENTITIES, ARTICLE_TOPICS, ARTICLES, ENTITIES, TOPICS
from newsetl.topics import load_taxonomy, topics_frame


def articles(*rows: dict[str, str | None]) -> pl.DataFrame:
    """An ARTICLES frame with only the columns the enrich step reads filled in."""
    return pl.DataFrame([{**dict.fromkeys(ARTICLES), **row} for row in rows], schema=ARTICLES)


THREE = articles(
    {
        "article_id": "en-1",
        "title": "Meta cuts Quest prices",
        "body": "Meta Platforms cut the price of its Quest 3 headset on Monday. Chief executive "
        "Mark Zuckerberg said mixed reality would grow. Zuckerberg spoke in Seoul.",
        "language": "en",
        "author": "Sarah Kim",
    },
    {
        "article_id": "ko-1",
        "title": "메타, 퀘스트 가격 인하",
        "body": "메타는 27일 퀘스트 가격을 내렸다. "
        "마크 저커버그 최고경영자는 혼합현실 헤드셋 시장을 "
        "키우겠다고 말했다. 저커버그는 서울을 찾았다.\n홍길동 기자 hong@example.com",
        "language": "ko",
        "author": "홍길동 기자",
    },
    {
        "article_id": "ko-2",
        "title": "한은, 기준금리 동결",
        "body": "한국은행은 기준금리를 연 2.25%로 동결했다. "
        "이창용 총재는 환율을 지켜보겠다고 밝혔다.",
        "language": "ko",
        "author": None,
    },
)


def test_enrich_three_articles_exactly() -> None:
    enriched = enrich_articles(THREE)
    expected_entities = pl.DataFrame(
        [
            ("loc:seoul", "Seoul", "LOCATION", ["서울", "서울특별시"], "Q8684"),
            ("org:bank-of-korea", "Bank of Korea", "ORG", ["BOK", "BoK", "한국은행", "한은"], None),
            (
                "org:meta",
                "Meta Platforms",
                "ORG",
                ["Meta", "Meta Platforms Inc.", "메타", "메타 플랫폼스", "메타플랫폼스"],
                "Q380",
            ),
            (
                "person:mark-zuckerberg",
                "Mark Zuckerberg",
                "PERSON",
                ["Zuckerberg", "마크 저커버그", "저커버그"],
                "Q36215",
            ),
            (
                "person:rhee-chang-yong",
                "Rhee Chang-yong",
                "PERSON",
                ["Rhee Chang Yong", "이창용"],
                None,
            ),
            (
                "product:meta-quest",
                "Meta Quest",
                "PRODUCT",
                ["Quest", "Quest 3", "Quest 3S", "메타 퀘스트", "퀘스트", "퀘스트 3", "퀘스트3"],
                None,
            ),
        ],
        schema=ENTITIES,
        orient="row",
    )
    expected_links = pl.DataFrame(
        [
            ("en-1", "org:meta", 2, 0, 1.0),
            ("en-1", "product:meta-quest", 2, 10, 0.9408),
            ("en-1", "person:mark-zuckerberg", 2, 103, 0.4201),
            ("en-1", "loc:seoul", 1, 170, 0.1599),
            ("ko-1", "org:meta", 2, 0, 1.0),
            ("ko-1", "product:meta-quest", 2, 4, 0.9796),
            ("ko-1", "person:mark-zuckerberg", 2, 36, 0.4964),
            ("ko-1", "loc:seoul", 1, 81, 0.2316),
            ("ko-2", "org:bank-of-korea", 2, 0, 1.0),
            ("ko-2", "person:rhee-chang-yong", 1, 40, 0.265),
        ],
        schema=ARTICLE_ENTITIES,
        orient="row",
    )
    # One or two calibrated top-level topics and the sub-topics of those; no low-score tail.
    # ko-1 reads as economy first: the YNAT-trained model knows 가격 인하 (price cut), not
    # Quest; IT comes second, backed by the headset keywords of its XR sub-topic.
    expected_topics = pl.DataFrame(
        [
            ("en-1", "it_science", 0.7809),
            ("en-1", "xr", 0.7118),
            ("ko-1", "economy", 0.6187),
            ("ko-1", "it_science", 0.1594),
            ("ko-2", "economy", 0.9585),
            ("ko-2", "monetary_policy", 0.9547),
        ],
        schema=ARTICLE_TOPICS,
        orient="row",
    )
    assert_frame_equal(enriched.entities, expected_entities)
    assert_frame_equal(enriched.article_entities, expected_links)
    assert_frame_equal(enriched.article_topics, expected_topics)
    assert_frame_equal(enriched.topics, topics_frame(load_taxonomy()))
    assert enriched.topics.schema == pl.Schema(TOPICS)


def test_one_entity_per_real_thing_across_languages() -> None:
    entities = enrich_articles(THREE).entities
    meta = entities.filter(pl.col("entity_id") == "org:meta")
    zuckerberg = entities.filter(pl.col("entity_id") == "person:mark-zuckerberg")
    assert meta.height == 1 and zuckerberg.height == 1
    assert {"Meta", "메타"} <= set(meta["aliases"][0])
    assert {"Zuckerberg", "마크 저커버그", "저커버그"} <= set(zuckerberg["aliases"][0])


def test_enrich_is_deterministic() -> None:
    first = enrich_articles(THREE)
    second = enrich_articles(THREE.reverse())
    assert_frame_equal(first.entities, second.entities)
    assert_frame_equal(first.article_entities, second.article_entities)
    assert_frame_equal(first.article_topics, second.article_topics)


def test_unknown_entity_named_by_its_full_spelling() -> None:
    enriched = enrich_articles(
        articles(
            {
                "article_id": "a",
                "title": "Acme Holdings expands",
                "body": "Acme Holdings said sales rose. Acme said costs fell. Acme said more.",
                "language": "en",
            }
        )
    )
    key = entity_key("Acme Holdings", "ORG")
    assert enriched.entities.row(0) == (key, "Acme Holdings", "ORG", ["Acme"], None)
    assert enriched.article_entities.row(0) == ("a", key, 4, 0, 1.0)


def test_an_unknown_place_is_one_entity_with_or_without_its_address() -> None:
    enriched = enrich_articles(
        articles(
            {
                "article_id": "a",
                "title": "대표팀, 고양서 첫 훈련",
                "body": "축구 대표팀은 10일 경기 고양종합운동장에서 첫 훈련을 했다.",
                "language": "ko",
            },
            {
                "article_id": "b",
                "title": "평가전 매진",
                "body": "14일 고양종합운동장에서 열리는 평가전 입장권이 모두 팔렸다.",
                "language": "ko",
            },
        ),
        workers=1,
    )
    key = entity_key("고양종합운동장", "LOCATION")
    stadium = enriched.entities.filter(pl.col("entity_id") == key)
    assert stadium.rows() == [(key, "고양종합운동장", "LOCATION", ["경기 고양종합운동장"], None)]
    linked = enriched.article_entities.filter(pl.col("entity_id") == key)
    assert sorted(linked["article_id"]) == ["a", "b"]


def test_reporter_in_author_column_is_not_an_entity_unless_in_headline() -> None:
    body = "Jane Doe reports. Samsung Electronics said profit rose."
    enriched = enrich_articles(
        articles(
            {
                "article_id": "a",
                "title": "Samsung profit",
                "body": body,
                "language": "en",
                "author": "By Jane Doe",
            },
            {
                "article_id": "b",
                "title": "Jane Doe wins award",
                "body": body,
                "language": "en",
                "author": "Jane Doe",
            },
        )
    )
    by_article = enriched.article_entities.group_by("article_id").agg(pl.col("entity_id").sort())
    assert dict(by_article.sort("article_id").iter_rows()) == {
        "a": ["org:samsung-electronics"],
        "b": ["org:samsung-electronics", entity_key("Jane Doe", "PERSON")],
    }


def test_salience_ranks_headline_entity_above_a_late_single_mention() -> None:
    enriched = enrich_articles(
        articles(
            {
                "article_id": "a",
                "title": "삼성전자, 신형 갤럭시 공개",
                "body": "회사는 새 스마트폰을 공개했다. " * 10 + "애플도 관심을 보였다.",
                "language": "ko",
            }
        )
    )
    scores = dict(enriched.article_entities.select("entity_id", "salience").iter_rows())
    assert scores["org:samsung-electronics"] > scores["org:apple"]
    assert all(0.0 <= s <= 1.0 for s in scores.values())


def test_salience_bounds() -> None:
    assert salience([0], 10, 100, 3, 3) == 1.0
    assert salience([95], 0, 100, 1, 5) == round(0.25 * (1 - 93 / 100) + 0.3 * 0.2, 4)


def test_author_names() -> None:
    assert author_names("홍길동 기자") == {"홍길동"}
    assert author_names("By Maria Alvarez and Tom Roe") == {"maria alvarez", "tom roe"}
    assert author_names(None) == set()


def test_empty_frame_gives_empty_frames_with_schemas() -> None:
    enriched = enrich_articles(articles())
    assert enriched.entities.schema == pl.Schema(ENTITIES) and enriched.entities.height == 0
    assert enriched.article_entities.schema == pl.Schema(ARTICLE_ENTITIES)
    assert enriched.article_topics.schema == pl.Schema(ARTICLE_TOPICS)


def test_korean_articles_go_to_workers_together_and_come_back_in_place() -> None:
    """Spread over two worker processes, a batch whose Korean articles are scattered among
    English ones gets the same rows, in the same order, as in one process: the shares put the
    Korean articles first and their analyses are put back where their articles were."""
    from newsetl.workers import kept_workers

    rows = []
    for n in range(130):
        if n % 7 == 3:
            rows.append(
                {
                    "article_id": f"ko-{n}",
                    "title": f"한국은행, 기준금리 {n}번째 동결",
                    "body": "한국은행은 기준금리를 동결했다. 이창용 총재는 서울에서 "
                    "환율을 지켜보겠다고 밝혔다.",
                    "language": "ko",
                    "author": None,
                }
            )
        else:
            rows.append(
                {
                    "article_id": f"en-{n}",
                    "title": f"Meta cuts Quest prices for the {n}th time",
                    "body": "Meta Platforms cut the price of its Quest 3 headset. Chief "
                    "executive Mark Zuckerberg spoke in Seoul on Monday.",
                    "language": "en",
                    "author": "Sarah Kim",
                }
            )
    batch = articles(*rows)

    alone = enrich_articles(batch, workers=1)
    with kept_workers(2):
        shared = enrich_articles(batch)

    for name in ("entities", "article_entities", "article_topics", "article_keywords"):
        assert_frame_equal(getattr(shared, name), getattr(alone, name))
    korean_links = alone.article_entities.filter(pl.col("article_id") == "ko-3")
    assert "org:bank-of-korea" in korean_links["entity_id"].to_list()


def test_a_surname_and_title_counts_for_the_person_but_is_no_alias() -> None:
    enriched = enrich_articles(
        articles(
            {
                "article_id": "ko-3",
                "title": '이 총재 "환율 변동성 지켜볼 것"',
                "body": "이창용 한국은행 총재는 25일 기자간담회를 열었다. "
                "이 총재는 한미 금리 차를 언급했다.",
                "language": "ko",
                "author": None,
            }
        ),
        workers=1,
    )
    links = enriched.article_entities.filter(pl.col("entity_id") == "person:rhee-chang-yong")
    assert links.select("mention_count", "first_offset").row(0) == (3, 0)
    rhee = enriched.entities.filter(pl.col("entity_id") == "person:rhee-chang-yong")
    assert rhee["aliases"][0].to_list() == ["Rhee Chang Yong", "이창용"]
    united_states = enriched.entities.filter(pl.col("entity_id") == "loc:country-us")
    assert "미" not in united_states["aliases"][0].to_list()


def test_an_unknown_korean_person_is_one_entity_in_both_languages() -> None:
    enriched = enrich_articles(
        articles(
            {
                "article_id": "ko-mvp",
                "title": "한화 강태민, 생애 첫 MVP",
                "body": "한화 이글스 내야수 강태민이 최우수선수에 뽑혔다. 강태민은 41홈런을 쳤다.",
                "language": "ko",
                "author": None,
            },
            {
                "article_id": "en-mvp",
                "title": "Hanwha's Kang Tae-min named MVP",
                "body": "Hanwha Eagles infielder Kang Tae-min was named the league's MVP.",
                "language": "en",
                "author": None,
            },
        ),
        workers=1,
    )
    kang = entity_key("Kang Taemin", "PERSON")  # the surname and the given name run together
    row = enriched.entities.filter(pl.col("entity_id") == kang)
    assert row.select("name", "entity_type").row(0) == ("Kang Tae-min", "PERSON")
    assert row["aliases"][0].to_list() == ["강태민"]
    linked = enriched.article_entities.filter(pl.col("entity_id") == kang)
    assert sorted(linked["article_id"].to_list()) == ["en-mvp", "ko-mvp"]
