"""Discovery and incremental extraction: feeds and sitemaps found from a home page or
robots.txt, conditional GETs, and a second run that fetches only what is new."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
from routeserver import Route, RouteServer

from newsetl.documents import parse_raw
from newsetl.settings import Settings
from newsetl.sources import Source, collect

HTML = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title></head><body><article><h1>{title}</h1>
<p>Dock workers at the southern terminal loaded a record number of refrigerated containers
this week, as exporters raced to ship winter fruit before the holiday season began.</p>
<p>The terminal operator said it had hired two hundred seasonal staff and extended the gate
hours until midnight, and that waiting times for trucks had fallen to under an hour.</p>
<p>Shipping lines expect volumes to stay high until the middle of December, when the last
vessels for the Christmas market leave the harbour.</p></article></body></html>"""


def page(title: str) -> Route:
    return (200, HTML, ARTICLE.format(title=title).encode())


def rss(server: RouteServer, paths: list[str]) -> bytes:
    items = "".join(f"<item><link>{server.url(p)}</link></item>" for p in paths)
    return f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def statuses(raw: pl.DataFrame, server: RouteServer) -> list[tuple[str, str, str]]:
    return [
        (row["origin"].removeprefix(server.base_url), row["kind"], row["status"])
        for row in raw.iter_rows(named=True)
    ]


def test_a_second_run_fetches_only_what_is_new(
    settings: Settings, route_server: RouteServer, tmp_path: Path
) -> None:
    feed = {"etag": '"f1"', "paths": ["/a.html", "/b.html"]}

    def answer_feed() -> Route:
        if route_server.last_request_headers.get("If-None-Match") == feed["etag"]:
            return (304, {"ETag": str(feed["etag"])}, b"")
        body = rss(route_server, list(feed["paths"]))
        return (200, {"Content-Type": "application/rss+xml", "ETag": str(feed["etag"])}, body)

    route_server.routes["/feed.xml"] = answer_feed
    for name in ("a", "b", "c"):
        route_server.routes[f"/{name}.html"] = page(f"Story {name}")
    sources = [Source(route_server.url("/feed.xml"), "port")]
    state = tmp_path / "state"

    first = collect(sources, settings, state_dir=state)
    second = collect(sources, settings, state_dir=state)
    feed.update(etag='"f2"', paths=["/c.html", "/a.html", "/b.html"])
    third = collect(sources, settings, state_dir=state)

    assert statuses(first, route_server) == [
        ("/feed.xml", "feed", "ok"),
        ("/a.html", "html", "ok"),
        ("/b.html", "html", "ok"),
    ]
    assert statuses(second, route_server) == [("/feed.xml", "html", "not_modified")]
    assert statuses(third, route_server) == [
        ("/feed.xml", "feed", "ok"),
        ("/c.html", "html", "ok"),
    ]
    assert route_server.hits["/a.html"] == 1
    _documents, log = parse_raw(second, "r2")
    assert log["status"].to_list() == ["unchanged"]


def test_a_page_listed_with_a_newer_date_is_fetched_again(
    settings: Settings, route_server: RouteServer, tmp_path: Path
) -> None:
    lastmod = ["2026-11-24T09:00:00+09:00"]

    def sitemap() -> Route:
        body = (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{route_server.url('/a.html')}</loc><lastmod>{lastmod[0]}</lastmod></url>"
            "</urlset>"
        ).encode()
        return (200, {"Content-Type": "application/xml"}, body)

    route_server.routes["/sitemap.xml"] = sitemap
    route_server.routes["/a.html"] = page("Story a")
    sources = [Source(route_server.url("/sitemap.xml"))]
    collect(sources, settings, state_dir=tmp_path)
    collect(sources, settings, state_dir=tmp_path)
    assert route_server.hits["/a.html"] == 1
    lastmod[0] = "2026-11-24T11:30:00+09:00"
    collect(sources, settings, state_dir=tmp_path)
    assert route_server.hits["/a.html"] == 2


def test_home_page_leads_to_the_feed_it_announces(
    settings: Settings, route_server: RouteServer
) -> None:
    home = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss/all.xml">'
        "</head><body><a href='/a.html'>A</a></body></html>"
    )
    route_server.routes["/"] = (200, HTML, home.encode())
    route_server.routes["/rss/all.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss(route_server, ["/a.html"]),
    )
    route_server.routes["/a.html"] = page("Story a")
    raw = collect([Source(route_server.base_url + "/")], settings)
    assert statuses(raw, route_server) == [
        ("/", "home", "ok"),
        ("/rss/all.xml", "feed", "ok"),
        ("/a.html", "html", "ok"),
    ]


def test_home_page_without_feeds_falls_back_to_robots_sitemaps(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        f"User-agent: *\nAllow: /\nSitemap: {route_server.url('/news-sitemap.xml.gz')}\n".encode(),
    )
    route_server.routes["/"] = (200, HTML, b"<html><body><h1>Front page</h1></body></html>")
    news_sitemap = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{route_server.url('/a.html')}</loc><news:news>"
        "<news:publication>"
        "<news:name>Port Daily</news:name><news:language>en</news:language>"
        "</news:publication>"
        "<news:publication_date>2026-11-24T08:15:00+09:00</news:publication_date>"
        "<news:title>Story a</news:title></news:news></url></urlset>"
    ).encode()
    route_server.routes["/news-sitemap.xml.gz"] = (
        200,
        {"Content-Type": "application/x-gzip"},
        gzip.compress(news_sitemap),
    )
    route_server.routes["/a.html"] = page("Story a")
    raw = collect([Source(route_server.base_url + "/")], settings)
    assert statuses(raw, route_server) == [
        ("/", "home", "ok"),
        ("/news-sitemap.xml.gz", "sitemap", "ok"),
        ("/a.html", "html", "ok"),
    ]
    documents, _log = parse_raw(raw, "r1")
    # the page gives no date: the news sitemap's publication_date is the article's
    assert documents["published_at"].dt.to_string("%Y-%m-%dT%H:%M%z").to_list() == [
        "2026-11-23T23:15+0000"
    ]
