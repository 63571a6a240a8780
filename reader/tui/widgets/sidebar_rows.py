"""The sidebar's rows as a model: which row is a section's header and which a
story, for a library of any size, and what each shows (`Marks`, `Look`),
without drawing anything.

Apart from the widget (`article_list`) because it is the part with the
arithmetic: bookmarks, saved searches and folded sections shift every row
below them, and a section may be a library listing read a page at a time.
Here that is plain Python over sequences, testable without an app; the
widget only asks it what stands on a row and where a story is.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from reader.model import Entry

BOOKMARKS = "Bookmarks"


class Row(NamedTuple):
    """One line of the sidebar: a section header (article is None) or a story.

    `pinned` rows belong to the Bookmarks section at the top, or to a saved
    search below it (`saved`), which repeat stories that also stand in their
    own section. A `note` row says something about the list (how many stories
    are hidden) above everything else."""

    section: str
    article: Entry | None = None
    pinned: bool = False
    missing: bool = False  # a bookmark whose story is no longer in any source
    folded: bool = False  # a section header whose stories are hidden
    saved: bool = False  # a saved search's header or story
    note: bool = False


Locate = Callable[[str], "tuple[int, int] | None"]


class RowIndex(Sequence[Row]):
    """Bookmarks first (newest first, as given), then the saved searches, then
    the sections in order, each a header and its stories, addressed by row
    number without building them: a section's stories may be a list or a
    library listing read a page at a time, so 100,000 stories cost a handful
    of numbers here. A `note` comes first of all, on a row of its own."""

    def __init__(
        self,
        sections: Sequence[tuple[str, Sequence[Entry]]],
        pinned: Sequence[Entry] = (),
        missing: frozenset[str] = frozenset(),
        locate: Locate | None = None,
        folded: frozenset[tuple[str, bool]] = frozenset(),
        saved: Sequence[tuple[str, Sequence[Entry]]] = (),
        note: str = "",
    ) -> None:
        groups: list[tuple[str, Sequence[Entry], bool]] = []
        if pinned:
            groups.append((BOOKMARKS, pinned, True))
        groups.extend((name, items, True) for name, items in saved)
        self.saved = frozenset(name for name, _ in saved)
        groups.extend((name, items, False) for name, items in sections if len(items))
        self.groups = groups
        self.missing = missing
        self.note = note
        self.folded = folded  # (name, pinned) of sections shown by their header alone
        self.starts: list[int] = []
        total = 1 if note else 0
        for name, items, pinned_group in groups:
            self.starts.append(total)
            total += 1 + (0 if (name, pinned_group) in folded else len(items))
        self._len = total
        self._section_offset = (1 if pinned else 0) + len(saved)
        self._locate = locate

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        if self.note and index == 0:
            return Row(self.note, note=True)
        group = bisect_right(self.starts, index) - 1
        name, items, pinned = self.groups[group]
        saved = pinned and name in self.saved and (group > 0 or name != BOOKMARKS)
        offset = index - self.starts[group]
        if offset == 0:
            return Row(name, None, pinned, folded=(name, pinned) in self.folded, saved=saved)
        entry = items[offset - 1]
        missing = pinned and not saved and entry.id in self.missing
        return Row(name, entry, pinned, missing=missing, saved=saved)

    def find(self, article_id: str, pinned: bool) -> int | None:
        """The row of a story, in the Bookmarks section or in its own."""
        if pinned:
            if not self.groups or self.groups[0][:1] != (BOOKMARKS,) or not self.groups[0][2]:
                return None
            for place, entry in enumerate(self.groups[0][1]):
                if entry.id == article_id:
                    return 0 if (BOOKMARKS, True) in self.folded else 1 + place
            return None
        if self._locate is None or (where := self._locate(article_id)) is None:
            return None
        section, place = where
        group = section + self._section_offset
        if group >= len(self.groups):
            return None
        name, _, pinned_group = self.groups[group]
        if (name, pinned_group) in self.folded:
            return self.starts[group]  # in a folded section: its header
        return self.starts[group] + 1 + place

    def index_of(self, article_id: str) -> int | None:
        """The story's row: its own section's row, else its bookmark row."""
        found = self.find(article_id, pinned=False)
        return found if found is not None else self.find(article_id, pinned=True)

    def section_at(self, index: int) -> tuple[str, Sequence[Entry], int] | None:
        """The section row `index` is in: its name, its stories, and the row's
        place among them (-1 for its header)."""
        if not 0 <= index < self._len or (group := self.group_of(index)) < 0:
            return None
        name, items, _ = self.groups[group]
        return name, items, index - self.starts[group] - 1

    def group_of(self, index: int) -> int:
        """The number of the section (group) that row `index` belongs to (-1
        for the note above them all)."""
        return bisect_right(self.starts, index) - 1

    def totals(self) -> dict[tuple[str, bool], int]:
        return {(name, pinned): len(items) for name, items, pinned in self.groups}

    @property
    def pinned(self) -> Sequence[Entry]:
        """The bookmarks listed at the top (none when there is no such section)."""
        groups = self.groups
        return groups[0][1] if groups and groups[0][2] and groups[0][0] == BOOKMARKS else ()

    def header_of(self, key: tuple[str, bool]) -> int | None:
        """The header row of the section (name, pinned), if it is listed."""
        return next(
            (self.starts[g] for g, (name, _, p) in enumerate(self.groups) if (name, p) == key),
            None,
        )

    def find_in_group(self, article_id: str, key: tuple[str, bool]) -> int | None:
        """The row of a story in one group, by the group's own `position` when
        it has one (a saved search), else by looking through it."""
        for group, (name, items, pinned) in enumerate(self.groups):
            if (name, pinned) != key:
                continue
            position = getattr(items, "position", None)
            place = (
                position(article_id)
                if callable(position)
                else next((n for n, e in enumerate(items) if e.id == article_id), None)
            )
            if place is None:
                return None
            start = self.starts[group]
            return start if key in self.folded else start + 1 + place
        return None

    def next_story(self, start: int, step: int) -> int | None:
        """The next row after `start` (by `step`) the cursor can rest on: a
        story, or a folded section's header (where Z unfolds it)."""
        index = start + step
        while 0 <= index < self._len:
            row = self[index]
            if row.article is not None or row.folded:
                return index
            index += step
        return None


