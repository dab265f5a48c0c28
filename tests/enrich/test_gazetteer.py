from pathlib import Path

import pytest

from newsetl.gazetteer import build_gazetteer, load_gazetteer, normalize_key
from newsetl.schema import ENTITY_TYPES


def test_shipped_gazetteer_is_large_consistent_and_conflict_free() -> None:
    gazetteer = load_gazetteer()
    own = [e for e in gazetteer if not e.entity_id.startswith("loc:country-")]
    assert len(own) >= 120
    assert gazetteer.conflicts == []
    assert all(e.entity_type in ENTITY_TYPES for e in gazetteer)
    assert all(
        e.entity_id.split(":")[0] in {"org", "person", "loc", "product", "event", "other"}
        for e in own
    )


def test_load_gazetteer_is_cached_per_path() -> None:
    assert load_gazetteer() is load_gazetteer()


@pytest.mark.parametrize(
    ("surface", "entity_id"),
    [
        pytest.param("메타", "org:meta", id="meta-ko"),
        pytest.param("Meta Platforms", "org:meta", id="meta-platforms"),
        pytest.param("META", "org:meta", id="latin-ignores-case"),
        pytest.param("LG전자", "org:lg-electronics", id="lg-electronics-ko"),
        pytest.param("현대차", "org:hyundai-motor", id="hyundai-short-ko"),
        pytest.param("현대자동차", "org:hyundai-motor", id="hyundai-long-ko"),
        pytest.param("Hyundai Motor", "org:hyundai-motor", id="hyundai-en"),
        pytest.param("마크저커버그", "person:mark-zuckerberg", id="hangul-ignores-spaces"),
        pytest.param("저커버그는", "person:mark-zuckerberg", id="particle-stripped"),
        pytest.param("삼성전자와", "org:samsung-electronics", id="longest-prefix-before-particle"),
        pytest.param("조지아주", "loc:georgia-us-state", id="georgia-state"),
        pytest.param("대한민국", "loc:country-kr", id="pycountry-korean-name"),
        pytest.param("독일", "loc:country-de", id="pycountry-germany-ko"),
        pytest.param("북한", "loc:country-kp", id="yaml-country-alias"),
        pytest.param("Russia", "loc:country-ru", id="yaml-country-name"),
        pytest.param("도쿄", "loc:tokyo", id="capital-ko"),
        pytest.param("Internet Explorer", "product:internet-explorer", id="included-product"),
        pytest.param("누리호", "product:nuri-rocket", id="included-product-ko"),
        pytest.param("Champions League", "event:uefa-champions-league", id="included-event"),
        pytest.param("추석", "event:chuseok", id="included-event-ko"),
    ],
)
def test_lookup_finds_every_spelling(surface: str, entity_id: str) -> None:
    entry = load_gazetteer().lookup(surface)
    assert entry is not None
    assert entry.entity_id == entity_id


def test_lookup_exact_does_not_strip_particles() -> None:
    assert load_gazetteer().lookup("저커버그는", exact=True) is None


def test_unknown_spelling_finds_nothing() -> None:
    assert load_gazetteer().lookup("없는회사이름") is None


def test_normalize_key_folds_case_and_hangul_spaces() -> None:
    assert normalize_key("  Meta  Platforms ") == "meta platforms"
    assert normalize_key("마크 저커버그") == "마크저커버그"


def test_build_gazetteer_from_a_document(tmp_path: Path) -> None:
    document = {
        "include_countries": False,
        "entities": [
            {
                "id": "org:acme",
                "name": "Acme",
                "type": "ORG",
                "aliases": ["애크미"],
                "wikidata": "Q1",
            },
            {"id": "org:other", "name": "Other", "type": "ORG", "aliases": ["Acme"]},
        ],
    }
    gazetteer = build_gazetteer(document)
    entry = gazetteer.lookup("애크미")
    assert entry is not None and entry.entity_id == "org:acme" and entry.wikidata_id == "Q1"
    assert gazetteer.conflicts == [("Acme", "org:acme", "org:other")]


def test_build_gazetteer_rejects_unknown_types() -> None:
    with pytest.raises(ValueError, match="unknown type"):
        build_gazetteer(
            {"include_countries": False, "entities": [{"id": "x:y", "name": "Y", "type": "THING"}]}
        )


@pytest.mark.parametrize(
    "name",
    [
        "gazetteer.yaml",
        "gazetteer-products.yaml",
        "gazetteer-events.yaml",
        "gazetteer-places-kr.yaml",
        "taxonomy.yaml",
        "sources.yaml",
    ],
)
def test_config_files_read_the_same_with_the_c_loader(name: str) -> None:
    import yaml

    from newsetl.settings import PROJECT_ROOT, parse_yaml

    text = (PROJECT_ROOT / "config" / name).read_text(encoding="utf-8")
    assert parse_yaml(text) == yaml.safe_load(text)
    assert yaml.__with_libyaml__  # the wheel carries libyaml: the fast path is what runs


