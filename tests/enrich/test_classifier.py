from pathlib import Path

import numpy as np
import pytest

from newsetl.classifier import (
    ANALYZERS,
    TopicClassifier,
    View,
    load_classifier,
    save_classifier,
)
from newsetl.topics import classify_topics, load_taxonomy

HEADLINES = [
    "정부, 내년 예산안 국회 제출",
    "류현진, 7이닝 무실점 시즌 10승",
    "갤럭시 신제품 공개…AI 기능 강화",
    "미국 연준, 기준금리 0.25%p 인하",
    "서울 지하철 파업 이틀째…출근길 혼잡",
    "유엔 안보리, 시리아 휴전 결의안 채택",
    "국립중앙박물관 고려 청자 특별전 개막",
]


def test_a_model_round_trips_through_plain_arrays(tmp_path: Path) -> None:
    model = TopicClassifier(
        classes=("economy", "sports"),
        views=(View("word", (1, 1), {"goal": 0, "rates": 1}, np.array([1.0, 1.0])),),
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


def test_each_view_is_normalised_on_its_own(tmp_path: Path) -> None:
    model = TopicClassifier(
        classes=("a", "b"),
        views=(
            View("word", (1, 1), {"goal": 0, "rates": 1}, np.array([1.0, 1.0])),
            View("char_wb", (3, 3), {" go": 0, "oal": 1}, np.array([1.0, 2.0])),
        ),
        coef=np.array([[1.0, 0.0, 3.0, 4.0], [0.0, 1.0, 0.0, 0.0]]),
        intercept=np.array([0.5, 0.0]),
        temperature=2.0,
    )
    save_classifier(model, tmp_path / "topics-xx.npz")
    loaded = load_classifier("xx", tmp_path)
    assert loaded is not None
    # "goal": word view (1) → 1.0; character view (1, 2)/√5 → (3 + 8)/√5; plus 0.5.
    assert loaded.decision(["goal", "rates", ""]).round(4).tolist() == [
        [round(1.5 + 11 / np.sqrt(5), 4), 0.0],
        [0.5, 1.0],
        [0.5, 0.0],
    ]


def test_a_model_must_have_one_weight_per_feature() -> None:
    with pytest.raises(ValueError, match="3 weights per class for 2 features"):
        TopicClassifier(
            classes=("a",),
            views=(View("word", (1, 1), {"x": 0, "y": 1}, np.ones(2)),),
            coef=np.zeros((1, 3)),
            intercept=np.zeros(1),
            temperature=1.0,
        )


def test_an_unknown_analyzer_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown analyzer 'char'"):
        View("char", (1, 3), {}, np.zeros(0))


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (2, 4), (3, 5)], ids=str)
def test_analyzers_read_text_as_scikit_learn_does(ngram_range: tuple[int, int]) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [*HEADLINES, "", "  Korea's  U.S.-China\ttrade  talks ", "a I x", "韓美 日"]
    for name, analyzer in ANALYZERS.items():
        reference = CountVectorizer(analyzer=name, ngram_range=ngram_range).build_analyzer()
        assert [analyzer(t, ngram_range) for t in texts] == [reference(t) for t in texts]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_numpy_scores_equal_the_training_pipeline(language: str) -> None:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    model = load_classifier(language)
    assert model is not None
    texts = [*HEADLINES, "Chip exports rise as the central bank holds rates", ""]
    blocks = []
    for view in model.views:
        vectorizer = CountVectorizer(
            analyzer=view.analyzer, ngram_range=view.ngram_range, vocabulary=view.vocabulary
        )
        counts = vectorizer.transform(texts)
        transformer = TfidfTransformer(sublinear_tf=True).fit(counts)
        transformer.idf_ = view.idf
        blocks.append(transformer.transform(counts).toarray())
    expected = np.hstack(blocks) @ model.coef.T + model.intercept
    assert np.allclose(model.decision(texts), expected, atol=1e-9)


def test_shipped_korean_model_labels_headlines() -> None:
    model = load_classifier("ko")
    assert model is not None
    labels = [model.classes[i] for i in model.probabilities(HEADLINES).argmax(axis=1)]
    assert labels == [
        "politics",
        "sports",
        "it_science",
        "economy",
        "society",
        "world",
        "culture_life",
    ]


def test_shipped_models_give_probabilities() -> None:
    for language, classes in (("ko", 7), ("en", 8)):
        model = load_classifier(language)
        assert model is not None and len(model.classes) == classes
        rows = model.probabilities(["삼성전자 실적", "election results"])
        assert np.allclose(rows.sum(axis=1), 1.0)


def test_runtime_scoring_does_not_import_scikit_learn() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from newsetl.classifier import load_classifier; "
        "load_classifier('ko').probabilities(['국회 본회의']); "
        "print('sklearn' in sys.modules or 'scipy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("title", "body", "language", "expected"),
    [
        pytest.param(
            "삼성전자, 3분기 영업이익 10조 돌파",
            None,
            "ko",
            [("economy", 0.9999)],
            id="ko-headline-only",
        ),
        pytest.param(
            "Korea beats Japan in baseball final",
            "",
            "en",
            [("sports", 0.9914), ("baseball", 0.783)],
            id="en-headline-only",
        ),
        pytest.param(
            None,
            "손흥민이 토트넘에서 두 골을 넣었다.",
            "ko",
            [("sports", 0.9996), ("football", 0.6141)],
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
