"""A local feed server for refresh and command-line tests.

It listens on 127.0.0.1 on a free port and serves what a test puts in
`routes`, answering conditional GETs the way real feed servers do (304 for a
matching ETag or Last-Modified), and records each request's path and
validators so a test can check what the client sent. Nothing touches the
internet.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml"
    status: int = 200
    etag: str = ""
    last_modified: str = ""
    declared_length: int | None = None  # claim a length other than the body's
    delay: float = 0.0  # seconds before answering
    location: str = ""  # a Location header (with a 3xx status: a redirect)
    drip: float = 0.0  # send the body a byte at a time, this many seconds apart
    reason: str = ""  # the status line's reason phrase, if not the usual one
    headers: dict[str, str] = field(default_factory=dict)  # any other headers
    hold: threading.Event | None = None  # answer only once this is set (at most 10 s)


@dataclass(frozen=True)
class Request:
    path: str
    if_none_match: str
    if_modified_since: str


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"feeds": self})
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes, **route: object) -> str:
        """Serve `body` at `path` (with Route's other fields) and return its URL."""
        self.routes[path] = Route(body, **route)  # type: ignore[arg-type]
        return self.url(path)

    def seen(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_seen(self, path: str, timeout: float = 10.0) -> bool:
        """Whether `path` was asked for within `timeout` seconds (a route on
        `hold` is then waiting for the test)."""
        deadline = time.monotonic() + timeout
        while not self.seen(path):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


class _Handler(BaseHTTPRequestHandler):
    feeds: FeedServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        request = Request(
            self.path,
            self.headers.get("If-None-Match", ""),
            self.headers.get("If-Modified-Since", ""),
        )
        with self.feeds.lock:
            self.feeds.requests.append(request)
        route = self.feeds.routes.get(self.path)
        if route is not None and route.delay:
            time.sleep(route.delay)
        if route is not None and route.hold is not None:
            route.hold.wait(10)
        if route is None:
            self._send(404, b"not here", "text/plain")
            return
        validators = dict(route.headers)
        if route.location:
            validators["Location"] = route.location
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        if route.status == 200 and (
            (route.etag and request.if_none_match == route.etag)
            or (route.last_modified and request.if_modified_since == route.last_modified)
        ):
            self._send(304, b"", route.content_type, None, **validators)
            return
        if route.drip:
            self._drip(route)
            return
        self._send(
            route.status,
            route.body,
            route.content_type,
            route.declared_length,
            route.reason,
            **validators,
        )

    def _drip(self, route: Route) -> None:
        """A server that never quite answers: each byte inside any read timeout."""
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client hung up: what the test wants
            for byte in route.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(route.drip)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        declared_length: int | None = None,
        reason: str = "",
        **headers: str,
    ) -> None:
        self.send_response(status, reason or None)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(declared_length or len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the client hung up: a refused answer
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a refresh connects eight at a time; the default is 5

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def running() -> Iterator[FeedServer]:
    """The body of a fixture: a server for the test (or module), then shut."""
    server = FeedServer()
    # Looked at every 50 ms for the shutdown at the end (the default 0.5 s made
    # each test that starts a server wait a quarter of a second on average).
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def rss(title: str, items: list[tuple[str, str]], *, link: str = "") -> bytes:
    """A small RSS 2.0 document: (title, link) per item, a paragraph each."""
    entries = "".join(
        f"<item><title>{t}</title><link>{url}</link><guid>{url or t}</guid>"
        f"<pubDate>{formatdate(1_780_000_000 + n * 60, usegmt=True)}</pubDate>"
        f"<description>&lt;p&gt;The story of {t}, told in a few plain words.&lt;/p&gt;"
        "</description></item>"
        for n, (t, url) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link or 'https://example.org/'}</link>"
        f"{entries}</channel></rss>"
    ).encode()
