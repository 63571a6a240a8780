"""OPML subscription lists: read one exported by another reader, write ours.

An OPML file is a tree of ``<outline>`` elements. An outline with an
``xmlUrl`` is a feed; one without is a folder, and a feed's folder (its
section here) is the title of the nearest folder around it, so deeper
nesting is flattened to its innermost level. Titles come from ``title``,
else ``text``, else the feed's address.

The file comes from elsewhere, so it is parsed with defusedxml: a document
that declares entities (a billion-laughs bomb, an external entity reading a
local file) is refused rather than expanded, and so are folders nested more than
``MAX_FOLDER_DEPTH`` deep. Only http and https feeds are
kept (``feed:`` addresses are rewritten to the http(s) they stand for), each
once, and every text is sanitized.

A feed's own refresh interval (`news add URL --every 2h`) has no place in
OPML, so it goes in an attribute of our own namespace, ``news:every="2h"``
(``xmlns:news="urn:news-reader:opml"``): other readers ignore attributes they
do not know, and an export read back here keeps it. An interval that does not
read as the config writes one is ignored, as an unknown attribute would be.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from reader.sanitize import clean_line
from reader.sources.local import LocalFileError, read_local
from reader.triage.schedule import IntervalError, format_interval, parse_interval
from reader.urls import web_url

MAX_OPML_BYTES = 16 * 2**20  # some thousands of feeds take a megabyte
# Folders inside folders: a list exported by a reader has two or three levels;
# thousands are an attack on the parser's stack, refused with a reason.
MAX_FOLDER_DEPTH = 100
NAMESPACE = "urn:news-reader:opml"  # our own attributes' (``news:every``)
_EVERY = f"{{{NAMESPACE}}}every"


class OpmlError(Exception):
    """An OPML document that cannot be read; ``reason`` is short."""

    def __init__(self, reason: str, source: str = "") -> None:
        super().__init__(f"{source}: {reason}" if source else reason)
        self.reason = reason
        self.source = source


@dataclass(frozen=True, slots=True)
class Subscription:
    title: str
    xml_url: str
    html_url: str = ""
    folder: str = ""  # becomes the section of the feed's stories; "" for none
    every: int = 0  # the feed's own refresh interval in seconds; 0: the config's


def _web_url(value: str | None) -> str:
    """An http(s) URL, or "" for anything else; ``feed:`` is unwrapped."""
    url = clean_line(value or "")
    lowered = url.lower()
    if lowered.startswith("feed://"):
        url = "http://" + url[len("feed://") :]
    elif lowered.startswith("feed:"):
        url = url[len("feed:") :]
    return web_url(url)


def _every(value: str | None) -> int:
    """Seconds in a ``news:every`` attribute; 0 for none or one that does not read."""
    try:
        return parse_interval(value) if value else 0
    except IntervalError:
        return 0


def parse_opml(
    data: bytes, source: str = "", left_out: list[str] | None = None
) -> list[Subscription]:
    """Every http(s) feed in an OPML document, in document order, each once.

    The addresses of the other feeds (``file:``, ``javascript:``, a path) go to
    ``left_out`` when given, cleaned for showing: a list from elsewhere may not
    make this machine read its own files, but the person importing it is told
    which feeds did not come across rather than finding them missing later.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException:
        raise OpmlError(
            "declares XML entities (refused: entity expansion attack)", source
        ) from None
    except ET.ParseError as exc:
        raise OpmlError(f"not XML ({exc})", source) from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML (root element <{clean_line(root.tag)[:40]}>)", source)
    body = root.find("body")
    if body is None:
        raise OpmlError("not OPML (no <body>)", source)
    found: list[Subscription] = []
    seen: set[str] = set()

    def walk(element: ET.Element, folder: str, depth: int = 1) -> None:
        if depth > MAX_FOLDER_DEPTH:
            raise OpmlError(f"folders nested more than {MAX_FOLDER_DEPTH} deep", source)
        for outline in element.findall("outline"):
            name = clean_line(outline.get("title") or outline.get("text") or "")
            xml_url = _web_url(outline.get("xmlUrl") or outline.get("xmlurl"))
            if xml_url:
                if xml_url not in seen:
                    seen.add(xml_url)
                    html_url = _web_url(outline.get("htmlUrl") or outline.get("htmlurl"))
                    every = _every(outline.get(_EVERY))
                    found.append(Subscription(name or xml_url, xml_url, html_url, folder, every))
            elif raw := outline.get("xmlUrl") or outline.get("xmlurl"):
                if left_out is not None:
                    left_out.append(clean_line(raw)[:200])
            else:
                walk(outline, name or folder, depth + 1)  # a folder: its name is the section

    walk(body, "")
    return found


def read_opml_file(path: Path, left_out: list[str] | None = None) -> list[Subscription]:
    """`parse_opml` of a local file, read safely (see `local.read_local`)."""
    try:
        data = read_local(path, MAX_OPML_BYTES)
    except LocalFileError as exc:
        raise OpmlError(exc.strerror or str(exc), str(path)) from None
    return parse_opml(data, str(path), left_out)


def write_opml(subscriptions: Iterable[Subscription], title: str = "News subscriptions") -> str:
    """An OPML 2.0 document, feeds grouped in folders in first-seen order; our
    namespace is declared only when a feed has an interval of its own."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for sub in subscriptions:
        parent = body
        folder = clean_line(sub.folder)
        if folder:
            if folder not in folders:
                folders[folder] = ET.SubElement(body, "outline", text=folder, title=folder)
            parent = folders[folder]
        name = clean_line(sub.title) or sub.xml_url
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": clean_line(sub.xml_url)}
        if sub.html_url:
            attributes["htmlUrl"] = clean_line(sub.html_url)
        if sub.every:
            root.set("xmlns:news", NAMESPACE)
            attributes["news:every"] = format_interval(sub.every)
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
