import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl import entities
from newsetl.entities import Mention, clean_name, entity_key, find_mentions
from newsetl.gazetteer import load_gazetteer
from newsetl.schema import ENTITY_TYPES


def names(mentions: list[Mention]) -> list[tuple[str, str]]:
    """(name, type) of each mention, in order."""
    return [(m.name, m.entity_type) for m in mentions]


def keyed(mentions: list[Mention]) -> list[tuple[str, str, str]]:
    """(name, type, entity key) of each mention, in order."""
    return [(m.name, m.entity_type, m.entity_key) for m in mentions]


def keys(mentions: list[Mention]) -> set[str]:
    """The entity keys found."""
    return {m.entity_key for m in mentions}


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        pytest.param("조주완 사장", "조주완", id="ko-title-after"),
        pytest.param("홍길동 전 대통령", "홍길동", id="ko-former-title"),
        pytest.param("저커버그는", "저커버그", id="ko-particle"),
        pytest.param("삼성전자와", "삼성전자", id="ko-particle-after-known"),
        pytest.param("한국은행에서", "한국은행", id="ko-two-syllable-particle"),
        pytest.param("유상무", "유상무", id="ko-name-ending-like-a-title"),
        pytest.param("CEO Tim Cook", "Tim Cook", id="en-title-before"),
        pytest.param("President Joe Biden", "Joe Biden", id="en-president"),
        pytest.param("Prime Minister Shigeru Ishiba", "Shigeru Ishiba", id="en-two-word-title"),
        pytest.param("Meta's", "Meta", id="en-possessive"),
    ],
)
def test_clean_name_strips_titles_and_particles(surface: str, expected: str) -> None:
    assert clean_name(surface, load_gazetteer()) == expected


def test_korean_mentions_are_cleaned_typed_and_keyed() -> None:
    found = find_mentions(
        "조주완 사장, XR 사업 재편",
        "LG전자 조주완 사장은 27일 메타와 손잡았다고 밝혔다. 저커버그는 환영했다.",
        "ko",
        load_gazetteer(),
    )
    assert names(found) == [
        ("조주완", "PERSON"),
        ("LG전자", "ORG"),
        ("조주완", "PERSON"),
        ("메타", "ORG"),
        ("저커버그", "PERSON"),
    ]
    assert [m.entity_key for m in found] == [
        "person:william-cho",
        "org:lg-electronics",
        "person:william-cho",
        "org:meta",
        "person:mark-zuckerberg",
    ]
    text = (
        "조주완 사장, XR 사업 재편\n\n"
        "LG전자 조주완 사장은 27일 메타와 손잡았다고 밝혔다. 저커버그는 환영했다."
    )
    assert all(text[m.offset : m.offset + len(m.name)] == m.name for m in found)


def test_bare_surnames_are_dropped() -> None:
    found = find_mentions(
        None,
        "이재용 회장이 말했다. 김 사장은 박모(54)씨와 만났다. 박모씨는 다쳤다.",
        "ko",
        load_gazetteer(),
    )
    assert names(found) == [("이재용", "PERSON")]


def test_a_surname_and_title_is_the_person_named_before() -> None:
    found = find_mentions(
        "이 회장, 반도체 투자 확대",
        "이재용 삼성전자 회장은 27일 기자들과 만났다. 이 회장은 투자를 늘리겠다고 말했다. "
        '김철수(45)씨와 김영희 교수도 참석했다. 김씨는 "놀랐다"고 했고, 김 교수는 웃었다. '
        "이 대표팀은 이겼다. 정 의원은 불참했다.",
        "ko",
        load_gazetteer(),
    )
    kim, kim_professor = entity_key("Kim Cheolsu", "PERSON"), entity_key("Kim Yeonghui", "PERSON")
    assert keyed(found) == [
        ("이", "PERSON", "person:lee-jae-yong"),  # the headline's, named in the story
        ("이재용", "PERSON", "person:lee-jae-yong"),
        ("삼성전자", "ORG", "org:samsung-electronics"),
        ("이", "PERSON", "person:lee-jae-yong"),
        ("김철수", "PERSON", kim),
        ("김영희", "PERSON", kim_professor),
        ("김", "PERSON", kim),
        ("김", "PERSON", kim_professor),
    ]


