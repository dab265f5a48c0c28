"""Korean names in Latin letters: how English-language news spells a Korean person's name,
and whether a Latin word can spell a Hangul one.

The romanisers on PyPI are GPL-licensed (korean-romanizer) or carry no licence
(hangul-romanize), and a name needs only the tables below: the usual spelling of the
commonest surnames, and Revised Romanization syllable by syllable for the given name, which
Revised Romanization leaves without sound changes between its syllables.
"""

from __future__ import annotations

# How Korean news in English spells the commonest surnames (Lee, Park, Choi: not Revised
# Romanization's I, Bak, Choe).
SURNAMES_LATIN = dict(
    zip(
        "김이박최정강조윤장임한오서신권황안송홍전고문손양배백허유남심노하곽성차주우구민진나",
        """Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song
        Hong Jeon Ko Moon Son Yang Bae Baek Heo Yoo Nam Shim Roh Ha Kwak Sung Cha Joo Woo
        Koo Min Jin Na""".split(),
        strict=True,
    )
)
# Other spellings of those surnames in English-language text, to the usual one.
SURNAME_VARIANTS = {
    **{latin.casefold(): latin for latin in SURNAMES_LATIN.values()},
    **dict.fromkeys(("yi", "rhee", "ri"), "Lee"),
    **dict.fromkeys(("jeong", "chung", "cheong"), "Jung"),
    **dict.fromkeys(("pak", "bak"), "Park"),
    "choe": "Choi",
    "gang": "Kang",
    "jo": "Cho",
    "yun": "Yoon",
    "im": "Lim",
    **dict.fromkeys(("yu", "you"), "Yoo"),
    **dict.fromkeys(("noh", "no"), "Roh"),
    "an": "Ahn",
    "gwon": "Kwon",
    "go": "Ko",
    "mun": "Moon",
    "seong": "Sung",
    "ju": "Joo",
    "gu": "Koo",
    "sin": "Shin",
    "sim": "Shim",
    **dict.fromkeys(("hur", "huh"), "Heo"),
    "gwak": "Kwak",
}
# Revised Romanization of a syllable's first consonant, vowel and last consonant.
_RR_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_RR_VOWELS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_RR_FINALS = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()
# How English-language news often spells a syllable of a given name, where Revised
# Romanization spells it otherwise (Kang-in, Sung-ho, Joon-young: RR gang-in, seong-ho,
# jun-yeong). Only spellings with one common reading in given names: Jun (준 or 전), Suk
# (석 or 숙), Sun (선 or 순), Yun and Youn (윤 or 연), Chun, Chung and Gun keep their
# spelling.
_GIVEN_SPELLINGS = {
    "kang": "gang",
    **dict.fromkeys(("ki", "kee", "gee"), "gi"),
    "kyu": "gyu",
    **dict.fromkeys(("kyung", "kyoung", "kyeong", "gyung"), "gyeong"),
    "keun": "geun",
    "kwang": "gwang",
    "kwon": "gwon",
    **dict.fromkeys(("kook", "kuk", "gook"), "guk"),
    "kil": "gil",
    **dict.fromkeys(("koo", "ku", "goo"), "gu"),
    "kyo": "gyo",
    **dict.fromkeys(("keum", "kum"), "geum"),
    "kap": "gap",
    **dict.fromkeys(("hee", "heui"), "hui"),
    "shin": "sin",
    **dict.fromkeys(("shi", "see"), "si"),
    "shik": "sik",
    "sook": "suk",
    "soon": "sun",
    "soo": "su",
    "sung": "seong",
    **dict.fromkeys(("hyun", "hyoun"), "hyeon"),
    **dict.fromkeys(("hyung", "hyoung"), "hyeong"),
    **dict.fromkeys(("myung", "myoung"), "myeong"),
    **dict.fromkeys(("byung", "byoung"), "byeong"),
    "pyung": "pyeong",
    "ryung": "ryeong",
    "hyuk": "hyeok",
    "chul": "cheol",
    "bum": "beom",
    "duk": "deok",
    **dict.fromkeys(("jung", "joung"), "jeong"),
    **dict.fromkeys(("young", "yung"), "yeong"),
    "joon": "jun",
    "joo": "ju",
    "hoon": "hun",
    **dict.fromkeys(("woo", "wu"), "u"),
    "wook": "uk",
    "woon": "un",
    "woong": "ung",
    **dict.fromkeys(("yoo", "you"), "yu"),
    "yoon": "yun",
    "yool": "yul",
    "doo": "du",
    "moo": "mu",
    "boo": "bu",
    "hoo": "hu",
    "choon": "chun",
    "choong": "chung",
    "eui": "ui",
    "ah": "a",
    "oh": "o",
}
# Latin letters that can start the spelling of a Hangul syllable, by its first consonant
# (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ; ㅇ is silent, so a vowel, w or y).
_LATIN_INITIALS = (
    "gkcqx gkcqx n dt dt rl m bpv bpv scxz scxz aeiouwyh jgzc jgzc ctj kcq t pf hwf"
).split()


def _syllable(ch: str) -> tuple[int, int, int] | None:
    """A Hangul syllable's first consonant, vowel and last consonant (indexes), or None."""
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return None
    return code // 588, code % 588 // 28, code % 28


def romanized_name(name: str) -> str | None:
    """A Korean person's name of three syllables as English-language news spells it: the
    surname as usual (이 Lee, 박 Park), the given name in Revised Romanization with a hyphen
    (강태민 → Kang Tae-min). None for other names."""
    if len(name) != 3 or name[0] not in SURNAMES_LATIN:
        return None
    syllables = []
    for ch in name[1:]:
        parts = _syllable(ch)
        if parts is None:
            return None
        initial, vowel, final = parts
        syllables.append(
            (_RR_INITIALS[initial] + _RR_VOWELS[vowel] + _RR_FINALS[final]).replace("-", "")
        )
    return f"{SURNAMES_LATIN[name[0]]} {'-'.join(syllables).capitalize()}"


def person_key_name(name: str, entity_type: str) -> str:
    """The spelling an unknown person is keyed by: a Korean name as English-language news
    spells it (강태민 → Kang Tae-min), and a name in that shape with the usual surname and
    the given name run together (Kang Tae-min, Kang Taemin and Gang Tae Min are one key), so
    the Korean and the English stories about one person meet. The syllables of a Latin given
    name written apart take their Revised Romanization where news spells them otherwise
    (Lee Kang-in and 이강인 are Lee Gangin, Kim Sung-ho and 김성호 Kim Seongho). Other names
    as they are."""
    if entity_type != "PERSON":
        return name
    romanized = romanized_name(name)
    words = (romanized or name).split()
    surname = SURNAME_VARIANTS.get(words[0].casefold()) if 2 <= len(words) <= 3 else None
    syllables = [part.casefold() for word in words[1:] for part in word.split("-") if part]
    if romanized is None and len(syllables) > 1:
        syllables = [_GIVEN_SPELLINGS.get(part, part) for part in syllables]
    given = "".join(syllables)
    if surname is None or not given.isascii() or not given.isalpha():
        return name
    return f"{surname} {given.capitalize()}"


def spelled_alike(hangul: str, latin: str) -> bool:
    """Whether a Latin word can spell a Hangul name, by its first letter (리사: LISA, not
    BLACKPINK)."""
    parts = _syllable(hangul[:1]) if hangul else None
    if parts is None or not latin[:1].isalpha():
        return False
    return latin[0].lower() in _LATIN_INITIALS[parts[0]]
