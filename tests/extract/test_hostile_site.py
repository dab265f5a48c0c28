"""The extract step against a hostile site: every failure recorded with its reason, the run
finishes, and the good pages are parsed and loaded."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import polars as pl
import pytest
from extract.hostilesite import FEED_PATHS, HostileSite

from newsetl.documents import parse_raw
from newsetl.settings import Settings
from newsetl.sources import Source, collect

CAP = 10 * 1024 * 1024
PRIVATE = "(allow it with NEWSETL_ALLOWED_HOSTS)"

EXPECTED = {
    "/feed.xml": ("listing", None),
    "/good/en.html": ("parsed", None),
    "/good/ko.html": ("parsed", None),
    "/missing.html": ("fetch_failed", "HTTP 404"),
    "/flaky.html": ("parsed", None),
    "/limited.html": ("parsed", None),
    "/slow.html": ("fetch_failed", "timed out"),
    "/loop-a.html": ("fetch_failed", "redirect loop"),
    "/huge.html": ("fetch_failed", f"refused: body exceeds the {CAP}-byte cap"),
    "/bomb.html": ("fetch_failed", f"refused: decompressed body exceeds the {CAP}-byte cap"),
    "/binary.html": ("parse_failed", "not html"),
    "/entities.xml": ("fetch_failed", "feed declares XML entities; refused"),
    "http://10.20.30.40/admin": (
        "fetch_failed",
        f"refused: 10.20.30.40 resolves to non-public address 10.20.30.40 {PRIVATE}",
    ),
    "http://169.254.169.254/latest/meta-data/": (
        "fetch_failed",
        f"refused: 169.254.169.254 resolves to non-public address 169.254.169.254 {PRIVATE}",
    ),
}


def hostile_settings(settings: Settings) -> Settings:
    return replace(settings, total_timeout=2.0, read_timeout=2.0, max_retries=1)


def outcomes(log: pl.DataFrame, site: HostileSite) -> dict[str, tuple[str, str | None]]:
    return {
        row["origin"].removeprefix(site.base_url): (row["status"], row["reason"])
        for row in log.iter_rows(named=True)
    }


def test_every_hostile_case_is_recorded_with_its_reason(settings: Settings) -> None:
    with HostileSite() as site:
        sources = [Source(site.url("/feed.xml"), "harbor"), Source(site.url("/entities.xml"))]
        raw = collect(sources, hostile_settings(settings))
        documents, log = parse_raw(raw, "hostile")
        hits = dict(site.hits)
    assert outcomes(log, site) == EXPECTED
    assert len(site.bomb) < 100_000  # 64 MB of zeros on the wire as a few dozen kilobytes
    attempts = {
        row["origin"].removeprefix(site.base_url): row["attempts"]
        for row in raw.iter_rows(named=True)
    }
    assert (attempts["/flaky.html"], attempts["/limited.html"], attempts["/slow.html"]) == (2, 2, 2)
    assert (hits["/flaky.html"], hits["/limited.html"]) == (2, 2)
    assert sorted(documents["title"]) == [
        "Port of Busan clears record container backlog after storm",
        "Port of Incheon clears record container backlog after storm",
        "Port of Ulsan clears record container backlog after storm",
        "부산항, 태풍 뒤 쌓인 컨테이너 나흘 만에 처리",
    ]
    korean = documents.filter(pl.col("language") == "ko").row(0, named=True)
    assert "똠양꿍" in korean["body"]
    assert korean["author"] == "김햏님"


@pytest.mark.slow
def test_a_run_over_the_hostile_site_finishes_and_loads_the_good_pages(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsetl.pipeline import run

    monkeypatch.setenv("NEWSETL_TIMEOUT", "2")
    monkeypatch.setenv("NEWSETL_RETRIES", "1")
    with HostileSite() as site:
        summary = run([f"harbor={site.url('/feed.xml')}", site.url("/entities.xml")])
    assert (summary.articles, summary.fetch_failures, summary.parse_failures) == (4, 8, 1)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        loaded = con.execute("select language, count(*) from articles group by 1 order by 1")
        assert loaded.fetchall() == [("en", 3), ("ko", 1)]
        reasons = con.execute(
            "select reason from fetch_log where status = 'fetch_failed' order by reason"
        ).fetchall()
    assert len(reasons) == 8
    assert len(FEED_PATHS) == 10
