"""A small HTTP server on 127.0.0.1 whose answers a test writes as a function.

For what a real server will not do on demand: answer 429 with Retry-After,
answer a web page or garbage, expire a token. Each request (method, path,
form, Authorization) is recorded so the test can check what the client sent.
"""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Asked:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    auth: str


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering


Script = Callable[[Asked], Answer]


class Scripted:
    def __init__(self) -> None:
        self.script: Script = lambda asked: Answer(404, b"not here", "text/plain")
        self.asked: list[Asked] = []
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"server_": self})
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.api = f"http://127.0.0.1:{self.httpd.server_port}/api"

    def paths(self) -> list[str]:
        with self.lock:
            return [a.path for a in self.asked]


class _Handler(BaseHTTPRequestHandler):
    server_: Scripted

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = urllib.parse.urlsplit(self.path)
        asked = Asked(
            method,
            url.path,
            urllib.parse.parse_qs(url.query),
            urllib.parse.parse_qs(body),
            self.headers.get("Authorization", ""),
        )
        with self.server_.lock:
            self.server_.asked.append(asked)
        answer = self.server_.script(asked)
        time.sleep(answer.delay)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(answer.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def running() -> Iterator[Scripted]:
    server = Scripted()
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
