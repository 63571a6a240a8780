"""The guarded HTTP client for feeds and pages.

Every address fetched comes from a feed list or a feed, so none is trusted;
where each may go is ``reader.urls``' policy, enforced here:

* only http and https are fetched, and every redirect target is checked again
  (a feed must not be able to send us to file: or any other scheme, and a
  redirect to ``javascript:`` or a bad port is a named reason, not a crash);
  ``file:`` addresses are the caller's business, read as local files;
* an address content chose (a story's page, a redirect to another origin)
  that is not on its home's origin must resolve to public addresses only:
  checked after the name resolves, on every hop, and the connection is made
  to the very address checked (``_CheckedBackend``), so a name that resolves
  differently the second time (DNS rebinding) gains nothing;
* redirects are followed by hand, up to ``MAX_REDIRECTS``, and a loop is
  named as one;
* connect, read and whole-fetch timeouts, so one dead server cannot hold a
  refresh forever, not even one that drips a byte at a time;
* the size cap is enforced while the body streams in, on the decompressed
  bytes, and gzip and deflate are inflated here with a bound on each step, so
  a small compressed bomb cannot fill memory either;
* conditional GET: the ETag and Last-Modified from the previous fetch go out
  again, and a 304 comes back as ``not_modified``;
* a cancel event (the app quitting) stops every fetch within
  ``CANCEL_POLL`` seconds (``cancellable``).

Errors are a ``FetchError`` with a short reason a person can read in a
progress list ("timed out", "HTTP 404", "too large (over 10 MB)"; httpx's own
errors are put in words by ``reader.net_errors``); anything else that escapes
is a bug and keeps its traceback. What a fetched page's article is, is
``reader.fulltext``'s business.

One limit, said plainly: when a proxy is set in the environment the proxy
makes the connection, so the addresses are checked when the name is resolved
here, just before the request, and the proxy resolves it again itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import ssl
import threading
import urllib.request
import zlib
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

import httpcore
import httpx

from reader import __version__
from reader.net_errors import error_reason
from reader.urls import Reach, URLRefused, check_fetchable, redirect_target

MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 20.0
TOTAL_TIMEOUT = 60.0
DEFAULT_CONCURRENCY = 8
CANCEL_POLL = 0.05  # seconds between looks at a cancel event
USER_AGENT = f"news-reader/{__version__} (terminal feed reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/feed+json;q=0.8, */*;q=0.5"
)
# Only what is inflated here, with a bound: httpx would inflate whole network
# chunks unbounded, and brotli or zstd would need libraries we do not ship.
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_INFLATE_STEP = 64 * 1024
# A redirect's Location, moved out of httpx's sight (see ``_hold_location``).
_HELD_LOCATION = "x-news-location"
T = TypeVar("T")


class FetchError(Exception):
    """A fetch that failed for a reason worth showing; ``reason`` is short.
    ``retry_after`` is the server's Retry-After header, as sent ("" for none),
    for the refresh timer (``reader.triage.schedule``)."""

    def __init__(self, reason: str, url: str = "", *, retry_after: str = "") -> None:
        super().__init__(f"{url}: {reason}" if url else reason)
        self.reason = reason
        self.url = url
        self.retry_after = retry_after


class Cancelled(Exception):
    """The fetches were stopped from outside (the app quit); nothing is wrong."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects: relative links in the body resolve against it
    status: int
    content: bytes  # empty when not modified
    etag: str | None
    last_modified: str | None
    content_type: str = ""
    not_modified: bool = False
    cache_control: str = ""  # as sent: its max-age paces the refresh timer


# Where a connection may go -----------------------------------------------------------

# The reach of the fetch being sent, when its address must be checked as it
# connects; None for an address that may go anywhere. A context variable,
# because httpcore opens the connection inside the task that sends the request.
_CHECK: ContextVar[Reach | None] = ContextVar("news_address_check", default=None)


async def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise URLRefused("host not found") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Opens a checked fetch's connection to an address it has checked.

    For a fetch whose address content chose, the host is resolved here, every
    address must pass ``Reach.check_addresses``, and the socket is connected
    to one of those addresses (TLS still verifies the host name: httpcore
    passes it as the server name). Any other fetch connects as usual.
    """

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        check = _CHECK.get()
        if check is None:
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        addresses = await _resolve(host, port)
        check.check_addresses(host, addresses)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # check_addresses refused an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return await self._inner.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with ``_CheckedBackend`` under its pool.

    httpx has no public way to give its pool a network backend, so the pool is
    made here as httpx makes it (``_pool`` is what ``handle_async_request``
    uses; httpx is pinned below 0.29 for this).
    """

    def __init__(self, *, trust_env: bool) -> None:
        # Not super().__init__: it only makes a pool (and an SSL context) that
        # this one replaces.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context(trust_env),
            max_connections=100,  # httpx's default limits
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_CheckedBackend(),
        )


