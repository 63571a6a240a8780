"""httpx's errors in a few words a person can read ("timed out", "host not
found", "TLS error: certificate not accepted").

Its own module because two clients use it: the feed fetcher (``reader.net``)
and the sync client (``reader.sync.greader``), which shares nothing else of
the fetcher's guards. It needs only httpx and the standard library.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def error_reason(exc: httpx.HTTPError) -> str:
    """A few words for an httpx error: the user needs the kind, not the stack.

    httpx (through anyio) wraps the socket error a few times over, so the
    chain of causes is searched for the one that says what happened.
    """
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        for cause in _causes(exc):
            if isinstance(cause, ssl.SSLError | ssl.CertificateError):
                return "TLS error: certificate not accepted"
            if isinstance(cause, socket.gaierror):
                return "host not found"
            if isinstance(cause, ConnectionRefusedError):
                return "connection refused"
        text = str(exc).lower()
        if "certificate" in text or "ssl" in text:
            return "TLS error: certificate not accepted"
        if "name or service not known" in text or "nodename nor servname" in text:
            return "host not found"
        return "cannot connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection closed or bad response"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "invalid URL"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    return type(exc).__name__
