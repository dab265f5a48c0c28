"""Readers of the public labelled corpora that train and measure the NLP models.

KLUE-NER (Korean, one character per line with BIO tags), GUM (English CoNLL-U with nested,
typed, Wikipedia-linked entity mentions) and KLUE YNAT (Korean headlines with a topic). Each
corpus has a fixed, documented split: a held-out part chosen by a hash of the item's id, never
used for training or tuning. Beside them, English articles written for newsetl with inline
names (scripts/data/ner-en, read by read_written_ner) add training data; they are never scored.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
KLUE_NER_PATH = DATA_DIR / "ner" / "ko-klue-news" / "klue-ner-v1.1_dev_wikitree.tsv"
GUM_DIR = DATA_DIR / "ner" / "en-gum-news"
# English articles written for newsetl with inline names (training data, never scored).
WRITTEN_EN_DIR = Path(__file__).resolve().parents[2] / "scripts" / "data" / "ner-en"
WRITTEN_KO_DIR = WRITTEN_EN_DIR.with_name("ner-ko")
YNAT_PATH = DATA_DIR / "topics" / "ko-ynat" / "ynat-train.tsv"

# KLUE tags → the project's entity types (dates, times and quantities are not entities here).
KLUE_TYPES = {"PS": "PERSON", "OG": "ORG", "LC": "LOCATION"}
GUM_TYPES = {"person": "PERSON", "organization": "ORG", "place": "LOCATION"}
# YNAT's seven classes → the contract's top-level topic ids.
YNAT_TOPICS = {
    "IT과학": "it_science",
    "경제": "economy",
    "사회": "society",
    "생활문화": "culture_life",
    "세계": "world",
    "스포츠": "sports",
    "정치": "politics",
}


def split_of(item_id: str, parts: int = 5) -> int:
    """A stable bucket in [0, parts) for an item id; bucket 0 is the held-out part."""
    return int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % parts


def is_held_out(item_id: str) -> bool:
    """Whether an item belongs to the held-out fifth that no model trains or tunes on."""
    return split_of(item_id) == 0


@dataclass(frozen=True)
class Span:
    """A typed character span of a text."""

    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class NerSentence:
    """A sentence with its gold entity spans."""

    sentence_id: str
    text: str
    spans: tuple[Span, ...]


def read_klue_ner(path: Path = KLUE_NER_PATH) -> list[NerSentence]:
    """KLUE-NER sentences with PERSON, ORG and LOCATION spans (character offsets)."""
    sentences: list[NerSentence] = []
    sentence_id = ""
    chars: list[str] = []
    tags: list[str] = []

    def close() -> None:
        if sentence_id:
            sentences.append(NerSentence(sentence_id, "".join(chars), _bio_spans(tags)))

    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("## klue"):
            close()
            sentence_id, chars, tags = line[3:].split("\t")[0], [], []
        elif line.startswith("##") or not line:
            continue
        else:
            char, _, tag = line.rpartition("\t")
            chars.append(char or " ")
            tags.append(tag)
    close()
    return sentences


def _bio_spans(tags: list[str]) -> tuple[Span, ...]:
    """Spans of the mapped types from per-character BIO tags."""
    spans: list[Span] = []
    start, current = -1, ""
    for index, tag in enumerate([*tags, "O"]):
        kind = tag[2:]
        if tag == "O" or tag.startswith("B-") or kind != current:
            if start >= 0 and current in KLUE_TYPES:
                spans.append(Span(start, index, KLUE_TYPES[current]))
            start, current = (index, kind) if tag != "O" else (-1, "")
    return tuple(spans)


@dataclass
class GumDocument:
    """One GUM news document: its text, named mentions, and salient named entities."""

    doc_id: str
    title: str
    text: str
    spans: list[Span] = field(default_factory=list)
    # identity (Wikipedia title) → (type, salient?) for the named entities of the document
    entities: dict[str, tuple[str, bool]] = field(default_factory=dict)
    mention_identities: list[str] = field(default_factory=list)  # one per span, in order


_OPEN = re.compile(r"\((\d+)-([^()]*?)(?=\(|\)|$)(\))?")
_CLOSE = re.compile(r"(?<![\w-])(\d+)\)")
_NAME_POS = frozenset({"PROPN"})
_NOT_NAME = ("DET", "X")  # X: a word _person_name leaves out
_INNER_OK = frozenset({"of", "and", "&", "de", "for", "the", "-", "'s"})
# Words that may describe a person before the name (his then-girlfriend Julie Couillard); a
# preposition or a verb there puts the name in a phrase of its own.
_DESCRIBING = frozenset({"DET", "NOUN", "ADJ", "PRON", "PUNCT", "ADV", "NUM", "PART", "X"})
# Titles and offices that GUM writes as proper nouns inside a person's mention.
_TITLES_EN = frozenset(
    """president vice prime minister secretary senator sen. sheriff administrator commissioner
    high professor prof. emeritus mp director chairman chairwoman ceo governor gov. mayor king
    queen prince princess pope dr dr. mr mr. mrs mrs. ms ms. sir dame lord judge justice
    general gen. colonel col. sergeant detective chancellor shadow home foreign ambassador
    deputy chief representative rep. councillor affairs state""".split()
)
_LEADING_TITLE = _TITLES_EN | _INNER_OK  # what leaves the front of a person's name run


def read_gum(directory: Path = GUM_DIR) -> list[GumDocument]:
    """GUM news documents with named mentions of people, organisations and places: mentions
    linked to Wikipedia, trimmed to their proper-noun run (the United States → United States),
    and unlinked mentions that are nothing but a proper name (Montalvo). A person's mention is
    first narrowed to the name, without its title or the bodies it is placed in (see
    _person_name), since GUM's mentions are whole noun phrases."""
    return [_read_gum_file(path) for path in sorted(directory.glob("GUM_news_*.conllu"))]


