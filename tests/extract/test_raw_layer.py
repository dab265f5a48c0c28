"""The raw layer: every fetch kept, partitioned by day, and `newsetl reparse` from it with no
network."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl
import pytest
from routeserver import RouteServer

from newsetl.cli import main
from newsetl.parse import EXTRACTOR_VERSION
from newsetl.pipeline import extract, run_dir_for
from newsetl.raw import RAW_LAYER, raw_files, read_raw_layer
from newsetl.settings import Settings

HTML = {"Content-Type": "text/html; charset=utf-8", "ETag": '"p1"'}
PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferry service to Ulleungdo resumes after two-week halt</title>
<meta property="article:published_time" content="2026-11-23T07:30:00+09:00"></head>
<body><article><h1>Ferry service to Ulleungdo resumes after two-week halt</h1>
<p>Passenger ferries to Ulleungdo resumed on Monday after high seas kept them in port for two
weeks, leaving islanders short of fresh food and tourists stranded in Pohang hotels.</p>
<p>The operator said it would add an extra sailing each day until the backlog of travellers
cleared, and that the larger of its two ships had been inspected after the storm.</p>
<p>Fishermen on the island said prices for squid had doubled during the halt because boats
could not take their catch to the mainland markets.</p></article></body></html>"""


def test_every_fetch_lands_in_the_raw_layer_by_day(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/ferry.html"] = (200, HTML, PAGE)
    run_dir = run_dir_for(settings, "raw-test")
    extract([route_server.url("/ferry.html"), route_server.url("/gone.html")], run_dir, settings)
    today = datetime.now(UTC).date()
    files = raw_files(settings, today)
    assert [path.parent.name for path in files] == [f"date={today}"]
    stored = pl.read_parquet(files[0])
    assert stored.schema == pl.Schema(RAW_LAYER)
    rows = {row["origin"].removeprefix(route_server.base_url): row for row in stored.to_dicts()}
    assert rows["/ferry.html"]["content"] == PAGE
    assert rows["/ferry.html"]["run_id"] == "raw-test"
    assert '"etag": "\\"p1\\""' in rows["/ferry.html"]["headers"]
    assert (rows["/gone.html"]["status"], rows["/gone.html"]["reason"]) == ("error", "HTTP 404")
    # failures are kept in the layer, but a replay reads only bodies
    assert read_raw_layer(settings, today)["origin"].to_list() == [route_server.url("/ferry.html")]


@pytest.mark.slow
def test_reparse_rebuilds_articles_from_the_raw_layer_offline(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/ferry.html"] = (200, HTML, PAGE)
    url = route_server.url("/ferry.html")
    assert main(["run", url, "--quiet"]) == 0
    route_server.routes.clear()  # the site is gone: reparse must not need it
    hits = dict(route_server.hits)
    today = datetime.now(UTC).date().isoformat()
    assert main(["reparse", "--since", today, "--quiet"]) == 0
    assert route_server.hits == hits
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        articles = con.execute("select url, title, extractor_version from articles").fetchall()
        versions = con.execute(
            "select distinct run_id like 'reparse%', extractor_version from fetch_log "
            "where status = 'parsed' order by 1"
        ).fetchall()
    assert articles == [
        (url, "Ferry service to Ulleungdo resumes after two-week halt", EXTRACTOR_VERSION)
    ]
    assert versions == [(False, EXTRACTOR_VERSION), (True, EXTRACTOR_VERSION)]


def test_reparse_rejects_a_bad_day() -> None:
    with pytest.raises(SystemExit):
        main(["reparse", "--since", "24/11/2026"])
