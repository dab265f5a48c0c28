import pytest

from newsetl.romanization import person_key_name, romanized_name, spelled_alike


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("강태민", "Kang Tae-min"),
        ("손흥민", "Son Heung-min"),
        ("이재용", "Lee Jae-yong"),
        ("최태원", "Choi Tae-won"),
        ("박서율", "Park Seo-yul"),
        ("정의선", "Jung Ui-seon"),
        ("오현규", "Oh Hyeon-gyu"),
        ("김구", None),  # two syllables
        ("남궁민수", None),  # four
        ("저커버그", None),
        ("조지아", "Cho Ji-a"),  # any three syllables after a surname: a key, not a claim
        ("강A민", None),
    ],
)
def test_korean_names_as_english_language_news_spells_them(name: str, expected: str | None) -> None:
    assert romanized_name(name) == expected


@pytest.mark.parametrize(
    ("name", "entity_type", "expected"),
    [
        ("강태민", "PERSON", "Kang Taemin"),
        ("Kang Tae-min", "PERSON", "Kang Taemin"),
        ("Gang Tae Min", "PERSON", "Kang Taemin"),
        ("Rhee Chang-yong", "PERSON", "Lee Changyong"),
        ("Choe Jun-hyeok", "PERSON", "Choi Junhyeok"),
        ("Mark Zuckerberg", "PERSON", "Mark Zuckerberg"),
        ("Kang", "PERSON", "Kang"),
        ("Kang Tae-min", "ORG", "Kang Tae-min"),
        ("노바웨이브", "PERSON", "노바웨이브"),
        # The usual English spellings of given-name syllables meet Revised Romanization.
        ("이강인", "PERSON", "Lee Gangin"),
        ("Lee Kang-in", "PERSON", "Lee Gangin"),
        ("조주완", "PERSON", "Cho Juwan"),
        ("Cho Joo-wan", "PERSON", "Cho Juwan"),
        ("박현우", "PERSON", "Park Hyeonu"),
        ("Park Hyun-woo", "PERSON", "Park Hyeonu"),
        ("최경준", "PERSON", "Choi Gyeongjun"),
        ("Choi Kyung Joon", "PERSON", "Choi Gyeongjun"),
        ("김성호", "PERSON", "Kim Seongho"),
        ("Kim Sung-ho", "PERSON", "Kim Seongho"),
        # Revised Romanization itself is never respelt: 중 is jung, 정 is jeong.
        ("송중기", "PERSON", "Song Junggi"),
        ("Song Jung-ki", "PERSON", "Song Jeonggi"),
        # A given name run together is not cut into syllables (Kangin: kan-gin or kang-in).
        ("Lee Kangin", "PERSON", "Lee Kangin"),
    ],
)
def test_person_key_names_meet_across_spellings(name: str, entity_type: str, expected: str) -> None:
    assert person_key_name(name, entity_type) == expected


@pytest.mark.parametrize(
    ("hangul", "latin", "expected"),
    [
        ("리사", "LISA", True),
        ("노바웨이브", "NOVAWAVE", True),
        ("오픈AI", "OpenAI", True),
        ("틱톡", "TikTok", True),
        ("제니", "BLACKPINK", False),
        ("삼성", "3M", False),
        ("", "X", False),
    ],
)
def test_a_latin_word_can_spell_a_hangul_name_by_its_first_letter(
    hangul: str, latin: str, expected: bool
) -> None:
    assert spelled_alike(hangul, latin) is expected
