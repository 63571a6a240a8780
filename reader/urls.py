"""The one URL policy: which addresses are fetched and which are clicked, how a
relative link resolves, and where a fetch may go.

Two kinds of address reach the reader, and they are treated differently:

* **The person's own**: a feed they add (``news add``, an OPML file they
  import). They may name any host, loopback and private ones included, and a
  feed saved on their disk may be a ``file:`` URL or a path. Their address is
  a fetch's *home*.
* **Content's**: whatever a feed or a page names: a story's link (fetched for
  its full text), an image, a redirect's target, the feed a web page
  announces. Those are fetched over http and https only, and only from public
  addresses, unless the fetch stays on the origin of its home (the feed itself
  lives there, so its own pages may too) or the config allows private
  addresses (``[network] allow_private = true``). ``net`` checks this after
  the name resolves (every address it resolves to) and again on every
  redirect, and connects to the address it checked.

Only http and https links are clickable or opened in a browser. This module is
the only place those rules are written; everything else asks it. It imports
nothing heavy: the renderer uses it too.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

FETCH_SCHEMES = frozenset({"http", "https"})
"""Schemes the HTTP client fetches, for anyone's address."""
CLICK_SCHEMES = frozenset({"http", "https"})
"""Schemes a click or ``o`` opens."""
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes a story body keeps as links (a mailto link is shown, not opened)."""
GIVEN_SCHEMES = frozenset({"http", "https", "file"})
"""Schemes a person may give for a feed: ``file:`` only from them, never from content."""
DEFAULT_PORTS = {"http": 80, "https": 443}
ALLOW_PRIVATE_HINT = "[network] allow_private = true in config.toml allows it"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class URLRefused(ValueError):
    """An address the policy refuses; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def scheme(url: str) -> str:
    """The scheme in lower case, "" for none (a relative link, a path)."""
    match = _SCHEME.match(url.strip())
    return match.group(1).lower() if match else ""


def named_scheme(url: str) -> str:
    """The scheme as it may be shown: "javascript:" (letters, digits and
    ``+.-`` only, by the grammar; cut to 20)."""
    return f"{scheme(url)[:20] or '(none)'}:"


def resolve(link: str, base: str = "") -> str:
    """``link`` made absolute against ``base`` when ``base`` is a web address;
    "" when it cannot be read. Relative links never resolve against a file or
    a path: content must not reach the disk by a relative link."""
    link = link.strip()
    if not link or scheme(link):
        return link  # empty, or absolute already: urljoin would cost 12 µs a link
    try:
        if base and scheme(base) in FETCH_SCHEMES:
            return urljoin(base, link)
        return link
    except ValueError:
        return ""


def _unsafe(url: str) -> bool:
    """Whitespace, control, format (bidi overrides, zero-width), private-use or
    unassigned characters: never part of an address, and risky on a terminal."""
    return not url.isprintable() or " " in url


# The usual absolute address, all printable ASCII: known good without parsing
# (a feed import asks this of every entry's link).
_PLAIN_WEB = re.compile(r"https?://[A-Za-z0-9.-]+(?::(\d{1,5}))?(?:[/?#][!-~]*)?", re.IGNORECASE)


def web_url(link: str, base: str = "") -> str:
    """An absolute http(s) address with a host (resolved against ``base``), or
    "" (also for one with spaces, control or format characters in it)."""
    link = link.strip()
    if (plain := _PLAIN_WEB.fullmatch(link)) and (plain[1] is None or int(plain[1]) <= 65535):
        return link
    absolute = resolve(link, base)
    if scheme(absolute) not in FETCH_SCHEMES or _unsafe(absolute):
        return ""
    try:
        parts = urlsplit(absolute)
        _ = parts.port  # raises on a port that is not a number or out of range
    except ValueError:
        return ""
    return absolute if parts.hostname else ""


