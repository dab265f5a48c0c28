"""From fetched bytes to one parsed document: body, title, author, date, language, URL.

HTML goes through trafilatura for the story text and the title/author; the publication
time comes from :mod:`newsetl.dates`, which knows Korean portal conventions. Text dumps
copied out of a browser go through :mod:`newsetl.textdump`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from newsetl.dates import published_from_tree
from newsetl.encoding import decode_html
from newsetl.language import detect_language
from newsetl.textdump import (
    clean_author,
    clean_text_dump,
    is_boilerplate_line,
    prose_weight,
)
from newsetl.urls import canonical_link_from_tree, canonicalize_url

# trafilatura warns "discarding data" for every page without a story; the fetch log already
# records those pages as parse_failed with a reason, so an operator's log need not repeat them.
# An explicitly configured level is left alone.
if logging.getLogger("trafilatura").level == logging.NOTSET:
    logging.getLogger("trafilatura").setLevel(logging.ERROR)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Bump when a change to parsing changes its output: every document and fetch-log row records
# the version that made it, so a reparse of the raw layer can be told from the original.
PARSER_REVISION = 4


def _extractor_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        trafilatura = version("trafilatura")
    except PackageNotFoundError:
        trafilatura = "unknown"
    return f"newsetl-parse/{PARSER_REVISION} trafilatura/{trafilatura}"


EXTRACTOR_VERSION = _extractor_version()

# Below this much prose (Hangul and other wide characters count double) a page is a hub,
# a stub or an error page rather than an article.
MIN_PROSE_WEIGHT = 200
# Share of control or undecodable characters above which bytes are not a web page.
MAX_JUNK_SHARE = 0.05
SNIFF_BYTES = 4096

_MARKUP = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|title|meta|div|p|article|main|section|span|a|h[1-6]"
    r"|table|ul|br)\b",
    re.IGNORECASE,
)
_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|:<»«·–—-]|::|-{2})\s+")
# Separators that a headline itself hardly ever uses, so what follows them is a site label.
_SITE_SEPARATORS = frozenset({"|", "<", "::", "»", "«", "·"})
MAX_SITE_LABEL_CHARS = 30
_SECOND_LEVEL = frozenset({"co", "or", "go", "ne", "ac", "re", "com", "net", "org", "gov", "edu"})


class ParseError(ValueError):
    """One-line reason a document yielded no article (e.g. 'no article text', 'not html',
    'empty')."""


@dataclass(frozen=True)
class ParsedDocument:
    """One article as parsed from a fetched page or a text dump."""

    title: str | None
    author: str | None
    published_at: datetime | None  # tz-aware UTC
    language: str | None
    body: str
    url: str | None  # canonical: rel=canonical if present, else the fetched URL


def parse_html(
    content: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedDocument:
    """decode_html, reject binary junk (NUL bytes / mostly non-text → ParseError('not html')),
    trafilatura's fast extraction for the body (its full cascade when that finds too little)
    and its metadata steps for title/author, our dates.parse_published for the date,
    detect_language on the body; title cleaned of ' - Site', ' | 사이트' suffixes; author
    cleaned (no '기자', no e-mail, no 'By ', no site name); ParseError('no article text') when
    the body is empty or under ~200 characters of prose."""
    if not content or not content.strip():
        raise ParseError("empty")
    if _looks_binary(content):
        raise ParseError("not html")
    text, _encoding = decode_html(content, content_type)
    if len(_JUNK.findall(text[: SNIFF_BYTES * 4])) > MAX_JUNK_SHARE * min(
        len(text), SNIFF_BYTES * 4
    ):
        raise ParseError("not html")
    if not _MARKUP.search(text):
        raise ParseError("not html")

    import trafilatura  # the heavy import is paid by the first parse, not by importing this

    tree = trafilatura.load_html(text)
    if tree is None:
        raise ParseError("not html")
    _unwrap_layout_tables(tree)
    story_lines = _split_line_break_blocks(tree)
    meta = page_metadata(tree, url)
    raw_body = _story_text(tree, url)
    site_name = _site_name(tree) or meta.sitename
    title = _choose_title(tree, meta.title, site_name, url)
    body = _clean_body(raw_body, title, story_lines)
    if not body or prose_weight(body, enough=MIN_PROSE_WEIGHT) < MIN_PROSE_WEIGHT:
        raise ParseError("no article text")

    language = detect_language(f"{title or ''}\n{body}")
    return ParsedDocument(
        title=title,
        author=clean_author(meta.author, site_name)
        or _byline_in_page(tree, site_name)
        or _byline_in_body(raw_body),
        published_at=published_from_tree(tree, language=language),
        language=language,
        body=body,
        url=_document_url(tree, url),
    )


# Below this much prose the fast extraction is taken for a miss and the full cascade runs.
# trafilatura's fast mode skips its readability/justext comparison, a third of the parse time.
# On the extraction benchmark (181 pages) fast mode alone changed 5 pages' text: on 4 it found
# nothing where the full cascade found the story (both Korean pages among them), on 1 it was
# better (the full cascade added 3000 characters around a 900-character text). Side by side
# in one process (F1, CPU pages/s): full cascade 0.9668 at 50.0; fast only 0.9575 at 69.7;
# fast, then the full cascade below 200, 400 or 800 of prose: 0.9689 at 65.5, 66.1 and 61.1.
# 400 leaves a margin over the misses at no measurable cost.
MIN_FAST_PROSE_WEIGHT = 2 * MIN_PROSE_WEIGHT


def _story_text(tree: HtmlElement, url: str | None) -> str:
    """trafilatura's main text: its fast pass, then the full cascade when that found too little."""
    import trafilatura

    text = ""
    for fast in (True, False):  # bare_extraction works on its own copy of the tree
        extracted = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            favor_precision=True,
        )
        text = getattr(extracted, "text", None) or ""
        if prose_weight(text, enough=MIN_FAST_PROSE_WEIGHT) >= MIN_FAST_PROSE_WEIGHT:
            break
    return text


