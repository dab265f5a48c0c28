"""A CRF sequence tagger for Korean named entities over Kiwi's morphemes.

Each morpheme gets a BIO label (PERSON, ORG, LOCATION) from features of itself and its
neighbours: form, part-of-speech tag, first and last syllables, spacing, character classes,
whether a gazetteer spelling starts or continues there, and the titles and suffixes that
mark people and organisations. The model (``models/ner-ko.crfsuite``) is trained by
``scripts/train_ner_ko.py`` on KLUE-NER news sentences and ships under CC BY-SA 4.0.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsetl.corpora import KLUE_TYPES
from newsetl.gazetteer import Gazetteer

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner-ko.crfsuite"

# Titles after a name, organisation suffixes and place suffixes, as whole morphemes.
_TITLES = frozenset(
    """회장 부회장 사장 부사장 대표 대표이사 대통령 부통령 장관 차관 총재 의원 감독 선수 총리
    의장 위원장 원장 총장 이사장 교수 대변인 주석 총통 국왕 여왕 지사 도지사 시장 구청장 군수
    판사 검사 변호사 창업자 상무 전무 부장 실장 본부장 단장 코치 배우 가수 작가 씨 대사 후보
    당선인 앵커 기자 특파원 CEO 씨는 군 양 옹 여사 박사 교사 청장 처장 차장 국장 과장 팀장
    소장 회원 멤버 총무 비서관 수석 보좌관 대령 중령 소령 장군 경위 경사 순경""".split()
)
_ORG_SUFFIXES = (
    "전자",
    "그룹",
    "은행",
    "증권",
    "위원회",
    "공사",
    "대학교",
    "대학",
    "금융",
    "보험",
    "건설",
    "재단",
    "협회",
    "연구원",
    "연구소",
    "공단",
    "법원",
    "경찰청",
    "검찰청",
    "노조",
    "통신",
    "항공",
    "홀딩스",
    "엔터테인먼트",
    "부",
    "청",
    "처",
    "당",
    "원",
    "사",
    "국",
    "회",
    "단",
    "청",
)
_LOCATION_SUFFIXES = ("시", "도", "군", "구", "읍", "면", "동", "리", "주", "섬", "강", "산", "역")
_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송홍전고문손양배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)
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


def _gazetteer_marks(text: str, tokens: Sequence[Any], gazetteer: Gazetteer) -> list[str]:
    """Per morpheme: B-<type>/I-<type> where the longest gazetteer spelling covers it, else ''."""
    marks = [""] * len(tokens)
    i = 0
    while i < len(tokens):
        if tokens[i].tag not in _NOUNISH:
            i += 1
            continue
        hit = 0
        kind = ""
        limit = min(len(tokens), i + _LONGEST_WINDOW)
        j = i
        while j < limit and tokens[j].tag in _NOUNISH:
            j += 1
        for end in range(j, i, -1):
            surface = text[tokens[i].start : tokens[end - 1].start + tokens[end - 1].len]
            if len(surface) < 2:
                continue
            entry = gazetteer.lookup(surface, exact=True)
            if entry is not None:
                hit, kind = end - i, _GAZ_TYPES[entry.entity_type]
                break
        if hit:
            marks[i] = "B-" + kind
            for k in range(i + 1, i + hit):
                marks[k] = "I-" + kind
            i += hit
        else:
            i += 1
    return marks


def token_features(text: str, tokens: Sequence[Any], gazetteer: Gazetteer) -> list[list[str]]:
    """The CRF's feature strings for each morpheme of one sentence or text."""
    n = len(tokens)
    forms = [t.form for t in tokens]
    tags = [t.tag for t in tokens]
    spaced = [i == 0 or tokens[i].start > tokens[i - 1].start + tokens[i - 1].len for i in range(n)]
    marks = _gazetteer_marks(text, tokens, gazetteer)
    # What closes each word (eojeol): the particle or ending says how the word is used.
    closers = [""] * n
    last = ""
    for i in range(n - 1, -1, -1):
        if i + 1 == n or spaced[i + 1]:
            last = tags[i] + ("=" + forms[i] if tags[i].startswith(("J", "E", "XS")) else "")
        closers[i] = last
    out: list[list[str]] = []
    for i in range(n):
        form, tag = forms[i], tags[i]
        features = [
            "w=" + form,
            "t=" + tag,
            "s1=" + form[-1:],
            "p1=" + form[:1],
            "sh=" + _shape(form),
            "len=" + str(min(len(form), 5)),
        ]
        if len(form) > 2:
            features.append("s2=" + form[-2:])
            features.append("p2=" + form[:2])
        if spaced[i]:
            features.append("sp")
        features.append("cl=" + closers[i])
        if marks[i]:
            features.append("g=" + marks[i])
        if tag == "NNP" and len(form) in (2, 3) and form[0] in _SURNAMES:
            features.append("sur" + str(len(form)))
        if form.endswith(_ORG_SUFFIXES) and len(form) > 1:
            features.append("osuf")
        if form.endswith(_LOCATION_SUFFIXES) and len(form) > 1:
            features.append("lsuf")
        if i > 0:
            features += [
                "-1w=" + forms[i - 1],
                "-1t=" + tags[i - 1],
                "-1t|t=" + tags[i - 1] + "|" + tag,
            ]
            if marks[i - 1]:
                features.append("-1g=" + marks[i - 1])
        else:
            features.append("BOS")
        if i > 1:
            features.append("-2t=" + tags[i - 2])
            features.append("-2w=" + forms[i - 2])
        if i + 1 < n:
            nxt = forms[i + 1]
            features += ["+1w=" + nxt, "+1t=" + tags[i + 1], "t|+1t=" + tag + "|" + tags[i + 1]]
            if spaced[i + 1]:
                features.append("+1sp")
            if nxt in _TITLES:
                features.append("+1title")
            if marks[i + 1]:
                features.append("+1g=" + marks[i + 1])
        else:
            features.append("EOS")
        if i + 2 < n:
            features.append("+2w=" + forms[i + 2])
            features.append("+2t=" + tags[i + 2])
            if forms[i + 2] in _TITLES:
                features.append("+2title")
        out.append(features)
    return out


def token_labels(tokens: Sequence[Any], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """BIO labels of morphemes from gold character spans (a morpheme belongs to the span
    that contains its first character)."""
    labels = ["O"] * len(tokens)
    for start, end, kind in spans:
        first = True
        for index, token in enumerate(tokens):
            if start <= token.start < end:
                labels[index] = ("B-" if first else "I-") + kind
                first = False
    return labels


def label_spans(tokens: Sequence[Any], labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Character spans (start, end, PERSON|ORG|LOCATION) from morpheme BIO labels."""
    spans: list[tuple[int, int, str]] = []
    start = end = -1
    kind = ""
    for token, label in zip([*tokens, None], [*labels, "O"], strict=True):
        if label == "O" or label.startswith("B-") or label[2:] != kind:
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