@pytest.mark.parametrize(
    ("body", "expected", "keyed_as"),
    [
        # A Korean person is keyed as English-language news spells them (see below).
        pytest.param(
            "김철수 대표는 말했다.", ("김철수", "PERSON"), "Kim Cheolsu", id="person-by-title"
        ),
        pytest.param(
            "한빛전자는 신제품을 냈다.", ("한빛전자", "ORG"), "한빛전자", id="org-by-suffix"
        ),
        pytest.param(
            "새빛군은 축제를 열었다.", ("새빛군", "LOCATION"), "새빛군", id="location-by-suffix"
        ),
        pytest.param(
            "닌텐도는 게임기를 내놓았다.", ("닌텐도", "ORG"), "닌텐도", id="company-ending-in-do"
        ),
    ],
)
def test_unknown_korean_names_are_typed_by_context(
    body: str, expected: tuple[str, str], keyed_as: str
) -> None:
    found = find_mentions(None, body, "ko", load_gazetteer())
    assert names(found) == [expected]
    assert found[0].entity_key == entity_key(keyed_as, expected[1])


@pytest.mark.parametrize(
    ("korean", "english"),
    [
        ("강태민", "Kang Tae-min"),
        ("강태민", "Kang Taemin"),
        ("박서율", "Park Seo-yul"),
        ("이하은", "Yi Ha-eun"),
        ("최준혁", "Choe Jun-hyeok"),
        ("정예린", "Jeong Ye-rin"),
    ],
)
def test_an_unknown_korean_person_and_their_english_spelling_are_one_entity(
    korean: str, english: str
) -> None:
    gazetteer = load_gazetteer()
    ko = find_mentions(None, f"{korean} 선수는 결승골을 넣었다.", "ko", gazetteer)
    en = find_mentions(None, f"Striker {english} scored the winner.", "en", gazetteer)
    assert names(ko) == [(korean, "PERSON")]
    assert names(en) == [(english, "PERSON")]
    assert ko[0].entity_key == en[0].entity_key


def test_other_unknown_people_keep_their_own_spelling_as_key() -> None:
    found = find_mentions(None, "Striker Mateo Alvarez scored the winner.", "en", load_gazetteer())
    assert keyed(found) == [("Mateo Alvarez", "PERSON", entity_key("Mateo Alvarez", "PERSON"))]


def test_korean_dateline_and_byline_are_not_mentions() -> None:
    found = find_mentions(
        None,
        "[서울=연합뉴스] 홍길동 기자 = 한국은행이 금리를 동결했다. 홍 기자는 현장을 지켰다."
        "\n홍길동 기자 hong@example.com",
        "ko",
        load_gazetteer(),
    )
    assert names(found) == [("한국은행", "ORG")]  # nor 홍 기자, the reporter again


def test_english_mentions_with_titles_suffixes_and_sentence_openers() -> None:
    found = find_mentions(
        "Nvidia CEO Jensen Huang visits Seoul",
        "The visit came as Acme Corp. said demand was strong. However, analysts were cautious. "
        "Jane Doe, chief executive of Acme Corp., said prices would rise.",
        "en",
        load_gazetteer(),
    )
    assert names(found) == [
        ("Nvidia", "ORG"),
        ("Jensen Huang", "PERSON"),
        ("Seoul", "LOCATION"),
        ("Acme Corp.", "ORG"),
        ("Jane Doe", "PERSON"),
        ("Acme Corp.", "ORG"),
    ]


