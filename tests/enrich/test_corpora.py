"""Reading the measuring corpora: GUM's noun-phrase mentions narrowed to named-entity spans."""

from pathlib import Path

import pytest

from newsetl.corpora import GumDocument, read_gum, read_written_ner, read_written_ner_ko

# One sentence in GUM's CoNLL-U, written for this test: a person mention that carries a title
# (nmod:desc) and the organisation it belongs to, an unlinked person with a title, a place.
_REYES = "Entity=(1-person-new-sssss-cf1-1,2,3,4,5,6,7,8-coref-Sofia_Reyes"
_ROWS = [
    ("Finance", "PROPN", 2, "compound", _REYES),
    ("Minister", "PROPN", 3, "nmod:desc", "_"),
    ("Sofia", "PROPN", 9, "nsubj", "_"),
    ("Reyes", "PROPN", 3, "flat", "_"),
    ("of", "ADP", 8, "case", "_"),
    ("the", "DET", 8, "det", "Entity=(2-organization-new-sssss-cf2-1,2,3-sgl-Harbour_Party"),
    ("Harbour", "PROPN", 8, "compound", "_"),
    ("Party", "PROPN", 3, "nmod", "Entity=2)1)"),
    ("met", "VERB", 0, "root", "_"),
    ("Mayor", "PROPN", 11, "nmod:desc", "Entity=(3-person-new-sssss-cf3-1,2,3-sgl"),
    ("Tom", "PROPN", 9, "obj", "_"),
    ("Okafor", "PROPN", 11, "flat", "Entity=3)"),
    ("in", "ADP", 14, "case", "_"),
    ("Lagos", "PROPN", 9, "obl", "Entity=(4-place-new-sssss-cf4-1-sgl-Lagos)|SpaceAfter=No"),
    (".", "PUNCT", 9, "punct", "SpaceAfter=No"),
]


def read_one(
    folder: Path, header: list[str], rows: list[tuple[str, str, int, str, str]]
) -> GumDocument:
    """The document read_gum makes of one sentence written as GUM's CoNLL-U."""
    lines = list(header)
    for number, (form, upos, head, relation, misc) in enumerate(rows, start=1):
        lines.append(f"{number}\t{form}\t{form}\t{upos}\t_\t_\t{head}\t{relation}\t_\t{misc}")
    (folder / "GUM_news_test.conllu").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    (document,) = read_gum(folder)
    return document


def test_person_mentions_become_names_without_titles_or_affiliations(tmp_path: Path) -> None:
    text = "Finance Minister Sofia Reyes of the Harbour Party met Mayor Tom Okafor in Lagos."

    document = read_one(tmp_path, ["# meta::title = Harbour talks", f"# text = {text}"], _ROWS)

    assert document.text == text
    assert [(document.text[s.start : s.end], s.entity_type) for s in document.spans] == [
        ("Sofia Reyes", "PERSON"),
        ("Harbour Party", "ORG"),
        ("Tom Okafor", "PERSON"),
        ("Lagos", "LOCATION"),
    ]
    assert document.mention_identities[0] == "Sofia_Reyes"


# A second sentence: a title GUM writes flat under a place (US President Amani Otieno), an
# unlinked person described before the name, and a mention that is only a title.
_OTIENO = "Entity=(1-person-new-sssss-cf1-1,2,3,4-coref-Amani_Otieno"
_FLAT_ROWS = [
    ("US", "PROPN", 5, "nsubj", _OTIENO + "(2-place-new-sssss-cf2-1-coref-United_States)"),
    ("President", "PROPN", 1, "flat", "_"),
    ("Amani", "PROPN", 1, "flat", "_"),
    ("Otieno", "PROPN", 1, "flat", "Entity=1)"),
    ("thanked", "VERB", 0, "root", "_"),
    ("ferry", "NOUN", 7, "compound", "Entity=(3-person-new-sssss-cf3-1,2,3-sgl"),
    ("captain", "NOUN", 5, "obj", "_"),
    ("Lena", "PROPN", 7, "flat", "_"),
    ("Brooks", "PROPN", 7, "flat", "Entity=3)"),
    ("and", "CCONJ", 12, "cc", "_"),
    ("the", "DET", 12, "det", "Entity=(4-person-new-sssss-cf4-1,2-sgl"),
    ("Sheriff", "PROPN", 7, "conj", "Entity=4)|SpaceAfter=No"),
    (".", "PUNCT", 5, "punct", "SpaceAfter=No"),
]


