"""Publication times of news pages and text, as tz-aware UTC datetimes.

Structured data is trusted before visible text: JSON-LD, then meta tags, then ``<time>``,
then Korean and English date patterns in the page text. A time written without a zone is
in the page's own zone: Korea's for Korean pages, UTC otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from lxml import etree
from lxml import html as lxml_html

SEOUL = ZoneInfo("Asia/Seoul")
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenews",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "report",
    }
)

# Meta names, properties and itemprops that carry the first publication time, best first.
PUBLISHED_META_KEYS: tuple[str, ...] = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "og:regdate",
    "og:pubdate",
    "og:published_date",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_date",
    "published-date",
    "publication_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "article_date_original",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)

_NAMED_ZONES: dict[str, tzinfo] = {
    "z": UTC,
    "utc": UTC,
    "gmt": UTC,
    "kst": SEOUL,
    "jst": timezone(timedelta(hours=9)),
    "hkt": timezone(timedelta(hours=8)),
    "sgt": timezone(timedelta(hours=8)),
    "cst": timezone(timedelta(hours=-6)),
    "cdt": timezone(timedelta(hours=-5)),
    "est": timezone(timedelta(hours=-5)),
    "edt": timezone(timedelta(hours=-4)),
    "mst": timezone(timedelta(hours=-7)),
    "mdt": timezone(timedelta(hours=-6)),
    "pst": timezone(timedelta(hours=-8)),
    "pdt": timezone(timedelta(hours=-7)),
    "et": ZoneInfo("America/New_York"),
    "ct": ZoneInfo("America/Chicago"),
    "pt": ZoneInfo("America/Los_Angeles"),
    "bst": timezone(timedelta(hours=1)),
    "cet": timezone(timedelta(hours=1)),
    "cest": timezone(timedelta(hours=2)),
    "aest": timezone(timedelta(hours=10)),
    "aedt": timezone(timedelta(hours=11)),
    "한국시간": SEOUL,
}

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*"

_DATE = re.compile(
    rf"""
    (?<![\d.])(?P<y>(?:19|20)\d{{2}})\s*(?:[-./]|년|年)\s*(?P<m>\d{{1,2}})\s*(?:[-./]|월|月)\s*
        (?P<d>\d{{1,2}})(?!\d)(?:\s*[일日]|\.(?!\d))?
    | (?:{_WEEKDAY})?(?P<mon1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+
        (?P<y1>(?:19|20)\d{{2}})(?!\d)
    | (?:{_WEEKDAY})?(?<!\d)(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH})\.?,?\s+
        (?P<y2>(?:19|20)\d{{2}})(?!\d)
    | (?<![\d/.])(?P<m3>\d{{1,2}})/(?P<d3>\d{{1,2}})/(?P<y3>(?:19|20)\d{{2}})(?!\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_WEEKDAY_SUFFIX = re.compile(r"\s*[(（][월화수목금토일a-z]{1,3}\.?[)）]", re.IGNORECASE)
_TIME = re.compile(
    r"""
    (?:\s*(?:T|,|-|–|—|\||at|@)?\s*)
    (?:(?P<ko>오전|오후)\s*)?
    (?P<h>\d{1,2})
    (?: :(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?
      | \s*[시時](?:\s*(?P<mi2>\d{1,2})\s*[분分])?(?:\s*(?P<s2>\d{1,2})\s*[초秒])?
    )
    (?!\d)
    (?:\s*(?P<en>[ap])\.?\s?m\b\.?)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ZONE = re.compile(
    r"""
    \s*[(\[]?\s*
    (?:
        (?P<offset>(?:(?:utc|gmt)\s*)?[+-]\d{1,2}(?::?\d{2})?)(?![\d:])
      | (?P<name>z|utc|gmt|kst|jst|hkt|sgt|cst|cdt|est|edt|mst|mdt|pst|pdt|et|ct|pt|bst|cest|cet
          |aest|aedt|한국시간)(?![a-z])
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PUBLISHED_LABEL = re.compile(
    r"(?:기사\s*입력|최초\s*입력|입력|등록|게재|발행|송고|작성|first\s+published|published|posted"
    r"|created|released|date)\s*(?:일시|일자|시간|on|at)?\s*[:：|]?\s*$",
    re.IGNORECASE,
)
_UPDATED_LABEL = re.compile(
    r"(?:수정|업데이트|최종\s*수정|갱신|updated|modified|last\s+updated|edited)\s*(?:일시|on|at)?"
    r"\s*[:：|]?\s*$",
    re.IGNORECASE,
)
_KOREAN_MARK = re.compile(r"[가-힣]")
_KST_MARK = re.compile(r"\bKST\b|한국\s*시간|\(GMT\+0?9(?::?00)?\)|UTC\s*\+\s*0?9\b")
_COMPACT = re.compile(
    r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?"
)
_LABEL_WINDOW = 24


@dataclass(frozen=True)
class _Found:
    value: datetime
    label: str  # published | updated | none


def parse_published(html: str, *, language: str | None) -> datetime | None:
    """tz-aware UTC datetime from (in order) JSON-LD datePublished, meta article:published_time /
    og / itemprop / name=date-like tags, <time datetime>, then Korean/English text patterns such
    as '입력 2026.11.24 오후 2:31', '2026-11-24 14:31', 'Nov. 24, 2026 2:31 p.m. KST'. A naive
    time is taken in the page's own zone: Asia/Seoul for Korean pages (language 'ko' or KST
    marker), UTC otherwise."""
    if not html or not html.strip():
        return None
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return None
    return published_from_tree(tree, language=language)


def published_from_tree(tree: lxml_html.HtmlElement, *, language: str | None) -> datetime | None:
    """parse_published for an already parsed page."""
    for value in _structured_values(tree):
        found = _parse_value(value, UTC)
        if found is None:
            continue
        # Only a time without an offset depends on the page's zone, and telling the zone may
        # take the page's visible text, the costliest step here: read it only for such a time.
        if found != _parse_value(value, SEOUL):
            found = _parse_value(value, _page_zone(tree, None, language))
        return found
    text = _visible_text(tree)
    return _search(text, _page_zone(tree, text, language))


def parse_datetime_text(text: str, *, default_tz: str = "UTC") -> datetime | None:
    """Same text patterns, for text dumps and JSONL: a labelled publication time ('입력',
    'Published') first, else the first date in the text. A naive time is in default_tz unless
    the text marks it as Korean (KST, 오전/오후, 년월일, '입력')."""
    if not text or not text.strip():
        return None
    zone: tzinfo = ZoneInfo(default_tz) if default_tz.upper() != "UTC" else UTC
    found = _parse_value(text, zone) if len(text) <= 64 else None
    return found if found is not None else _search(text, zone)


def _page_zone(tree: lxml_html.HtmlElement, text: str | None, language: str | None) -> tzinfo:
    """Asia/Seoul for a Korean page or one marked KST, UTC otherwise; `text` is the page's
    visible text, read here when None."""
    if language == "ko" or _KST_MARK.search(_visible_text(tree) if text is None else text):
        return SEOUL
    if language is None and (tree.get("lang") or "").lower().startswith("ko"):
        return SEOUL
    return UTC


def _structured_values(tree: lxml_html.HtmlElement) -> Iterator[str]:
    yield from _json_ld_dates(tree)
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in metas:
                metas[key] = content
    for key in PUBLISHED_META_KEYS:
        if key in metas:
            yield metas[key]
        if key == "datepublished":
            for element in tree.xpath("//*[@itemprop='datePublished'][not(self::meta)]"):
                yield element.get("datetime") or element.get("content") or element.text_content()
    times = [element for element in tree.iter("time") if element.get("datetime")]
    times.sort(key=lambda element: not _looks_published(element))
    for element in times:
        yield element.get("datetime", "")


def _looks_published(element: lxml_html.HtmlElement) -> bool:
    marks = " ".join(
        element.get(attr) or "" for attr in ("class", "id", "itemprop", "name")
    ).lower()
    return element.get("pubdate") is not None or "publish" in marks or "posted" in marks


def _json_ld_dates(tree: lxml_html.HtmlElement) -> Iterator[str]:
    preferred: list[str] = []
    others: list[str] = []
    for script in tree.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        raw = (script.text or "").strip()
        if raw.startswith("<![CDATA["):
            raw = raw[9:].removesuffix("]]>")
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        for node in _json_nodes(data):
            value = node.get("datePublished") or node.get("dateCreated")
            if isinstance(value, list):
                value = value[0] if value else None
            if not isinstance(value, str):
                continue
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            is_article = any(str(kind).lower() in _ARTICLE_TYPES for kind in kinds)
            (preferred if is_article else others).append(value)
    yield from preferred
    yield from others


def _json_nodes(data: object) -> Iterator[dict[str, object]]:
    if isinstance(data, list):
        for item in data:
            yield from _json_nodes(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in data:
                yield from _json_nodes(data[key])


_VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()"
    "[not(parent::script or parent::style or parent::noscript or parent::template)]",
    smart_strings=False,  # plain str results: no back-reference to each text node's element
)


def _visible_text(tree: lxml_html.HtmlElement) -> str:
    """The page's text nodes in document order, without script/style contents.

    One XPath call rather than a walk over every element: the walk created a Python proxy
    per element and was a tenth of the parse time."""
    body = tree.find("body")
    root = body if body is not None else tree
    return re.sub(r"[ \t\r\f\v\u00a0\u200b]+", " ", "\n".join(_VISIBLE_TEXT(root)))


def _parse_value(value: str, zone: tzinfo) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    compact = _COMPACT.fullmatch(value)
    if compact:
        return _build(
            compact["y"],
            compact["m"],
            compact["d"],
            compact["h"],
            compact["mi"],
            compact["s"],
            zone,
        )
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(UTC)
    return _search(value, zone)


def _search(text: str, zone: tzinfo) -> datetime | None:
    """The first labelled publication time, else the first unlabelled date, else the first
    update time."""
    first: dict[str, datetime] = {}
    for item in _find_all(text, zone):
        if item.label == "published":
            return item.value
        first.setdefault(item.label, item.value)
    return first.get("none") or first.get("updated")


def _find_all(text: str, zone: tzinfo) -> Iterator[_Found]:
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - _LABEL_WINDOW) : match.start()]
        label = "none"
        if _PUBLISHED_LABEL.search(before):
            label = "published"
        elif _UPDATED_LABEL.search(before):
            label = "updated"
        value = _from_match(text, match, zone, korean_label=bool(_KOREAN_MARK.search(before[-8:])))
        if value is not None:
            yield _Found(value, label)


def _from_match(
    text: str, match: re.Match[str], zone: tzinfo, *, korean_label: bool
) -> datetime | None:
    if match["y"]:
        year, month, day = match["y"], match["m"], match["d"]
    elif match["y1"]:
        year, month, day = match["y1"], str(_MONTHS[match["mon1"][:3].lower()]), match["d1"]
    elif match["y2"]:
        year, month, day = match["y2"], str(_MONTHS[match["mon2"][:3].lower()]), match["d2"]
    else:
        year, month, day = match["y3"], match["m3"], match["d3"]
    korean = korean_label or bool(_KOREAN_MARK.search(match.group(0)))
    pos = match.end()
    weekday = _WEEKDAY_SUFFIX.match(text, pos)
    if weekday:
        pos = weekday.end()
    hour = minute = second = None
    time = _TIME.match(text, pos)
    if time and (time["mi"] is not None or re.search("[시時]", time.group(0))):
        hour = int(time["h"])
        minute = time["mi"] or time["mi2"] or "0"
        second = time["s"] or time["s2"]
        meridiem = (time["ko"] or "").replace("오전", "a").replace("오후", "p") or (
            time["en"] or ""
        )
        if meridiem and hour <= 12:
            hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
        korean = korean or bool(time["ko"]) or "시" in time.group(0)
        pos = time.end()
    found_zone = _zone_at(text, pos) if hour is not None else _zone_at(text, pos, names_only=True)
    if found_zone is None:
        found_zone = SEOUL if korean else zone
    return _build(year, month, day, hour, minute, second, found_zone)


def _zone_at(text: str, pos: int, *, names_only: bool = False) -> tzinfo | None:
    match = _ZONE.match(text, pos)
    if not match:
        return None
    if match["name"]:
        return _NAMED_ZONES[match["name"].lower()]
    if names_only:
        return None
    raw = re.sub(r"(?i)utc|gmt|\s", "", match["offset"])
    sign = -1 if raw.startswith("-") else 1
    digits = raw[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    if hours > 14 or minutes >= 60:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(
    year: str | int,
    month: str | int,
    day: str | int,
    hour: str | int | None,
    minute: str | int | None,
    second: str | int | None,
    zone: tzinfo,
) -> datetime | None:
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return value.astimezone(UTC)