async def _hold_location(response: httpx.Response) -> None:
    """Move a redirect's Location where httpx does not look.

    Even with redirects off, httpx builds the next request from Location and
    raises ``InvalidURL`` on ``javascript:``, ``data:`` or a bad port before
    we see the response; ``fetch`` reads the held value and names the reason.
    """
    if response.status_code in _REDIRECTS and "location" in response.headers:
        response.headers[_HELD_LOCATION] = response.headers["location"]
        del response.headers["location"]


@functools.cache
def ssl_context(trust_env: bool = True) -> ssl.SSLContext:
    """One a process, shared by its clients: making one reads every certificate
    authority (20 ms of CPU), and each refresh, full text and sync makes a client."""
    return httpx.create_ssl_context(trust_env=trust_env)


def _env_proxies(trust_env: bool) -> bool:
    if not trust_env:
        return False
    proxies = urllib.request.getproxies()
    return any(key in proxies for key in ("http", "https", "all"))


def make_client(
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    user_agent: str = USER_AGENT,
    trust_env: bool = True,
) -> httpx.AsyncClient:
    """One client for a whole refresh, so connections to a host are reused.

    Redirects are off in the client because ``fetch`` follows them itself,
    checking each target. ``trust_env`` keeps proxy variables working; with a
    proxy set, httpx's own transports carry the requests (see the module's
    last paragraph), else ours, which checks addresses as it connects.
    """
    transport = None if _env_proxies(trust_env) else _CheckedTransport(trust_env=trust_env)
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
        trust_env=trust_env,
        verify=ssl_context(trust_env),
        transport=transport,
        event_hooks={"response": [_hold_location]},
    )


async def cancellable(work: Awaitable[T], cancel: threading.Event | None) -> T:
    """Await ``work``; when ``cancel`` is set (from any thread) stop it within
    ``CANCEL_POLL`` seconds, let it clean up (clients close), and raise
    ``Cancelled``. A slow feed cannot hold a quitting app."""
    if cancel is None:
        return await work
    task = asyncio.ensure_future(work)
    while not task.done():
        if cancel.is_set():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task  # let it close what it opened; its outcome no longer matters
            raise Cancelled
        await asyncio.wait({task}, timeout=CANCEL_POLL)
    return task.result()


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    reach: Reach,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    total_timeout: float = TOTAL_TIMEOUT,
) -> FetchResult:
    """GET one URL under every guard in the module docstring. ``reach`` says
    where it may go: ``Reach(home=url)`` for a feed the person added,
    ``Reach(home=feed)`` for a page a feed names."""
    try:
        async with asyncio.timeout(total_timeout):
            return await _fetch(client, url, reach, etag, last_modified, max_bytes)
    except TimeoutError:
        raise FetchError("timed out", url) from None
    except URLRefused as exc:
        raise FetchError(exc.reason, url) from None
    except (httpx.InvalidURL, UnicodeError):  # UnicodeError: a host IDNA cannot encode
        raise FetchError("invalid URL", url) from None
    except httpx.HTTPError as exc:
        raise FetchError(error_reason(exc), url) from None


async def _check_reach(url: str, reach: Reach) -> None:
    """Before a request whose address content chose: every address the host
    resolves to must be public. The connection checks again as it opens
    (``_CheckedBackend``); this check covers a pooled connection, and a proxy."""
    parts = httpx.URL(url)
    host = parts.host
    addresses = await _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    reach.check_addresses(host, addresses)


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    reach: Reach,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = check_fetchable(url)
    seen = {current}
    for _hop in range(MAX_REDIRECTS + 1):
        checked = not reach.anywhere(current)
        if checked:
            await _check_reach(current, reach)
        token = _CHECK.set(reach if checked else None)
        try:
            # Never the client's own redirect following: each target is checked here.
            stream = client.stream("GET", current, headers=headers, follow_redirects=False)
            async with stream as response:
                if (location := response.headers.get(_HELD_LOCATION)) is not None:
                    target = redirect_target(current, location)
                    if target in seen:
                        raise FetchError("redirect loop", url)
                    seen.add(target)
                    current = target
                    continue
                new_etag = response.headers.get("etag") or etag
                new_modified = response.headers.get("last-modified") or last_modified
                cache_control = response.headers.get("cache-control", "")
                if response.status_code == 304:
                    return FetchResult(
                        url,
                        current,
                        304,
                        b"",
                        new_etag,
                        new_modified,
                        not_modified=True,
                        cache_control=cache_control,
                    )
                if response.status_code >= 300:
                    wait = response.headers.get("retry-after", "")
                    raise FetchError(f"HTTP {response.status_code}", url, retry_after=wait)
                content = await _read_body(response, max_bytes, url)
                return FetchResult(
                    url,
                    current,
                    response.status_code,
                    content,
                    new_etag,
                    new_modified,
                    response.headers.get("content-type", ""),
                    cache_control=cache_control,
                )
        finally:
            _CHECK.reset(token)
    raise FetchError(f"too many redirects (over {MAX_REDIRECTS})", url)


