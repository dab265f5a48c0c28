"""The HTTP fetcher: bounded in time and size, refuses private addresses, honours robots.txt.

Every call returns a :class:`FetchResult`; failures carry a one-line reason instead of
raising, so one bad URL never stops a batch.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from newsetl.settings import Settings

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class FetchRefused(Exception):
    """The URL may not be fetched (address policy, robots.txt, scheme); the message says why."""


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch; `content` is None when it failed."""

    url: str
    final_url: str
    http_status: int | None
    content_type: str | None
    content: bytes | None
    reason: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.reason is None and self.content is not None


class AddressPolicy:
    """Refuses private, loopback, link-local and reserved addresses unless allowed."""

    def __init__(self, settings: Settings) -> None:
        self._hosts = settings.allowed_hosts
        self._networks = settings.allowed_networks

    def check(self, url: str) -> None:
        """Raise FetchRefused when the URL's host resolves to an address we must not reach."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"unsupported scheme {parts.scheme!r}")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise FetchRefused("URL has no host")
        if host in self._hosts:
            return
        for address in self._resolve(host, parts.port or (443 if parts.scheme == "https" else 80)):
            if any(address in network for network in self._networks):
                continue
            if not address.is_global:
                raise FetchRefused(
                    f"{host} resolves to non-public address {address} "
                    "(allow it with NEWSETL_ALLOWED_HOSTS)"
                )

    @staticmethod
    def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise FetchRefused(f"cannot resolve {host}: {exc.strerror}") from exc
        return [ipaddress.ip_address(info[4][0]) for info in infos]


class Fetcher:
    """A synchronous httpx client with explicit limits, one per run."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.policy = AddressPolicy(settings)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(
                settings.read_timeout,
                connect=settings.connect_timeout,
                pool=settings.connect_timeout,
            ),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, check_robots: bool = True) -> FetchResult:
        """GET a URL, following redirects by hand so every hop passes the address policy."""
        started = time.monotonic()
        current = url
        seen: set[str] = set()
        status: int | None = None
        try:
            for _hop in range(self.settings.max_redirects + 1):
                self.policy.check(current)
                if check_robots and not self._allowed_by_robots(current):
                    raise FetchRefused("disallowed by robots.txt")
                seen.add(current)
                status, content_type, content, location = self._get(current, started)
                if status in REDIRECT_CODES and location:
                    target = urljoin(current, location)
                    if target in seen:
                        return self._failed(url, current, status, "redirect loop", started)
                    current = target
                    continue
                if status >= 400:
                    return self._failed(url, current, status, f"HTTP {status}", started)
                return FetchResult(
                    url, current, status, content_type, content, None, time.monotonic() - started
                )
            return self._failed(
                url, current, status, f"more than {self.settings.max_redirects} redirects", started
            )
        except FetchRefused as exc:
            return self._failed(url, current, status, f"refused: {exc}", started)
        except httpx.TimeoutException:
            return self._failed(url, current, status, "timed out", started)
        except httpx.HTTPError as exc:
            return self._failed(
                url, current, status, _one_line(f"{type(exc).__name__}: {exc}"), started
            )

    def _get(self, url: str, started: float) -> tuple[int, str | None, bytes, str | None]:
        """Stream one response, enforcing the size cap and the total deadline."""
        limit = self.settings.max_bytes
        deadline = started + self.settings.total_timeout
        with self._client.stream("GET", url) as response:
            content_type = response.headers.get("content-type")
            location = response.headers.get("location")
            if response.status_code in REDIRECT_CODES or response.status_code >= 400:
                return response.status_code, content_type, b"", location
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchRefused(f"body of {int(declared)} bytes exceeds the {limit}-byte cap")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchRefused(f"body exceeds the {limit}-byte cap")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("total time exceeded")
                chunks.append(chunk)
            return response.status_code, content_type, b"".join(chunks), location

    def _allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.settings.user_agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """robots.txt of an origin; a missing or unreadable one allows everything."""
        result = self.fetch(f"{origin}/robots.txt", check_robots=False)
        if not result.ok or result.content is None:
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(result.content.decode("utf-8", "replace").splitlines())
        return parser

    @staticmethod
    def _failed(
        url: str, final: str, status: int | None, reason: str, started: float
    ) -> FetchResult:
        return FetchResult(url, final, status, None, None, reason, time.monotonic() - started)


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
