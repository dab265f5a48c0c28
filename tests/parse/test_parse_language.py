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
