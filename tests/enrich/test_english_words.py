"""The English keyword candidates of a text, on the edges of the word pattern."""

from newsetl.keywords import _english_words, english_keywords


def test_english_words_edges() -> None:
    text = (
        "9abc 1-xyz ab' abc- It's AI's ABCDEF NASA's O'Neill's rock-'n'-roll naïve café "
        "US-based the THE Seoul’s x_y 12ab3 --abc-- 'quoted' KOREA Korea korea"
    )
    assert _english_words(text) == [
        "abc",
        "xyz",
        "abc",
        "abcdef",
        "NASA",
        "o'neill",
        "rock-'n'-roll",
        "caf",
        "us-based",
        "seoul",
        "ab3",
        "abc",
        "quoted",
        "KOREA",
        "korea",
        "korea",
    ]
    # the same again, from the words already met
    assert _english_words(text) == _english_words(" " + text)


def test_english_keywords_rank() -> None:
    found = english_keywords(
        "AI chip rally lifts Seoul",
        "Seoul's AI chip makers rallied; the AI rally lifted KOSPI. KOSPI, KOSPI!",
    )
    assert found == [
        ("chip", 1.0),
        ("rally", 1.0),
        ("seoul", 1.0),
        ("KOSPI", 0.75),
        ("lifts", 0.75),
    ]
