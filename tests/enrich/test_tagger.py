from dataclasses import dataclass

import pytest

from newsetl.entities import PERSON_TITLES_KO, find_mentions, tokenize_korean
from newsetl.gazetteer import Gazetteer, load_gazetteer
from newsetl.tagger import MODEL_PATH, label_spans, tag_entities, token_features, token_labels


@dataclass(frozen=True)
class Token:
    """The parts of a Kiwi token the tagger reads."""

    form: str
    tag: str
    start: int
    len: int


def morphemes(text: str, analysis: str) -> list[Token]:
    """Tokens of a text from "form/TAG form/TAG ...", each found after the one before."""
    tokens: list[Token] = []
    at = 0
    for piece in analysis.split():
        form, tag = piece.split("/")
        at = text.index(form, at)
        tokens.append(Token(form, tag, at, len(form)))
        at += len(form)
    return tokens


# 삼성전자 이재용 회장은 말했다
TOKENS = [
    Token("삼성전자", "NNP", 0, 4),
    Token("이재용", "NNP", 5, 3),
    Token("회장", "NNG", 9, 2),
    Token("은", "JX", 11, 1),
    Token("말하", "VV", 13, 2),
    Token("었", "EP", 14, 1),
    Token("다", "EF", 15, 1),
]


def test_labels_and_spans_round_trip() -> None:
    spans = [(0, 4, "OG"), (5, 8, "PS")]
    labels = token_labels(TOKENS, spans)
    assert labels == ["S-OG", "S-PS", "O", "O", "O", "O", "O"]
    assert label_spans(TOKENS, labels) == [(0, 4, "ORG"), (5, 8, "PERSON")]


def test_spans_of_several_morphemes_get_begin_inside_end_labels() -> None:
    spans = [(0, 11, "PS"), (13, 15, "OG")]
    labels = token_labels(TOKENS, spans)
    assert labels == ["B-PS", "I-PS", "E-PS", "O", "B-OG", "E-OG", "O"]
    assert label_spans(TOKENS, labels) == [(0, 11, "PERSON"), (13, 15, "ORG")]


def test_adjacent_inside_labels_make_one_span() -> None:
    labels = ["B-LC", "I-LC", "O", "O", "O", "O", "O"]
    assert label_spans(TOKENS, labels) == [(0, 8, "LOCATION")]
    assert label_spans(TOKENS, ["B-LC", "E-LC", "S-LC", "O", "O", "O", "O"]) == [
        (0, 8, "LOCATION"),
        (9, 11, "LOCATION"),
    ]


def test_tagger_types_unknown_korean_names() -> None:
    text = "김민준 대표는 대전에서 기자회견을 열었다."
    tokens = tokenize_korean([text], load_gazetteer())[0]
    assert tag_entities(text, tokens, load_gazetteer()) == [(0, 3, "PERSON"), (8, 10, "LOCATION")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "김민준 대표는 한빛바이오 본사가 있는 대전에서 정부와 경찰 관계자를 만났다.",
            [
                ("김민준", "PERSON"),
                ("한빛바이오", "ORG"),
                ("대전", "LOCATION"),
                ("정부", "ORG"),
                ("경찰", "ORG"),
            ],
            id="institutions-the-tagger-finds-kept",
        ),
        pytest.param(
            "공연은 서울 송파구 올림픽공원 체조경기장에서 열린다.",
            [
                ("서울 송파구 올림픽공원 체조경기장", "LOCATION"),
                ("서울", "LOCATION"),
                ("송파구", "LOCATION"),
            ],
            id="whole-venue-address-and-its-city-and-district",
        ),
        pytest.param(
            "이번 대회에서 헤수스 실베리오 카바소스가 우승했다.",
            [("헤수스 실베리오 카바소스", "PERSON")],
            id="three-word-foreign-name",
        ),
        pytest.param(
            "북한군의 포격에 대응해 우리 군은 경계를 강화했다.",
            [("북한군", "ORG")],
            id="army-is-no-place",
        ),
        pytest.param("국회의원 세 명이 법안을 발의했다.", [], id="compound-noun-not-the-body"),
        pytest.param(
            "존 스미스 회장이 왔다. 스미스는 떠났다.",
            [("존 스미스", "PERSON"), ("스미스", "PERSON")],
            id="later-short-form-found",
        ),
        pytest.param(
            "애플, 비전 프로 출시",
            [("애플", "ORG"), ("비전 프로", "PRODUCT")],
            id="gazetteer-product-wins",
        ),
    ],
)
def test_korean_mentions_combine_tagger_gazetteer_and_rules(
    body: str, expected: list[tuple[str, str]]
) -> None:
    found = find_mentions(None, body, "ko", load_gazetteer())
    assert [(m.name, m.entity_type) for m in found] == expected


