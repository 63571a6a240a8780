"""The guarded HTTP client against a local server that misbehaves on purpose.

Nothing here touches the internet: the server listens on 127.0.0.1 on a free
port, and the client ignores proxy variables.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from reader.fulltext import extract_article
from reader.net import FetchError, FetchResult, fetch, fetch_many, make_client
from reader.sources.feed import FeedError, parse_feed
from reader.urls import Reach

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = (FEEDS / "rss2.xml").read_bytes()
ATOM = (FEEDS / "atom.xml").read_bytes()
ETAG = '"rss-v1"'
LAST_MODIFIED = "Sun, 21 Jun 2026 12:00:00 GMT"
READ_TIMEOUT = 0.3
CAP = 64 * 1024


class _State:
    """What the server saw, for tests that check the client's behaviour."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.streamed = 0  # by the last /endless answer, once `stream_ended` is set
        self.stream_ended = threading.Event()
        # Made once, before serving: compressing it in the handler could take
        # longer than the client's read timeout on a busy machine.
        self.gzip_bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=6)
        self.user_agents: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    state: _State

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "application/rss+xml")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, Location=location)

    def do_GET(self) -> None:
        self.state.user_agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/rss":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, ETag=ETAG)
            else:
                self._send(200, RSS, ETag=ETAG, Last_Modified=LAST_MODIFIED)
        elif path == "/modified-only":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304)
            else:
                self._send(200, RSS, Last_Modified=LAST_MODIFIED)
        elif path == "/atom":
            self._send(200, ATOM, Content_Type="application/atom+xml")
        elif path == "/redirect":
            self._redirect("/rss", 301)
        elif path == "/loop-a":
            self._redirect("/loop-b")
        elif path == "/loop-b":
            assert isinstance(self.server, ThreadingHTTPServer)
            self._redirect(f"http://127.0.0.1:{self.server.server_port}/loop-a")
        elif path.startswith("/hop/"):
            self._redirect(f"/hop/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/feed.xml")
        elif path == "/missing":
            self._send(404, b"not here", Content_Type="text/plain")
        elif path == "/broken":
            self._send(500, b"oops", Content_Type="text/plain")
        elif path == "/slow":
            time.sleep(READ_TIMEOUT * 4)
            self._send(200, RSS)
        elif path == "/drip":
            self._drip()
        elif path == "/gzip":
            self._send(200, gzip.compress(RSS), Content_Encoding="gzip")
        elif path == "/deflate":
            self._send(200, zlib.compress(ATOM), Content_Encoding="deflate")
        elif path == "/gzip-bomb":
            self._send(200, self.state.gzip_bomb, Content_Encoding="gzip")
        elif path == "/brotli":
            self._send(200, b"\x8b\x03\x80hello\x03", Content_Encoding="br")
        elif path == "/malformed":
            self._send(200, (FEEDS / "malformed.xml").read_bytes())
        elif path == "/html":
            self._send(200, (FEEDS / "html-not-feed.html").read_bytes(), Content_Type="text/html")
        elif path == "/article":
            self._send(200, (FEEDS / "article.html").read_bytes(), Content_Type="text/html")
        elif path == "/endless":
            self._endless()
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * CAP))
            self.end_headers()
            self.wfile.write(b"<rss>")
        elif path.startswith("/counted/"):
            self._counted()
        else:
            self._send(404, b"", Content_Type="text/plain")

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(READ_TIMEOUT / 3)
        except OSError:
            pass

    def _endless(self) -> None:
        """More than any cap, with no length announced, until the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        chunk = b"<item><title>x</title></item>" * 1000
        sent = 0
        try:
            while sent < 500 * CAP:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading: what the test wants
        self.state.streamed = sent
        self.state.stream_ended.set()

    def _counted(self) -> None:
        with self.state.lock:
            self.state.in_flight += 1
            self.state.most_in_flight = max(self.state.most_in_flight, self.state.in_flight)
        time.sleep(0.05)
        with self.state.lock:
            self.state.in_flight -= 1
        self._send(200, RSS)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up mid-answer is what several tests do on purpose


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, _State]]:
    state = _State()
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = _Server(("127.0.0.1", 0), handler)
    # Its shutdown is seen within 50 ms (serve_forever's own look is every 0.5 s).
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(connect_timeout=1.0, read_timeout=READ_TIMEOUT, trust_env=False) as c:
        yield c


@pytest.fixture
def base(server: tuple[str, _State]) -> str:
    return server[0]


async def get(client: httpx.AsyncClient, url: str, **kwargs: object) -> FetchResult:
    """``fetch`` of an address the person gave (a feed they added), unless
    the test says where it may go."""
    reach = kwargs.pop("reach", Reach(home=url))
    return await fetch(client, url, reach=reach, **kwargs)  # type: ignore[arg-type]


async def reason(client: httpx.AsyncClient, url: str, **kwargs: object) -> str:
    with pytest.raises(FetchError) as caught:
        await get(client, url, **kwargs)
    assert caught.value.url == url
    return caught.value.reason


async def test_fetches_rss_with_validators_and_user_agent(
    client: httpx.AsyncClient, server: tuple[str, _State]
) -> None:
    base, state = server
    result = await get(client, f"{base}/rss")
    assert result.status == 200
    assert result.content == RSS
    assert result.etag == ETAG
    assert result.last_modified == LAST_MODIFIED
    assert result.final_url == f"{base}/rss"
    assert result.content_type == "application/rss+xml"
    assert not result.not_modified
    assert state.user_agents[-1].startswith("news-reader/")


async def test_etag_gives_not_modified(client: httpx.AsyncClient, base: str) -> None:
    result = await get(client, f"{base}/rss", etag=ETAG, last_modified=LAST_MODIFIED)
    assert result.not_modified
    assert result.status == 304
    assert result.content == b""
    assert result.etag == ETAG
    assert result.last_modified == LAST_MODIFIED  # kept for the next refresh


async def test_last_modified_gives_not_modified(client: httpx.AsyncClient, base: str) -> None:
    first = await get(client, f"{base}/modified-only")
    assert first.last_modified == LAST_MODIFIED and first.etag is None
    again = await get(client, f"{base}/modified-only", last_modified=first.last_modified)
    assert again.not_modified


async def test_atom_and_compressed_bodies(client: httpx.AsyncClient, base: str) -> None:
    assert (await get(client, f"{base}/atom")).content == ATOM
    assert (await get(client, f"{base}/gzip")).content == RSS
    assert (await get(client, f"{base}/deflate")).content == ATOM


async def test_redirect_followed_and_final_url_reported(
    client: httpx.AsyncClient, base: str
) -> None:
    result = await get(client, f"{base}/redirect")
    assert result.content == RSS
    assert result.final_url == f"{base}/rss"
    assert result.url == f"{base}/redirect"


async def test_redirect_errors(client: httpx.AsyncClient, base: str) -> None:
    assert await reason(client, f"{base}/loop-a") == "redirect loop"
    assert await reason(client, f"{base}/hop/0") == "too many redirects (over 5)"
    assert await reason(client, f"{base}/to-file") == "redirect to a file: address refused"
    assert await reason(client, f"{base}/to-ftp") == "redirect to a ftp: address refused"


async def test_schemes_refused_before_any_request(client: httpx.AsyncClient) -> None:
    assert await reason(client, "ftp://127.0.0.1/feed.xml") == "scheme not allowed: ftp"
    assert await reason(client, "file:///etc/passwd") == "scheme not allowed: file"
    assert await reason(client, "javascript:alert(1)") == "scheme not allowed: javascript"
    assert await reason(client, "example.org/feed") == "scheme not allowed: (none)"
    assert await reason(client, "http:///nohost") == "invalid URL: no host"


async def test_http_errors(client: httpx.AsyncClient, base: str) -> None:
    assert await reason(client, f"{base}/missing") == "HTTP 404"
    assert await reason(client, f"{base}/broken") == "HTTP 500"


async def test_read_timeout(client: httpx.AsyncClient, base: str) -> None:
    # The server answers after four read timeouts: had the client waited, it
    # would have had the feed.
    assert await reason(client, f"{base}/slow") == "timed out"


async def test_total_timeout_stops_a_drip_feed(client: httpx.AsyncClient, base: str) -> None:
    # Each byte arrives inside the read timeout; only the whole-fetch limit ends it.
    assert await reason(client, f"{base}/drip", total_timeout=0.6) == "timed out"


async def test_connection_refused(client: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert await reason(client, f"http://127.0.0.1:{port}/") == "connection refused"


async def test_size_cap_enforced_while_streaming(
    client: httpx.AsyncClient, server: tuple[str, _State]
) -> None:
    base, state = server
    state.stream_ended.clear()
    assert await reason(client, f"{base}/endless", max_bytes=CAP) == "too large (over 65,536 bytes)"
    # The server would have sent 500 times the cap; the client hung up long before.
    assert state.stream_ended.wait(5)
    assert state.streamed < 100 * CAP


async def test_size_cap_named_in_megabytes(client: httpx.AsyncClient, base: str) -> None:
    got = await reason(client, f"{base}/gzip-bomb", max_bytes=10 * 1024 * 1024)
    assert got == "too large (over 10 MB)"


async def test_declared_length_refused_at_once(client: httpx.AsyncClient, base: str) -> None:
    assert await reason(client, f"{base}/declared-huge", max_bytes=CAP) == (
        "too large (over 65,536 bytes)"
    )


async def test_unsupported_encoding(client: httpx.AsyncClient, base: str) -> None:
    assert await reason(client, f"{base}/brotli") == "unsupported content encoding: br"


async def test_fetched_bodies_through_the_feed_parser(client: httpx.AsyncClient, base: str) -> None:
    good = await get(client, f"{base}/atom")
    assert parse_feed(good.content, good.final_url).title == "Orbit Weekly"
    broken = await get(client, f"{base}/malformed")
    assert parse_feed(broken.content, broken.final_url).warnings
    page = await get(client, f"{base}/html")
    with pytest.raises(FeedError, match="HTML page, not a feed"):
        parse_feed(page.content, page.final_url)


async def test_fetch_many_reports_every_feed(base: str) -> None:
    paths = {
        "/rss": None,
        "/atom": None,
        "/gzip": None,
        "/missing": "HTTP 404",
        "/slow": "timed out",
        "/loop-a": "redirect loop",
        "/endless": "too large (over 65,536 bytes)",
        "/to-file": "redirect to a file: address refused",
    }
    urls = [f"{base}{path}" for path in paths]
    reported: list[tuple[str, FetchResult | FetchError]] = []
    async with make_client(read_timeout=READ_TIMEOUT, trust_env=False) as client:
        outcomes = await fetch_many(
            [(urls[0], ETAG, None), *urls[1:]],
            concurrency=3,
            on_done=lambda url, outcome: reported.append((url, outcome)),
            client=client,
            max_bytes=CAP,
        )
    assert sorted(url for url, _ in reported) == sorted(urls)  # each reported once
    assert list(outcomes) == urls  # in the order asked
    for path, expected in paths.items():
        outcome = outcomes[f"{base}{path}"]
        if expected is None:
            assert isinstance(outcome, FetchResult), (path, outcome)
        else:
            assert isinstance(outcome, FetchError) and outcome.reason == expected, path
    assert outcomes[urls[0]].not_modified
    assert outcomes[f"{base}/gzip"].content == RSS


async def test_fetch_many_bounds_concurrency(server: tuple[str, _State]) -> None:
    base, state = server
    state.most_in_flight = 0
    outcomes = await fetch_many([f"{base}/counted/{n}" for n in range(8)], concurrency=2)
    assert all(isinstance(o, FetchResult) for o in outcomes.values())
    assert 1 <= state.most_in_flight <= 2


def test_extract_article_keeps_the_story_and_drops_the_page() -> None:
    html = (FEEDS / "article.html").read_bytes()
    text = extract_article(html, "https://motors.example.org/2026/06/giga-output")
    assert text is not None
    assert text.startswith("The plant now makes twice as many cars")
    assert "## What comes next" in text
    assert "[press tour](https://motors.example.org/press/tour)" in text
    assert "prices have fallen for three quarters" in text
    for boilerplate in (
        "NAV-",
        "SHARE-ON-SOCIAL",
        "RELATED-STORIES",
        "COMMENT-TEXT",
        "FOOTER-TEXT",
        "TRACKING-SCRIPT",
        "STYLE-RULES",
    ):
        assert boilerplate not in text


@pytest.mark.parametrize("reference", ["&#27;", "&#x1b;", "&#X1B", "&#7;", "&#0001;"])
def test_a_reference_to_a_control_character_does_not_hide_the_article(reference: str) -> None:
    """One `&#27;` in a page made trafilatura find no article at all."""
    html = (FEEDS / "article.html").read_text(encoding="utf-8")
    html = html.replace("<p>The plant now", f"<p>{reference}]0;title The plant now", 1)
    for page in (html, html.encode()):
        text = extract_article(page, "https://motors.example.org/2026/06/giga-output")
        assert text is not None and "casting press" in text
        assert "\x1b" not in text and "\x07" not in text


@pytest.mark.parametrize("reference", ["&#x1b;", "&#27;", "&#X1B", "&#x0001b;"])
def test_an_escape_sequence_written_as_a_reference_in_a_page_goes_whole(reference: str) -> None:
    """The reference was dropped alone, which left "[31m" in the story, as
    trafilatura left it of a raw ESC; and a DEL's reference (`&#127;`) too."""
    html = (FEEDS / "article.html").read_text(encoding="utf-8")
    html = html.replace("<p>The plant now", f"<p>{reference}[31m&#127;The plant now", 1)
    for page in (html, html.encode()):
        text = extract_article(page, "https://motors.example.org/2026/06/giga-output")
        assert text is not None and text.startswith("The plant now makes twice")
        assert "[31m" not in text and "\x7f" not in text