@dataclass(frozen=True)
class PageMetadata:
    """Title, author and site name as trafilatura's metadata reads them from a page."""

    title: str | None
    author: str | None
    sitename: str | None


def page_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    """trafilatura's metadata steps for title, author and site name, without its date search.

    `bare_extraction(with_metadata=True)` also runs htmldate, categories, tags and licence
    detection: a third of the parse time, and we date pages ourselves (newsetl.dates).
    Measured on the extraction benchmark: same fields, about 1.3× the pages per second.
    """
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
    )

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader fails on odd markup
        pass
    title = meta.title or extract_title(tree)
    author = meta.author or extract_author(tree)
    sitename = meta.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif url:
        match = META_URL.match(url)
        sitename = match[1] if match else None
    return PageMetadata(title or None, author or None, sitename or None)


def parse_text_dump(content: bytes, *, origin: str) -> ParsedDocument:
    """decode (UTF-8 with BOM handling, else detection), clean_text_dump, detect_language."""
    if not content or not content.strip():
        raise ParseError("empty")
    if b"\x00" in content[:SNIFF_BYTES] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("not text")
    # A text dump has no <meta>, so this is BOM, then UTF-8, then detection.
    text, _encoding = decode_html(content)
    article = clean_text_dump(text)
    language = detect_language(f"{article.title or ''}\n{article.body}")
    return ParsedDocument(
        title=article.title,
        author=article.author,
        published_at=article.published_at,
        language=language,
        body=article.body,
        url=None,
    )


def clean_title(
    title: str | None, *, site_name: str | None = None, url: str | None = None
) -> str | None:
    """The headline without ' - Site', ' | 사이트', ' < 섹션 < 기사본문 - 매체' labels around it."""
    if not title:
        return None
    title = re.sub(r"\s+", " ", title).strip()
    labels = {label.lower() for label in (site_name, _host_label(url)) if label}
    while True:
        pieces = _TITLE_SEPARATORS.split(title)
        separators = _TITLE_SEPARATORS.findall(title)
        if len(pieces) < 2:
            break
        last, separator = pieces[-1].strip(), separators[-1].strip()
        head = title[: title.rfind(separators[-1])].strip()
        if _is_site_label(last, separator, labels) and len(head) >= 8:
            title = head
            continue
        first = pieces[0].strip()
        rest = title[len(first) :].strip()
        # '수도권일보 - 서울 지하철 노조…': a one-word site name in front of a full headline.
        site_first = first.lower() in labels or (" " not in first and len(first) <= 15)
        if site_first and len(rest.split()) >= 4:
            title = title[len(first) :].lstrip()
            title = title[len(separators[0].strip()) :].strip() if title else title
            continue
        break
    return title or None


