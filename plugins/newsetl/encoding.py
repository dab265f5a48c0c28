"""Turning the bytes of a fetched page into text, the way a browser would.

The charset comes from, in order: a byte-order mark, the HTTP ``Content-Type``, a
``<meta charset>`` / ``<meta http-equiv>`` (or XML declaration) in the first 4 KB, and
finally detection. Korean pages declare ``euc-kr`` but use the CP949 (UHC) superset, so
every EUC-KR label is read as cp949, as browsers do.
"""

from __future__ import annotations

import codecs
import re

PRESCAN_BYTES = 4096

# A declared charset that fails on more than this share of the text is not trusted
# over detection (a server that says utf-8 for an EUC-KR page, a common Korean setup).
MAX_DECLARED_ERROR_SHARE = 0.01

# Labels whose real-world meaning is a superset codec (WHATWG Encoding Standard).
_SUPERSETS: dict[str, str] = {
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601-1989": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "korean": "cp949",
    "csksc56011987": "cp949",
    "iso-ir-149": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:\-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:\-]+)""", re.IGNORECASE | re.DOTALL
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:\-]+)""", re.IGNORECASE)


def decode_html(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Text and the encoding used: a BOM, else the charset from the HTTP Content-Type, else
    <meta charset> or <meta http-equiv> in the first 4 KB, else detection (charset-normalizer);
    euc-kr/ks_c_5601-1987/x-windows-949 are read as cp949; undecodable bytes replaced, never
    raised."""
    if not content:
        return "", "utf-8"
    for bom, codec in _BOMS:
        if content.startswith(bom):
            text = content.decode(codec, errors="replace")
            if codec != "utf-8-sig":
                return text.lstrip(
                    "\ufeff"
                ), "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
            return text, "utf-8"

    declared = [name for name in (_header_charset(content_type), _meta_charset(content)) if name]
    for name in declared:
        try:
            return content.decode(name), name
        except UnicodeDecodeError:
            continue
    if declared:
        # Every declaration failed strictly: keep the first if the damage is a few stray bytes.
        text = content.decode(declared[0], errors="replace")
        if text.count("\ufffd") <= MAX_DECLARED_ERROR_SHARE * max(len(text), 1):
            return text, declared[0]
    return _detect(content)


def normalize_charset(label: str | None) -> str | None:
    """The Python codec name for a charset label, mapping legacy labels to their supersets."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _SUPERSETS.get(key, key)
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    # UTF-16 cannot be declared from inside an ASCII-compatible document (WHATWG).
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_charset(match.group(1)) if match else None


def _meta_charset(content: bytes) -> str | None:
    head = content[:PRESCAN_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return normalize_charset(match.group(1).decode("ascii", errors="ignore")) if match else None


def _detect(content: bytes) -> tuple[str, str]:
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only undeclared non-UTF-8 pages pay for it

    best = from_bytes(content).best()
    name = normalize_charset(best.encoding) if best is not None else None
    if name is None:
        return content.decode("utf-8", errors="replace"), "utf-8"
    return content.decode(name, errors="replace"), name