def test_an_escape_sequence_in_a_page_goes_whole() -> None:
    """trafilatura dropped the ESC alone and kept `]0;retitled` as text."""
    html = (FEEDS / "article.html").read_text(encoding="utf-8")
    html = html.replace("<p>The plant now", "<p>\x1b]0;retitled\x07\x1b[2JThe plant now", 1)
    for page in (html, html.encode()):
        text = extract_article(page, "https://motors.example.org/2026/06/giga-output")
        assert text is not None and "The plant now makes" in text
        assert "retitled" not in text and "[2J" not in text


async def test_extract_article_from_a_fetched_page(client: httpx.AsyncClient, base: str) -> None:
    page = await get(client, f"{base}/article")
    text = extract_article(page.content, page.final_url)
    assert text is not None and "casting press" in text


def test_extract_article_finds_nothing_on_a_page_without_a_story() -> None:
    assert extract_article(b"<html><body><nav>Home About</nav></body></html>", "") is None
    assert extract_article("", "https://example.org/") is None


def test_clients_share_the_processs_ssl_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each refresh, full text and sync makes a client, and a client's SSL
    context reads the whole bundle of certificate authorities (about 20 ms of
    CPU): they use one a process, made when first needed."""
    from reader import net
    from reader.sync.greader import GReader

    loads: list[object] = []
    load = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args or kwargs)
        load(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    net.ssl_context.cache_clear()
    clients = [make_client(trust_env=False) for _ in range(3)]
    assert len(loads) == 1
    syncs = [GReader("https://example.org/api/greader.php", "me", "pw") for _ in range(2)]
    assert len(loads) == 2  # trust_env, as httpx reads it: its own context
    for client in clients:
        asyncio.run(client.aclose())
    for sync in syncs:
        sync.close()
    net.ssl_context.cache_clear()