def _read_gum_file(path: Path) -> GumDocument:
    """One CoNLL-U file as text + named spans."""
    words: list[tuple[int, int, str, str]] = []  # start, end, form, upos
    heads: list[int] = []  # index in words of each word's syntactic head, -1 for a root
    relations: list[str] = []  # each word's dependency relation
    text_parts: list[str] = []
    offset = 0
    salient: set[str] = set()
    mentions: list[tuple[int, int, str, str, str]] = []  # first word, last word, id, type, identity
    stack: dict[str, list[tuple[int, str, str]]] = {}
    title = ""
    doc_id = path.stem
    salience_line = ""
    # Multi-word tokens (People's = People + 's) carry the spacing of their last word.
    joined_until = 0
    joined_space = True
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("# meta::title = "):
            title = line.split(" = ", 1)[1]
        elif line.startswith("# meta::salientEntities = "):
            salience_line = line.split(" = ", 1)[1]
        elif line.startswith("# text = ") and words:
            text_parts.append("\n")
            offset += 1
        if not line or line.startswith("#"):
            joined_until = 0
            continue
        cols = line.split("\t")
        if "." in cols[0]:
            continue
        if "-" in cols[0]:
            joined_until = int(cols[0].split("-")[1])
            joined_space = "SpaceAfter=No" not in cols[9]
            continue
        form, upos, misc = cols[1], cols[3], cols[9]
        index = len(words)
        words.append((offset, offset + len(form), form, upos))
        head = int(cols[6]) if cols[6].isdigit() else 0
        heads.append(index - int(cols[0]) + head if head else -1)
        relations.append(cols[7])
        text_parts.append(form)
        offset += len(form)
        number_in_sentence = int(cols[0])
        if number_in_sentence < joined_until:
            space = False
        elif number_in_sentence == joined_until:
            space = joined_space
        else:
            space = "SpaceAfter=No" not in misc
        if space:
            text_parts.append(" ")
            offset += 1
        entity = next((m[7:] for m in misc.split("|") if m.startswith("Entity=")), "")
        for match in _OPEN.finditer(entity):
            number, attrs, closed = match.group(1), match.group(2), match.group(3)
            fields = attrs.split("-", 6)
            etype = fields[0]
            identity = fields[6] if len(fields) > 6 else ""
            if closed:
                mentions.append((index, index, number, etype, identity))
            else:
                stack.setdefault(number, []).append((index, etype, identity))
        stripped = _OPEN.sub("", entity)
        for match in _CLOSE.finditer(stripped):
            opened = stack.get(match.group(1))
            if opened:
                first, etype, identity = opened.pop()
                mentions.append((first, index, match.group(1), etype, identity))
    text = "".join(text_parts)
    document = GumDocument(doc_id, title, text)
    numbers_salient = {m.group(1) for m in re.finditer(r"(\d+) \(\d\*\)", salience_line)}
    for first, last, number, etype, identity in sorted(mentions):
        if etype not in GUM_TYPES:
            continue
        if etype == "person":
            inside = [
                (a, b)
                for a, b, _, kind, _ in mentions
                if kind in GUM_TYPES and first <= a <= b <= last and b - a < last - first
            ]
            first, named = _person_name(first, last, inside, heads, relations, words)
        else:
            named = words[first : last + 1]
        run = _proper_noun_run(named)
        if run is None or (
            not identity
            and not _whole_name(named, run)
            and not (etype == "person" and _name_closes(named, run))
        ):
            continue
        if etype == "person":
            # Titles are not part of a name (US President Barack Obama → Barack Obama), and a
            # mention that is only a title (the President, NASA Administrator) names no one.
            start = run[0]
            while start <= run[1] and named[start][2].casefold() in _LEADING_TITLE:
                start += 1
            if start > run[1]:
                continue
            run = (start, run[1])
        identity = identity or "~" + " ".join(
            w[2] for w in words[first + run[0] : first + run[1] + 1]
        )
        start, end = words[first + run[0]][0], words[first + run[1]][1]
        document.spans.append(Span(start, end, GUM_TYPES[etype]))
        document.mention_identities.append(identity)
        if number in numbers_salient:
            salient.add(identity)
        kept = document.entities.get(identity)
        document.entities[identity] = (GUM_TYPES[etype], (kept or ("", False))[1])
    for identity in salient:
        if identity in document.entities:
            document.entities[identity] = (document.entities[identity][0], True)
    # One span per range and type, in text order, each with the identity of its first mention.
    identities: dict[Span, str] = {}
    for span, identity in zip(document.spans, document.mention_identities, strict=True):
        identities.setdefault(span, identity)
    document.spans = sorted(identities, key=lambda s: (s.start, s.end, s.entity_type))
    document.mention_identities = [identities[span] for span in document.spans]
    return document