def _choose_title(
    tree: HtmlElement, extracted: str | None, site_name: str | None, url: str | None
) -> str | None:
    """The headline among og:title, <title> and trafilatura's pick, preferring the one shown
    as a heading; social titles are sometimes cut short, so a longer <title> that extends one
    wins."""
    head_title = tree.find(".//head/title")
    if head_title is None:
        head_title = tree.find(".//title")
    page_title = clean_title(
        head_title.text_content() if head_title is not None else None, site_name=site_name, url=url
    )
    social = clean_title(
        _meta_content(tree, "og:title") or _meta_content(tree, "twitter:title"),
        site_name=site_name,
        url=url,
    )
    picked = clean_title(extracted, site_name=site_name, url=url)
    candidates = [title for title in (social, page_title, picked) if title]
    headings = {
        re.sub(r"\s+", " ", heading.text_content()).strip()
        for heading in list(tree.iter("h1", "h2", "h3"))[:20]
    }
    for candidate in candidates:
        if candidate in headings:
            return candidate
    if page_title and any(
        page_title.startswith(other) for other in candidates if other != page_title
    ):
        return page_title
    return candidates[0] if candidates else None


def _meta_content(tree: HtmlElement, key: str) -> str | None:
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == key:
            content = (meta.get("content") or "").strip()
            if content:
                return content
    return None


def _is_site_label(piece: str, separator: str, labels: set[str]) -> bool:
    lowered = piece.lower()
    if lowered in labels or any(label and label in lowered for label in labels):
        return True
    if lowered in {"기사본문", "뉴스", "news", "home"}:
        return True
    if separator in _SITE_SEPARATORS and len(piece) <= MAX_SITE_LABEL_CHARS:
        return True
    # ' - Reuters', ' - The Korea Herald': a short label of at most three words.
    return (
        separator in {"-", "–", "—"}
        and len(piece) <= 24
        and len(piece.split()) <= 3
        and (piece[:1].isupper() or bool(re.search(r"[가-힣]", piece)))
    )


def _host_label(url: str | None) -> str | None:
    """'riversidecourier' for www.riversidecourier.com, 'hanbit' for news.hanbit.co.kr."""
    labels = [label for label in (urlsplit(url).hostname or "").split(".") if label] if url else []
    if len(labels) < 2 or labels[-1].isdigit():
        return None
    name = labels[-3] if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else labels[-2]
    return name if len(name) >= 4 else None


