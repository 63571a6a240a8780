"""What a Google Reader API server answers, read into values: the errors a
person is told, the ``Subscription`` and ``Item`` the client returns, item ids
in their one 16-hex-digit form, Retry-After, and the checks that turn JSON of
the wrong shape into ``BadAnswer``.

It is its own module because it is the half of the client that needs no
network: every function here takes what the server said (bytes, headers,
decoded JSON) and gives back a value or raises, so it is read and tested
without a server. ``reader.sync.greader`` does the asking and re-exports the
public names here, which stay importable from there. Like the client it knows
nothing of the library. What may reach a screen is cleaned by
``reader.sanitize`` here, where it enters.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from reader.sanitize import clean, clean_line, unescape_html

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
REASON_CHARS = 200  # of a server's own words in an error
_DECIMAL_ID = re.compile(r"-?[0-9]{1,20}")
_LONG_ID = re.compile(re.escape(ITEM_PREFIX) + r"([0-9a-fA-F]{1,16})")


# Errors and values ------------------------------------------------------------------


class SyncError(Exception):
    """Sync with the server failed; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WrongPassword(SyncError):
    """The server refused the user name or password: trying again will not help."""

    def __init__(self, reason: str = "wrong user name or password") -> None:
        super().__init__(reason)


class Unreachable(SyncError):
    """The server could not be reached (refused, timed out, not found, down)."""


class RateLimited(SyncError):
    """The server asks to wait longer than is worth waiting here."""

    def __init__(self, retry_after: float, host: str) -> None:
        super().__init__(
            f"{host}: too many requests; the server asks to wait {_duration(retry_after)}"
        )
        self.retry_after = retry_after


class BadAnswer(SyncError):
    """The server answered something that is not the Google Reader API
    (a web page, garbage, JSON of another shape)."""


class NotHere(BadAnswer):
    """An answer that says the API is not at this address (HTTP 404, 405 or
    501, a web page, a redirect): most often a server's web address was
    given, so `news account add` goes on to the API roots below it.
    `answered` is what came back, in a few words ("HTTP 501", "a web page")."""

    def __init__(self, reason: str, answered: str) -> None:
        super().__init__(reason)
        self.answered = answered


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str  # the server's stream id, "feed/..."
    title: str
    url: str  # the feed's address
    site_url: str
    folders: tuple[str, ...]  # folder (label) names, without "user/-/label/"


@dataclass(frozen=True, slots=True)
class Item:
    id: str  # 16 hex digits
    feed_id: str  # the subscription's stream id
    title: str
    url: str
    author: str
    published: str  # ISO 8601 in UTC ("2026-06-21T12:30:00Z"), or ""
    updated: str  # the same, or ""
    html: str
    read: bool
    starred: bool
    crawled: int = 0  # when the server fetched it, in Unix seconds (0: not said)


# Item ids ---------------------------------------------------------------------------


def item_id(raw: str) -> str:
    """An item id as the server writes it, in the 16-hex-digit form.

    ``tag:google.com,2005:reader/item/<hex>`` is hex; a bare number (an item
    ref's "short form") is decimal and may be negative (a signed 64-bit
    integer). BadAnswer for anything else."""
    text = raw.strip()
    if long := _LONG_ID.fullmatch(text):
        return f"{int(long.group(1), 16):016x}"
    if _DECIMAL_ID.fullmatch(text):
        value = int(text)
        if -(2**63) <= value < 2**64:
            return f"{value % 2**64:016x}"
    raise BadAnswer(f"not an item id: {clean_line(text)[:40]!r}")


# Reading answers --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer as the client read it (the body capped at ``MAX_BYTES``)."""

    status: int
    headers: httpx.Headers
    body: bytes


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date);
    None when there is none or it does not read."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"


def short(said: object) -> str:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return clean_line(text)[:REASON_CHARS]


def web_page(answer: Answer) -> str:
    """A reason when the answer is a web page (a login form, a proxy's error
    page, the site's front page): the address is not the API root."""
    kind = answer.headers.get("content-type", "").lower()
    start = answer.body.lstrip()[:200].lower()
    if "html" in kind or start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return (
            "the server answered with a web page, not the Google Reader API"
            " (is the API URL its API root?)"
        )
    return ""


def page_or(answer: Answer, reason: str) -> BadAnswer:
    """`NotHere` when the answer is a web page (`web_page`), else `reason`."""
    if page := web_page(answer):
        return NotHere(page, f"a web page (HTTP {answer.status})")
    return BadAnswer(reason)


def object_of(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadAnswer(f"{what} is not a JSON object")
    return value


def list_at(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadAnswer(f"{key} is not a list")
    return value


def text_at(data: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return ""
    raise BadAnswer(f"{key} is missing or not text")


def folder_name(tag: str) -> str:
    return clean_line(unescape_html(tag.split("/label/", 1)[1]))


def subscription_from(entry: object) -> Subscription:
    data = object_of(entry, "a subscription")
    folders: list[str] = []
    categories = data.get("categories") or []
    for category in categories if isinstance(categories, list) else []:
        if not isinstance(category, dict):
            continue
        label, tag = category.get("label"), category.get("id")
        if isinstance(label, str) and label.strip():
            folders.append(clean_line(unescape_html(label)))
        elif isinstance(tag, str) and "/label/" in tag:
            folders.append(folder_name(tag))
    return Subscription(
        id=clean_line(text_at(data, "id", required=True)),
        title=clean_line(unescape_html(text_at(data, "title"))),
        url=clean_line(text_at(data, "url")),
        site_url=clean_line(text_at(data, "htmlUrl")),
        folders=tuple(dict.fromkeys(f for f in folders if f)),
    )


def _href(data: dict[str, Any], key: str) -> str:
    links = data.get(key)
    if isinstance(links, list):
        for link in links:
            if (
                isinstance(link, dict)
                and isinstance(link.get("href"), str)
                and link["href"].strip()
            ):
                return clean_line(link["href"])
    return ""


def _seconds(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _iso(seconds: int) -> str:
    if seconds <= 0:
        return ""
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return ""


def item_from(entry: object) -> Item:
    data = object_of(entry, "an item")
    origin = data.get("origin")
    feed_id = text_at(origin, "streamId") if isinstance(origin, dict) else ""
    body = data.get("content") or data.get("summary")
    html_text = text_at(body, "content") if isinstance(body, dict) else ""
    raw_tags = data.get("categories")
    tags = [t for t in raw_tags if isinstance(t, str)] if isinstance(raw_tags, list) else []
    author = data.get("author")
    return Item(
        id=item_id(text_at(data, "id", required=True)),
        feed_id=clean_line(feed_id),
        title=clean_line(unescape_html(text_at(data, "title"))),
        url=_href(data, "canonical") or _href(data, "alternate"),
        author=clean_line(unescape_html(author)) if isinstance(author, str) else "",
        published=_iso(_seconds(data.get("published"))),
        updated=_iso(_seconds(data.get("updated"))),
        html=clean(html_text),
        # Inoreader and Google write the user's number where FreshRSS writes "-".
        read=any(t.endswith("/state/com.google/read") for t in tags),
        starred=any(t.endswith("/state/com.google/starred") for t in tags),
        crawled=_seconds(data.get("crawlTimeMsec")) // 1000,
    )
