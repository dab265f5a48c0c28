"""The HTTP fetcher: async, polite, bounded in time and size, refuses private addresses.

One :class:`Fetcher` serves a whole extract. It resolves each host itself, checks every
address, and connects to the address it checked (the URL is rewritten to the IP, with the
Host header and TLS SNI kept), so a DNS answer that changes between check and connect
cannot reach a private network. Redirects are followed by hand, each hop checked again.
Bodies are streamed and decoded here (gzip, deflate, brotli) so both the bytes on the wire
and the decompressed bytes are capped while they arrive. Every call returns a
:class:`FetchResult`; failures carry a one-line reason instead of raising, so one bad URL
never stops a batch.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import brotli
import httpx
from protego import Protego

from newsetl.settings import Settings

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504})
# The response headers the raw layer keeps: enough to replay, to revalidate and to debug.
KEPT_HEADERS = (
    "content-type",
    "content-encoding",
    "content-length",
    "etag",
    "last-modified",
    "date",
    "cache-control",
    "retry-after",
    "location",
    "content-language",
)
MAX_CRAWL_DELAY = 30.0
READ_CHUNK = 64 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[Address]]]


class FetchRefused(Exception):
    """The URL may not be fetched (address policy, robots.txt, scheme, size); says why."""


class _Retryable(Exception):
    """A failure worth another attempt; `wait` is the server's Retry-After, if any."""

    def __init__(self, reason: str, status: int | None, wait: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.wait = wait


@dataclass(frozen=True)
class Validators:
    """What a server said about a URL's version, sent back as a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch; `content` is None when it failed or was not modified."""

    url: str
    final_url: str
    http_status: int | None
    content_type: str | None
    content: bytes | None
    reason: str | None = None
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.reason is None and self.content is not None

    @property
    def not_modified(self) -> bool:
        return self.reason is None and self.http_status == 304

    @property
    def validators(self) -> Validators | None:
        etag, modified = self.headers.get("etag"), self.headers.get("last-modified")
        return Validators(etag, modified) if (etag or modified) and self.ok else None


class AddressPolicy:
    """Refuses private, loopback, link-local and reserved addresses unless allowed."""

    def __init__(self, settings: Settings) -> None:
        self._hosts = settings.allowed_hosts
        self._networks = settings.allowed_networks

    def check(self, url: str) -> None:
        """Raise FetchRefused when the URL's host resolves to an address we must not reach."""
        host, port = self.target(url)
        if host in self._hosts:
            return
        self.check_addresses(host, _resolve_blocking(host, port))

    @staticmethod
    def target(url: str) -> tuple[str, int]:
        """The URL's host and port; FetchRefused for schemes and URLs we do not fetch."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"unsupported scheme {parts.scheme!r}")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise FetchRefused("URL has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise FetchRefused(f"bad port: {exc}") from exc
        return host, port

    def allows_host(self, host: str) -> bool:
        return host in self._hosts

    def check_addresses(self, host: str, addresses: Iterable[Address]) -> None:
        for address in addresses:
            if any(address in network for network in self._networks):
                continue
            if not address.is_global:
                raise FetchRefused(
                    f"{host} resolves to non-public address {address} "
                    "(allow it with NEWSETL_ALLOWED_HOSTS)"
                )


class _HostGate:
    """Per-host politeness: at most `slots` requests in flight, `delay` between starts."""

    def __init__(self, slots: int, delay: float) -> None:
        self.slots = asyncio.Semaphore(max(1, slots))
        self.delay = delay
        self._next_start = 0.0
        self._lock = asyncio.Lock()

    async def wait_turn(self) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self.delay
        if start > now:
            await asyncio.sleep(start - now)


class Fetcher:
    """An async httpx client with explicit limits and manners, one per extract.

    Use as ``async with Fetcher(settings) as fetcher: await fetcher.fetch(url)``;
    :func:`fetch_urls` does that for synchronous callers.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        validators: Mapping[str, Validators] | None = None,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.policy = AddressPolicy(settings)
        self.validators = dict(validators or {})
        self._resolve = resolver or _resolve
        self._sleep = sleep
        self._robots: dict[str, asyncio.Future[Protego | None]] = {}
        self._gates: dict[str, _HostGate] = {}
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                settings.read_timeout,
                connect=settings.connect_timeout,
                pool=settings.total_timeout,
            ),
            follow_redirects=False,
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Encoding": "gzip, deflate, br",
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            },
            transport=transport,
            trust_env=False,
            limits=httpx.Limits(max_connections=max(1, settings.concurrency)),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def fetch_many(self, urls: Iterable[str]) -> list[FetchResult]:
        """Fetch URLs concurrently (within the host and global limits), results in order."""
        return list(await asyncio.gather(*(self.fetch(url) for url in urls)))

    async def fetch(self, url: str, *, check_robots: bool = True) -> FetchResult:
        """GET a URL with retries on timeouts, 429 and 5xx; never raises for a bad URL."""
        started = time.monotonic()
        attempts = 0
        while True:
            attempts += 1
            try:
                result = await self._attempt(url, check_robots, started)
                return _with(result, attempts=attempts)
            except _Retryable as exc:
                if attempts > self.settings.max_retries:
                    return _failed(url, url, exc.status, str(exc), started, attempts)
                if exc.wait is not None and exc.wait > self.settings.max_retry_after:
                    reason = (
                        f"{exc}; Retry-After {exc.wait:.0f} s is longer than "
                        f"the {self.settings.max_retry_after:.0f} s we wait"
                    )
                    return _failed(url, url, exc.status, reason, started, attempts)
                await self._sleep(self._backoff(attempts, exc.wait))

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """The server's Retry-After when it gave one, else exponential backoff with jitter."""
        if retry_after is not None:
            return retry_after
        base = self.settings.retry_backoff * 2 ** (attempt - 1)
        return base + random.uniform(0, base)

    async def _attempt(self, url: str, check_robots: bool, started: float) -> FetchResult:
        current = url
        seen: set[str] = set()
        status: int | None = None
        try:
            for _hop in range(self.settings.max_redirects + 1):
                host, port = self.policy.target(current)
                addresses = await self._resolve(host, port)
                if not self.policy.allows_host(host):
                    self.policy.check_addresses(host, addresses)
                if check_robots and not await self._allowed_by_robots(current):
                    raise FetchRefused("disallowed by robots.txt")
                seen.add(current)
                status, headers, content = await self._get(current, addresses[0], host)
                if status in REDIRECT_CODES and headers.get("location"):
                    target = urljoin(current, headers["location"])
                    if target in seen:
                        return _failed(url, current, status, "redirect loop", started)
                    current = target
                    continue
                if status in RETRY_CODES:
                    raise _Retryable(
                        f"HTTP {status}", status, _retry_after(headers.get("retry-after"))
                    )
                if status == 304:
                    return FetchResult(
                        url,
                        current,
                        status,
                        headers.get("content-type"),
                        None,
                        None,
                        time.monotonic() - started,
                        headers,
                    )
                if status >= 400:
                    return _failed(url, current, status, f"HTTP {status}", started)
                return FetchResult(
                    url,
                    current,
                    status,
                    headers.get("content-type"),
                    content,
                    None,
                    time.monotonic() - started,
                    headers,
                )
            return _failed(
                url, current, status, f"more than {self.settings.max_redirects} redirects", started
            )
        except FetchRefused as exc:
            return _failed(url, current, status, f"refused: {exc}", started)
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise _Retryable("timed out", status) from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(_one_line(f"{type(exc).__name__}: {exc}"), status) from exc
        except httpx.HTTPError as exc:
            return _failed(url, current, status, _one_line(f"{type(exc).__name__}: {exc}"), started)

    async def _get(
        self, url: str, address: Address, host: str
    ) -> tuple[int, dict[str, str], bytes]:
        """One GET to the checked address, within the host's manners and the total deadline."""
        gate = self._gates.setdefault(
            host, _HostGate(self.settings.host_concurrency, self.settings.host_delay)
        )
        async with gate.slots, self._slots:
            await gate.wait_turn()
            async with asyncio.timeout(self.settings.total_timeout):
                return await self._stream(url, address, host)

    async def _stream(
        self, url: str, address: Address, host: str
    ) -> tuple[int, dict[str, str], bytes]:
        parsed = httpx.URL(url)
        headers = {"Host": parsed.netloc.decode("ascii")}
        known = self.validators.get(url)
        if known:
            headers.update(known.request_headers())
        extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
        request = self._client.build_request(
            "GET", parsed.copy_with(host=str(address)), headers=headers, extensions=extensions
        )
        response = await self._client.send(request, stream=True)
        try:
            kept = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
            status = response.status_code
            if status in REDIRECT_CODES or status in RETRY_CODES or status == 304 or status >= 400:
                return status, kept, b""
            limit = self.settings.max_bytes
            declared = kept.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchRefused(f"body of {int(declared)} bytes exceeds the {limit}-byte cap")
            decoder = _decoder(kept.get("content-encoding"), limit)
            received = 0
            async for chunk in response.aiter_raw(READ_CHUNK):
                received += len(chunk)
                if received > limit:
                    raise FetchRefused(f"body exceeds the {limit}-byte cap")
                decoder.feed(chunk)
            return status, kept, decoder.finish()
        finally:
            await response.aclose()

    async def _allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            future: asyncio.Future[Protego | None] = asyncio.get_running_loop().create_future()
            self._robots[origin] = future
            future.set_result(await self._load_robots(origin))
        rules = await asyncio.shield(self._robots[origin])
        if rules is None:
            return True
        return bool(rules.can_fetch(url, self.settings.user_agent))

    async def robots(self, origin: str) -> Protego | None:
        """The parsed robots.txt of an origin (None when it has none)."""
        await self._allowed_by_robots(origin + "/")
        return self._robots[origin].result()

    async def _load_robots(self, origin: str) -> Protego | None:
        """robots.txt of an origin: missing allows everything; a server error, nothing."""
        result = await self.fetch(f"{origin}/robots.txt", check_robots=False)
        if result.http_status is not None and result.http_status >= 500:
            # RFC 9309: an unreachable robots.txt means the whole site is off limits.
            return Protego.parse("User-agent: *\nDisallow: /\n")
        if not result.ok or result.content is None:
            return None
        rules = Protego.parse(result.content.decode("utf-8", "replace"))
        delay = rules.crawl_delay(self.settings.user_agent)
        if delay:
            host = (urlsplit(origin).hostname or "").lower().rstrip(".")
            gate = self._gates.setdefault(
                host, _HostGate(self.settings.host_concurrency, self.settings.host_delay)
            )
            gate.delay = max(gate.delay, min(float(delay), MAX_CRAWL_DELAY))
        return rules


