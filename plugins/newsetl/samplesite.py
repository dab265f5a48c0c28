"""A local HTTP server for the bundled sample site, used by the demo and the tests.

Pages may hold the placeholder ``{{BASE_URL}}``; it is replaced byte-wise with the
server's own address when served, so feeds and canonical links point back at it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsetl.settings import PROJECT_ROOT

SAMPLE_SITE = PROJECT_ROOT / "samples" / "site"
PLACEHOLDER = b"{{BASE_URL}}"


class _Handler(SimpleHTTPRequestHandler):
    base_url = ""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "Not Found")
            return
        content = path.read_bytes().replace(PLACEHOLDER, self.base_url.encode("ascii"))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", _content_type(path, content))
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _content_type(path: Path, content: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "application/xml"
    if suffix == ".txt":
        return "text/plain; charset=utf-8"
    if suffix in (".html", ".htm"):
        # Legacy portals often send no charset; the page's own <meta> must decide then.
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return "text/html"
        return "text/html; charset=utf-8"
    return "application/octet-stream"


@contextlib.contextmanager
def serve(root: Path = SAMPLE_SITE, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `root` on a free loopback port in a thread; yields the base URL."""
    handler_class = type("SampleSiteHandler", (_Handler,), {})
    server = ThreadingHTTPServer((host, port), partial(handler_class, directory=str(root)))
    base_url = f"http://{host}:{server.server_address[1]}"
    setattr(handler_class, "base_url", base_url)  # noqa: B010 - a class made above
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
