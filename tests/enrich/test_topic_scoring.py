"""score_topics row by row on texts where keywords overlap, span lines or touch hyphens.

The expected rows are literal: they pin the matching rules (longest keyword first, matches
leftmost and non-overlapping, whole words, whitespace runs inside multiword keywords, short
acronyms in capitals only, Korean keywords as substrings) and the score arithmetic.
"""

import dataclasses
import re
import sys
from typing import Any

import pytest

from newsetl import topics
from newsetl.schema import TOP_TOPICS
from newsetl.topics import ASCII_CASE_TWINS, build_taxonomy, load_taxonomy, score_topics


def custom_document(non_ascii: bool = False) -> dict[str, Any]:
    """A taxonomy whose keywords overlap on purpose, one of them outside ASCII if asked."""
    keywords: dict[str, dict[str, Any]] = {
        "politics": {"en": {"rate": 1, "rate cut": 2, "key rate cut": 3, "cut": 0.5}},
        "economy": {
            "en": {"AI": 2, "ai chips": 1.5, "U.S.": 1, "U.S.-China": 2},
            "ko": {"금리": 1, "금리 인하": 2},
        },
        "society": {"en": ["north korea", "Korea", "state-run", "run"]},
        "world": {"ko": {"가가": 1.5, "회담": 1, "정상회담": 2}},
    }
    if non_ascii:
        keywords["economy"]["en"]["Zürich"] = 1
    topics = [
        {"id": top, "label": top.title(), "keywords": keywords.get(top, {})} for top in TOP_TOPICS
    ]
    topics[0]["children"] = [
        {"id": "cuts", "label": "Cuts", "keywords": {"en": {"rate cut": 1, "cuts": 2}}}
    ]
    return {"topics": topics}


CASES: dict[str, tuple[str | None, str, str, str]] = {
    "en-overlapping-multiword": (
        "Bank of Korea weighs an interest rate cut as North Korea fires a missile",
        "The Bank of\nKorea kept its key rate. An interest  rate cut, a rate-cut or a\n"
        "rate hike? Anti-inflation steps and inflation-linked bonds aside, inflation eased. "
        "AI chips and ai chips: U.S.-China trade war talk; the US-China and U.S. export "
        "controls. K-pop and k-pop; Kim  Jong\tUn; NORTH KOREA; the Federal Reserve.",
        "en",
        "real",
    ),
    "en-acronyms-and-edges": (
        None,
        "AI-driven EV sales, the AI’s data center, AIs, (AI), ai, Ai; semiconductors_ "
        "_semiconductors semiconductors. semiconductors-maker HBM HBMs hbm DRAM-based",
        "en",
        "real",
    ),
    "ko-overlapping-substrings": (
        "한은 기준금리 인하…금리 인하 기대",
        "한국은행이 기준금리를 내렸다. 금리인하 기대에 코스피가 올랐고 환율은 내렸다.\n"
        "한미 정상회담과 외교부 회담에서 북한 미사일 문제도 다뤘다. 정상회담 정상회담",
        "ko",
        "real",
    ),
    "custom-longest-first": (
        "Key rate cut",
        "key  rate\ncut rate cut rate-cut cut cuts RATE CUT, rate cutting rate",
        "en",
        "custom",
    ),
    "custom-case-and-hyphens": (
        "AI chips",
        "AI ai Ai AI-made ai chips U.S.-China U.S. U.S.-Chinese north\nKorea KOREA "
        "state-run state run run-off",
        "en",
        "custom",
    ),
    "custom-twins": (
        "AI chips",
        "ınflation ſtate-run north \u212aorea ıt aı AI",
        "en",
        "custom",
    ),
    "custom-non-ascii": (
        "Zürich rate cut",
        "zürich ZÜRICH Zürich-based key rate  cut rate ſtate-run north \u212aorea AI ai",
        "en",
        "custom-non-ascii",
    ),
    "custom-korean": (
        "가가가 금리 인하",
        "가가가가 금리인하 금리 인하 정상회담 회담 AI",
        "ko",
        "custom",
    ),
}

# The rows the single-alternation matcher gave, written out.
EXPECTED: dict[str, list[tuple[str, float]]] = {
    "en-overlapping-multiword": [
        ("economy", 0.9915),
        ("monetary_policy", 0.988),
        ("north_korea", 0.9189),
        ("politics", 0.9189),
        ("us_china", 0.7898),
        ("world", 0.7898),
        ("entertainment", 0.6464),
        ("k_pop", 0.6464),
        ("ai", 0.5796),
        ("it_science", 0.5796),
        ("semiconductors", 0.5),
        ("trade", 0.4054),
        ("finance", 0.2929),
    ],
    "en-acronyms-and-edges": [
        ("ai", 0.875),
        ("it_science", 0.875),
        ("semiconductors", 0.7898),
        ("autos", 0.2929),
        ("economy", 0.2929),
    ],
    "ko-overlapping-substrings": [
        ("economy", 0.999),
        ("monetary_policy", 0.9981),
        ("diplomacy", 0.9116),
        ("politics", 0.9116),
        ("finance", 0.5),
        ("north_korea", 0.4547),
    ],
    "custom-longest-first": [("politics", 0.9797), ("cuts", 0.5)],
    "custom-case-and-hyphens": [("economy", 0.9474), ("society", 0.5)],
    "custom-twins": [("economy", 0.8854), ("society", 0.2929)],
    "custom-non-ascii": [
        ("politics", 0.8949),
        ("economy", 0.7027),
        ("cuts", 0.4054),
        ("society", 0.2929),
    ],
    "custom-korean": [("economy", 0.9257), ("world", 0.8637)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_score_topics_rows(name: str) -> None:
    title, body, language, which = CASES[name]
    if which == "real":
        taxonomy = load_taxonomy()
    else:
        taxonomy = build_taxonomy(custom_document(non_ascii=which == "custom-non-ascii"))
    assert score_topics(title, body, language, taxonomy) == EXPECTED[name]


@pytest.mark.parametrize("which", ["real", "custom"])
def test_leading_word_lookup_counts_as_the_alternations(which: str) -> None:
    taxonomy = load_taxonomy() if which == "real" else build_taxonomy(custom_document())
    matcher = topics._matcher(taxonomy)
    assert matcher.words is not None
    alternations = dataclasses.replace(matcher, words=None)
    texts = [text or "" for title, body, _, _ in CASES.values() for text in (title, body)]
    texts += [" ".join(texts), "\n".join(texts).upper(), "-".join(texts).lower()]
    for text in texts:
        expected = topics._latin_counts(text, alternations)
        assert topics._latin_counts(text, matcher) == expected
        if not any(twin in text for twin in ASCII_CASE_TWINS):
            assert topics._word_counts(text, matcher.words) == expected


def test_ascii_case_twins_are_what_re_equates_with_ascii() -> None:
    # Every character outside ASCII that an ASCII character matches when case is ignored.
    ascii_class = re.compile("[" + re.escape("".join(map(chr, range(128)))) + "]", re.IGNORECASE)
    others = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert "".join(ascii_class.findall(others)) == ASCII_CASE_TWINS
