"""A CRF sequence tagger for English named entities over the capitalised runs of a text.

Names in English news are capitalised, so only the runs of capitalised words (with inner
connectors: Bank of Korea, Daughters of the American Revolution) are tagged; every other word
is outside a name. All runs of a text form one sequence, each run opening with a marker
feature, and a name never crosses from one run into the next. Each word gets a BIO label
(PERSON, ORG, LOCATION) from features that need no part-of-speech tagger: its form, shape,
prefixes and suffixes, whether it opens a sentence, whether the text also uses it in lower
case, whether it is a known given name, gazetteer spellings, names of the name lexicon
(``models/names-en.tsv``: people, organisations and places with their types) and the
rules' typed candidates that cover it, title and organisation words, and the words around
it ("said", "in", "Mr."). The model (``models/ner-en.crfsuite``) is trained by
``scripts/train_ner_en.py`` on GUM news documents (annotations CC BY 4.0, text CC BY 2.5
Wikinews).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsetl.corpora import GumDocument
from newsetl.gazetteer import Gazetteer

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner-en.crfsuite"
NAMES_PATH = MODEL_PATH.with_name("names-en.tsv")
_LONGEST_NAME = 6
# The CRF's regularisation, chosen by cross-validation (scripts/train_ner_en.py).
DEFAULT_C1 = 0.15
DEFAULT_C2 = 0.01

Span = tuple[int, int, str]

_TOKEN = re.compile(r"\w+(?:(?:[-&.]|['’](?![sS]\b))\w+)*\.?|['’][sS]\b|[^\w\s]")
# A final period that belongs to the word: U.S., Mr., an initial (L. Ron Hubbard).
_ABBREVIATION = re.compile(
    r"(?:\w+\.){2,}|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Corp|Ltd|Co|Gen|Gov|Sen|Rep|Prof|Mt|Lt|Col|Sgt)\.|[A-Z]\."
)
_CONNECTORS = frozenset(
    {"of", "and", "the", "for", "de", "du", "van", "von", "der", "la", "&", "'s", "’s"}
)
_SENTENCE_CLOSERS = frozenset({".", "!", "?", ":", '"', "“", "”", "‘", "'", "(", "—", "–"})
_TITLES = frozenset(
    """president ceo chairman chairwoman chair minister governor senator sen. rep. mayor
    director chancellor secretary king queen prince princess pope general gen. coach manager
    judge justice professor prof. ambassador commissioner spokesman spokeswoman spokesperson
    founder captain premier speaker sir lord emperor officer executive chief vice prime deputy
    former acting dr. dr mr. mr ms. ms mrs. mrs lt. col. sgt. st. rev. reverend administrator
    sheriff commander lieutenant colonel sergeant councillor councilor councilman councilwoman
    actor actress singer author writer artist player""".split()
)
_HONORIFICS = frozenset({"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr."})
_ORG_WORDS = frozenset(
    """inc inc. corp corp. co. ltd ltd. llc plc group bank holdings ministry university agency
    association institute council commission committee federation union party court
    department office authority foundation fund corporation company airlines news times post
    press service administration bureau board church army navy club team league school
    college society museum""".split()
)
_PLACE_WORDS = frozenset(
    """city province county state island islands district peninsula river mountains mountain
    bay sea ocean valley strait park airport square street avenue hall""".split()
)
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][\w'’&-]*")
_SPEECH = frozenset({"said", "says", "told", "added", "stated", "explained", "wrote", "noted"})
_PLACE_LEADS = frozenset({"in", "at", "near", "from", "to", "across", "outside", "into"})


@dataclass(frozen=True)
class Tokens:
    """A text's tokens (start, end, form) and which of them lie in capitalised runs."""

    spans: list[tuple[int, int]]
    forms: list[str]
    runs: list[tuple[int, int]]  # token index ranges [first, last + 1) of capitalised runs


