"""The unread-only view of the sidebar: each section's unread stories, in the
order the section lists them, without copying the stories themselves.

A library section is a listing read a page at a time; filtering it row by row
would read all 100,000 rows. Here only the ids are read (one query a section,
`reading.ids_of`), the unread ones' places noted, and a story is fetched from
the section's own listing when the sidebar draws it. The story open now is
kept even when it is read, so it never vanishes from under the person reading
it; stories read while the view is up stay until it is made again (`U`, a bulk
mark, an undo), so the list does not jump under the cursor. A refresh adds the
new unread stories and keeps every one listed (the timer's refresh runs while
the person reads).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from typing import overload

from reader.model import Entry
from reader.reading import ids_of

Sections = list[tuple[str, Sequence[Entry]]]
Locate = Callable[[str], "tuple[int, int] | None"]


class Unread(Sequence[Entry]):
    """Some of a section's stories, by their places in it."""

    def __init__(self, entries: Sequence[Entry], places: list[int], ids: list[str]) -> None:
        self._entries = entries
        self._places = places
        self._ids = ids  # the ids at those places, for `ids()` without a query

    def __len__(self) -> int:
        return len(self._places)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return [self._entries[p] for p in self._places[index]]
        return self._entries[self._places[index]]

    def ids(self, stop: int | None = None) -> list[str]:
        return self._ids[:stop]

    @property
    def places(self) -> list[int]:
        """Where the stories listed stand in the whole section, in order."""
        return self._places


def unread_sections(
    sections: Sections,
    read: Collection[str],
    keep: Collection[str] = (),
    locate: Locate | None = None,
) -> tuple[Sections, Locate]:
    """The sections with only their unread stories (and those in `keep`: the
    open one, or every one listed before a refresh), those left empty dropped;
    and where each listed story is in them. Given `locate` (where a story is in
    `sections`: the catalog's), a story is found through it, one query, rather
    than from a table of every listed story made here (0.15 s at 100,000)."""
    shown: list[tuple[str, Unread]] = []
    numbers: dict[int, int] = {}  # a section's number in `sections` -> in `shown`
    for number, (name, entries) in enumerate(sections):
        all_ids = ids_of(entries)
        places = [p for p, i in enumerate(all_ids) if i not in read or i in keep]
        if places:
            numbers[number] = len(shown)
            shown.append((name, Unread(entries, places, [all_ids[p] for p in places])))
    listed: Sections = list(shown)
    if locate is None:
        where: dict[str, tuple[int, int]] = {}
        for number, (_, unread) in enumerate(shown):
            for place, article_id in enumerate(unread.ids()):
                where.setdefault(article_id, (number, place))
        return listed, where.get

    def found(article_id: str) -> tuple[int, int] | None:
        full = locate(article_id)
        if full is None or (number := numbers.get(full[0])) is None:
            return None
        places = shown[number][1].places
        place = bisect_left(places, full[1])
        return (number, place) if place < len(places) and places[place] == full[1] else None

    return listed, found
