"""The gazetteer: known people, organisations, places, products and events in Korean and English.

Entries come from ``config/gazetteer.yaml`` and the files it includes (products, events
and the Korean places GeoNames spells only in Latin), for countries from pycountry's ISO
3166 names and their Korean translations, and for other places from ``config/places.tsv``
(GeoNames: South Korea's cities and counties and the world's large cities with their Hangul
names). Any spelling of an entry (its name or an alias) finds it: Latin script ignores
case, Hangul ignores spaces (마크 저커버그 = 마크저커버그).
"""

from __future__ import annotations

import csv
import gettext
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pycountry

from newsetl.schema import ENTITY_TYPES
from newsetl.settings import parse_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "gazetteer.yaml"
PLACES_PATH = DEFAULT_PATH.with_name("places.tsv")

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_SPACES = re.compile(r"\s+")
# What may follow a known name and still leave the name itself: Korean particles and the
# English possessive. Longest first, so 에서 wins over 에.
_TRAILERS = tuple(
    sorted(
        (
            "은",
            "는",
            "이",
            "가",
            "을",
            "를",
            "의",
            "에",
            "에서",
            "에게",
            "께서",
            "와",
            "과",
            "도",
            "로",
            "으로",
            "만",
            "까지",
            "부터",
            "이나",
            "나",
            "랑",
            "이랑",
            "하고",
            "보다",
            "처럼",
            "이다",
            "이며",
            "이자",
            "측",
            "서",
            "'s",
            "’s",
            "'",
            "’",
        ),
        key=len,
        reverse=True,
    )
)

COUNTRY_ID_PREFIX = "loc:country-"  # the ids of the countries added from pycountry


@dataclass(frozen=True)
class GazetteerEntry:
    """One real thing, with every spelling it is known by."""

    entity_id: str
    name: str
    entity_type: str
    aliases: tuple[str, ...]
    wikidata_id: str | None

    @property
    def is_country(self) -> bool:
        """Whether the entry is one of the countries the gazetteer adds from pycountry."""
        return self.entity_id.startswith(COUNTRY_ID_PREFIX)


def has_hangul(text: str) -> bool:
    """Whether the text contains any Hangul."""
    return _HANGUL.search(text) is not None


@lru_cache(maxsize=65536)
def normalize_key(surface: str) -> str:
    """The lookup key of a spelling: NFKC, case-folded, Hangul spellings without spaces."""
    text = unicodedata.normalize("NFKC", surface).replace("’", "'").strip()
    text = _SPACES.sub(" ", text).casefold()
    if has_hangul(text):
        text = text.replace(" ", "")
    return text


class Gazetteer:
    """Entries indexed by every spelling; the first entry to claim a spelling keeps it."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self._entries: dict[str, GazetteerEntry] = {}
        self._index: dict[str, GazetteerEntry] = {}
        self.conflicts: list[tuple[str, str, str]] = []
        for entry in entries:
            if entry.entity_id in self._entries:
                raise ValueError(f"duplicate gazetteer id {entry.entity_id}")
            if entry.entity_type not in ENTITY_TYPES:
                raise ValueError(f"{entry.entity_id}: unknown type {entry.entity_type}")
            self._entries[entry.entity_id] = entry
            for spelling in (entry.name, *entry.aliases):
                key = normalize_key(spelling)
                if not key:
                    continue
                holder = self._index.get(key)
                if holder is None:
                    self._index[key] = entry
                elif holder.entity_id != entry.entity_id:
                    self.conflicts.append((spelling, holder.entity_id, entry.entity_id))
        self._longest = max((len(key) for key in self._index), default=0)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[GazetteerEntry]:
        return iter(self._entries.values())

    def get(self, entity_id: str) -> GazetteerEntry | None:
        """The entry with this id, if any."""
        return self._entries.get(entity_id)

    def lookup(self, surface: str, *, exact: bool = False) -> GazetteerEntry | None:
        """The entry spelled exactly so, else (unless exact) the longest spelling the surface
        starts with when only a particle or a possessive follows it (삼성전자와 → 삼성전자)."""
        key = normalize_key(surface)
        if not key:
            return None
        found = self._index.get(key)
        if found is not None or exact:
            return found
        for trailer in _TRAILERS:
            if key.endswith(trailer) and len(key) > len(trailer):
                found = self._index.get(key[: -len(trailer)].rstrip())
                if found is not None:
                    return found
        return None

    def spellings(self) -> Iterator[tuple[str, GazetteerEntry]]:
        """Every spelling with its entry (names and aliases, as written)."""
        for entry in self._entries.values():
            for spelling in dict.fromkeys((entry.name, *entry.aliases)):
                if self._index.get(normalize_key(spelling)) is entry:
                    yield spelling, entry


def _entry_from_yaml(raw: dict[str, Any]) -> GazetteerEntry:
    """One YAML entity item as an entry."""
    try:
        entity_id = str(raw["id"])
        name = str(raw["name"])
        entity_type = str(raw["type"])
    except KeyError as missing:
        raise ValueError(f"gazetteer entry {raw!r} lacks {missing}") from None
    aliases = tuple(dict.fromkeys(str(a) for a in raw.get("aliases") or () if str(a) != name))
    wikidata = raw.get("wikidata")
    return GazetteerEntry(
        entity_id, name, entity_type, aliases, str(wikidata) if wikidata else None
    )


@cache
def _korean_country_names() -> gettext.NullTranslations:
    """pycountry's Korean ISO 3166-1 catalogue, or a pass-through where it ships none."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ko"], fallback=True)


