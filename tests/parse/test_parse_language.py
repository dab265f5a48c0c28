"""Language of an article body."""

import pytest

from newsetl.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "기상청은 24일 오후 9시를 기해 서울과 경기 북부에 올겨울 첫 한파주의보를 발령했다.",
            "ko",
            id="korean",
        ),
        pytest.param(
            "삼성전자는 HBM4 12단 제품을 NVIDIA와 AMD에 공급한다고 밝혔다. DDR5 RDIMM 수요도 "
            "늘었다.",
            "ko",
            id="korean-with-english-acronyms",
        ),
        pytest.param(
            "The council voted 7–2 early Tuesday to approve a $2.1 billion light-rail line "
            "linking downtown with the airport.",
            "en",
            id="english",
        ),
        pytest.param(
            "Visitors queued outside the Gyeongbokgung palace (경복궁) for the night opening, "
            "which "
            "organisers said drew more than 12,000 people over the weekend.",
            "en",
            id="english-quoting-hangul",
        ),
        pytest.param(
            "東京都は来年度から都内すべての公立小中学校で給食費を無償化する方針を明らかにした。",
            "ja",
            id="japanese",
        ),
        pytest.param(
            "Во вторник в Новосибирске открыли движение по новому мосту через Обь.",
            "ru",
            id="russian",
        ),
        pytest.param("", None, id="empty"),
        pytest.param("  \n\t ", None, id="whitespace"),
        pytest.param("OK 12 3", None, id="too-little-text"),
        pytest.param("2026-11-24 14:31 | 12,408", None, id="numbers-only"),
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


SAMPLES = [
    "The council voted early Tuesday to approve a light-rail line linking downtown with the "
    "airport, ending a decade of argument over its route.",
    "Der Stadtrat hat am Dienstag den Bau einer neuen Straßenbahnlinie zum Flughafen beschlossen.",
    "A prefeitura anunciou nesta terça-feira a construção de uma nova linha de metrô até o "
    "aeroporto.",
    "東京都は来年度から都内すべての公立小中学校で給食費を無償化する方針を明らかにした。",
]


@pytest.fixture
def unpacked(tmp_path, monkeypatch):
    """py3langid's model unpacked into a folder of the test's, the one language uses."""
    from newsetl import language

    folder = language.unpack_model(tmp_path / "py3langid")
    monkeypatch.setattr(language, "unpacked_model_dir", lambda: folder)
    language._identifier.cache_clear()
    yield folder
    language._identifier.cache_clear()


def test_unpacked_model_scores_as_the_packaged_one(unpacked) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from newsetl import language

    identifier = language._identifier()
    assert isinstance(identifier.tk_nextmove, memoryview)  # the arrays, not the LZMA file
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE)
    for text in SAMPLES:
        assert identifier.classify(text) == packaged.classify(text)
    assert [detect_language(text) for text in SAMPLES] == ["en", "de", "pt", "ja"]
    assert language.unpack_model(unpacked) == unpacked  # already there: left as it is


def test_arrays_of_another_model_file_are_not_used(unpacked) -> None:
    from newsetl import language

    (unpacked / "source.json").write_text('{"file": "model.npz.xz", "bytes": 1}')
    identifier = language._identifier()
    assert not isinstance(identifier.tk_nextmove, memoryview)
    assert [detect_language(text) for text in SAMPLES] == ["en", "de", "pt", "ja"]


def test_missing_arrays_fall_back_to_the_packaged_model(unpacked) -> None:
    from newsetl import language

    (unpacked / "nextmove.npy").unlink()
    assert not isinstance(language._identifier().tk_nextmove, memoryview)
    assert detect_language(SAMPLES[0]) == "en"