def memory_locate(sections: Sequence[tuple[str, Sequence[Entry]]]) -> Locate:
    where = {
        entry.id: (number, place)
        for number, (_, items) in enumerate(sections)
        for place, entry in enumerate(items)
    }
    return where.get


class Look(NamedTuple):
    """Everything one drawn row depends on: where it is, whether it holds the
    cursor or the open story, the styles it is drawn in, and what the marks
    make it show (a story: read, bookmarked, keyword hits; a header: its
    unread and total counts). Two rows with the same look are drawn alike, so
    the widget caches drawn rows by it and redraws a row only when it changes."""

    line: int  # the row's number in the list (`index` is a tuple's method)
    width: int
    is_cursor: bool
    is_open: bool
    styles: tuple[Hashable, ...]
    read: bool = False
    bookmarked: bool = False
    hits: int = 0
    unread: int = 0
    total: int = 0
    hidden: bool = False  # hidden by a rule, listed because `H` shows them


@dataclass(slots=True)
class Marks:
    """What the reader has done, as the rows show it; the screen hands it to
    the widget (`set_marks`, `set_hits`, `set_saved`), which never reads the
    stores. Read counts are by casefolded section name."""

    read: set[str] = field(default_factory=set)
    bookmarked: set[str] = field(default_factory=set)
    read_counts: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)  # keyword matches by story
    hidden: frozenset[str] = frozenset()  # the hidden stories `H` lists, marked so
    # Each section's number of stories when only some are listed (unread only).
    totals: Mapping[str, int] | None = None
    saved_unread: Mapping[str, int] = field(default_factory=dict)
    # Each saved search's number of stories: its whole total, listed or not
    # (unread only lists some), as a section's header counts its whole section.
    saved_totals: Mapping[str, int] = field(default_factory=dict)

    def counts(self, rows: RowIndex, section: str, pinned: bool) -> tuple[int, int]:
        """(unread, total) for a section header."""
        if pinned and section in rows.saved:
            total = self.saved_totals.get(section)
            if total is None:
                total = rows.totals().get((section, pinned), 0)
            return self.saved_unread.get(section, 0), total
        if self.totals is not None and not pinned:
            total = self.totals.get(section, 0)
        else:
            total = rows.totals().get((section, pinned), 0)
        return max(0, total - self.read_counts.get(section.casefold(), 0)), total

    def look(
        self,
        rows: RowIndex,
        index: int,
        width: int,
        *,
        cursor: int,
        open_id: str,
        styles: Callable[[bool], tuple[Hashable, ...]],
    ) -> Look:
        """How row `index` looks at `width` cells; `styles(is_cursor)` gives
        the styles a row is drawn in."""
        row = rows[index]
        is_cursor = index == cursor
        is_open = row.article is not None and row.article.id == open_id
        place = (index, width, is_cursor, is_open, styles(is_cursor))
        if row.note:
            return Look(*place)
        if row.article is None:
            unread, total = self.counts(rows, row.section, row.pinned)
            return Look(*place, unread=unread, total=total)
        story = row.article.id
        return Look(
            *place,
            read=story in self.read,
            bookmarked=story in self.bookmarked,
            hits=self.hits.get(story, 0),
            hidden=story in self.hidden,
        )
