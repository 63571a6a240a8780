"""Where a server's Google Reader API root is, when the address a person gave
is not it (most often the server's web address).

Each server documents its root: FreshRSS serves the API at
``/api/greader.php`` below its address, Miniflux at its base address,
Inoreader at ``https://www.inoreader.com``. A person adding an account knows
the address they open in a browser, so `news account add` tries these below
it when that address answers as no API does. No network here: it only names
the addresses to try.
"""

from __future__ import annotations

import httpx

__all__ = ["FRESHRSS_ROOT", "INOREADER_ROOT", "other_roots"]

# Each server's API root below its address, as its documentation gives it.
FRESHRSS_ROOT = "/api/greader.php"  # FreshRSS (Miniflux's root is its base address)
INOREADER_ROOT = "https://www.inoreader.com"
_INOREADER_HOSTS = ("inoreader.com", "www.inoreader.com", "jp.inoreader.com")


def other_roots(api_url: str) -> list[str]:
    """Where the Google Reader API root may be when ``api_url`` is not it (a
    person gave a server's web address): FreshRSS's ``/api/greader.php``
    below it and below its host, Miniflux's base address (the host's root),
    Inoreader's documented root for an Inoreader address. Each once, never
    ``api_url`` itself; [] for an address that does not read."""
    try:
        url = httpx.URL(api_url.strip())
    except (httpx.InvalidURL, UnicodeError):
        return []
    if url.scheme not in ("http", "https") or not url.host:
        return []
    given = str(url.copy_with(query=None, fragment=None)).rstrip("/")
    origin = str(url.copy_with(path="/", query=None, fragment=None)).rstrip("/")
    found = [given + FRESHRSS_ROOT, origin + FRESHRSS_ROOT, origin]
    if url.host.lower() in _INOREADER_HOSTS:
        found = [INOREADER_ROOT]
    mine = str(url).rstrip("/")
    return [root for root in dict.fromkeys(found) if root != mine]