class _Decoder:
    """Decompresses a body as it arrives and refuses it once it would pass the cap."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        self.encoding = (encoding or "identity").strip().lower()
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        if self.encoding in ("gzip", "x-gzip"):
            self._zlib: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._zlib = zlib.decompressobj()
        else:
            self._zlib = None
        self._brotli = brotli.Decompressor() if self.encoding == "br" else None
        if self.encoding not in ("identity", "gzip", "x-gzip", "deflate", "br"):
            raise FetchRefused(f"unsupported content-encoding {self.encoding!r}")

    def feed(self, data: bytes) -> None:
        try:
            if self._zlib is not None:
                self._inflate(data)
            elif self._brotli is not None:
                self._unbrotli(data)
            else:
                self._keep(data)
        except (zlib.error, brotli.error) as exc:
            raise FetchRefused(f"corrupt {self.encoding} body: {exc}") from exc

    def _inflate(self, data: bytes) -> None:
        assert self._zlib is not None
        while data:
            # Never ask for more than one byte past the cap, so a bomb cannot expand in memory.
            self._keep(self._zlib.decompress(data, self.limit - self.size + 1))
            data = self._zlib.unconsumed_tail

    def _unbrotli(self, data: bytes) -> None:
        assert self._brotli is not None
        room = self.limit - self.size + 1
        self._keep(self._brotli.process(data, output_buffer_limit=room))
        while not self._brotli.can_accept_more_data():
            self._keep(self._brotli.process(b"", output_buffer_limit=self.limit - self.size + 1))

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            noun = "decompressed body" if self.encoding != "identity" else "body"
            raise FetchRefused(f"{noun} exceeds the {self.limit}-byte cap")
        if data:
            self.parts.append(data)

    def finish(self) -> bytes:
        if self._zlib is not None:
            try:
                self._keep(self._zlib.flush())
            except zlib.error as exc:
                raise FetchRefused(f"corrupt {self.encoding} body: {exc}") from exc
            if not self._zlib.eof:
                raise FetchRefused(f"truncated {self.encoding} body")
        return b"".join(self.parts)


def _decoder(encoding: str | None, limit: int) -> _Decoder:
    return _Decoder(encoding, limit)


def fetch_urls(settings: Settings, urls: Iterable[str], **options: object) -> list[FetchResult]:
    """Fetch URLs one after another with one Fetcher, from synchronous code."""

    async def run() -> list[FetchResult]:
        async with Fetcher(settings, **options) as fetcher:  # type: ignore[arg-type]
            return [await fetcher.fetch(url) for url in urls]

    return asyncio.run(run())


async def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"cannot resolve {host}: {exc.strerror}") from exc
    return _addresses(host, infos)


def _resolve_blocking(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"cannot resolve {host}: {exc.strerror}") from exc
    return _addresses(host, infos)


def _addresses(host: str, infos: list) -> list[Address]:  # type: ignore[type-arg]
    found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    if not found:
        raise FetchRefused(f"cannot resolve {host}")
    return found


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _with(result: FetchResult, *, attempts: int) -> FetchResult:
    return FetchResult(
        result.url,
        result.final_url,
        result.http_status,
        result.content_type,
        result.content,
        result.reason,
        result.elapsed,
        result.headers,
        attempts,
    )


def _failed(
    url: str, final: str, status: int | None, reason: str, started: float, attempts: int = 1
) -> FetchResult:
    return FetchResult(
        url, final, status, None, None, reason, time.monotonic() - started, {}, attempts
    )


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
