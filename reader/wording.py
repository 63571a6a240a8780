"""Counts in words ("1 story", "2,340 stories"), said the same way everywhere.

The CLI, the toasts and the status lines all count things; one helper keeps the
thousands separator and the plural forms from drifting apart between them.
"""

from __future__ import annotations

__all__ = ["counted", "feeds_and_folders", "first_up"]

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
