"""Counts in words ("1 story", "2,340 stories"), said the same way everywhere.

The CLI, the toasts and the status lines all count things; one helper keeps the
thousands separator and the plural forms from drifting apart between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["counted", "feeds_and_folders", "first_up", "refresh_summary"]

_IRREGULAR = {"story": "stories", "entry": "entries", "library": "libraries"}


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, the noun in the plural unless the count is one."""
    if count != 1:
        noun = plural or _IRREGULAR.get(noun) or f"{noun}s"
    return f"{count:,} {noun}"


def first_up(text: str) -> str:
    """A sentence begun with a count's noun ("hidden story…") begun upper-case."""
    return text[:1].upper() + text[1:]


def feeds_and_folders(feeds: int, folders: int) -> str:
    """What a refresh read: "3 feeds", "1 folder", "3 feeds and 1 folder"."""
    if not folders:
        return counted(feeds, "feed")
    if not feeds:
        return counted(folders, "folder")
    return f"{counted(feeds, 'feed')} and {counted(folders, 'folder')}"


class _Outcome(Protocol):
    """What a summary needs of a source's refresh (``reader.refresh.FeedOutcome``)."""

    @property
    def status(self) -> str: ...
    @property
    def folder(self) -> bool: ...
    @property
    def new(self) -> int: ...
    @property
    def updated(self) -> int: ...


_HOW = (("new", "changed"), ("unchanged", "unchanged"), ("failed", "failed"))


def refresh_summary(outcomes: Sequence[_Outcome]) -> str:
    """How a refresh went, for `news refresh` and `r` alike: a sentence that
    counts sources ("3 feeds: 1 changed, 2 unchanged.", "1 folder failed."),
    then one that counts stories ("4 new stories and 1 updated story."), each
    count of one thing and none that is zero."""
    folders = sum(o.folder for o in outcomes)
    sources = feeds_and_folders(len(outcomes) - folders, folders)
    parts = [(n, word) for status, word in _HOW if (n := sum(o.status == status for o in outcomes))]
    if len(parts) == 1:
        text = f"{sources} {parts[0][1]}."
    else:
        text = f"{sources}: {', '.join(f'{n:,} {word}' for n, word in parts)}."
    new, updated = sum(o.new for o in outcomes), sum(o.updated for o in outcomes)
    stories = [
        counted(n, noun, plural)
        for n, noun, plural in (
            (new, "new story", "new stories"),
            (updated, "updated story", "updated stories"),
        )
        if n
    ]
    return f"{text} {' and '.join(stories)}." if stories else text