def test_titles_leave_names_and_described_people_keep_theirs(tmp_path: Path) -> None:
    text = "US President Amani Otieno thanked ferry captain Lena Brooks and the Sheriff."

    document = read_one(tmp_path, [f"# text = {text}"], _FLAT_ROWS)

    assert document.text == text
    assert [(document.text[s.start : s.end], s.entity_type) for s in document.spans] == [
        ("US", "LOCATION"),
        ("Amani Otieno", "PERSON"),
        ("Lena Brooks", "PERSON"),
    ]
    assert document.mention_identities == ["United_States", "Amani_Otieno", "~Lena Brooks"]


# An article written with inline names, as in scripts/data/ner-en.
_WRITTEN = """[[Bank of Korea|ORG]] holds rates

[[SEOUL|LOCATION]], March 3 — Governor [[Rhee Chang-yong|PERSON]] said the [[Bank of Korea|ORG]]'s
board met in [[Seoul|LOCATION]]. [[Rhee|PERSON]] spoke to [[Yonhap|ORG]].
"""


def test_written_articles_lose_their_markup_and_keep_the_names_at_their_offsets(
    tmp_path: Path,
) -> None:
    (tmp_path / "001-rates.txt").write_text(_WRITTEN, encoding="utf-8")
    (tmp_path / "notes.md").write_text("[[not read", encoding="utf-8")

    (document,) = read_written_ner(tmp_path)

    assert document.doc_id == "001-rates"
    assert document.title == "Bank of Korea holds rates"
    assert document.text == (
        "Bank of Korea holds rates\n\nSEOUL, March 3 — Governor Rhee Chang-yong said the Bank"
        " of Korea's\nboard met in Seoul. Rhee spoke to Yonhap."
    )
    assert [(document.text[s.start : s.end], s.entity_type) for s in document.spans] == [
        ("Bank of Korea", "ORG"),
        ("SEOUL", "LOCATION"),
        ("Rhee Chang-yong", "PERSON"),
        ("Bank of Korea", "ORG"),
        ("Seoul", "LOCATION"),
        ("Rhee", "PERSON"),
        ("Yonhap", "ORG"),
    ]
    assert document.mention_identities[0] == "~Bank of Korea"
    assert document.entities["~Rhee"] == ("PERSON", False)


@pytest.mark.parametrize(
    "marked",
    ["[[Seoul|LOCATION] rose", "Seoul|LOCATION]] rose", "[[Seoul|CITY]] rose", "[[Seoul]] rose"],
)
def test_written_articles_with_broken_markup_are_refused(tmp_path: Path, marked: str) -> None:
    (tmp_path / "002-broken.txt").write_text("Headline\n" + marked, encoding="utf-8")

    with pytest.raises(ValueError, match="002-broken.txt"):
        read_written_ner(tmp_path)


def test_written_korean_sentences_are_one_a_line_with_klue_types(tmp_path: Path) -> None:
    (tmp_path / "01-politics.txt").write_text(
        "[[국회|OG]]는 3일 본회의를 열었다.\n\n[[김|PS]]모(45)씨는 [[서울 강남구|LC]]에 산다.\n",
        encoding="utf-8",
    )

    first, second = read_written_ner_ko(tmp_path)

    assert (first.sentence_id, first.text) == ("01-politics-1", "국회는 3일 본회의를 열었다.")
    assert (second.sentence_id, second.text) == (
        "01-politics-3",
        "김모(45)씨는 서울 강남구에 산다.",
    )
    assert [(second.text[s.start : s.end], s.entity_type) for s in second.spans] == [
        ("김", "PERSON"),
        ("서울 강남구", "LOCATION"),
    ]


@pytest.mark.parametrize(
    "marked", ["[[국회|ORG]]는", "[[국회|OG]는", "국회|OG]]는", "[[ 국회|OG]]는"]
)
def test_written_korean_sentences_with_broken_markup_are_refused(
    tmp_path: Path, marked: str
) -> None:
    (tmp_path / "02-economy.txt").write_text("첫 줄은 괜찮다.\n" + marked, encoding="utf-8")

    with pytest.raises(ValueError, match="02-economy.txt:2"):
        read_written_ner_ko(tmp_path)
