import re
from pathlib import Path

from newsetl.entities import english_cues, find_mentions
from newsetl.gazetteer import load_gazetteer
from newsetl.tagger_en import (
    _repeated,
    flat_spans,
    label_spans,
    tag_english,
    token_features,
    token_labels,
    tokenize,
    train_model,
)

STORY = (
    "Dr. Osric Fenwhistle told reporters in Lisbon that the Vantor Institute had closed. "
    "Mr. Fenwhistle declined to say more."
)


def test_tokens_and_capitalised_runs() -> None:
    tokens = tokenize("The U.S. Army and L. Ron Hubbard's church met Mr. Kim in St. Louis.")
    assert tokens.forms == [
        "The", "U.S.", "Army", "and", "L.", "Ron", "Hubbard", "'s", "church", "met", "Mr.",
        "Kim", "in", "St.", "Louis", ".",
    ]  # fmt: skip
    runs = [tokens.forms[a:b] for a, b in tokens.runs]
    assert runs == [
        ["The", "U.S.", "Army", "and", "L.", "Ron", "Hubbard"],
        ["Mr.", "Kim"],
        ["St.", "Louis"],
    ]


def test_a_run_stops_at_a_line_break() -> None:
    tokens = tokenize("Harbour Road\nOpens Today")
    assert [tokens.forms[a:b] for a, b in tokens.runs] == [["Harbour", "Road"], ["Opens", "Today"]]


def test_gold_mentions_flatten_to_names_without_titles() -> None:
    text = "Chief Executive Officer Ada Brenn and the Lark River Council"
    nested = [
        (0, 33, "PERSON"),  # Chief Executive Officer Ada Brenn
        (24, 33, "PERSON"),  # Ada Brenn
        (0, 15, "PERSON"),  # Chief Executive: a title alone
        (42, 60, "ORG"),  # Lark River Council
        (42, 52, "LOCATION"),  # Lark River, inside the council's name
    ]
    assert flat_spans(text, nested) == [(24, 33, "PERSON"), (42, 60, "ORG")]


def test_coordinated_names_give_way_to_the_names_inside() -> None:
    text = "Ivo Marsh and Lena Gray spoke"
    nested = [(0, 23, "PERSON"), (0, 9, "PERSON"), (14, 23, "PERSON")]
    assert flat_spans(text, nested) == [(0, 9, "PERSON"), (14, 23, "PERSON")]


def test_labels_and_spans_round_trip() -> None:
    text = "Then Ada Brenn left Lark River Council for Tolvan."
    tokens = tokenize(text)
    spans = [(5, 14, "PERSON"), (20, 38, "ORG"), (43, 49, "LOCATION")]
    labels = token_labels(tokens, spans)
    # "for" joins Council and Tolvan into one run; it is outside both names.
    assert labels == [
        "O", "B-PERSON", "I-PERSON", "B-ORG", "I-ORG", "I-ORG", "O", "B-LOCATION",
    ]  # fmt: skip
    assert label_spans(tokens, labels) == spans


def test_a_span_never_crosses_into_the_next_run() -> None:
    tokens = tokenize("Ada Brenn, Tolvan")
    assert label_spans(tokens, ["B-PERSON", "I-PERSON", "I-PERSON"]) == [
        (0, 9, "PERSON"),
        (11, 17, "PERSON"),
    ]


def test_shipped_model_tags_people_places_and_bodies() -> None:
    rules, known = english_cues(STORY, 0, load_gazetteer())
    spans = tag_english(STORY, rules, known)
    assert [(STORY[a:b], kind) for a, b, kind in spans] == [
        ("Osric Fenwhistle", "PERSON"),
        ("Lisbon", "LOCATION"),
        ("Vantor Institute", "ORG"),
        ("Fenwhistle", "PERSON"),
    ]


def test_mentions_keep_the_name_rules() -> None:
    """No title in a name, a surname is the person named in full, a byline is no entity."""
    found = find_mentions("Institute shuts", "By Jane Holloway\n" + STORY, "en", load_gazetteer())
    assert [(m.name, m.entity_type) for m in found] == [
        ("Osric Fenwhistle", "PERSON"),
        ("Lisbon", "LOCATION"),
        ("Vantor Institute", "ORG"),
        ("Fenwhistle", "PERSON"),
    ]
    assert found[0].entity_key == found[3].entity_key


def test_training_is_reproducible(tmp_path: Path) -> None:
    text = "Ada Brenn met Tolvan officials. Brenn said Lark River Council agreed."
    tokens = tokenize(text)
    gold = [(0, 9, "PERSON"), (14, 20, "LOCATION"), (32, 37, "PERSON"), (43, 61, "ORG")]
    example = (token_features(text, tokens), token_labels(tokens, gold))
    first, second = tmp_path / "first.crfsuite", tmp_path / "second.crfsuite"
    train_model([example], first)
    train_model([example], second)
    assert first.read_bytes() == second.read_bytes()


def test_nationality_and_religious_words_are_no_names() -> None:
    """A word for a kind of people is no person, body or place, whatever the tagger says."""
    text = "Muslims gathered outside the mosque in Irving, where Syrian refugees had settled."
    found = find_mentions("Vigil held", text, "en", load_gazetteer())
    assert [(m.name, m.entity_type) for m in found] == [("Irving", "LOCATION")]


def test_every_mention_of_a_name_gets_the_type_it_was_given_most() -> None:
    text = "Gloria Ruiz spoke. Gloria left, Gloria came back and Gloria sang. Gloria bowed."
    at = [m.start() for m in re.finditer("Gloria", text)]
    tagged = [
        (at[0], at[0] + 11, "PERSON"),
        (at[1], at[1] + 6, "LOCATION"),
        (at[2], at[2] + 6, "PERSON"),
        (at[3], at[3] + 6, "PERSON"),
    ]  # and the last Gloria untagged
    assert [(text[a:b], kind) for a, b, kind in _repeated(tokenize(text), tagged)] == [
        ("Gloria Ruiz", "PERSON"),
        ("Gloria", "PERSON"),
        ("Gloria", "PERSON"),
        ("Gloria", "PERSON"),
        ("Gloria", "PERSON"),
    ]


def test_features_read_the_name_lexicon() -> None:
    """A name of the lexicon marks its words inside a capitalised run, and their neighbours."""
    text = "Officials at Deutsche Bank met Olaf Scholz in Hamburg."
    tokens = tokenize(text)
    features = token_features(text, tokens)
    words = [tokens.forms[i] for a, b in tokens.runs for i in range(a, b)]
    by_word = dict(zip(words, features, strict=True))
    assert "lx=B-OG" in by_word["Deutsche"] and "lx=I-OG" in by_word["Bank"]
    assert "lx=B-PS" in by_word["Olaf"] and "lx=I-PS" in by_word["Scholz"]
    assert "lx=B-LC" in by_word["Hamburg"]
    assert "-1lx=OG" in by_word["Bank"] and "+1lx=PS" in by_word["Olaf"]
    assert not any(f.startswith("lx=") for f in by_word["Officials"])