def test_a_country_acting_is_an_organisation_linked_to_the_place() -> None:
    found = find_mentions(
        None, "북한이 동해상으로 미사일을 발사했다고 합참이 밝혔다.", "ko", load_gazetteer()
    )
    assert [(m.name, m.entity_type, m.entity_key) for m in found] == [
        ("북한", "ORG", "loc:country-kp"),
        ("동해", "LOCATION", "loc:east-sea"),
    ]


def test_features_read_the_titles_the_rules_use() -> None:
    # 최고재무책임자 is a title only in newsetl.entities' list: the tagger has no copy of its own.
    assert "최고재무책임자" in PERSON_TITLES_KO
    text = "홍길동 최고재무책임자"
    tokens = [Token("홍길동", "NNP", 0, 3), Token("최고재무책임자", "NNG", 4, 7)]
    features = token_features(text, tokens, Gazetteer([]))
    assert "+1title" in features[0]
    assert "title" in features[1]
    assert "sur3" in features[0]


def test_features_read_suffixes_on_the_whole_word() -> None:
    # Kiwi cut the name in two: the organisation suffix shows on the word, not the morpheme.
    text = "한빛바이오가 창원시에"
    tokens = morphemes(text, "한빛/NNP 바이/NNG 오/NNG 가/JKS 창원/NNP 시/NNB 에/JKB")
    features = token_features(text, tokens, Gazetteer([]))
    assert all("eosuf" in features[i] for i in range(4))
    assert "osuf" not in features[0]
    assert all("elsuf" in features[i] for i in range(4, 7))


def test_features_read_the_name_lexicon() -> None:
    """Names the lexicon knows mark their morphemes and their neighbours, with every type the
    name has (서울시: a place, and the city government)."""
    text = "종로경찰서는 손흥민과 서울시를"
    tokens = morphemes(text, "종로/NNP 경찰서/NNG 는/JX 손흥민/NNP 과/JC 서울시/NNP 를/JKO")
    features = token_features(text, tokens, Gazetteer([]))
    assert "lx=B-OG" in features[0] and "lx=I-OG" in features[1]
    assert "-1lx=OG" in features[2]
    assert "lx=B-PS" in features[3] and "+1lx=PS" in features[2]
    assert "lx=B-LC|OG" in features[5]
    assert not any(f.startswith("lx=") for f in features[2] + features[4] + features[6])


def test_the_name_lexicon_is_well_formed() -> None:
    lines = (MODEL_PATH.parent / "names-ko.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert len(rows) > 15_000
    assert all(len(row) == 2 and row[1] in ("PS", "OG", "LC") and len(row[0]) >= 2 for row in rows)
    assert len({tuple(row) for row in rows}) == len(rows)


def test_features_read_kiwis_embedding_neighbours() -> None:
    """A morpheme Kiwi embeds fires the rows of its five nearest morphemes and a coarse
    cluster (삼성's neighbours include 롯데, so an unseen company near 롯데 shares a feature);
    its neighbours in the sentence read its nearest one; an unknown name fires nothing."""
    rows = {
        (form, tag): number
        for number, form, tag, *_ in (
            line.split("\t")
            for line in (MODEL_PATH.parent / "neighbours-ko.tsv").read_text("utf-8").splitlines()
            if not line.startswith("#")
        )
    }
    text = "삼성과 롯데가 해솔바이오를"
    tokens = morphemes(text, "삼성/NNP 과/JC 롯데/NNP 가/JKS 해솔바이오/NNP 를/JKO")
    features = token_features(text, tokens, Gazetteer([]))
    samsung = [f for f in features[0] if f.startswith("nb=")]
    lotte = [f for f in features[2] if f.startswith("nb=")]
    assert len(samsung) == 5 and len(lotte) == 5
    assert f"nb={rows[('롯데', 'NNP')]}" in samsung
    assert [f for f in features[0] if f.startswith("anc=")] == [
        "anc=" + str(min(int(f[3:]) for f in [*samsung, f"nb={rows[('삼성', 'NNP')]}"]))
    ]
    assert "-1" + samsung[0] in features[1] and "+1" + lotte[0] in features[1]
    assert not any(f.startswith(("nb=", "anc=", "-1nb=")) for f in features[4])


def test_the_neighbour_table_is_well_formed() -> None:
    lines = (MODEL_PATH.parent / "neighbours-ko.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert len(rows) > 40_000
    assert [int(row[0]) for row in rows] == list(range(len(rows)))
    assert all(len(row) == 3 + 5 for row in rows)
    assert all(n == "-" or int(n) < len(rows) for row in rows for n in row[3:])
    assert len({(row[1], row[2]) for row in rows}) == len(rows)