@pytest.mark.parametrize(
    ("title", "body", "language", "expected"),
    [
        pytest.param(
            "Microsoft retires Internet Explorer",
            "Microsoft said Internet Explorer would stop receiving updates before the Super "
            "Bowl, and urged users to move to Microsoft Edge.",
            "en",
            [
                ("Microsoft", "ORG", "org:microsoft"),
                ("Internet Explorer", "PRODUCT", "product:internet-explorer"),
                ("Microsoft", "ORG", "org:microsoft"),
                ("Internet Explorer", "PRODUCT", "product:internet-explorer"),
                ("Super Bowl", "EVENT", "event:super-bowl"),
                ("Microsoft Edge", "PRODUCT", "product:microsoft-edge"),
            ],
            id="english-products-and-an-event",
        ),
        pytest.param(
            "누리호 4차 발사 성공",
            "추석 연휴를 앞두고 누리호가 발사됐다. 삼성전자는 갤럭시 Z 폴드7을 공개했다.",
            "ko",
            [
                ("누리호", "PRODUCT", "product:nuri-rocket"),
                ("추석 연휴", "EVENT", "event:chuseok"),
                ("누리호", "PRODUCT", "product:nuri-rocket"),
                ("삼성전자", "ORG", "org:samsung-electronics"),
                ("갤럭시 Z 폴드7", "PRODUCT", "product:galaxy-z-fold-7"),
            ],
            id="korean-products-and-a-holiday",
        ),
        pytest.param(
            "",
            "한미 양국이 한국산 자동차에 대한 관세를 15%로 정했다.",
            "ko",
            [
                ("한", "ORG", "loc:country-kr"),
                ("미", "ORG", "loc:country-us"),
                ("한국", "LOCATION", "loc:country-kr"),
            ],
            id="made-in-a-country-is-the-country",
        ),
        pytest.param(
            "",
            "국민의힘 예결위 간사는 기자들과 만나 예산을 줄여야 한다고 말했다.",
            "ko",
            [
                ("국민의힘", "ORG", "org:people-power-party"),
                ("예결위", "ORG", "org:assembly-budget-committee"),
            ],
            id="a-known-body-before-a-known-body-is-two",
        ),
        # On a page that names a team after its owner, the owner's name alone is the team.
        pytest.param(
            "",
            "한화 이글스가 KIA 타이거즈를 꺾었다. 한화는 3연승을 달렸고 KIA는 2위로 내려갔다. "
            "한화그룹은 축하 메시지를 냈다.",
            "ko",
            [
                ("한화 이글스", "ORG", "org:hanwha-eagles"),
                ("KIA 타이거즈", "ORG", "org:kia-tigers"),
                ("한화", "ORG", "org:hanwha-eagles"),
                ("KIA", "ORG", "org:kia-tigers"),
                ("한화그룹", "ORG", "org:hanwha-group"),
            ],
            id="korean-sports-page",
        ),
        pytest.param(
            "",
            "The Hanwha Eagles beat the KIA Tigers 5-3. Hanwha has won three in a row.",
            "en",
            [
                ("Hanwha Eagles", "ORG", "org:hanwha-eagles"),
                ("KIA Tigers", "ORG", "org:kia-tigers"),
                ("Hanwha", "ORG", "org:hanwha-eagles"),
            ],
            id="english-sports-page",
        ),
        pytest.param(
            "",
            "한화는 방위산업 수출을 늘린다. 한화에어로스페이스가 계약을 따냈다.",
            "ko",
            [
                ("한화", "ORG", "org:hanwha-group"),
                ("한화에어로스페이스", "ORG", "org:hanwha-aerospace"),
            ],
            id="no-team-no-move",
        ),
    ],
)
def test_known_products_events_countries_and_teams_keep_their_entity(
    title: str, body: str, language: str, expected: list[tuple[str, str, str]]
) -> None:
    assert keyed(find_mentions(title, body, language, load_gazetteer())) == expected


def test_english_events_are_known_by_their_last_word() -> None:
    found = find_mentions(
        "Runners return",
        "About 30,000 runners joined the Seoul Marathon on Sunday. Epic Games said the World "
        "Economic Forum would meet in Davos.",
        "en",
        load_gazetteer(),
    )
    assert names(found) == [
        ("Seoul Marathon", "EVENT"),
        ("Epic Games", "ORG"),
        ("World Economic Forum", "ORG"),
        ("Davos", "LOCATION"),
    ]


def test_a_team_named_by_its_role_is_no_entity() -> None:
    found = find_mentions(
        "",
        "홍명보 감독이 이끄는 축구 국가대표팀은 파라과이를 2-0으로 꺾었다. "
        "대표팀은 이날 손흥민을 선발로 내세웠다.",
        "ko",
        load_gazetteer(),
    )
    assert names(found) == [("홍명보", "PERSON"), ("파라과이", "LOCATION"), ("손흥민", "PERSON")]


def test_english_byline_is_not_a_mention() -> None:
    found = find_mentions(
        "Samsung profit rises",
        "By Maria Alvarez, Meridian Wire\nSamsung Electronics said profit rose.\n"
        "(Reporting by John Roe; Editing by Ann Poe)",
        "en",
        load_gazetteer(),
    )
    assert keys(found) == {"org:samsung-electronics"}