def _country_entries(overrides: dict[str, dict[str, Any]]) -> list[GazetteerEntry]:
    """Every ISO 3166-1 country as a LOCATION, with Korean names and the YAML's additions."""
    korean = _korean_country_names()
    entries = []
    for country in pycountry.countries:
        code = country.alpha_2
        extra = overrides.get(code) or {}
        english = [
            getattr(country, field)
            for field in ("common_name", "name", "official_name")
            if getattr(country, field, None)
        ]
        translated = [korean.gettext(spelling) for spelling in english]
        # A catalogue that lacks a name hands back the English one (or gettext's header for
        # an empty string); keep only real translations, and none of the "X, Y" catalogue forms.
        hangul = [t for t in translated if has_hangul(t) and "\n" not in t and ", " not in t]
        name = str(extra.get("name") or english[0])
        aliases = [*english, *hangul, *(str(a) for a in extra.get("aliases") or ())]
        drop = {normalize_key(str(d)) for d in extra.get("drop_aliases") or ()}
        kept = [a for a in dict.fromkeys(aliases) if a != name and normalize_key(a) not in drop]
        wikidata = extra.get("wikidata")
        entries.append(
            GazetteerEntry(
                f"{COUNTRY_ID_PREFIX}{code.lower()}",
                name,
                "LOCATION",
                tuple(kept),
                str(wikidata) if wikidata else None,
            )
        )
    return entries


def _place_entries(path: Path) -> list[GazetteerEntry]:
    """The places of config/places.tsv (GeoNames, written by scripts/build_places.py)."""
    rows = csv.DictReader(
        (
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")
        ),
        delimiter="\t",
    )
    return [
        GazetteerEntry(
            f"loc:geonames-{row['geonameid']}",
            row["name"],
            "LOCATION",
            tuple(a for a in row["hangul"].split("|") if a),
            None,
        )
        for row in rows
    ]


def build_gazetteer(document: dict[str, Any], places: Path | None = PLACES_PATH) -> Gazetteer:
    """A gazetteer from a parsed YAML document; its own entries win a spelling over countries,
    and both over the GeoNames places, of which any that shares a spelling with them is left
    out (it is the same place: 수원 is already Suwon)."""
    items = document.get("entities") or []
    entries = [_entry_from_yaml(item) for item in items]
    if document.get("include_countries", True):
        entries.extend(_country_entries(document.get("countries") or {}))
    if places is not None and document.get("include_places", True) and places.exists():
        taken = {normalize_key(s) for e in entries for s in (e.name, *e.aliases)}
        for place in _place_entries(places):
            keys = {normalize_key(s) for s in (place.name, *place.aliases)}
            if taken.isdisjoint(keys):
                entries.append(place)
                taken |= keys
    return Gazetteer(entries)


def read_gazetteer_document(path: Path) -> dict[str, Any]:
    """A gazetteer file's YAML, with the entities of the files its ``include:`` list names
    (paths relative to it, read in order) after its own, so its own entries win a spelling
    they share."""
    document = parse_yaml(path.read_text(encoding="utf-8")) or {}
    entities = list(document.get("entities") or [])
    for name in document.get("include") or ():
        included = path.parent / str(name)
        if not included.is_file():
            raise ValueError(f"{path.name}: included gazetteer file {name} does not exist")
        entities.extend(
            (parse_yaml(included.read_text(encoding="utf-8")) or {}).get("entities") or []
        )
    return {**document, "entities": entities}


_cache: dict[Path, Gazetteer] = {}
_lock = threading.Lock()


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """config/gazetteer.yaml (plus countries from pycountry with Korean names where the
    package has them); cached per path."""
    resolved = (path or DEFAULT_PATH).resolve()
    with _lock:
        cached = _cache.get(resolved)
        if cached is None:
            document = read_gazetteer_document(resolved)
            places = resolved.with_name(PLACES_PATH.name)
            cached = _cache[resolved] = build_gazetteer(document, places)
        return cached


def frequent_unknown_entities(
    con: Any, gazetteer: Gazetteer, limit: int = 30, entity_type: str | None = None
) -> list[dict[str, Any]]:
    """Entities of the warehouse that the gazetteer does not know, most articles first:
    entity_id, name, entity_type, aliases, articles, mentions, last_seen."""
    rows = con.execute(
        """
        select
            e.entity_id,
            e.name,
            e.entity_type,
            e.aliases,
            count(distinct ae.article_id) as articles,
            sum(ae.mention_count) as mentions,
            max(coalesce(a.published_at, a.fetched_at)) as last_seen
        from entities as e
        inner join article_entities as ae on ae.entity_id = e.entity_id
        inner join articles as a on a.article_id = ae.article_id
        where ? is null or e.entity_type = ?
        group by e.entity_id, e.name, e.entity_type, e.aliases
        order by articles desc, mentions desc, e.name
        """,
        [entity_type, entity_type],
    ).fetchall()
    columns = ("entity_id", "name", "entity_type", "aliases", "articles", "mentions", "last_seen")
    unknown = [
        dict(zip(columns, row, strict=True)) for row in rows if gazetteer.get(row[0]) is None
    ]
    return unknown[:limit]


def gazetteer_stub(row: dict[str, Any]) -> str:
    """A config/gazetteer.yaml line an analyst can complete (English name, Wikidata id)."""
    prefix = {"PERSON": "person", "ORG": "org", "LOCATION": "loc", "PRODUCT": "product"}.get(
        str(row["entity_type"]), "other"
    )
    slug = re.sub(r"[^a-z0-9]+", "-", str(row["name"]).casefold()).strip("-") or "todo"
    aliases = ", ".join(
        json.dumps(a, ensure_ascii=False) for a in [row["name"], *(row["aliases"] or [])]
    )
    return (
        f"  - {{id: {prefix}:{slug}, name: {json.dumps(row['name'], ensure_ascii=False)}, "
        f"type: {row['entity_type']}, aliases: [{aliases}]}}"
    )