def tokenize(text: str) -> Tokens:
    """Word and punctuation tokens, and the runs of capitalised words among them."""
    spans = [match.span() for match in _TOKEN.finditer(text)]
    forms = [text[a:b] for a, b in spans]
    # A sentence's closing period is a token of its own.
    for k in [k for k, form in enumerate(forms) if form[-1] == "." and len(form) > 1][::-1]:
        if not _ABBREVIATION.fullmatch(forms[k]):
            a, b = spans[k]
            spans[k : k + 1] = [(a, b - 1), (b - 1, b)]
            forms[k : k + 1] = [forms[k][:-1], "."]
    runs: list[tuple[int, int]] = []
    first = last = -1
    for i in [k for k, form in enumerate(forms) if form[0].isupper() or form[0].isdigit()]:
        if (
            first >= 0
            and last >= i - 3
            and all(forms[k].casefold() in _CONNECTORS for k in range(last + 1, i))
            # A number continues a name only right after it (Windows 11, not Son's 57th).
            and (last == i - 1 or not forms[i][0].isdigit())
            and "\n" not in text[spans[last][1] : spans[i][0]]
        ):
            last = i
            continue
        if first >= 0:
            runs.append((first, last + 1))
            first = last = -1
        if forms[i][0].isupper():
            first = last = i
    if first >= 0:
        runs.append((first, last + 1))
    return Tokens(spans, forms, runs)


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Given names (case-folded): the first words of the name lexicon's people and the rules'
    list of common English ones. Cross-validated typed F1 (mean of 19, 5 and 4 folds)
    0.716 → 0.719 strict, 0.791 → 0.795 with the geopolitical types as one."""
    from newsetl.entities import GIVEN_NAMES_EN

    people = (
        words[0]
        for words, kinds in _name_lexicon().items()
        if len(words) > 1 and len(words[0]) > 1 and "PS" in kinds.split("|")
    )
    return frozenset(GIVEN_NAMES_EN).union(people)


@lru_cache(maxsize=65536)
def _word_features(form: str) -> tuple[str, ...]:
    """Features of a word on its own."""
    lowered = form.casefold()
    shape = re.sub(r"(.)\1+", r"\1", re.sub(r"[A-Z]", "X", re.sub(r"[a-z]", "x", form)))
    shape = re.sub(r"\d", "d", shape)
    features = [
        "w=" + lowered,
        "sh=" + shape,
        "p2=" + lowered[:2],
        "p3=" + lowered[:3],
        "s2=" + lowered[-2:],
        "s3=" + lowered[-3:],
        "len=" + str(min(len(form), 8)),
    ]
    if lowered in _TITLES:
        features.append("title")
    if lowered in _HONORIFICS:
        features.append("hon")
    if lowered in _ORG_WORDS:
        features.append("orgw")
    if lowered in _PLACE_WORDS:
        features.append("placew")
    if lowered in _CONNECTORS:
        features.append("conn")
    if re.search(r"(?:an|ian|ese|ish|i)$", lowered):
        features.append("demonymish")
    if lowered in _given_names():
        features.append("gn")
    return tuple(features)


def _marks(tokens: Tokens, spans: Sequence[Span]) -> dict[int, str]:
    """Token index → B-<type>/I-<type> where one of the given character spans covers it."""
    marks: dict[int, str] = {}
    if not spans:
        return marks
    index = {s: i for i, (s, _) in enumerate(tokens.spans)}
    for start, end, kind in spans:
        i = index.get(start, -1)
        if i < 0:
            continue
        marks[i] = "B-" + kind
        i += 1
        while i < len(tokens.spans) and tokens.spans[i][1] <= end:
            marks[i] = "I-" + kind
            i += 1
    return marks


@lru_cache(maxsize=1)
def _name_lexicon(path: Path = NAMES_PATH) -> dict[tuple[str, ...], str]:
    """A name's words (case-folded, as tokenize splits them) → its types, from
    models/names-en.tsv."""
    from newsetl.tagger import read_name_lexicon

    def words(name: str) -> tuple[str, ...] | None:
        found = tuple(form.casefold() for form in tokenize(name).forms)
        return found if 0 < len(found) <= _LONGEST_NAME else None

    return read_name_lexicon(path, words)


def _lexicon_marks(tokens: Tokens) -> dict[int, str]:
    """Token index → B-<types>/I-<types> where the longest lexicon name inside a capitalised
    run covers it."""
    lexicon = _name_lexicon()
    marks: dict[int, str] = {}
    folded = [form.casefold() for form in tokens.forms]
    for a, b in tokens.runs:
        i = a
        while i < b:
            for length in range(min(_LONGEST_NAME, b - i), 0, -1):
                kind = lexicon.get(tuple(folded[i : i + length]))
                if kind:
                    marks[i] = "B-" + kind
                    for k in range(i + 1, i + length):
                        marks[k] = "I-" + kind
                    i += length
                    break
            else:
                i += 1
    return marks


def token_features(
    text: str,
    tokens: Tokens,
    rule_spans: Sequence[Span] = (),
    gazetteer_spans: Sequence[Span] = (),
) -> list[list[str]]:
    """The CRF's feature strings for each run word of a text, runs in order: rule_spans are
    the rules' typed candidates, gazetteer_spans the gazetteer's spellings found in the text."""
    forms = tokens.forms
    # Words the text also writes in lower case are likely common words when capitalised.
    lower_seen = set(_LOWER_WORD.findall(text))
    gaz = _marks(tokens, gazetteer_spans)
    rules = _marks(tokens, rule_spans)
    known = _lexicon_marks(tokens)
    # Words of the longer names the rules typed anywhere in the text (Valeska Paris makes a
    # later Paris a person).
    named: dict[str, str] = {}
    for start, end, kind in rule_spans:
        words = text[start:end].split()
        if len(words) > 1 and kind in ("PERSON", "ORG", "LOCATION"):
            for word in words:
                named.setdefault(word.casefold(), kind)
            if kind == "PERSON":
                named[words[-1].casefold()] = "PERSON-last"
    n = len(forms)
    lowered: dict[int, str] = {}
    for a, b in tokens.runs:
        for i in range(max(0, a - 2), min(n, b + 3)):
            lowered[i] = forms[i].casefold()
    # A headline that capitalises most words says nothing by its capitals.
    headline_end = text.find("\n") if text.find("\n") >= 0 else len(text)
    long_words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text[:headline_end]) if len(w) > 3]
    title_case = len(long_words) >= 3 and sum(f[:1].isupper() for f in long_words) > 0.7 * len(
        long_words
    )
    out: list[list[str]] = []
    for a, b in tokens.runs:
        for i in range(a, b):
            features = list(_word_features(forms[i]))
            if i == a:
                features.append("rs")
            if title_case and tokens.spans[i][0] < headline_end:
                features.append("hl")
            if i == b - 1:
                features.append("re")
            features.append("rl=" + str(min(b - a, 5)))
            if (
                i == 0
                or forms[i - 1] in _SENTENCE_CLOSERS
                or "\n" in text[tokens.spans[i - 1][1] : tokens.spans[i][0]]
            ):
                features.append("ini")
            if lowered[i] in lower_seen:
                features.append("lowseen")
            if i in gaz:
                features.append("g=" + gaz[i])
            if i in rules:
                features.append("r=" + rules[i])
            if i in known:
                features.append("lx=" + known[i])
            if i - 1 in known:
                features.append("-1lx=" + known[i - 1][2:])
            if i + 1 in known:
                features.append("+1lx=" + known[i + 1][2:])
            if lowered[i] in named:
                features.append("dw=" + named[lowered[i]])
            if i > 0:
                features.append("-1w=" + lowered[i - 1])
                if lowered[i - 1] in _HONORIFICS:
                    features.append("-1hon")
                if lowered[i - 1] in _TITLES:
                    features.append("-1title")
                if lowered[i - 1] in _PLACE_LEADS:
                    features.append("-1placelead")
            if i + 1 < n:
                features.append("+1w=" + lowered[i + 1])
                if lowered[i + 1] in _SPEECH:
                    features.append("+1said")
                if lowered[i + 1] in _ORG_WORDS:
                    features.append("+1orgw")
            if i > 1:
                features.append("-2w=" + lowered[i - 2])
            if i + 2 < n:
                features.append("+2w=" + lowered[i + 2])
                if lowered[i + 2] in _SPEECH:
                    features.append("+2said")
            if b < n and lowered[b] in _SPEECH:
                features.append("runsaid")
            out.append(features)
    return out


def token_labels(tokens: Tokens, spans: Sequence[Span]) -> list[str]:
    """BIO labels of the run words from character spans (spans not made of whole run words
    are left out)."""
    marks = _marks(tokens, spans)
    labels: list[str] = []
    for a, b in tokens.runs:
        for i in range(a, b):
            labels.append(marks.get(i, "O"))
    return labels


def label_spans(tokens: Tokens, labels: Sequence[str]) -> list[Span]:
    """Character spans (start, end, PERSON|ORG|LOCATION) from run-word BIO labels; a span
    never crosses from one run into the next."""
    spans: list[Span] = []
    k = 0
    for a, b in tokens.runs:
        start = end = -1
        kind = ""
        for i in range(a, b):
            label = labels[k]
            k += 1
            if label == "O" or label.startswith("B-") or label[2:] != kind:
                if start >= 0:
                    spans.append((start, end, kind))
                start, kind = -1, ""
                if label != "O":
                    start, kind = tokens.spans[i][0], label[2:]
            if start >= 0:
                end = tokens.spans[i][1]
        if start >= 0:
            spans.append((start, end, kind))
    return spans


def _repeated(tokens: Tokens, spans: list[Span]) -> list[Span]:
    """Other mentions of the tagged names, word for word, that the tagger left untagged, and
    one type for every mention of a name: the type the tagger gave it most often (the first
    tagging breaks a tie)."""
    index = {start: i for i, (start, _) in enumerate(tokens.spans)}
    ends = {end: i for i, (_, end) in enumerate(tokens.spans)}
    covered: set[int] = set()
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for start, end, kind in spans:
        first, last = index[start], ends[end]
        covered.update(range(first, last + 1))
        votes.setdefault(tuple(tokens.forms[first : last + 1]), Counter())[kind] += 1
    names = {name: kinds.most_common(1)[0][0] for name, kinds in votes.items()}
    spans = [
        (start, end, names[tuple(tokens.forms[index[start] : ends[end] + 1])])
        for start, end, _ in spans
    ]
    lengths = sorted({len(name) for name in names}, reverse=True)
    found: list[Span] = []
    for a, b in tokens.runs:
        i = a
        while i < b:
            for length in lengths:
                hit = names.get(tuple(tokens.forms[i : i + length])) if i + length <= b else None
                if hit and covered.isdisjoint(range(i, i + length)):
                    found.append((tokens.spans[i][0], tokens.spans[i + length - 1][1], hit))
                    i += length - 1
                    break
            i += 1
    return sorted(spans + found)


def load_tagger(path: Path = MODEL_PATH) -> Any:
    """The process's CRF tagger for the English model, opened once (newsetl.tagger keeps the
    process's open models)."""
    from newsetl import tagger

    return tagger.load_tagger(path)


