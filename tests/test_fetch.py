from __future__ import annotations

import gzip
from dataclasses import replace

import pytest
from newsetl.fetch import AddressPolicy, Fetcher, FetchRefused
from newsetl.settings import Settings, load_settings, parse_allowed_hosts
from routeserver import RouteServer, slow

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = "<html><body><p>서울 지하철 파업이 사흘째 이어졌다.</p></body></html>".encode()


def test_ok_page_is_fetched_whole(settings: Settings, route_server: RouteServer) -> None:
    route_server.routes["/a"] = (200, HTML, PAGE)
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(route_server.url("/a"))
    assert result.ok
    assert result.http_status == 200
    assert result.content == PAGE
    assert result.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("routes", "path", "reason"),
    [
        pytest.param({}, "/missing", "HTTP 404", id="not-found"),
        pytest.param({"/e": (500, HTML, b"oops")}, "/e", "HTTP 500", id="server-error"),
        pytest.param(
            {"/x": (302, {"Location": "/y"}, b""), "/y": (302, {"Location": "/x"}, b"")},
            "/x",
            "redirect loop",
            id="redirect-loop",
        ),
        pytest.param(
            {f"/r{i}": (301, {"Location": f"/r{i + 1}"}, b"") for i in range(10)},
            "/r0",
            "more than 5 redirects",
            id="too-many-redirects",
        ),
        pytest.param(
            {"/big": (200, HTML, b"x" * 2048)},
            "/big",
            "refused: body of 2048 bytes exceeds the 1024-byte cap",
            id="declared-too-large",
        ),
    ],
)
def test_failures_carry_a_reason(
    settings: Settings, route_server: RouteServer, routes: dict, path: str, reason: str
) -> None:
    route_server.routes.update(routes)
    with Fetcher(replace(settings, max_bytes=1024)) as fetcher:
        result = fetcher.fetch(route_server.url(path))
    assert not result.ok
    assert result.content is None
    assert result.reason == reason


def test_gzip_body_is_capped_after_decompression(
    settings: Settings, route_server: RouteServer
) -> None:
    bomb = gzip.compress(b"a" * 5_000_000)
    route_server.routes["/bomb"] = (200, {**HTML, "Content-Encoding": "gzip"}, bomb)
    with Fetcher(replace(settings, max_bytes=100_000)) as fetcher:
        result = fetcher.fetch(route_server.url("/bomb"))
    assert result.reason == "refused: body exceeds the 100000-byte cap"


def test_slow_server_times_out(settings: Settings, route_server: RouteServer) -> None:
    route_server.routes["/slow"] = slow(3, (200, HTML, PAGE))
    with Fetcher(replace(settings, read_timeout=0.5)) as fetcher:
        result = fetcher.fetch(route_server.url("/slow"))
    assert result.reason == "timed out"


def test_robots_txt_is_honoured(settings: Settings, route_server: RouteServer) -> None:
    route_server.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    route_server.routes["/private/a"] = (200, HTML, PAGE)
    route_server.routes["/public/a"] = (200, HTML, PAGE)
    with Fetcher(settings) as fetcher:
        assert (
            fetcher.fetch(route_server.url("/private/a")).reason
            == "refused: disallowed by robots.txt"
        )
        assert fetcher.fetch(route_server.url("/public/a")).ok
    assert route_server.hits.get("/private/a") is None


def test_loopback_is_refused_unless_allowed(
    route_server: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSETL_ALLOWED_HOSTS", raising=False)
    route_server.routes["/a"] = (200, HTML, PAGE)
    with Fetcher(load_settings()) as fetcher:
        result = fetcher.fetch(route_server.url("/a"))
    assert result.reason == (
        "refused: 127.0.0.1 resolves to non-public address 127.0.0.1 "
        "(allow it with NEWSETL_ALLOWED_HOSTS)"
    )
    assert route_server.hits == {}


def test_redirect_to_a_private_address_is_refused(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/go"] = (302, {"Location": "http://10.1.2.3/admin"}, b"")
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(route_server.url("/go"))
    assert result.reason is not None
    assert result.reason.startswith("refused: 10.1.2.3 resolves to non-public address")


@pytest.mark.parametrize(
    "url",
    [
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
    ids=["private", "link-local-metadata", "ipv6-loopback", "unspecified"],
)
def test_policy_refuses_non_public_addresses(url: str) -> None:
    policy = AddressPolicy(Settings(db_path=None, work_dir=None, config_dir=None))  # type: ignore[arg-type]
    with pytest.raises(FetchRefused):
        policy.check(url)


def test_allowed_hosts_accept_names_and_cidr_ranges() -> None:
    hosts, networks = parse_allowed_hosts("intranet.local, 10.0.0.0/8,127.0.0.1")
    assert hosts == frozenset({"intranet.local"})
    assert [str(n) for n in networks] == ["10.0.0.0/8", "127.0.0.1/32"]
    settings = Settings(
        db_path=None,
        work_dir=None,
        config_dir=None,  # type: ignore[arg-type]
        allowed_hosts=hosts,
        allowed_networks=networks,
    )
    AddressPolicy(settings).check("http://10.9.8.7/feed.xml")
    AddressPolicy(settings).check("http://intranet.local/feed.xml")


def test_non_http_scheme_is_refused(settings: Settings) -> None:
    with Fetcher(settings) as fetcher:
        assert fetcher.fetch("file:///etc/passwd").reason == "refused: unsupported scheme 'file'"
