"""A few scored keywords per article: the nouns its headline and body lean on.

Korean keywords are Kiwi's nouns (common and proper, two syllables or more); English ones are
words of three letters or more outside a stop list. A word in the headline counts three
times, a word in the body at most five; scores are relative to the article's top word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MAX_KEYWORDS = 5
HEADLINE_WEIGHT = 3.0
BODY_CAP = 5

_STOP_KO = frozenset(
    """기자 연합뉴스 뉴시스 뉴스 오늘 지난 이번 관련 경우 정도 때문 이날 올해 작년 내년 지난해 기준
    대상 예정 전망 최근 현재 가운데 이후 이상 이하 설명 발표 진행 상황 문제 부분 가능 사실 생각
    당시 정부 사람 우리 이상 모두 전체 다음 처음 동안 사이 이유 결과 방침 계획 주장 입장 지적
    강조 말 것 수 등 및 중 위 측 개 명 원 년 월 일 시 분 전 후 내 외 씨 제 총 약 만 억 조 무단
    전재 배포 금지 저작권 재배포 사진 제공 캡처""".split()
)
_STOP_EN = frozenset(
    """the and for with that this from have has had was were are been being will would could
    should may might can not but its his her their they them she him our your you who whom
    which what when where why how than then there here also into over after before about
    said says say told according more most some such other only just very much many new one
    two three four five first last year years week weeks month months day days time today
    yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday percent
    while since until during per via mr ms mrs did does doing done get got make made still
    even well back out off all any each both few own same too now like including amid""".split()
)
_WORD_EN = re.compile(r"[A-Za-z][A-Za-z0-9'-]{2,}")
_NOUN_TAGS = frozenset({"NNG", "NNP", "SL"})


def korean_keywords(
    tokens: Sequence[Any], title_end: int, limit: int = MAX_KEYWORDS
) -> list[tuple[str, float]]:
    """Keywords from Kiwi tokens of title + '\\n\\n' + body (title_end: the title's length)."""
    headline: Counter[str] = Counter()
    body: Counter[str] = Counter()
    for token in tokens:
        form = token.form
        if token.tag not in _NOUN_TAGS or len(form) < 2 or form in _STOP_KO:
            continue
        if token.tag == "SL":
            form = form if form.isupper() else form.casefold()
            if len(form) < 2 or form.casefold() in _STOP_EN:
                continue
        (headline if token.start < title_end else body)[form] += 1
    return _rank(headline, body, limit)


def english_keywords(title: str, body: str, limit: int = MAX_KEYWORDS) -> list[tuple[str, float]]:
    """Keywords of an English (or any Latin-script) article."""
    headline = Counter(_english_words(title))
    return _rank(headline, Counter(_english_words(body)), limit)


def _english_words(text: str) -> list[str]:
    """Candidate words: acronyms kept in capitals, other words case-folded."""
    # The runs of _WORD_EN's characters, found on bytes (anything else, and every character
    # outside ASCII, made a space): a match is a run from its first letter on.
    runs = text.encode("ascii", "replace").translate(_RUN_BYTES).split()
    return [word for word in map(_candidate, runs) if word]


def _english_word(match: str) -> str:
    """The candidate word a match of _WORD_EN stands for, '' if none."""
    word = match.strip("'-")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    folded = word.casefold()
    if len(word) < 3 or folded in _STOP_EN:
        return ""
    return word if word.isupper() and len(word) <= 5 else folded


_RUN_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'-"
_RUN_BYTES = bytes(c if c in _RUN_CHARS else 32 for c in range(256))


@lru_cache(maxsize=200_000)
def _candidate(run: bytes) -> str:
    """The candidate word of a run of _WORD_EN's characters ('' for none; a news text
    repeats most of its words). _WORD_EN matches from the run's first letter to its end, if
    that is 3 characters or more."""
    match = run.lstrip(b"0123456789'-")
    return _english_word(match.decode("ascii")) if len(match) >= 3 else ""


def _rank(headline: Counter[str], body: Counter[str], limit: int) -> list[tuple[str, float]]:
    """Weighted counts, best first (ties by word), scaled so the best scores 1."""
    weights = {
        word: HEADLINE_WEIGHT * headline[word] + min(BODY_CAP, body[word])
        for word in set(headline) | set(body)
    }
    # A word seen once in the body alone says little about a long article.
    if len(weights) > limit:
        weights = {w: v for w, v in weights.items() if v > 1.0 or headline[w]} or weights
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not ranked:
        return []
    top = ranked[0][1]
    return [(word, round(value / top, 4)) for word, value in ranked]