def _too_large(max_bytes: int, url: str) -> FetchError:
    megabytes = max_bytes / (1024 * 1024)
    size = f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes:,} bytes"
    return FetchError(f"too large (over {size})", url)


async def _read_body(response: httpx.Response, max_bytes: int, url: str) -> bytes:
    """The decoded body, refused as soon as it passes ``max_bytes``."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if declared.isdigit() and encoding == "identity" and int(declared) > max_bytes:
        raise _too_large(max_bytes, url)
    inflater = _Inflater(encoding, url)
    body = bytearray()
    async for raw in response.aiter_raw():
        for piece in inflater.feed(raw):
            body += piece
            if len(body) > max_bytes:
                raise _too_large(max_bytes, url)
    return bytes(body)


class _Inflater:
    """gzip or deflate, inflated a bounded step at a time.

    ``zlib`` asked to inflate a whole network chunk at once may return a
    thousand times its size; with ``max_length`` each step is small and the
    caller can stop as soon as the total passes the cap.
    """

    def __init__(self, encoding: str, url: str) -> None:
        if encoding in ("identity", ""):
            self._wbits: int | None = None
        elif encoding in ("gzip", "x-gzip"):
            self._wbits = zlib.MAX_WBITS | 16
        elif encoding == "deflate":
            self._wbits = zlib.MAX_WBITS  # zlib-wrapped; raw deflate is tried on failure
        else:
            raise FetchError(f"unsupported content encoding: {encoding[:20]}", url)
        self._url = url
        self._encoding = encoding
        self._zlib = zlib.decompressobj(self._wbits) if self._wbits is not None else None
        self._started = False

    def feed(self, data: bytes) -> Iterable[bytes]:
        if self._zlib is None:
            if data:
                yield data
            return
        while True:
            try:
                piece = self._zlib.decompress(data, _INFLATE_STEP)
            except zlib.error:
                if self._encoding == "deflate" and not self._started:
                    # Some servers send raw deflate under the name "deflate".
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise FetchError(f"bad {self._encoding} data", self._url) from None
            self._started = True
            if piece:
                yield piece
            if self._zlib.eof:
                data = self._zlib.unused_data  # another gzip member may follow
                if not data or self._wbits is None:
                    return
                self._zlib = zlib.decompressobj(self._wbits)
                continue
            data = self._zlib.unconsumed_tail
            if not data and len(piece) < _INFLATE_STEP:
                return


FetchRequest = str | tuple[str, str | None, str | None]
Outcome = FetchResult | FetchError
OnDone = Callable[[str, Outcome], object]


async def fetch_many(
    urls_with_validators: Iterable[FetchRequest],
    concurrency: int = DEFAULT_CONCURRENCY,
    on_done: OnDone | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    total_timeout: float = TOTAL_TIMEOUT,
    reach: Callable[[str], Reach] | None = None,
) -> dict[str, Outcome]:
    """Fetch many URLs, at most ``concurrency`` at once, reporting each as it lands.

    Each request is a URL or ``(url, etag, last_modified)``. ``on_done(url,
    result_or_error)`` is called once per URL in the order they finish (it
    drives a progress bar); a failed feed never stops the others. Returns
    every outcome keyed by URL, in the order asked. Without a ``client`` one is
    made with ``make_client()`` and closed at the end. ``reach(url)`` says
    where each may go; by default each URL is the person's own feed
    (``Reach(home=url)``).
    """
    unique: dict[str, tuple[str, str | None, str | None]] = {}
    for request in urls_with_validators:
        entry = (request, None, None) if isinstance(request, str) else request
        unique.setdefault(entry[0], entry)  # a URL asked for twice is fetched once
    requests = list(unique.values())
    outcomes: dict[str, Outcome] = {}
    gate = asyncio.Semaphore(max(1, concurrency))
    own_client = client is None
    active = make_client() if client is None else client

    async def one(url: str, etag: str | None, modified: str | None) -> None:
        async with gate:
            outcome: Outcome
            try:
                outcome = await fetch(
                    active,
                    url,
                    reach=reach(url) if reach is not None else Reach(home=url),
                    etag=etag,
                    last_modified=modified,
                    max_bytes=max_bytes,
                    total_timeout=total_timeout,
                )
            except FetchError as exc:
                outcome = exc
        outcomes[url] = outcome
        if on_done is not None:
            on_done(url, outcome)

    try:
        async with asyncio.TaskGroup() as group:
            for url, etag, modified in requests:
                group.create_task(one(url, etag, modified))
    finally:
        if own_client:
            await active.aclose()
    return {url: outcomes[url] for url, _, _ in requests}
