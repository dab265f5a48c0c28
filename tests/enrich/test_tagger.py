from dataclasses import dataclass

import pytest

from newsetl.entities import find_mentions, tokenize_korean
from newsetl.gazetteer import load_gazetteer
from newsetl.tagger import label_spans, tag_entities, token_labels


@dataclass(frozen=True)
class Token:
    """The parts of a Kiwi token the tagger reads."""

    form: str
    tag: str
    start: int
    len: int


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
    assert labels == ["B-OG", "B-PS", "O", "O", "O", "O", "O"]
    assert label_spans(TOKENS, labels) == [(0, 4, "ORG"), (5, 8, "PERSON")]


def test_adjacent_inside_labels_make_one_span() -> None:
    labels = ["B-LC", "I-LC", "O", "O", "O", "O", "O"]
    assert label_spans(TOKENS, labels) == [(0, 8, "LOCATION")]


def test_tagger_types_unknown_korean_names() -> None:
    text = "김민준 대표는 대전에서 기자회견을 열었다."
    tokens = tokenize_korean([text], load_gazetteer())[0]
    assert tag_entities(text, tokens, load_gazetteer()) == [(0, 3, "PERSON"), (8, 10, "LOCATION")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "김민준 대표는 한빛바이오 본사가 있는 대전에서 정부와 경찰 관계자를 만났다.",
            [("김민준", "PERSON"), ("한빛바이오", "ORG"), ("대전", "LOCATION")],
            id="generic-institutions-dropped",
        ),
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