def clickable(url: str) -> str:
    """The address a click opens, or "" when it must not be opened: http and
    https only. A bare ``host/path`` (as dumps write them) is taken as https."""
    url = url.strip()
    if not url or _unsafe(url):
        return ""
    name = scheme(url)
    if name in CLICK_SCHEMES:
        return url if web_url(url) else ""
    if name and not _looks_like_host_port(url):
        return ""  # javascript:, data:, file:, mailto: and the rest
    if "://" in url or url.startswith(("/", ".", "#", "?")):
        return ""
    return web_url("https://" + url)


def _looks_like_host_port(url: str) -> bool:
    """``example.com:8080/path``: a host and port, not a scheme."""
    head, _, rest = url.partition(":")
    return "." in head and rest[:1].isdigit()


def check_fetchable(url: str) -> str:
    """The address, stripped, if the client may fetch it at all; else
    ``URLRefused`` naming why (the scheme, a missing host, a bad port)."""
    url = url.strip()
    name = scheme(url)
    if name not in FETCH_SCHEMES:
        raise URLRefused(f"scheme not allowed: {name[:20] or '(none)'}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise URLRefused(_invalid(exc)) from None
    if not parts.hostname:
        raise URLRefused("invalid URL: no host")
    if port == 0:
        raise URLRefused("invalid URL: port 0")
    return url


def _invalid(exc: ValueError) -> str:
    text = str(exc).lower()
    if "port" in text:
        return "invalid URL: bad port" + (" (over 65535)" if "range" in text else "")
    return "invalid URL"


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a web address, None for anything else."""
    try:
        parts = urlsplit(url.strip())
        name = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(name, 0)
    except ValueError:
        return None
    if name not in FETCH_SCHEMES or not parts.hostname:
        return None
    return name, parts.hostname.lower().rstrip("."), port


def same_origin(url: str, home: str) -> bool:
    """``url`` is on ``home``'s origin (scheme, host, port), or is its https
    version: a server that moves http://host/ to https://host/ stays home."""
    mine, theirs = origin(url), origin(home)
    if mine is None or theirs is None:
        return False
    return mine == theirs or (theirs == ("http", mine[1], 80) and mine == ("https", mine[1], 443))


def address_kind(address: str) -> str:
    """ "" for a public address; else what it is ("loopback", "private",
    "link-local", "unspecified", "multicast", "reserved")."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unreadable"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return ""


class Reach(NamedTuple):
    """Where one fetch may go.

    ``home`` is the person's address the fetch stems from (the feed they
    added); "" when there is none (a feed file on disk: its stories' pages
    have no origin to stay on). ``allow_private`` is the config's switch.
    """

    home: str = ""
    allow_private: bool = False

    def anywhere(self, url: str) -> bool:
        """True when ``url`` may go to any address: it stays on the home's
        origin, or private addresses are allowed."""
        return self.allow_private or (bool(self.home) and same_origin(url, self.home))

    def check_addresses(self, host: str, addresses: list[str]) -> None:
        """Refuse, naming why, if any address ``host`` resolved to is not public."""
        for address in addresses:
            kind = address_kind(address)
            if kind:
                shown = host if host == address else f"{host} ({address})"
                raise URLRefused(
                    f"{kind} address refused: {shown[:80]} is not on the feed's own site;"
                    f" {ALLOW_PRIVATE_HINT}"
                )
        if not addresses:
            raise URLRefused("host not found")


def redirect_target(current: str, location: str) -> str:
    """Where a redirect leads, checked like any fetch; ``URLRefused`` says
    "redirect to a javascript: address refused" and the like."""
    target = resolve(location, current)
    if not target:
        raise URLRefused("redirect to an unreadable address refused")
    if scheme(target) not in FETCH_SCHEMES:
        raise URLRefused(f"redirect to a {named_scheme(target)} address refused")
    try:
        return check_fetchable(target)
    except URLRefused as exc:
        raise URLRefused(f"redirect refused ({exc.reason})") from None
