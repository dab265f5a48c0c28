from pathlib import Path

import numpy as np
import pytest

from newsetl.classifier import TopicClassifier, load_classifier, save_classifier
from newsetl.topics import classify_topics, load_taxonomy


def test_a_model_round_trips_through_plain_arrays(tmp_path: Path) -> None:
    model = TopicClassifier(
        classes=("economy", "sports"),
        analyzer="word",
        ngram_range=(1, 1),
        vocabulary={"goal": 0, "rates": 1},
        idf=np.array([1.0, 1.0]),
        coef=np.array([[-2.0, 2.0], [2.0, -2.0]]),
        intercept=np.array([0.0, 0.0]),
        temperature=1.0,
    )
    save_classifier(model, tmp_path / "topics-xx.npz")
    loaded = load_classifier("xx", tmp_path)
    assert loaded is not None
    assert loaded.classes == ("economy", "sports")
    probabilities = loaded.probabilities(["rates rates", "goal"])
    # Each text is one word after L2 normalisation: scores ±2, a softmax gap of 4.
    assert probabilities.round(4).tolist() == [[0.982, 0.018], [0.018, 0.982]]


def test_shipped_models_give_probabilities() -> None:
    for language, classes in (("ko", 7), ("en", 8)):
        model = load_classifier(language)
        assert model is not None and len(model.classes) == classes
        rows = model.probabilities(["삼성전자 실적", "election results"])
        assert np.allclose(rows.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("title", "body", "language", "expected"),
    [
        pytest.param(
            "삼성전자, 3분기 영업이익 10조 돌파",
            None,
            "ko",
            [("economy", 0.9998)],
            id="ko-headline-only",
        ),
        pytest.param(
            "Korea beats Japan in baseball final",
            "",
            "en",
            [("sports", 0.9011), ("baseball", 0.7117)],
            id="en-headline-only",
        ),
        pytest.param(
            None,
            "손흥민이 토트넘에서 두 골을 넣었다.",
            "ko",
            [("sports", 0.998), ("football", 0.6132)],
            id="ko-body-only",
        ),
    ],
)
def test_articles_get_few_calibrated_topics(
    title: str | None, body: str | None, language: str, expected: list[tuple[str, float]]
) -> None:
    assert classify_topics([title], [body], [language], load_taxonomy()) == [expected]


def test_weather_stories_go_to_society_not_culture() -> None:
    found = classify_topics(
        ["내일 아침 서울 영하 9도…올겨울 첫 한파경보"], [""], ["ko"], load_taxonomy()
    )
    assert [topic for topic, _ in found[0]][:2] == ["society", "weather"]
