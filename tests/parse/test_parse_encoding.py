"""Decoding fetched bytes: BOM, HTTP header, <meta>, detection, and Korean legacy charsets."""

from pathlib import Path

import pytest

from newsetl.encoding import decode_html, normalize_charset

FIXTURES = Path(__file__).parent / "fixtures"


def test_euc_kr_meta_http_equiv_page_decodes_cp949_only_syllables() -> None:
    content = (FIXTURES / "ko_euckr_meta_http_equiv.html").read_bytes()

    text, encoding = decode_html(content)

    assert encoding == "cp949"
    assert "'똠', '햏', '뷁' 같은 글자는" in text
    assert "한 누리꾼은 '똠얌꿍 맛집' 후기를 올렸다가" in text
    assert "연구진은 똠방각하, 뷁어 같은 말이" in text
    assert "\ufffd" not in text


def test_python_strict_euc_kr_codec_cannot_read_the_same_page() -> None:
    content = (FIXTURES / "ko_euckr_meta_http_equiv.html").read_bytes()

    with pytest.raises(UnicodeDecodeError):
        content.decode("euc_kr")


def test_charset_from_http_header_only() -> None:
    content = (FIXTURES / "ko_charset_from_header_only.html").read_bytes()

    text, encoding = decode_html(content, "text/html; charset=EUC-KR")

    assert encoding == "cp949"
    assert "<title>동네 빵집 '똠방제과' 40년 만에 문 닫는다 - 디지털한빛</title>" in text


def test_http_header_decides_between_two_plausible_cyrillic_charsets() -> None:
    content = "<p>Новый мост через Обь открыли во вторник</p>".encode("koi8-r")

    text, encoding = decode_html(content, 'text/html; charset="KOI8-R"')

    assert (text, encoding) == ("<p>Новый мост через Обь открыли во вторник</p>", "koi8-r")


def test_http_header_wins_over_a_conflicting_meta() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body>café – naïve</body></html>'

    text, encoding = decode_html(html.encode("utf-8"), "text/html; charset=utf-8")

    assert (text, encoding) == (html, "utf-8")


def test_declared_utf8_that_fails_falls_back_to_the_meta_charset() -> None:
    # A server that labels every response utf-8 in front of an EUC-KR page.
    content = (FIXTURES / "ko_euckr_meta_http_equiv.html").read_bytes()

    text, encoding = decode_html(content, "text/html; charset=utf-8")

    assert encoding == "cp949"
    assert "'햏자', '뷁', '즐' 같은 표현" in text


def test_utf8_bom_wins_over_a_wrong_meta_and_is_stripped() -> None:
    content = (FIXTURES / "ko_utf8_bom_wrong_meta.html").read_bytes()

    text, encoding = decode_html(content)

    assert encoding == "utf-8"
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>제주 감귤 첫 수확…올해 당도 역대 최고 수준</title>" in text


def test_utf16_bom() -> None:
    html = "<html><body><p>서울 아침 영하 9도</p></body></html>"

    text, encoding = decode_html(b"\xff\xfe" + html.encode("utf-16-le"))

    assert (text, encoding) == (html, "utf-16-le")


def test_shift_jis_page() -> None:
    content = (FIXTURES / "ja_shift_jis.html").read_bytes()

    text, encoding = decode_html(content)

    assert encoding == "cp932"
    assert (
        "東京都は２４日、来年度から都内すべての公立小中学校で給食費を無償化する方針を明らかにした。"
        in text
    )


def test_windows_1251_page() -> None:
    content = (FIXTURES / "ru_windows_1251.html").read_bytes()

    text, encoding = decode_html(content)

    assert encoding == "cp1251"
    assert "<h1>В Новосибирске открыли новый мост через Обь</h1>" in text


def test_undeclared_euc_kr_is_detected() -> None:
    content = (FIXTURES / "ko_charset_from_header_only.html").read_bytes()

    text, encoding = decode_html(content)

    assert encoding == "cp949"
    assert "주인 최순례(71)씨는" in text


def test_undeclared_utf8() -> None:
    assert decode_html("<p>입력 2026.11.24 오후 2:31</p>".encode()) == (
        "<p>입력 2026.11.24 오후 2:31</p>",
        "utf-8",
    )


def test_undecodable_bytes_are_replaced_not_raised() -> None:
    content = b"<p>caf\xc3\xa9 \xff\xfe\xfd broken</p>" + b"x" * 400

    text, encoding = decode_html(content, "text/html; charset=utf-8")

    assert encoding == "utf-8"
    assert text.startswith("<p>café \ufffd\ufffd\ufffd broken</p>")


def test_empty_content() -> None:
    assert decode_html(b"") == ("", "utf-8")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        pytest.param("EUC-KR", "cp949", id="euc-kr"),
        pytest.param("ks_c_5601-1987", "cp949", id="ks_c_5601-1987"),
        pytest.param("x-windows-949", "cp949", id="x-windows-949"),
        pytest.param("euc_kr", "cp949", id="euc_kr-python-spelling"),
        pytest.param("Shift_JIS", "cp932", id="shift_jis"),
        pytest.param("ISO-8859-1", "cp1252", id="latin1-as-windows-1252"),
        pytest.param("windows-1251", "cp1251", id="windows-1251"),
        pytest.param('"UTF-8"', "utf-8", id="quoted-utf-8"),
        pytest.param("utf8", "utf-8", id="utf8-without-dash"),
        pytest.param("utf-16", "utf-8", id="utf-16-declared-inside-page"),
        pytest.param("no-such-charset", None, id="unknown"),
        pytest.param("", None, id="empty"),
    ],
)
def test_normalize_charset(label: str, expected: str | None) -> None:
    assert normalize_charset(label) == expected