def test_a_wires_credit_in_an_english_dateline_is_not_a_mention() -> None:
    found = find_mentions(
        "Prices and shifts",
        "SEOUL (Yonhap) -- Samsung Electronics said prices would rise.\n"
        "ELLABELL, Ga. (Meridian Wire) — Hyundai Motor will add a shift near Savannah.",
        "en",
        load_gazetteer(),
    )
    assert not [m.name for m in found if "Yonhap" in m.name or "Meridian" in m.name]
    assert {
        "org:samsung-electronics",
        "org:hyundai-motor",
        "loc:seoul",
        "loc:georgia-us-state",
        "loc:savannah",
    } <= keys(found)


@pytest.mark.parametrize(
    ("title", "body", "language", "short", "full_key"),
    [
        pytest.param(
            None,
            "제롬 파월 의장이 말했다. 파월은 웃었다.",
            "ko",
            "파월",
            "person:jerome-powell",
            id="ko-known",
        ),
        pytest.param(
            None,
            "존 스미스 회장이 왔다. 스미스는 떠났다.",
            "ko",
            "스미스",
            entity_key("존 스미스", "PERSON"),
            id="ko-unknown-person",
        ),
        pytest.param(
            None,
            "Jane Doe said sales rose. Doe added that costs fell.",
            "en",
            "Doe",
            entity_key("Jane Doe", "PERSON"),
            id="en-unknown-person",
        ),
        pytest.param(
            None,
            "Governor Rhee Chang-yong spoke. Rhee said rates would hold.",
            "en",
            "Rhee",
            "person:rhee-chang-yong",
            id="en-korean-surname-first",
        ),
        pytest.param(
            None,
            "Acme Holdings said sales rose. Acme said costs fell.",
            "en",
            "Acme",
            entity_key("Acme Holdings", "ORG"),
            id="en-org-prefix",
        ),
        pytest.param(
            None,
            "The National Assembly met on Monday. The Assembly has missed the deadline again.",
            "en",
            "Assembly",
            "org:national-assembly",
            id="en-org-last-word",
        ),
        pytest.param(
            None,
            "삼성전자가 발표했다. 삼성은 웃었다.",
            "ko",
            "삼성",
            "org:samsung-electronics",
            id="ko-org-prefix",
        ),
        pytest.param(
            "Zuckerberg bets on glasses",
            "Mark Zuckerberg said so.",
            "en",
            "Zuckerberg",
            "person:mark-zuckerberg",
            id="en-headline-before-full",
        ),
    ],
)
def test_short_forms_resolve_to_the_full_name_in_the_article(
    title: str | None, body: str, language: str, short: str, full_key: str
) -> None:
    found = find_mentions(title, body, language, load_gazetteer())
    short_mentions = [m for m in found if m.name == short]
    assert short_mentions
    assert {m.entity_key for m in short_mentions} == {full_key}
    assert len(keys(found)) == 1


def test_language_is_detected_when_missing() -> None:
    found = find_mentions("애플, 비전 프로 출시", "", None, load_gazetteer())
    assert keys(found) == {"org:apple", "product:apple-vision-pro"}


def test_types_are_schema_types() -> None:
    found = find_mentions(
        "World Cup draw in Washington",
        "FIFA and the Premier League, Tottenham Hotspur and ChatGPT were named.",
        "en",
        load_gazetteer(),
    )
    assert {m.entity_type for m in found} <= set(ENTITY_TYPES)
    assert keys(found) == {
        "event:fifa-world-cup",
        "loc:washington-dc",
        "org:fifa",
        "org:premier-league",
        "org:tottenham-hotspur",
        "product:chatgpt",
    }