@pytest.mark.parametrize(
    ("surface", "entity_id"),
    [
        ("파주", "loc:paju"),
        ("파주시", "loc:paju"),
        ("Paju", "loc:paju"),
        ("연천군", "loc:yeoncheon-county"),
        ("마포구", "loc:mapo-gu"),
        ("마포", "loc:mapo-gu"),
        ("Mapo District", "loc:mapo-gu"),
        ("음성군", "loc:eumseong-county"),
        ("분당구", "loc:bundang-gu"),
        ("서울 중구", "loc:jung-gu-seoul"),
        ("부산광역시 강서구", "loc:gangseo-gu-busan"),
    ],
)
def test_korean_places_geonames_spells_only_in_latin_are_known(
    surface: str, entity_id: str
) -> None:
    entry = load_gazetteer().lookup(surface, exact=True)
    assert entry is not None and (entry.entity_id, entry.entity_type) == (entity_id, "LOCATION")


@pytest.mark.parametrize("word", ["음성", "분당", "강서구", "중구"])
def test_a_place_name_that_is_a_common_word_or_shared_needs_its_ending(word: str) -> None:
    assert load_gazetteer().lookup(word, exact=True) is None


def test_the_east_sea_and_the_city_named_after_it_are_two_places() -> None:
    gazetteer = load_gazetteer()
    sea, city = gazetteer.lookup("동해", exact=True), gazetteer.lookup("동해시", exact=True)
    assert sea is not None and city is not None
    assert (sea.entity_id, city.entity_id) == ("loc:east-sea", "loc:donghae")


@pytest.mark.parametrize(
    ("korean", "english", "entity_id"),
    [
        ("아프리카", "Africa", "loc:africa"),
        ("동남아", "Southeast Asia", "loc:southeast-asia"),
        ("중남미", "Latin America", "loc:latin-america"),
        ("홍해", "Red Sea", "loc:red-sea"),
        ("남중국해", "South China Sea", "loc:south-china-sea"),
        ("비무장지대", "DMZ", "loc:korean-dmz"),
    ],
)
def test_world_regions_and_seas_are_one_place_in_both_languages(
    korean: str, english: str, entity_id: str
) -> None:
    gazetteer = load_gazetteer()
    for spelling in (korean, english):
        entry = gazetteer.lookup(spelling, exact=True)
        assert entry is not None and entry.entity_id == entity_id


def test_geonames_places_give_korean_and_world_places_their_names() -> None:
    gazetteer = load_gazetteer()
    for surface, name in [
        ("철원", "Cheorwon"),
        ("김포시", "Gimpo"),
        ("김포", "Gimpo"),
        ("Gimpo", "Gimpo"),
        ("요하네스버그", "Johannesburg"),
        ("Johannesburg", "Johannesburg"),
    ]:
        entry = gazetteer.lookup(surface, exact=True)
        assert entry is not None, surface
        assert (entry.name, entry.entity_type) == (name, "LOCATION")
        assert entry.entity_id.startswith("loc:geonames-")
    # A place the YAML or pycountry already spells is theirs, not a second entity.
    assert gazetteer.lookup("수원", exact=True).entity_id == "loc:suwon"
    assert not [
        e for e in gazetteer if e.entity_id.startswith("loc:geonames-") and e.name == "Suwon"
    ]


def _config(folder: Path, files: dict[str, str]) -> Path:
    """Write configuration files into folder; the path of its gazetteer.yaml."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "gazetteer.yaml"


def test_a_places_file_beside_the_yaml_is_read_and_yields_to_it(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        {
            "gazetteer.yaml": "include_countries: false\nentities:\n"
            "  - {id: loc:harbourton, name: Harbourton, type: LOCATION, aliases: [하버턴]}\n",
            "places.tsv": "# test places\n"
            "geonameid\tname\tcountry\tpopulation\thangul\n"
            "11\tHarbourton\tKR\t50000\t하버턴|하버턴시\n"
            "12\tMillbrook\tKR\t30000\t밀브룩|밀브룩군\n",
        },
    )
    gazetteer = load_gazetteer(path)
    assert [e.entity_id for e in gazetteer] == ["loc:harbourton", "loc:geonames-12"]
    assert gazetteer.lookup("밀브룩군", exact=True).name == "Millbrook"
    assert gazetteer.lookup("하버턴시", exact=True) is None


def test_included_files_add_entries_after_the_main_file(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        {
            "gazetteer.yaml": "include_countries: false\ninclude: [more.yaml]\nentities:\n"
            "  - {id: org:harbour-soft, name: Harbour Soft, type: ORG,"
            " aliases: [하버소프트, Harbour]}\n",
            "more.yaml": "entities:\n"
            "  - {id: product:harbour-os, name: Harbour OS, type: PRODUCT,"
            " aliases: [하버OS, Harbour]}\n",
        },
    )
    gazetteer = load_gazetteer(path)
    assert [e.entity_id for e in gazetteer] == ["org:harbour-soft", "product:harbour-os"]
    assert gazetteer.lookup("하버OS", exact=True).entity_type == "PRODUCT"
    # A spelling both claim stays with the main file's entry, and the clash is reported.
    assert gazetteer.lookup("Harbour", exact=True).entity_id == "org:harbour-soft"
    assert gazetteer.conflicts == [("Harbour", "org:harbour-soft", "product:harbour-os")]


def test_a_missing_included_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = _config(tmp_path, {"gazetteer.yaml": "include_countries: false\ninclude: [gone.yaml]\n"})
    with pytest.raises(ValueError, match="included gazetteer file gone.yaml does not exist"):
        load_gazetteer(path)
