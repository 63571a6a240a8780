"""RSS (0.9x, 1.0, 2.0) and Atom entries read as a stream, one at a time.

A well-formed feed is read with lxml's ``iterparse``: each entry is turned
into an `Entry` as its end tag arrives and then dropped from the tree, with
everything before it, so a 400 MB file of 100,000 entries is read in a few
megabytes (the whole tree took 3 GB). The feed's own title and link are
taken from the elements seen before the first entry (where every feed puts
them) and, failing that, from those seen by the end.

Fields are taken by local name, whatever the namespace, since feeds mix
them freely: ``dc:creator`` for the author, ``content:encoded`` for the
content, ``dc:date`` for the date. What a feed marks as plain text (Atom's
``type="text"``, the default) is escaped here, so that the HTML steps after
this keep its ``<`` as a character; ``type="xhtml"`` content is the markup
inside its ``div``, and an xhtml title its text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Protocol

from lxml import etree

__all__ = ["Entry", "Header", "check_document", "iter_entries"]

_ENTRY_TAGS = ("{*}item", "{*}entry")
_FEED_FIELDS = frozenset({"title", "link", "ttl"})
_XHTML = "http://www.w3.org/1999/xhtml"
_ANCIENT_YEAR = re.compile(r"[A-Za-z]\.?\s+0\d{3}\b")  # "Jan 0001", not "+0200"
# The RFC 822 date nearly every RSS feed writes (`Sun, 15 Jun 2025 15:06:40
# GMT`, or `+0200`), read here as `email.utils` reads it: its parser, in
# Python, took twice as long over the 10,000 dates of `bench/import.py`'s feed
# (0.068 s of CPU against 0.035, at load 25). Any other date goes to it, and a
# year with a leading zero too, for `_ANCIENT_YEAR`.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name: number for number, name in enumerate(_MONTHS, start=1)}
_RFC822 = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{1,2}) (" + "|".join(_MONTHS) + r") ([1-9][0-9]{3})"
    r" ([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:GMT|UTC?|Z|([+-])([0-9]{2})([0-9]{2}))"
)


class Readable(Protocol):
    """What the parsers read from: a file, or chunks cleaned on the way."""

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(slots=True)
class Entry:
    """One entry whichever parser read it: raw strings, HTML left in."""

    title: str = ""
    link: str = ""
    guid: str = ""
    summary: str = ""
    content: str = ""
    author: str = ""
    published: datetime | None = None
    categories: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Header:
    """The feed's own title (``name``), link and RSS ``<ttl>`` (minutes to
    wait between fetches; None when it gives none), filled in as the stream is
    read."""

    name: str = ""
    link: str = ""
    ttl: int | None = None


class _RootOnly:
    """A parser target that keeps nothing but the root's name: a strict
    well-formedness check of a document of any size in constant memory."""

    def __init__(self) -> None:
        self.root = ""

    def start(self, tag: str, attrib: object) -> None:
        if not self.root:
            self.root = etree.QName(tag).localname

    def close(self) -> str:
        return self.root


def check_document(handle: Readable, chunk: int) -> str:
    """The root element's local name of a well-formed document; raises
    ``etree.XMLSyntaxError`` (from lxml) for one that is not."""
    parser = etree.XMLParser(
        target=_RootOnly(),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        recover=False,
    )
    while data := handle.read(chunk):
        parser.feed(data)
    return str(parser.close())


def iter_entries(handle: Readable, header: Header) -> Iterator[Entry]:
    """Each entry of a well-formed RSS or Atom document, in order; `header` is
    filled in as the feed's title and link go by."""
    events = etree.iterparse(
        handle,
        events=("end",),
        tag=_ENTRY_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    parent = None
    for _, element in events:
        parent = element.getparent()
        if not header.name and parent is not None:
            _read_header(parent, header)
        yield _entry(element)
        # Drop the entry and whatever came before it; the header is read.
        element.clear(keep_tail=False)
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    root = events.root
    if not header.name and root is not None:
        _read_header(root, header)


def _read_header(parent: etree._Element, header: Header) -> None:
    for child in parent:
        name = _local(child)
        if name == "channel":  # RSS 1.0: the entries are its siblings
            _read_header(child, header)
        if name not in _FEED_FIELDS:
            continue
        if name == "title" and not header.name:
            header.name = _text(child)
        elif name == "link" and not header.link:
            header.link = _link(child)
        elif name == "ttl" and header.ttl is None:
            header.ttl = ttl_minutes(child.text)


def ttl_minutes(text: object) -> int | None:
    """RSS's ``<ttl>``: a whole number of minutes; None for anything else."""
    value = text.strip() if isinstance(text, str) else ""
    return int(value[:9]) if value.isascii() and value.isdigit() else None


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return tag.rpartition("}")[2].lower()


def _text(element: etree._Element) -> str:
    """An element's text as HTML (escaped if the feed marked it as plain text)."""
    kind = (element.get("type") or "").lower()
    if kind in ("text", "text/plain"):
        text = "".join(element.itertext()) if len(element) else (element.text or "")
        return html.escape(text, quote=False)
    if not len(element):
        return element.text or ""
    if kind == "xhtml" and len(element) == 1 and _local(element[0]) == "div":
        element = element[0]
    return _inner_markup(element)


def _inner_markup(element: etree._Element) -> str:
    """The markup inside an element (HTML written unescaped into a feed, or an
    xhtml ``div``), without the XHTML namespace."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            markup = etree.tostring(child, encoding="unicode", method="html", with_tail=False)
            parts.append(markup.replace(f' xmlns="{_XHTML}"', ""))
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


def _link(element: etree._Element) -> str:
    """RSS's ``<link>`` text, or Atom's alternate (or rel-less) ``href``."""
    if href := element.get("href"):
        rel = (element.get("rel") or "alternate").lower()
        return href.strip() if rel == "alternate" else ""
    return (element.text or "").strip()


# Entry field -> the local names of the elements it is taken from (the first wins).
_FIELDS = {
    "title": ("title",),
    "link": ("link",),
    "guid": ("guid", "id"),
    "summary": ("description", "summary"),
    "content": ("encoded", "content"),
    "author": ("author", "creator"),
    "published": ("pubdate", "published", "issued", "date"),
    "updated": ("updated", "modified"),
}
_FIELD_OF = {name: key for key, names in _FIELDS.items() for name in names}
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def _entry(element: etree._Element) -> Entry:
    found: dict[str, str] = {}
    categories: list[str] = []
    for child in element:
        name = _local(child)
        key = _FIELD_OF.get(name)
        if key is not None:
            if key not in found:
                found[key] = _value(key, child)
        elif name in ("category", "subject"):
            term = (child.get("term") or child.get("label") or child.text or "").strip()
            if term:
                categories.append(term)
    return Entry(
        title=found.get("title", ""),
        link=found.get("link", ""),
        guid=found.get("guid") or element.get(_RDF_ABOUT) or "",
        summary=found.get("summary", ""),
        content=found.get("content", ""),
        author=found.get("author", ""),
        published=_date(found.get("published", "")) or _date(found.get("updated", "")),
        categories=categories,
    )


def _value(key: str, element: etree._Element) -> str:
    if key == "link":
        return _link(element)
    if key == "author":
        return _author(element)
    if key in ("title", "summary", "content"):
        return _text(element)
    return (element.text or "").strip()


def _author(element: etree._Element) -> str:
    """RSS's ``author`` text (``mail (Name)``), Atom's ``author/name``."""
    for child in element:
        if _local(child) == "name":
            return (child.text or "").strip()
    return (element.text or "").strip()


def _date(value: str) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, Dublin Core); None if neither."""
    if not value:
        return None
    if (common := _RFC822.fullmatch(value)) is not None:
        return _rfc822(common)
    if value[:4].isdigit():
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    elif _ANCIENT_YEAR.search(value):
        return None  # "0001", which the e-mail parser would read as 2001
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rfc822(date: re.Match[str]) -> datetime | None:
    """A date `_RFC822` matched, as `parsedate_to_datetime` gives it (a zone
    of "-0000", which it leaves naive, in UTC as `_date` puts it)."""
    day, month, year, hours, minutes, seconds, sign, zone_hours, zone_minutes = date.groups()
    offset = 0
    if sign is not None:
        offset = int(zone_hours) * 3600 + int(zone_minutes) * 60
        offset = -offset if sign == "-" else offset
    try:
        zone = timezone(timedelta(seconds=offset))
        return datetime(
            int(year), _MONTH_NUMBER[month], int(day), int(hours), int(minutes), int(seconds),
            tzinfo=zone,
        )  # fmt: skip
    except ValueError:  # a 31st of February, an hour 24, a zone a day or more off
        return None
