"""Canonical article URLs, so the same story fetched twice gets the same key."""

from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

# Query parameters that identify a click or a campaign, never the document.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "utm_id",
        "utm_name",
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "cmpid",
        "ocid",
        "smid",
        "smtyp",
        "ref_src",
        "ref_url",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "__twitter_impression",
        "wt.mc_id",
        "spm",
    }
)
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize_url(url: str) -> str:
    """Lowercase scheme+host, drop default port, fragment and tracking params, sort remaining
    query params, keep path case."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))


def canonical_link(html: str, base_url: str | None) -> str | None:
    """rel=canonical (else og:url) resolved against base_url, only if http(s)."""
    if not html.strip():
        return None
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    return canonical_link_from_tree(tree, base_url)


def canonical_link_from_tree(tree: lxml_html.HtmlElement, base_url: str | None) -> str | None:
    """canonical_link for an already parsed page."""
    candidates = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [
        meta.get("content")
        for meta in tree.iter("meta")
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url"
    ]
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        resolved = urljoin(base_url or "", candidate.strip())
        if urlsplit(resolved).scheme.lower() in _DEFAULT_PORTS and urlsplit(resolved).hostname:
            return resolved
    return None


def _clean_query(query: str) -> str:
    kept: list[tuple[str, str]] = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = unquote_plus(pair.split("=", 1)[0]).strip().lower()
        if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
            continue
        kept.append((key, pair))
    # Sorting the raw pairs keeps the site's own percent-encoding untouched.
    return "&".join(pair for _, pair in sorted(kept))
