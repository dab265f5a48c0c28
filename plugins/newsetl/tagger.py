"""A CRF sequence tagger for Korean named entities over Kiwi's morphemes.

Each morpheme gets a BIOES label (PERSON, ORG, LOCATION) from features of itself and its
neighbours: form, part-of-speech tag, first and last syllables, spacing, character classes,
its word (eojeol) without particles, that word's first and last two syllables and the words
either side, the verb that follows it in its sentence, whether a gazetteer spelling or a
name of the name lexicon (``models/names-ko.tsv``, about 34,700 people, bodies and places
with their types) starts or continues there, and the titles, suffixes and surnames
that newsetl.entities lists for its rules (one copy of each list; the suffixes read on the
morpheme and on its word), and the morphemes nearest it in Kiwi's own embeddings
(``models/neighbours-ko.tsv``). The model (``models/ner-ko.crfsuite``) is trained by
``scripts/train_ner_ko.py`` on KLUE-NER news sentences and ships under CC BY-SA 4.0.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from newsetl.corpora import KLUE_TYPES
from newsetl.gazetteer import Gazetteer

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner-ko.crfsuite"
NAMES_PATH = MODEL_PATH.with_name("names-ko.tsv")
NEIGHBOURS_PATH = MODEL_PATH.with_name("neighbours-ko.tsv")

_NOUNISH = frozenset({"NNP", "NNG", "SL", "SH", "SN", "NNB", "XSN", "NR"})
_GAZ_TYPES = {
    "PERSON": "PS",
    "ORG": "OG",
    "LOCATION": "LC",
    "PRODUCT": "PR",
    "EVENT": "EV",
    "OTHER": "OT",
}
_LONGEST_WINDOW = 5
K = TypeVar("K")


@lru_cache(maxsize=65536)
def _shape(form: str) -> str:
    """Character classes of a morpheme, runs collapsed: 삼성SDI → HL, 3분기 → DH."""
    out: list[str] = []
    for ch in form:
        if "\uac00" <= ch <= "\ud7a3":
            kind = "H"
        elif ch.isascii() and ch.isalpha():
            kind = "U" if ch.isupper() else "L"
        elif ch.isdigit():
            kind = "D"
        elif "\u4e00" <= ch <= "\u9fff":
            kind = "C"
        else:
            kind = "P"
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


@lru_cache(maxsize=131072)
def _gazetteer_kind(gazetteer: Gazetteer, surface: str) -> str | None:
    """The KLUE type code of the gazetteer entry spelled exactly so (a surface recurs across
    articles, and the lookup's normalisation costs more than the cache)."""
    entry = gazetteer.lookup(surface, exact=True)
    return _GAZ_TYPES[entry.entity_type] if entry is not None else None


def _gazetteer_marks(
    text: str, spans: Sequence[tuple[int, int]], nounish: Sequence[bool], gazetteer: Gazetteer
) -> list[str]:
    """Per morpheme: B-<type>/I-<type> where the longest gazetteer spelling covers it, else ''."""
    return _longest_marks(text, spans, nounish, lambda surface: _gazetteer_kind(gazetteer, surface))


def _lexicon_marks(
    text: str, spans: Sequence[tuple[int, int]], nounish: Sequence[bool]
) -> list[str]:
    """Per morpheme: B-<types>/I-<types> where the longest name of the name lexicon covers it
    (types such as OG or OG|LC), else ''."""
    lexicon = _name_lexicon()
    return _longest_marks(
        text, spans, nounish, lambda surface: lexicon.get(surface.replace(" ", ""))
    )


def _longest_marks(
    text: str,
    spans: Sequence[tuple[int, int]],
    nounish: Sequence[bool],
    kind_of: Callable[[str], str | None],
) -> list[str]:
    """Per morpheme (its character span, and whether it is noun-like): B-<kind>/I-<kind>
    where the longest run of noun-like morphemes (up to five, two characters or more) that
    kind_of knows covers it, else ''."""
    n = len(spans)
    marks = [""] * n
    i = 0
    while i < n:
        if not nounish[i]:
            i += 1
            continue
        hit = 0
        kind = ""
        limit = min(n, i + _LONGEST_WINDOW)
        j = i
        while j < limit and nounish[j]:
            j += 1
        first = spans[i][0]
        for end in range(j, i, -1):
            surface = text[first : spans[end - 1][1]]
            if len(surface) < 2:
                continue
            found = kind_of(surface)
            if found is not None:
                hit, kind = end - i, found
                break
        if hit:
            marks[i] = "B-" + kind
            for k in range(i + 1, i + hit):
                marks[k] = "I-" + kind
            i += hit
        else:
            i += 1
    return marks


def read_name_lexicon(path: Path, key: Callable[[str], K | None]) -> dict[K, str]:
    """A name lexicon (name TAB PS|OG|LC per line, # comments) as key(name) → its types, a
    name of two types on two lines giving "LC|OG"; names whose key is None are left out."""
    kinds: dict[K, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, kind = line.partition("\t")
        found = key(name)
        if found is not None:
            kinds.setdefault(found, set()).add(kind)
    return {found: "|".join(sorted(types)) for found, types in kinds.items()}


@lru_cache(maxsize=1)
def _name_lexicon(path: Path = NAMES_PATH) -> dict[str, str]:
    """Name (spaces removed) → its KLUE types, from models/names-ko.tsv."""
    return read_name_lexicon(path, lambda name: name.replace(" ", ""))


@lru_cache(maxsize=1)
def _neighbour_rows(path: Path = NEIGHBOURS_PATH) -> dict[tuple[str, str], tuple[int, ...]]:
    """(form, tag) → its row and its neighbours' rows in models/neighbours-ko.tsv (Kiwi's
    embedding neighbours, written by scripts/build_neighbours_ko.py)."""
    rows: dict[tuple[str, str], tuple[int, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        row, form, tag, *near = line.split("\t")
        rows[(form, tag)] = (int(row), *(int(n) for n in near if n != "-"))
    return rows


@lru_cache(maxsize=131072)
def _neighbours_of(form: str, tag: str) -> tuple[str, ...]:
    """A morpheme's embedding neighbours (nb=<row>) and the most frequent of it and them
    (anc=<row>, a coarse cluster); none for a morpheme outside the table. Built once per
    morpheme and process, like _form_features."""
    found = _neighbour_rows().get((form, tag))
    if found is None:
        return ()
    return (*(f"nb={n}" for n in found[1:]), f"anc={min(found)}")


def _neighbour_features(tokens: Sequence[Any]) -> list[tuple[str, ...]]:
    """Per morpheme: its neighbour features (_neighbours_of), so unseen names borrow the
    weights of names near them. Cross-validated typed F1 0.7556 → 0.7597 (with BIOES labels;
    with BIO labels, none)."""
    return [_neighbours_of(token.form, token.tag) for token in tokens]


@dataclass(frozen=True)
class _Cues:
    """Word lists shared with the rules in newsetl.entities, as the features read them."""

    titles: frozenset[str]
    org_suffixes: tuple[str, ...]
    weak_org_suffixes: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    surnames: frozenset[str]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    """The title, suffix and surname lists of newsetl.entities (read on first use, since that
    module imports this one)."""
    from newsetl import entities

    return _Cues(
        titles=entities.PERSON_TITLE_WORDS_KO,
        org_suffixes=entities.ORG_SUFFIXES_KO,
        weak_org_suffixes=entities.ORG_SUFFIXES_KO_WEAK,
        place_suffixes=entities.LOCATION_SUFFIXES_KO,
        surnames=entities.SURNAMES_KO,
    )


def _word_suffixes(stem: str, cues: _Cues) -> list[str]:
    """Organisation and place suffixes read from the whole word (eojeol), not the morpheme.

    Kiwi often cuts an unknown organisation or place in pieces (한빛+바이오, 창원+시청), so the
    suffix cues on the morpheme alone miss it; on the word without its particles they fire
    on every morpheme of it (cross-validated typed F1 0.719 → 0.723). Hangul words only, of
    three syllables or more, as the rules in newsetl.entities read them.
    """
    if len(stem) < 3 or _shape(stem) != "H":
        return []
    found: list[str] = []
    if stem.endswith(cues.org_suffixes):
        found.append("eosuf")
    elif stem.endswith(cues.weak_org_suffixes):
        found.append("ewosuf")
    if stem.endswith(cues.place_suffixes):
        found.append("elsuf")
    return found


@lru_cache(maxsize=131072)
def _form_features(form: str, tag: str) -> tuple[str, ...]:
    """The features a morpheme has whatever stands around it: form, tag, first and last
    syllables, shape, length, and the surname, title and suffix cues. Built once per morpheme
    and process, as a morpheme recurs across articles."""
    cues = _cues()
    features = [
        "w=" + form,
        "t=" + tag,
        "s1=" + form[-1:],
        "p1=" + form[:1],
        "sh=" + _shape(form),
        "len=" + str(min(len(form), 5)),
    ]
    if len(form) > 2:
        features += ["s2=" + form[-2:], "p2=" + form[:2]]
    if tag == "NNP" and 2 <= len(form) <= 4 and form[0] in cues.surnames:
        features.append("sur" + str(len(form)))
    if form in cues.titles:
        features.append("title")
    if len(form) > 1 and form.endswith(cues.org_suffixes):
        features.append("osuf")
    elif len(form) > 2 and form.endswith(cues.weak_org_suffixes):
        features.append("wosuf")
    if len(form) > 1 and form.endswith(cues.place_suffixes):
        features.append("lsuf")
    return tuple(features)


def token_features(text: str, tokens: Sequence[Any], gazetteer: Gazetteer) -> list[list[str]]:
    """The CRF's feature strings for each morpheme of one sentence or text."""
    cues = _cues()
    n = len(tokens)
    forms = [t.form for t in tokens]
    tags = [t.tag for t in tokens]
    spans = [(t.start, t.start + t.len) for t in tokens]
    spaced = [i == 0 or spans[i][0] > spans[i - 1][1] for i in range(n)]
    nounish = [tag in _NOUNISH for tag in tags]
    marks = _gazetteer_marks(text, spans, nounish, gazetteer)
    known = _lexicon_marks(text, spans, nounish)
    near = _neighbour_features(tokens)
    # What closes each word (eojeol): the particle or ending says how the word is used.
    closers = [""] * n
    last = ""
    for i in range(n - 1, -1, -1):
        if i + 1 == n or spaced[i + 1]:
            last = (
                "cl=" + tags[i] + ("=" + forms[i] if tags[i].startswith(("J", "E", "XS")) else "")
            )
        closers[i] = last
    titles = [form in cues.titles for form in forms]
    # Each morpheme's word (eojeol) without its particles, endings and punctuation: the word
    # itself, the words either side and the suffixes read on the word, shared by its morphemes.
    bounds = [i for i in range(n) if spaced[i]] + [n]
    stems: list[str] = []
    for first, after in itertools.pairwise(bounds):
        stems.append(text[spans[first][0] : spans[_stem_end(tags, first, after) - 1][1]])
    word_features: list[list[str]] = []
    for word, stem in enumerate(stems):
        word_features.append(
            [
                "ew=" + stem,
                "pw=" + (stems[word - 1] if word > 0 else "^"),
                "nw=" + (forms[bounds[word + 1]] if word + 1 < len(stems) else "$"),
                *_word_suffixes(stem, cues),
                *(("ep2=" + stem[:2], "es2=" + stem[-2:]) if len(stem) > 2 else ()),
            ]
        )
    word_of = [0] * n
    for word, (first, after) in enumerate(itertools.pairwise(bounds)):
        for k in range(first, after):
            word_of[k] = word
    preds = _predicates_after(text, forms, tags, spans)
    out: list[list[str]] = []
    for i in range(n):
        form, tag = forms[i], tags[i]
        features = [*_form_features(form, tag), closers[i], *word_features[word_of[i]]]
        if marks[i] or tag == "NNP":
            features.append("pred=" + preds[i])
        if spaced[i]:
            features.append("sp")
        if i + 1 == n or spaced[i + 1]:
            features.append("wend")
        if marks[i]:
            features.append("g=" + marks[i])
        if known[i]:
            features.append("lx=" + known[i])
        if i > 0 and known[i - 1]:
            features.append("-1lx=" + known[i - 1][2:])
        if i + 1 < n and known[i + 1]:
            features.append("+1lx=" + known[i + 1][2:])
        if i > 0:
            features += [
                "-1w=" + forms[i - 1],
                "-1t=" + tags[i - 1],
                "-1t|t=" + tags[i - 1] + "|" + tag,
                "-1w|w=" + forms[i - 1] + "|" + form,
            ]
            if marks[i - 1]:
                features.append("-1g=" + marks[i - 1])
            if titles[i - 1]:
                features.append("-1title")
        else:
            features.append("BOS")
        if i > 1:
            features += ["-2t=" + tags[i - 2], "-2w=" + forms[i - 2]]
        if i + 1 < n:
            nxt = forms[i + 1]
            features += [
                "+1w=" + nxt,
                "+1t=" + tags[i + 1],
                "t|+1t=" + tag + "|" + tags[i + 1],
                "w|+1w=" + form + "|" + nxt,
            ]
            if spaced[i + 1]:
                features.append("+1sp")
            elif nxt in cues.org_suffixes or nxt in cues.weak_org_suffixes:
                features.append("+1osuf")
            elif nxt in cues.place_suffixes:
                features.append("+1lsuf")
            if titles[i + 1]:
                features.append("+1title")
            if marks[i + 1]:
                features.append("+1g=" + marks[i + 1])
        else:
            features.append("EOS")
        if i + 2 < n:
            features += ["+2w=" + forms[i + 2], "+2t=" + tags[i + 2]]
            if titles[i + 2]:
                features.append("+2title")
        features += near[i]
        if i > 0 and near[i - 1]:
            features.append("-1" + near[i - 1][0])
        if i + 1 < n and near[i + 1]:
            features.append("+1" + near[i + 1][0])
        out.append(features)
    return out


def _predicates_after(
    text: str, forms: Sequence[str], tags: Sequence[str], spans: Sequence[tuple[int, int]]
) -> list[str]:
    """Per morpheme: the first verb or adjective after it in its sentence (a noun made a verb
    by 하다 counts as its noun), "$" where none follows. What a name does tells a country or
    city that acts (ORG in KLUE: 북한이 발사했다) from one that is a place, and a body from a
    person. With the word affixes (ep2, es2), cross-validated typed F1 0.7623 → 0.7647 (the
    affixes alone 0.7644); read across sentences, as a first version did, 0.7669."""
    n = len(forms)
    out = [""] * n
    after = "$"
    for i in range(n - 1, -1, -1):
        if i + 1 < n and "\n" in text[spans[i][1] : spans[i + 1][0]]:
            after = "$"
        out[i] = after
        if tags[i] == "SF":
            after = "$"
        elif tags[i] in ("VV", "VA") or (tags[i] == "NNG" and i + 1 < n and tags[i + 1] == "XSV"):
            after = forms[i]
    return out


def _stem_end(tags: Sequence[str], first: int, after: int) -> int:
    """Where a word's stem ends: before its closing particles, endings and punctuation (at
    least one morpheme is kept)."""
    end = after
    while end > first + 1 and tags[end - 1].startswith(("J", "E", "SF", "SP", "SS")):
        end -= 1
    return end


def token_labels(tokens: Sequence[Any], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """BIOES labels of morphemes from gold character spans (a morpheme belongs to the span
    that contains its first character): B-, I-, E- for the first, inner and last morphemes of
    a span, S- for a span of one. Cross-validated typed F1 0.7539 → 0.7556 against BIO."""
    labels = ["O"] * len(tokens)
    for start, end, kind in spans:
        inside = [i for i, token in enumerate(tokens) if start <= token.start < end]
        if len(inside) == 1:
            labels[inside[0]] = "S-" + kind
        elif inside:
            labels[inside[0]] = "B-" + kind
            for index in inside[1:-1]:
                labels[index] = "I-" + kind
            labels[inside[-1]] = "E-" + kind
    return labels


def label_spans(tokens: Sequence[Any], labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Character spans (start, end, PERSON|ORG|LOCATION) from morpheme BIOES labels (read as
    BIO: S- opens a span like B-, E- continues one like I-)."""
    spans: list[tuple[int, int, str]] = []
    start = end = -1
    kind = ""
    for token, label in zip([*tokens, None], [*labels, "O"], strict=True):
        opens = label.startswith(("B-", "S-"))
        if label == "O" or opens or label[2:] != kind:
            if start >= 0:
                spans.append((start, end, KLUE_TYPES[kind]))
            start, kind = -1, ""
            if label != "O" and token is not None:
                start, kind = token.start, label[2:]
        if token is not None and start >= 0:
            end = token.start + token.len
    return spans


_taggers: dict[Path, Any] = {}
_lock = threading.Lock()


def load_tagger(path: Path = MODEL_PATH) -> Any:
    """The process's CRF tagger for a model file, opened once."""
    with _lock:
        tagger = _taggers.get(path)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(str(path))
            _taggers[path] = tagger
        return tagger


def tag_entities(
    text: str, tokens: Sequence[Any], gazetteer: Gazetteer, tagger: Any | None = None
) -> list[tuple[int, int, str]]:
    """Typed character spans of the named entities in a tokenised text."""
    if not tokens:
        return []
    tagger = tagger or load_tagger()
    labels = tagger.tag(token_features(text, tokens, gazetteer))
    return label_spans(tokens, labels)