def test_entity_key_is_stable() -> None:
    assert entity_key("Jane Doe", "PERSON") == "person:3de054ac0c69"
    assert entity_key("jane  doe", "PERSON") == entity_key("Jane Doe", "PERSON")
    assert entity_key("Jane Doe", "ORG").startswith("org:")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "Fans cheered as Dries Mertens scored.", ("Dries Mertens", "PERSON"), id="given-name"
        ),
        pytest.param("Storms hit Herat overnight.", ("Herat", "LOCATION"), id="subdivision"),
        pytest.param("Officials from KCNA spoke.", ("KCNA", "ORG"), id="acronym"),
    ],
)
def test_english_names_without_context_are_typed_by_shape(
    body: str, expected: tuple[str, str]
) -> None:
    found = find_mentions(None, body, "en", load_gazetteer())
    assert expected in names(found)


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        pytest.param("이재현", "이재현", id="name-ending-like-a-lead-word"),
        pytest.param("경남도", "경남도", id="place-ending-like-a-particle"),
        pytest.param("조주완 사장", "조주완", id="title-still-stripped"),
        pytest.param("딜런 패로의", "딜런 패로", id="possessive-glued-by-kiwi-stripped"),
        pytest.param("송파구 풍납동의", "송파구 풍납동", id="possessive-after-a-place-stripped"),
        pytest.param("국무회의", "국무회의", id="a-name-ending-in-a-noun-in-ui-kept"),
    ],
)
def test_clean_name_keeps_tagged_spans_whole(surface: str, expected: str) -> None:
    assert clean_name(surface, particles=False) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=12),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=12),
)
def test_occupied_answers_as_the_span_by_span_test(taken, queries):
    """The character map that checks many spans at once gives _overlaps' answers, empty and
    touching spans included."""
    occupied = entities._Occupied(40, [])
    spans: list[tuple[int, int]] = []
    for span in taken:
        occupied.add(*span)
        spans.append(span)
        for query in queries:
            assert occupied.overlaps(*query) == entities._overlaps(*query, spans)


def _tagged(text: str, name: str, kind: str) -> "entities._Candidate":
    start = text.index(name)
    return entities._Candidate(start, start + len(name), name, kind, None, tagged=True)


@pytest.mark.parametrize(
    ("text", "name", "kind", "expected"),
    [
        pytest.param(
            "한화 이글스의 거포 내야수 강태민(27)이 MVP에 뽑혔다.",
            "거포 내야수 강태민",
            "PERSON",
            ("강태민", "PERSON"),
            id="role-words-before-a-name",
        ),
        pytest.param(
            "한화 이글스의 거포 내야수 강태민(27)이 MVP에 뽑혔다.",
            "내야수",
            "PERSON",
            None,
            id="a-role-alone-is-no-person",
        ),
        pytest.param(
            "'41홈런' 한화 강태민, 생애 첫 MVP",
            "한화 강태민",
            "PERSON",
            ("강태민", "PERSON"),
            id="team-before-a-name",
        ),
        pytest.param(
            "후반 27분 반 페르시는 슈팅을 놓쳤고, 멤피스 데파이가 교체 투입됐다.",
            "반 페르시",
            "PERSON",
            ("반 페르시", "PERSON"),
            id="a-place-name-that-starts-a-foreign-name",  # 반: Van, Turkey
        ),
        pytest.param(
            "홍명보호, 파라과이 2-0 꺾고 올해 마무리",
            "홍명보호",
            "PERSON",
            ("홍명보호", "ORG"),
            id="team-called-after-its-coach",
        ),
        pytest.param(
            "기획재정부는 이날 거시경제금융현안간담회를 열었다.",
            "거시경제금융현안간담회",
            "ORG",
            ("거시경제금융현안간담회", "EVENT"),
            id="a-meeting-is-an-event",
        ),
        pytest.param(
            "도쿄와 오사카, 태국 방콕 등 14개 도시에서 공연했다.",
            "태국 방콕",
            "ORG",
            ("태국 방콕", "LOCATION"),
            id="known-places-make-a-place",
        ),
        pytest.param(
            "한미 양국이 한국산 자동차에 대한 관세를 15%로 정했다.",
            "한국산 자동차",
            "LOCATION",
            ("한국", "LOCATION"),
            id="made-in-a-country",
        ),
        pytest.param(
            "부산 해운대구 영화의전당 일대에서 개막했다.",
            "부산 해운대구 영화의전당 일대",
            "LOCATION",
            ("부산 해운대구 영화의전당", "LOCATION"),
            id="around-a-place",
        ),
        pytest.param(
            "LG전자가 확장현실(XR) 헤드셋을 내놓는다.",
            "확장현실",
            "PERSON",
            None,
            id="common-nouns-are-no-person",
        ),
        pytest.param(
            '기재부 관계자는 "정부안은 최소한의 규모"라고 말했다.',
            "정부안",
            "ORG",
            None,
            id="a-bodys-proposal",
        ),
        pytest.param(
            "가수 태연이 신곡을 냈다.", "태연", "PERSON", ("태연", "PERSON"), id="short-name"
        ),
        pytest.param(
            "윤영빈 우주항공청장은 추석 연휴 전에 결과를 설명하겠다고 말했다.",
            "우주항공",
            "ORG",
            ("우주항공청", "ORG"),
            id="a-body-with-its-head-written-on",
        ),
        pytest.param(
            "강태민은 24일 시상식에서 트로피를 받았다.",
            "태민",
            "PERSON",
            ("강태민", "PERSON"),
            id="a-surname-kiwi-cut-off",
        ),
        pytest.param(
            "LG전자가 미국 메타와 공동 개발 중인 확장현실(XR) 헤드셋을 2027년 내놓는다.",
            "확장현실",
            "PERSON",
            None,
            id="a-term-before-its-abbreviation",
        ),
    ],
)
def test_tagged_korean_spans_are_mended_into_names(
    text: str, name: str, kind: str, expected: tuple[str, str] | None
) -> None:
    gazetteer = load_gazetteer()
    tokens = entities.tokenize_korean([text], gazetteer)[0]
    mended = entities._korean_cleaned(_tagged(text, name, kind), tokens, gazetteer)
    if expected is None:
        assert mended is None
    else:
        assert mended is not None
        assert (mended.name, mended.entity_type) == expected
        assert text[mended.start : mended.end] == mended.name