def _looks_binary(content: bytes) -> bool:
    head = content[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def _site_name(tree: HtmlElement) -> str | None:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in ("og:site_name", "application-name", "twitter:site") and meta.get("content"):
            return meta.get("content", "").strip().lstrip("@") or None
    return None


def _document_url(tree: HtmlElement, url: str | None) -> str | None:
    canonical = canonical_link_from_tree(tree, url)
    if canonical and url:
        # A canonical that points at the site's front page from an article page is a
        # template mistake, not a statement about this article.
        if urlsplit(canonical).path in ("", "/") and urlsplit(url).path not in ("", "/"):
            canonical = None
        elif is_syndicated_copy(tree, canonical, url):
            canonical = None
    chosen = canonical or url
    return canonicalize_url(chosen) if chosen else None


def is_syndicated_copy(tree: HtmlElement, canonical: str, url: str) -> bool:
    """True when rel=canonical credits another outlet's page: this page is a syndicated copy.

    A partner running a wire story often points rel=canonical at the first publisher (for
    search engines). We keep such a copy as its own article, under its own URL and outlet,
    because analysts count outlets; the near-duplicate grouping gives it the original's
    story_id. The sign is a canonical on another registered domain (m./www. of one site are
    one domain), or the page's own og:url naming itself while rel=canonical names elsewhere.
    """
    own = canonicalize_url(url)
    credited = canonicalize_url(canonical)
    if own == credited or urlsplit(own)[:3] == urlsplit(credited)[:3]:
        return False  # the same page, only its query differs
    if _registered_domain(own) != _registered_domain(credited):
        return True
    og_url = _meta_content(tree, "og:url")
    return bool(og_url) and canonicalize_url(urljoin(url, og_url or "")) == own


def _registered_domain(url: str) -> str:
    labels = [label for label in (urlsplit(url).hostname or "").split(".") if label]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _clean_body(text: str, title: str | None, story_lines: frozenset[str] = frozenset()) -> str:
    """The extracted text without furniture lines (copyright, e-mail, captions, widgets); a
    credit, notice or sign-off the page wrote into the story's own text (`story_lines`)
    stays."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not _is_furniture(line, story_lines)]
    # The headline often sits inside <article> and comes out as the first line.
    if lines and title and lines[0].strip(" |") == title:
        lines = lines[1:]
    return "\n".join(lines)


def _is_furniture(line: str, story_lines: frozenset[str]) -> bool:
    # A line the page wrote into the story's own text stays, a columnist's sign-off with an
    # e-mail address included: the extraction benchmark's annotators keep it as the story's
    # last line. The same line in a byline box of its own is furniture, and never an author.
    if not is_boilerplate_line(line):
        return False
    return _SPACE_RUNS.sub(" ", line) not in story_lines


_TRAILING_BYLINE = re.compile(
    r"^(?:[가-힣]{2,4}\s*(?:기자|특파원)(?:\s*[(\[]?\S+@\S+?[)\]]?)?|by\s+\S.{0,60})$",
    re.IGNORECASE,
)
_BYLINE_CLASSES = re.compile(r"byline|author|reporter|writer|journalist", re.IGNORECASE)


def _byline_in_page(tree: HtmlElement, site_name: str | None) -> str | None:
    """A byline from an element marked as one (class/id/rel/itemprop), when metadata had none."""
    for element in tree.iter("span", "div", "p", "a", "em", "strong", "address", "li"):
        marks = " ".join(element.get(attr) or "" for attr in ("class", "id", "rel", "itemprop"))
        if not _BYLINE_CLASSES.search(marks):
            continue
        text = re.sub(r"\s+", " ", element.text_content()).strip()
        if 2 <= len(text) <= 80 and _TRAILING_BYLINE.match(text):
            name = clean_author(text, site_name)
            if name:
                return name
    for element in tree.iter("p", "div", "span", "address"):
        # The opening words first: the whole text of every block on the page is costly.
        if not _starts_with_by(element):
            continue
        text = re.sub(r"\s+", " ", element.text_content()).strip()
        if len(text) <= 120 and re.match(r"by\s", text, re.IGNORECASE):
            name = clean_author(text, site_name)
            if name and _PERSON_NAME.fullmatch(name):
                return name
    return None


_BY = re.compile(r"\s*by\s", re.IGNORECASE)


def _starts_with_by(element: HtmlElement) -> bool:
    head = ""
    for piece in element.itertext():
        head += piece
        if len(head.lstrip()) >= 3:
            break
    return bool(_BY.match(head))


# One or two people written the way English bylines write them ('Sarah Kim', 'Kim Min-jun').
_PERSON_NAME = re.compile(
    r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}(?:, [A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3})?"
)


def _byline_in_body(body: str) -> str | None:
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for line in lines[:1] + lines[-3:]:
        if _TRAILING_BYLINE.match(line) or "기자 =" in line:
            name = clean_author(line)
            if name:
                return name
    for line in lines[-3:]:
        # '정하늘 기자 | 입력 ...' info rows, and a byline closing the last paragraph.
        match = re.search(r"([가-힣]{2,4})\s*(?:기자|특파원)\s*(?:[|(\[]|\S+@\S+|$)", line)
        if match and (len(line) <= 80 or match.end() == len(line)):
            return match.group(1)
    return None


_SPACE_RUNS = re.compile(r"\s+")
# Containers whose lines, separated by <br>, become paragraphs (table cells are left to the
# table reader, paragraphs and inline elements keep their line breaks).
_LINE_BLOCK_CONTAINERS = frozenset(
    {"div", "section", "article", "main", "body", "blockquote", "center"}
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote center details div dl fieldset figure footer form h1 h2 h3"
    " h4 h5 h6 header hr iframe main nav ol p pre section table ul".split()
)


def _split_line_break_blocks(tree: HtmlElement) -> frozenset[str]:
    """Give each <br>-separated line of a story's text block its own <p>; return those lines.

    Sites that write a story as `text<br><br>text <a>link</a><br>` leave the extractors to
    guess the paragraphs, and readability's guess cuts a line at every inline element: 'by
    Kim <a>kim@site</a>' came out as two lines, the second a bare e-mail. A reporter line,
    photo credit or copyright notice written into the story's own text this way is part of the
    article as the site published it (the extraction benchmark's hand-made bodies keep them),
    unlike the same notice in an element of its own, which body cleaning drops. Blocks with
    less prose than an article (an 'Advert' label over an ad script) are left as they are.
    """
    story_lines: set[str] = set()
    for block in {br.getparent() for br in tree.iter("br")}:
        if block is None or block.tag not in _LINE_BLOCK_CONTAINERS:
            continue
        lines = _line_texts(block)
        text = "\n".join(line for line, _own in lines)
        if prose_weight(text, enough=MIN_PROSE_WEIGHT) >= MIN_PROSE_WEIGHT:
            _paragraphs_at_line_breaks(block)
            # A line all inside an inline element of its own (<em class="caption">) is marked
            # up apart from the story, so cleaning judges it like any other element.
            story_lines.update(line for line, own in lines if line and own)
    return frozenset(story_lines)


def _line_texts(block: HtmlElement) -> list[tuple[str, bool]]:
    """Each run of text and inline elements between <br>s and block children: its text, and
    whether part of that text is the block's own rather than an inline element's."""
    runs: list[tuple[list[str], list[str]]] = [([block.text or ""], [block.text or ""])]
    for child in block:
        if child.tag == "br" or child.tag in _BLOCK_TAGS:
            runs.append(([child.tail or ""], [child.tail or ""]))
            continue
        parts, own = runs[-1]
        if isinstance(child.tag, str):  # not a comment or processing instruction
            parts.append(child.text_content())
        parts.append(child.tail or "")
        own.append(child.tail or "")
    return [
        (_SPACE_RUNS.sub(" ", "".join(parts)).strip(), bool("".join(own).strip()))
        for parts, own in runs
    ]


def _paragraphs_at_line_breaks(block: HtmlElement) -> None:
    """Rebuild block's children as one <p> per run of text and inline elements between <br>s
    and block children, keeping the block children."""
    pieces: list[HtmlElement] = []
    paragraph = block.makeelement("p", {})
    paragraph.text, block.text = block.text, None
    for child in list(block):
        if child.tag != "br" and child.tag not in _BLOCK_TAGS:
            paragraph.append(child)  # moves it, with its tail
            continue
        if paragraph.text and paragraph.text.strip() or len(paragraph):
            pieces.append(paragraph)
        paragraph = block.makeelement("p", {})
        paragraph.text, child.tail = child.tail, None
        if child.tag != "br":
            pieces.append(child)
    if paragraph.text and paragraph.text.strip() or len(paragraph):
        pieces.append(paragraph)
    block[:] = pieces


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn tables used for page layout into divs, so their text is read as paragraphs."""
    layout = [
        table
        for table in tree.iter("table")
        if table.find(".//table") is not None
        or any(len(cell.text_content()) > 300 for cell in table.iter("td", "th"))
        or all(len(row.findall("td")) + len(row.findall("th")) <= 1 for row in table.iter("tr"))
    ]
    # Collect every part first: renaming an outer table changes which table a row belongs to.
    parts = [
        element
        for table in layout
        for element in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th")]
        if _owning_table(element) is table
    ]
    for element in parts:
        element.tag = "div"


def _owning_table(element: HtmlElement) -> HtmlElement | None:
    node: HtmlElement | None = element
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node