def _whole_name(words: list[tuple[int, int, str, str]], run: tuple[int, int]) -> bool:
    """Whether a mention is nothing but its proper nouns (an unlinked name such as Montalvo)."""
    head = 0
    while head < len(words) and words[head][3] == "DET":
        head += 1
    tail = len(words) - 1
    while tail > head and words[tail][3] in ("PART", "PUNCT"):
        tail -= 1
    return run == (head, tail)


def _name_closes(words: list[tuple[int, int, str, str]], run: tuple[int, int]) -> bool:
    """Whether a person's mention has a name of two words or more after words that only
    describe the person and closing the mention or its noun phrase (cosplayer Jessica
    Anderson; Tom Molomby, SC; his then-girlfriend Julie Couillard who ...); one word there is
    as often a group or a language (many Texans, speak English)."""
    after = words[run[1] + 1] if run[1] + 1 < len(words) else None
    closes = after is None or after[3] in ("PART", "PUNCT", "PRON")
    described = all(w[3] in _DESCRIBING for w in words[: run[0]])
    return run[0] < run[1] and closes and described


def _person_name(
    first: int,
    last: int,
    inside: list[tuple[int, int]],
    heads: list[int],
    relations: list[str],
    words: list[tuple[int, int, str, str]],
) -> tuple[int, list[tuple[int, int, str, str]]]:
    """A person mention narrowed to the person's name, as named-entity spans are drawn
    (CoNLL-2003, OntoNotes, and newsetl's own names): without the descriptions GUM attaches
    to the name (nmod:desc: U.S. President Donald Trump → Donald Trump) and without the other
    entities mentioned inside it, with the words that hang on them (New People Party's
    Michael Tien → Michael Tien; Matthew Ingram of The Globe and Mail → Matthew Ingram).
    Returns the index of the narrowed mention's first word and its words, the left-out ones
    masked (tagged X)."""

    def left_out(index: int) -> bool:
        for _ in range(last - first + 1):  # a bounded climb: a malformed tree may loop
            if not first <= index <= last:
                break
            if relations[index] == "nmod:desc" or any(a <= index <= b for a, b in inside):
                return True
            if relations[index].startswith("flat"):
                return False
            index = heads[index]
        return False

    masked = [
        (w[0], w[1], w[2], "X" if left_out(first + k) else w[3])
        for k, w in enumerate(words[first : last + 1])
    ]
    start, end = 0, len(masked) - 1
    while start < end and masked[start][3] in ("X", "PUNCT"):
        start += 1
    while end > start and masked[end][3] in ("X", "PUNCT"):
        end -= 1
    return first + start, masked[start : end + 1]


