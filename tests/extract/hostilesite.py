"""A hostile news site on 127.0.0.1: every way a real site can hurt a fetcher, and two good pages.

Routes (see HOSTILE_ROUTES): a feed listing everything, good articles, a 404, a 500 that
recovers, a 429 with Retry-After, a page slower than the timeout, a redirect loop, a 50 MB
page, a gzip bomb, binary bytes served as text/html, a feed with an XML entity bomb, and
links to private addresses.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

GOOD_EN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Port of Busan clears record container backlog after storm - Harbor Line</title>
<meta property="og:site_name" content="Harbor Line">
<meta property="article:published_time" content="2026-11-24T16:40:00+09:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/markets">Markets</a></nav>
<article><h1>Port of Busan clears record container backlog after storm</h1>
<p class="byline">By Grace Okafor</p>
<p>BUSAN — The Port of Busan cleared a backlog of more than 41,000 containers on Tuesday,
four days after a late-season storm shut its cranes and left dozens of ships anchored off
the coast, the port authority said.</p>
<p>Terminal operators ran three shifts through the weekend and borrowed trucks from inland
depots to move boxes off the quays, which had filled to 94 percent of capacity by Friday.
Shipping lines said schedules to Los Angeles and Rotterdam would return to normal by early
December.</p>
<p>"We have never had this many boxes waiting at once," said a spokesperson for the port
authority, adding that a new automated terminal due to open next year would add room for
two million containers a year.</p>
</article>
<aside><h3>Most read</h3><ol><li>Won slides to two-year low</li>
<li>Korean Air adds Lisbon</li></ol></aside>
<footer>© 2026 Harbor Line. All rights reserved.</footer>
</body></html>"""

GOOD_KO = """<!doctype html>
<html lang="ko"><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>부산항, 태풍 뒤 쌓인 컨테이너 나흘 만에 처리 : 항만일보</title>
<meta property="article:published_time" content="2026-11-24T17:05:00+09:00">
</head><body>
<div id="gnb"><a href="/">홈</a> <a href="/economy">경제</a> <a href="/society">사회</a></div>
<div id="articleBody">
<h1>부산항, 태풍 뒤 쌓인 컨테이너 나흘 만에 처리</h1>
<p>늦가을 태풍으로 멈춰 섰던 부산항이 나흘 만에 밀린 컨테이너 4만1천여 개를 모두 처리했다고
부산항만공사가 24일 밝혔다. 폭풍이 지나간 뒤 부두 장치율은 한때 94%까지 올라갔다.</p>
<p>터미널 운영사들은 주말 내내 3교대로 크레인을 돌렸고, 내륙 기지에서 트레일러를 빌려와
부두에 쌓인 화물을 실어 날랐다. 똠양꿍 소스를 싣고 온 태국 선박도 이날 오후 하역을 마쳤다.</p>
<p>항만공사 관계자는 "한꺼번에 이렇게 많은 화물이 밀린 것은 처음"이라며 내년 문을 여는
자동화 터미널이 완공되면 연간 200만 개를 더 처리할 수 있을 것이라고 말했다.</p>
<p>김햏님 기자 hkim@hangman.example</p>
</div>
<div class="ranking"><h3>많이 본 뉴스</h3>
<ul><li>환율 1,480원 돌파</li><li>뷁 논란 해명</li></ul></div>
</body></html>""".encode("cp949")

ENTITY_BOMB_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rss version="2.0"><channel><title>&d;</title>
<item><title>&d;</title><link>/good/en.html</link></item>
</channel></rss>"""

# Paths the feed lists, in order, with what a careful extract must make of each.
FEED_PATHS = (
    "/good/en.html",
    "/good/ko.html",
    "/missing.html",
    "/flaky.html",
    "/limited.html",
    "/slow.html",
    "/loop-a.html",
    "/huge.html",
    "/bomb.html",
    "/binary.html",
)
PRIVATE_LINKS = ("http://10.20.30.40/admin", "http://169.254.169.254/latest/meta-data/")
HUGE_BYTES = 50 * 1024 * 1024
SLOW_SECONDS = 6.0


def _gzip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


class HostileSite:
    """The hostile site in a thread: ``with HostileSite() as site: site.url("/feed.xml")``."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.bomb = _gzip_bomb()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                with site.lock:
                    site.hits[self.path] = site.hits.get(self.path, 0) + 1
                    hit = site.hits[self.path]
                try:
                    site.answer(self, self.path, hit)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def feed(self) -> bytes:
        links = [self.url(path) for path in FEED_PATHS] + list(PRIVATE_LINKS)
        items = "".join(
            f"<item><title>{i}</title><link>{link}</link></item>" for i, link in enumerate(links)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Harbor Line</title>{items}</channel></rss>"
        ).encode()

    def answer(self, handler: BaseHTTPRequestHandler, path: str, hit: int) -> None:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/feed.xml":
            _send(handler, 200, {"Content-Type": "application/rss+xml"}, self.feed())
        elif path == "/entities.xml":
            _send(handler, 200, {"Content-Type": "application/rss+xml"}, ENTITY_BOMB_FEED)
        elif path == "/good/en.html":
            _send(handler, 200, html, GOOD_EN.encode())
        elif path == "/good/ko.html":
            _send(handler, 200, {"Content-Type": "text/html"}, GOOD_KO)
        elif path == "/flaky.html":
            if hit == 1:
                _send(handler, 500, html, b"<h1>Internal Server Error</h1>")
            else:
                _send(handler, 200, html, GOOD_EN.replace("Busan", "Incheon").encode())
        elif path == "/limited.html":
            if hit == 1:
                _send(handler, 429, {**html, "Retry-After": "1"}, b"slow down")
            else:
                _send(handler, 200, html, GOOD_EN.replace("Busan", "Ulsan").encode())
        elif path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            _send(handler, 200, html, GOOD_EN.encode())
        elif path in ("/loop-a.html", "/loop-b.html"):
            other = "/loop-b.html" if path == "/loop-a.html" else "/loop-a.html"
            _send(handler, 302, {"Location": other}, b"")
        elif path == "/huge.html":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Connection", "close")
            handler.end_headers()
            chunk = b"<p>" + b"filler " * 9362 + b"</p>\n"
            sent = 0
            while sent < HUGE_BYTES:
                handler.wfile.write(chunk)
                sent += len(chunk)
        elif path == "/bomb.html":
            _send(handler, 200, {**html, "Content-Encoding": "gzip"}, self.bomb)
        elif path == "/binary.html":
            _send(handler, 200, html, b"\x89PNG\r\n\x1a\n" + os.urandom(8192))
        elif path == "/robots.txt":
            _send(handler, 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        else:
            _send(handler, 404, html, b"<h1>Not Found</h1>")

    def __enter__(self) -> HostileSite:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def _send(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
