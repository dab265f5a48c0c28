"""The language of an article body, as an ISO 639-1 code."""

from __future__ import annotations

import re

# Korean articles carry English acronyms, names and numbers; a third of the letters being
# Hangul is already far more than any English article quoting Korean names has.
HANGUL_SHARE_FOR_KOREAN = 0.3
MIN_LETTERS = 12
# py3langid's time grows with the text; on the 179 bodies of the extraction benchmark the first
# 1000 characters gave the same language as the first 5000 for every page, in a third of the time.
SAMPLE_CHARS = 1000

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str | None:
    """ISO 639-1: Hangul share decides 'ko'; otherwise py3langid on the body; None for
    empty/too little text."""
    sample = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return None
    if len(_HANGUL.findall(sample)) / letters >= HANGUL_SHARE_FOR_KOREAN:
        return "ko"
    # Imported here: the model (and numpy) load only when a non-Korean body needs them.
    import py3langid

    code, _score = py3langid.classify(sample)
    return str(code) if code else None
