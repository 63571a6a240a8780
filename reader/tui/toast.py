"""Toasts that never parse markup.

Textual's `notify` reads its message as content markup by default, so a feed
title such as `[@click=app.quit]Feed moved[/]` in "feed failed" became a
clickable action, `Ars [/] Technica` crashed the app with a `MarkupError`, and
`[Blog] My feed` lost its first word. Toasts name feeds, links, files and
errors, all written by strangers: every toast in the reader goes through
`notify` here, which hands Textual plain text with markup off. A test keeps any
other call to `notify` out of `reader/tui`.

A toast is drawn in one style, so a `Text` or `Content` message gives its plain
text: taking them lets callers pass what they already built, never a string to
parse.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from reader.sanitize import clean

Message = str | Text | Content


def plain(message: Message) -> str:
    """The text a toast shows: never markup, and cleaned again of control
    characters (defence in depth for text that skipped the boundary)."""
    text = message if isinstance(message, str) else message.plain
    return clean(text)


def notify(
    where: DOMNode | App[object],
    message: Message,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """Show a toast with `message` as literal text. Safe from any thread, as
    Textual's own `notify` is."""
    app = where if isinstance(where, App) else where.app
    app.notify(plain(message), title=clean(title), severity=severity, timeout=timeout, markup=False)