def test_english_tagged_spans_leave_out_openers_months_and_laws() -> None:
    text = (
        "Without Korea, there is no AI build-out, Huang said in Seoul. Under the National "
        "Assembly Act, the budget goes to a vote on Dec. 1, and the next meeting is in January."
    )
    spans = [
        (0, 13, "ORG"),  # Without Korea
        (text.index("National"), text.index(" Act") + 4, "ORG"),
        (text.index("Dec"), text.index("Dec") + 4, "PERSON"),
        (text.index("January"), text.index("January") + 7, "PERSON"),
    ]
    found = entities._with_tagged_english(text, [], spans, load_gazetteer())
    assert [(c.name, c.entity_type) for c in found] == [
        ("Korea", "ORG"),  # the tagger's type; the name links to the country
        ("National Assembly Act", "OTHER"),
    ]


@pytest.mark.parametrize(
    ("text", "name", "kind", "expected"),
    [
        pytest.param(
            "2024년 마크 저커버그 메타 최고경영자(CEO)가 방한했다.",
            "마크 저커버그 메타",
            "ORG",
            [("마크 저커버그", "PERSON", "Mark Zuckerberg"), ("메타", "ORG", "Meta Platforms")],
            id="a-person-before-a-body",
        ),
        pytest.param(
            "SK하이닉스 청주 공장은 이번 달부터 새 라인을 돌린다.",
            "SK하이닉스 청주",
            "LOCATION",
            [("SK하이닉스", "ORG", "SK hynix"), ("청주", "LOCATION", "Cheongju")],
            id="a-body-before-a-place",
        ),
    ],
)
def test_known_names_side_by_side_are_two_names(
    text: str, name: str, kind: str, expected: list[tuple[str, str, str]]
) -> None:
    gazetteer = load_gazetteer()
    tokens = entities.tokenize_korean([text], gazetteer)[0]
    mended = entities._korean_cleaned(_tagged(text, name, kind), tokens, gazetteer)
    assert isinstance(mended, list)
    assert [(text[c.start : c.end], c.entity_type, c.entry.name) for c in mended] == expected


