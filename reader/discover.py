"""The feeds a web page announces (feed autodiscovery).

A site's pages name their feeds in the head:
``<link rel="alternate" type="application/rss+xml" href="/feed.xml">``. When a
person gives ``news add`` such a page, these are the feeds to offer. The page
is untrusted, so each address goes through ``reader.urls`` (http and https
only, resolved against the page) and the caller fetches it under the same
rule as any address a page chose.
"""

from __future__ import annotations

import re

from lxml import etree

from reader.urls import web_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
)
MAX_FOUND = 5  # a page that announces a hundred feeds gets its first few tried
_SNIFF_BYTES = 1024
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html\b)",
                         re.IGNORECASE | re.DOTALL)  # fmt: skip


def looks_like_html(data: bytes) -> bool:
    """A web page rather than a feed: it starts with a doctype or ``<html>``."""
    return bool(_HTML_START.match(data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")))


def feed_links(page: bytes, base: str) -> list[str]:
    """The http(s) addresses of the feeds ``page`` announces, in its order,
    each once, resolved against ``base`` (the page's own address)."""
    parser = etree.HTMLParser(no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(page, parser)
    except (etree.ParserError, ValueError):
        return []
    if root is None:
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = web_url(link.get("href") or "", base)
        if url and url not in found:
            found.append(url)
        if len(found) >= MAX_FOUND:
            break
    return found