def tag_english(
    text: str,
    rule_spans: Sequence[Span] = (),
    gazetteer_spans: Sequence[Span] = (),
    tagger: Any | None = None,
) -> list[Span]:
    """Typed character spans of the named entities in an English text, given the rules'
    candidates and the gazetteer's spellings in it."""
    tokens = tokenize(text)
    if not tokens.runs:
        return []
    tagger = tagger or load_tagger()
    labels = tagger.tag(token_features(text, tokens, rule_spans, gazetteer_spans))
    return _repeated(tokens, label_spans(tokens, labels))


def flat_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """Nested gold mentions as the non-overlapping names the tagger should learn: titles cut
    from people (U.S. President Donald Trump → Donald Trump), titles alone dropped, and of
    overlapping mentions the longest kept (United States Navy over United States)."""
    cleaned: list[Span] = []
    for start, end, kind in spans:
        if kind == "PERSON":
            words = list(_TOKEN.finditer(text, start, end))
            cut = 0
            for k, word in enumerate(words[:-1]):
                # A party or country before a person's name: DAB's Starry Lee.
                if word.group().casefold() in _TITLES or word.group() in ("'s", "’s"):
                    cut = k + 1
            if words[-1].group().casefold() in _TITLES:
                continue
            start = words[cut].start()
        cleaned.append((start, end, kind))
    # Coordinations (Lau Siu-lai and Yau Wai-ching) give way to the names inside them.
    inner = [
        s
        for s in cleaned
        if " and " in text[s[0] : s[1]]
        and sum(1 for o in cleaned if s[0] <= o[0] and o[1] <= s[1] and o != s) >= 2
    ]
    cleaned = [s for s in cleaned if s not in inner]
    cleaned.sort(key=lambda s: (-(s[1] - s[0]), s[0], s[2]))
    kept: list[Span] = []
    for span in cleaned:
        if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    return sorted(kept)


def training_example(
    document: GumDocument, gazetteer: Gazetteer
) -> tuple[list[list[str]], list[str]]:
    """A document's features, as the pipeline builds them (with the rules' candidates and the
    gazetteer's spellings of newsetl.entities), and its gold labels from its typed spans: one
    training or cross-validation example."""
    from newsetl.entities import english_cues

    text = document.text
    tokens = tokenize(text)
    rules, known = english_cues(text, text.find("\n"), gazetteer)
    gold = flat_spans(text, [(s.start, s.end, s.entity_type) for s in document.spans])
    return token_features(text, tokens, rules, known), token_labels(tokens, gold)


def train_model(
    examples: Sequence[tuple[list[list[str]], list[str]]],
    path: Path,
    *,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    iterations: int = 500,
) -> None:
    """Fit a CRF on (features, labels) sequences and write it to path (L-BFGS, which is
    deterministic: the same examples give the same model)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in examples:
        trainer.append(features, labels)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(path))