def test_one_name_is_one_type_in_an_article() -> None:
    """The headline's person and the body's group twice are one group."""
    text = "노바웨이브, 고척돔서 피날레\n\n그룹 노바웨이브가 공연을 마쳤다. 노바웨이브는 감사했다."
    at = [i for i in range(len(text)) if text.startswith("노바웨이브", i)]
    found = [
        entities._Candidate(a, a + 5, "노바웨이브", kind, None, tagged=True)
        for a, kind in zip(at, ["PERSON", "ORG", "ORG"], strict=True)
    ]
    kinds = [c.entity_type for c in entities._one_type_per_name(found, text.index("\n"))]
    assert kinds == ["ORG", "ORG", "ORG"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "남북 정상회담이 판문점에서 열렸다.",
            [
                ("남", "ORG", "loc:country-kr"),
                ("북", "ORG", "loc:country-kp"),
                ("판문점", "LOCATION", "loc:panmunjom"),
            ],
            id="two-koreas",
        ),
        pytest.param(
            "북측은 한·미·일 3국의 훈련에 반발했다.",
            [
                ("북", "ORG", "loc:country-kp"),
                ("한", "ORG", "loc:country-kr"),
                ("미", "ORG", "loc:country-us"),
                ("일", "ORG", "loc:country-jp"),
            ],
            id="a-side-and-a-dotted-run",
        ),
        pytest.param(
            "미국과 한미 동맹을 논의했다. 남미와 북미 시장이 커졌다.",
            [
                ("미국", "LOCATION", "loc:country-us"),
                ("한", "ORG", "loc:country-kr"),
                ("미", "ORG", "loc:country-us"),
                ("남미", "LOCATION", "loc:south-america"),
                ("북미", "LOCATION", "loc:north-america"),
            ],
            id="continents-stay-whole",
        ),
    ],
)
def test_countries_written_one_syllable_each_are_their_countries(
    body: str, expected: list[tuple[str, str, str]]
) -> None:
    assert keyed(find_mentions(None, body, "ko", load_gazetteer())) == expected


def test_a_longer_name_around_a_country_compound_stays_whole() -> None:
    text = "한미연합 사령부는 연합훈련을 시작했다. 한미 양국은 환영했다."
    gazetteer = load_gazetteer()
    tokens = entities.tokenize_korean([text], gazetteer)[0]
    found = entities._with_country_letters(
        text, [_tagged(text, "한미연합 사령부", "ORG")], tokens, gazetteer
    )
    assert [(c.name, c.entity_type) for c in found] == [
        ("한미연합 사령부", "ORG"),
        ("한", "ORG"),
        ("미", "ORG"),
    ]


def test_a_place_within_places_is_the_narrowest() -> None:
    found = find_mentions(
        None,
        "투어는 일본 도쿄와 미국 로스앤젤레스, 태국 방콕을 거쳐 서울 고척스카이돔에서 끝났다.",
        "ko",
        load_gazetteer(),
    )
    assert keyed(found) == [
        ("일본 도쿄", "LOCATION", "loc:tokyo"),
        ("미국 로스앤젤레스", "LOCATION", "loc:los-angeles"),
        ("태국 방콕", "LOCATION", "loc:bangkok"),
        ("서울 고척스카이돔", "LOCATION", "loc:gocheok-sky-dome"),
    ]


def _mended_and_resolved(text: str, names: list[str], kind: str) -> list[Mention]:
    """The mentions of the given tagged spans of one kind, each mended as one candidate."""
    gazetteer = load_gazetteer()
    tokens = entities.tokenize_korean([text], gazetteer)[0]
    mended = [
        entities._korean_cleaned(_tagged(text, name, kind), tokens, gazetteer) for name in names
    ]
    return entities._resolve([c for c in mended if isinstance(c, entities._Candidate)])


def test_a_place_after_the_places_it_lies_in_is_keyed_by_what_it_names() -> None:
    text = (
        "기상청은 경기 북부와 경북 북동 산간에 한파경보를 내렸다. "
        "대표팀은 경기 고양종합운동장에서 훈련했다. 주민들은 서울 용산구 이태원을 찾았다. "
        "부산 해운대 해수욕장에 인파가 몰렸다."
    )
    spans = [
        "경기 북부",
        "경북 북동 산간",
        "경기 고양종합운동장",
        "서울 용산구 이태원",
        "부산 해운대 해수욕장",
    ]
    found = _mended_and_resolved(text, spans, "LOCATION")
    # The spans stay as KLUE marks them; a part of a known place counts for the place, and an
    # unknown place for itself, named without the address before it but with the place a
    # common noun is named after (a beach is no name; Haeundae's beach is).
    assert [(m.name, m.entity_type, m.entity_key, m.stands_for) for m in found] == [
        ("경기 북부", "LOCATION", "loc:gyeonggi", None),
        ("경북 북동 산간", "LOCATION", "loc:north-gyeongsang", None),
        (
            "경기 고양종합운동장",
            "LOCATION",
            entity_key("고양종합운동장", "LOCATION"),
            "고양종합운동장",
        ),
        ("서울 용산구 이태원", "LOCATION", entity_key("이태원", "LOCATION"), "이태원"),
        (
            "부산 해운대 해수욕장",
            "LOCATION",
            entity_key("해운대 해수욕장", "LOCATION"),
            "해운대 해수욕장",
        ),
    ]


