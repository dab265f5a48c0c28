from __future__ import annotations

import asyncio
import gzip
import ipaddress
import threading
import time
from dataclasses import replace

import brotli
import pytest
from routeserver import Route, RouteServer, slow

from newsetl.fetch import (
    AddressPolicy,
    Fetcher,
    FetchRefused,
    FetchResult,
    Validators,
    fetch_urls,
)
from newsetl.settings import Settings, load_settings, parse_allowed_hosts

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = "<html><body><p>서울 지하철 파업이 사흘째 이어졌다.</p></body></html>".encode()


def fetch_one(settings: Settings, url: str, **options: object) -> FetchResult:
    return fetch_urls(settings, [url], **options)[0]


def test_ok_page_is_fetched_whole(settings: Settings, route_server: RouteServer) -> None:
    route_server.routes["/a"] = (200, {**HTML, "ETag": '"v1"'}, PAGE)
    result = fetch_one(settings, route_server.url("/a"))
    assert result.ok
    assert result.http_status == 200
    assert result.content == PAGE
    assert result.content_type == "text/html; charset=utf-8"
    assert result.headers["etag"] == '"v1"'
    assert result.attempts == 1


@pytest.mark.parametrize(
    ("routes", "path", "reason"),
    [
        pytest.param({}, "/missing", "HTTP 404", id="not-found"),
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
        pytest.param(
            {"/big": (200, {**HTML, "Content-Length": "10"}, b"x" * 10)},
            "/big",
            None,
            id="declared-small-is-fine",
        ),
        pytest.param(
            {"/z": (200, {**HTML, "Content-Encoding": "zstd"}, b"x")},
            "/z",
            "refused: unsupported content-encoding 'zstd'",
            id="unknown-encoding",
        ),
        pytest.param(
            {"/g": (200, {**HTML, "Content-Encoding": "gzip"}, b"\x1f\x8b\x08\x00not gzip")},
            "/g",
            "refused: truncated gzip body",
            id="corrupt-gzip",
        ),
    ],
)
def test_failures_carry_a_reason(
    settings: Settings, route_server: RouteServer, routes: dict, path: str, reason: str | None
) -> None:
    route_server.routes.update(routes)
    result = fetch_one(replace(settings, max_bytes=1024), route_server.url(path))
    assert result.reason == reason
    assert result.ok is (reason is None)


def test_server_errors_are_retried_until_they_pass(
    settings: Settings, route_server: RouteServer
) -> None:
    answers: list[Route] = [(500, HTML, b"oops"), (503, HTML, b"busy"), (200, HTML, PAGE)]
    route_server.routes["/flaky"] = lambda: answers.pop(0)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    result = fetch_one(
        replace(settings, retry_backoff=0.5), route_server.url("/flaky"), sleep=record
    )
    assert result.ok
    assert result.attempts == 3
    # exponential backoff with jitter: 0.5–1.0 s, then 1.0–2.0 s
    assert 0.5 <= waits[0] <= 1.0
    assert 1.0 <= waits[1] <= 2.0


def test_retries_give_up_with_the_last_reason(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/down"] = (502, HTML, b"bad gateway")

    async def no_wait(_seconds: float) -> None:
        return None

    result = fetch_one(replace(settings, max_retries=2), route_server.url("/down"), sleep=no_wait)
    assert (result.reason, result.http_status, result.attempts) == ("HTTP 502", 502, 3)
    assert route_server.hits["/down"] == 3


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [pytest.param("7", 7.0, id="seconds"), pytest.param("0", 0.0, id="zero")],
)
def test_429_waits_as_long_as_retry_after_says(
    settings: Settings, route_server: RouteServer, retry_after: str, wait: float
) -> None:
    answers: list[Route] = [(429, {"Retry-After": retry_after}, b""), (200, HTML, PAGE)]
    route_server.routes["/limited"] = lambda: answers.pop(0)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    result = fetch_one(settings, route_server.url("/limited"), sleep=record)
    assert result.ok
    assert waits == [wait]


