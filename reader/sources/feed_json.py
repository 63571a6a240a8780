"""JSON Feed (1.0 and 1.1) documents, read whole into the entries the other
feed readers give (`feed_stream.Entry`).

Apart from `feed` because nothing in it is XML: JSON's own values (numbers
where text was meant, lone surrogates, items that are not objects) are the
whole of its care.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

from reader.sources.feed import FeedError
from reader.sources.feed_stream import Entry

__all__ = ["read_json"]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _json_text(value: Any) -> str:
    """A JSON value as text: strings as they are, numbers written out, anything
    else "". A lone surrogate (``"\\ud800"`` is valid JSON, and not text) becomes
    ``�``: it cannot be encoded, hashed into an id or stored."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    text = value if isinstance(value, str) else str(value)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _json_author(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    author = authors[0] if isinstance(authors, list) and authors else item.get("author")
    return _json_text(author.get("name")) if isinstance(author, dict) else ""


def read_json(data: bytes, source: str, warnings: list[str]) -> tuple[str, str, list[Entry]]:
    """A JSON Feed (1.0 and 1.1), read here rather than by fastfeedparser, which
    fails on items that are not objects. Such items are skipped and counted."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise FeedError(source, "not XML, nor a JSON Feed") from None
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise FeedError(source, "not a JSON Feed (no list of items)")
    entries: list[Entry] = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        content = _json_text(item.get("content_html"))
        if not content and (text := _json_text(item.get("content_text"))):
            # Plain text, as HTML paragraphs: its "<" and "&" are text.
            content = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
        tags = item.get("tags")
        entries.append(
            Entry(
                title=_json_text(item.get("title")),
                link=_json_text(item.get("url")) or _json_text(item.get("external_url")),
                guid=_json_text(item.get("id")),
                summary=_json_text(item.get("summary")),
                content=content,
                author=_json_author(item),
                published=_iso(
                    _json_text(item.get("date_published")) or _json_text(item.get("date_modified"))
                ),
                categories=[_json_text(t) for t in tags] if isinstance(tags, list) else [],
            )
        )
    if skipped:
        items_word = "item that is not an object" if skipped == 1 else "items that are not objects"
        warnings.append(f"{source}: {skipped} {items_word} skipped")
    title, link = _json_text(document.get("title")), _json_text(document.get("home_page_url"))
    return title, link, entries


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