def test_a_body_named_after_its_district_is_keyed_without_the_city_before_it() -> None:
    text = (
        "서울 강남경찰서는 인천 인하대병원에 이송된 남성을 조사했다. 서울 중부소방서와 "
        "뉴욕 메츠, 중국 정부도 입장을 냈다."
    )
    spans = ["서울 강남경찰서", "인천 인하대병원", "서울 중부소방서", "뉴욕 메츠", "중국 정부"]
    found = _mended_and_resolved(text, spans, "ORG")
    # A station or hospital with a district's name is itself; one named by common nouns keeps
    # its city (there is a 중부소방서 in many), and teams and governments stay whole.
    assert [(m.name, m.entity_key, m.stands_for) for m in found] == [
        ("서울 강남경찰서", entity_key("강남경찰서", "ORG"), "강남경찰서"),
        ("인천 인하대병원", entity_key("인하대병원", "ORG"), "인하대병원"),
        ("서울 중부소방서", entity_key("서울 중부소방서", "ORG"), None),
        ("뉴욕 메츠", entity_key("뉴욕 메츠", "ORG"), None),
        ("중국 정부", entity_key("중국 정부", "ORG"), None),
    ]


def test_an_address_counts_for_the_known_places_in_it_and_the_place_it_ends_in() -> None:
    found = find_mentions(
        None, "부산국제영화제는 부산 해운대구 영화의전당 일대에서 열린다.", "ko", load_gazetteer()
    )
    assert sorted((m.name, m.entity_key, m.stands_for) for m in found) == sorted(
        [
            ("부산국제영화제", "event:busan-international-film-festival", None),
            ("부산 해운대구 영화의전당", entity_key("영화의전당", "LOCATION"), "영화의전당"),
            ("부산", "loc:busan", None),
            ("해운대구", "loc:haeundae", None),
        ]
    )


def test_a_name_and_its_bracketed_spelling_are_one_entity() -> None:
    text = (
        "노바웨이브, 고척돔서 피날레\n\n그룹 노바웨이브(NOVAWAVE)가 월드투어를 마무리했다. "
        "소속사는 노바웨이브가 공연을 열었다고 밝혔다. 가수 리사(LISA)가 축하했다."
    )
    gazetteer = load_gazetteer()
    tokens = entities.tokenize_korean([text], gazetteer)[0]
    found = entities.mentions_in(text, text.index("\n"), True, gazetteer, tokens)
    group = entity_key("NOVAWAVE", "ORG")
    assert keyed(found) == [
        ("노바웨이브", "ORG", group),
        ("고척돔", "LOCATION", "loc:gocheok-sky-dome"),
        ("노바웨이브", "ORG", group),
        ("NOVAWAVE", "ORG", group),
        ("노바웨이브", "ORG", group),
        ("리사", "PERSON", entity_key("LISA", "PERSON")),
        ("LISA", "PERSON", entity_key("LISA", "PERSON")),
    ]


def test_english_tagged_spans_leave_out_scores_and_roles() -> None:
    text = "The KIA Tigers 5-3 win made Kim the KBO MVP, said Samsung CEO Lee."
    spans = [
        (text.index("KIA"), text.index(" win"), "ORG"),
        (text.index("KBO"), text.index(","), "ORG"),
        (text.index("Samsung"), text.index(" Lee"), "ORG"),
    ]
    found = entities._with_tagged_english(text, [], spans, load_gazetteer())
    assert [(c.name, c.entity_type, c.entry and c.entry.entity_id) for c in found] == [
        ("KIA Tigers", "ORG", "org:kia-tigers"),
        ("KBO", "ORG", "org:kbo-league"),
        ("Samsung", "ORG", "org:samsung-electronics"),
    ]