def test_429_asking_for_too_long_a_wait_gives_up(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/limited"] = (429, {"Retry-After": "3600"}, b"")
    result = fetch_one(settings, route_server.url("/limited"))
    assert result.reason == "HTTP 429; Retry-After 3600 s is longer than the 60 s we wait"
    assert route_server.hits["/limited"] == 1


def test_conditional_get_turns_an_unchanged_page_into_a_304(
    settings: Settings, route_server: RouteServer
) -> None:
    seen_headers: list[tuple[str | None, str | None]] = []

    def answer() -> Route:
        request = route_server.last_request_headers
        seen_headers.append((request.get("If-None-Match"), request.get("If-Modified-Since")))
        if request.get("If-None-Match") == '"v7"':
            return (304, {"ETag": '"v7"'}, b"")
        return (
            200,
            {**HTML, "ETag": '"v7"', "Last-Modified": "Tue, 24 Nov 2026 01:00:00 GMT"},
            PAGE,
        )

    route_server.routes["/page"] = answer
    url = route_server.url("/page")
    first = fetch_one(settings, url)
    assert first.validators == Validators('"v7"', "Tue, 24 Nov 2026 01:00:00 GMT")
    second = fetch_one(settings, url, validators={url: first.validators})
    assert (second.http_status, second.not_modified, second.content, second.reason) == (
        304,
        True,
        None,
        None,
    )
    assert seen_headers == [(None, None), ('"v7"', "Tue, 24 Nov 2026 01:00:00 GMT")]


@pytest.mark.parametrize(
    ("encoding", "bomb"),
    [
        pytest.param("gzip", gzip.compress(b"a" * 5_000_000), id="gzip"),
        pytest.param("br", brotli.compress(b"a" * 5_000_000), id="brotli"),
    ],
)
def test_compressed_body_is_capped_while_it_expands(
    settings: Settings, route_server: RouteServer, encoding: str, bomb: bytes
) -> None:
    route_server.routes["/bomb"] = (200, {**HTML, "Content-Encoding": encoding}, bomb)
    result = fetch_one(replace(settings, max_bytes=100_000), route_server.url("/bomb"))
    assert len(bomb) < 100_000
    assert result.reason == "refused: decompressed body exceeds the 100000-byte cap"


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_compressed_pages_are_decoded(
    settings: Settings, route_server: RouteServer, encoding: str
) -> None:
    import zlib

    packed = {"gzip": gzip.compress, "br": brotli.compress, "deflate": zlib.compress}[encoding](
        PAGE
    )
    route_server.routes["/c"] = (200, {**HTML, "Content-Encoding": encoding}, packed)
    assert fetch_one(settings, route_server.url("/c")).content == PAGE


def test_slow_server_times_out(settings: Settings, route_server: RouteServer) -> None:
    route_server.routes["/slow"] = slow(3, (200, HTML, PAGE))
    result = fetch_one(
        replace(settings, read_timeout=0.5, max_retries=0), route_server.url("/slow")
    )
    assert result.reason == "timed out"


def test_robots_txt_is_honoured_for_our_user_agent(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n\nUser-agent: strictbot\nDisallow: /\n",
    )
    route_server.routes["/private/a"] = (200, HTML, PAGE)
    route_server.routes["/public/a"] = (200, HTML, PAGE)
    private, public = fetch_urls(
        settings, [route_server.url("/private/a"), route_server.url("/public/a")]
    )
    assert private.reason == "refused: disallowed by robots.txt"
    assert public.ok
    strict = fetch_one(replace(settings, user_agent="strictbot/2.0"), route_server.url("/public/a"))
    assert strict.reason == "refused: disallowed by robots.txt"
    assert route_server.hits.get("/private/a") is None
    assert route_server.hits["/public/a"] == 1


def test_robots_txt_failing_with_a_server_error_disallows_the_site(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/robots.txt"] = (503, HTML, b"")
    route_server.routes["/a"] = (200, HTML, PAGE)
    result = fetch_one(replace(settings, max_retries=0), route_server.url("/a"))
    assert result.reason == "refused: disallowed by robots.txt"


def test_requests_to_one_host_stay_within_its_limit(
    settings: Settings, route_server: RouteServer
) -> None:
    lock = threading.Lock()
    in_flight = [0]
    most = [0]

    def answer() -> Route:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)
        with lock:
            in_flight[0] -= 1
        return (200, HTML, PAGE)

    for i in range(6):
        route_server.routes[f"/p{i}"] = answer

    async def run() -> list[FetchResult]:
        async with Fetcher(replace(settings, host_concurrency=2)) as fetcher:
            return await fetcher.fetch_many(route_server.url(f"/p{i}") for i in range(6))

    results = asyncio.run(run())
    assert [r.ok for r in results] == [True] * 6
    assert most[0] == 2


def test_user_agent_is_sent(settings: Settings, route_server: RouteServer) -> None:
    agents: list[str | None] = []

    def answer() -> Route:
        agents.append(route_server.last_request_headers.get("User-Agent"))
        return (200, HTML, PAGE)

    route_server.routes["/ua"] = answer
    fetch_one(replace(settings, user_agent="newsetl-test/9"), route_server.url("/ua"))
    assert agents == ["newsetl-test/9"]


def test_loopback_is_refused_unless_allowed(
    route_server: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSETL_ALLOWED_HOSTS", raising=False)
    route_server.routes["/a"] = (200, HTML, PAGE)
    result = fetch_one(load_settings(), route_server.url("/a"))
    assert result.reason == (
        "refused: 127.0.0.1 resolves to non-public address 127.0.0.1 "
        "(allow it with NEWSETL_ALLOWED_HOSTS)"
    )
    assert route_server.hits == {}


def test_a_name_resolving_to_loopback_is_refused(
    route_server: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSETL_ALLOWED_HOSTS", raising=False)
    port = route_server.base_url.rsplit(":", 1)[1]
    result = fetch_one(load_settings(), f"http://localhost:{port}/a")
    assert result.reason is not None
    assert result.reason.startswith("refused: localhost resolves to non-public address")
    assert route_server.hits == {}


def test_the_checked_address_is_the_one_connected_to(
    settings: Settings, route_server: RouteServer
) -> None:
    """news.example exists in no DNS: the request can only reach the address our resolver
    gave and the policy checked, so a later, different DNS answer (rebinding) is never used."""
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        asked.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    hosts: list[str | None] = []

    def answer() -> Route:
        hosts.append(route_server.last_request_headers.get("Host"))
        return (200, HTML, PAGE)

    route_server.routes["/a"] = answer
    route_server.routes["/robots.txt"] = (404, HTML, b"")
    port = route_server.base_url.rsplit(":", 1)[1]
    result = fetch_one(settings, f"http://news.example:{port}/a", resolver=resolver)
    assert result.ok
    assert result.final_url == f"http://news.example:{port}/a"
    assert hosts == [f"news.example:{port}"]
    # robots.txt, then the page: one lookup each, none behind our back
    assert asked == ["news.example", "news.example"]


def test_redirect_to_a_private_address_is_refused(
    settings: Settings, route_server: RouteServer
) -> None:
    route_server.routes["/go"] = (302, {"Location": "http://10.1.2.3/admin"}, b"")
    result = fetch_one(settings, route_server.url("/go"))
    assert result.reason == (
        "refused: 10.1.2.3 resolves to non-public address 10.1.2.3 "
        "(allow it with NEWSETL_ALLOWED_HOSTS)"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ],
    ids=["private", "link-local-metadata", "ipv6-loopback", "unspecified", "carrier-nat"],
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
    assert fetch_one(settings, "file:///etc/passwd").reason == "refused: unsupported scheme 'file'"