def _proper_noun_run(words: list[tuple[int, int, str, str]]) -> tuple[int, int] | None:
    """The first run of proper nouns (with inner of/and/the) in a mention, by word index."""
    start = next((i for i, w in enumerate(words) if w[3] in _NAME_POS), None)
    if start is None:
        return None
    # Capitalised words just before the proper nouns belong to the name (United States).
    while start > 0 and words[start - 1][2][:1].isupper() and words[start - 1][3] not in _NOT_NAME:
        start -= 1
    end = start
    i = start + 1
    while i < len(words):
        if words[i][3] in _NAME_POS or (words[i][3] == "NUM" and end == i - 1):
            end = i
        elif words[i][2].casefold() in _INNER_OK and i + 1 < len(words):
            pass
        else:
            break
        i += 1
    return start, end


# An inline name of the written articles: [[Bank of Korea|ORG]].
_INLINE_NAME = re.compile(r"\[\[([^\[\]|\n]+)\|([^\[\]|\n]*)\]\]")
# The written English articles mark names with the project's own types.
_WRITTEN_TYPES = {kind: kind for kind in GUM_TYPES.values()}


def read_written_ner(directory: Path = WRITTEN_EN_DIR) -> list[GumDocument]:
    """The English articles written for newsetl (one UTF-8 .txt file each, headline on the
    first line) whose names are marked inline as [[surface|TYPE]]: the plain text without the
    markup and the spans at their offsets in it. The doc id is the file stem; every name is an
    unlinked identity (~surface) and none is salient. A stray [[ or ]], or a type other than
    PERSON, ORG and LOCATION, is a ValueError naming the file."""
    return [_read_written_file(path) for path in sorted(directory.glob("*.txt"))]


def _read_written_file(path: Path) -> GumDocument:
    """One marked-up article as text + spans."""
    text, spans = _unmarked(path.read_text(encoding="utf-8").rstrip(), path.name, _WRITTEN_TYPES)
    identities = ["~" + text[span.start : span.end] for span in spans]
    document = GumDocument(path.stem, text.split("\n", 1)[0], text, spans, {}, identities)
    for span, identity in zip(spans, identities, strict=True):
        document.entities.setdefault(identity, (span.entity_type, False))
    return document


def _unmarked(marked: str, where: str, types: Mapping[str, str]) -> tuple[str, list[Span]]:
    """Text with names marked inline as [[surface|TYPE]]: the plain text and the spans at
    their offsets in it, typed types[TYPE]. A stray [[ or ]], an unknown type or a surface
    with spaces at its ends is a ValueError naming where."""
    parts: list[str] = []
    spans: list[Span] = []
    offset = last = 0
    for match in [*_INLINE_NAME.finditer(marked), None]:
        plain = marked[last : match.start() if match else len(marked)]
        for stray in ("[[", "]]"):
            if stray in plain:
                at = last + plain.index(stray)
                raise ValueError(f"{where}: unbalanced {stray} at character {at}")
        parts.append(plain)
        offset += len(plain)
        if match is None:
            break
        surface, kind = match.groups()
        if kind not in types or surface != surface.strip():
            raise ValueError(f"{where}: bad name {match.group()!r} at {match.start()}")
        parts.append(surface)
        spans.append(Span(offset, offset + len(surface), types[kind]))
        offset += len(surface)
        last = match.end()
    return "".join(parts), spans


def read_written_ner_ko(directory: Path = WRITTEN_KO_DIR) -> list[NerSentence]:
    """The Korean news sentences written for newsetl (UTF-8 .txt files, one sentence a line)
    whose names are marked inline as [[surface|PS]], [[surface|OG]] or [[surface|LC]], KLUE's
    codes: each line a sentence with its spans, its id the file stem and line number. A
    stray [[ or ]], or another type, is a ValueError naming the file and line."""
    sentences: list[NerSentence] = []
    for path in sorted(directory.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if line.strip():
                text, spans = _unmarked(line.strip(), f"{path.name}:{number}", KLUE_TYPES)
                sentences.append(NerSentence(f"{path.stem}-{number}", text, tuple(spans)))
    return sentences


@dataclass(frozen=True)
class Headline:
    """A labelled headline."""

    text: str
    topic: str


def read_ynat(path: Path = YNAT_PATH) -> list[Headline]:
    """YNAT headlines with the contract's topic ids, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [Headline(row["title"], YNAT_TOPICS[row["topic"]]) for row in rows]


def ynat_splits(headlines: list[Headline]) -> Iterator[tuple[str, Headline]]:
    """Each headline with its part: "held_out" (a fifth, by hash of row number and text) or
    "train"."""
    for number, headline in enumerate(headlines):
        part = "held_out" if is_held_out(f"ynat-{number}-{headline.text}") else "train"
        yield part, headline
