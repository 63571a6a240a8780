"""Saved searches as sections: a `section` rule's stories, newest first, counted live.

A saved search is listed in the sidebar like a section, so its stories are a
sequence of rows the sidebar reads as it draws. What is kept in memory is a key
per matching story (its date, place in the reading order, row number and id):
enough to sort them newest first, to count the unread ones against the read set
at each redraw (a set intersection, not a query), to say where a story stands,
and to add the stories a refresh brings without searching the library again
(`added`: FTS5 over the new rows only, as rules are run). The rows themselves
are read a page at a time, by primary key, when the sidebar draws them.

No Textual here: the reader screen's rules controller uses it.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Collection, Iterable
from typing import NamedTuple

from reader.library.articles import Library
from reader.library.listing import PagedRows, Row
from reader.library.search import match_rowids
from reader.query import NO_CONTEXT, Context
from reader.triage.rules import Rule, source_ids

__all__ = ["Key", "SavedStories", "keys_for"]


class Key(NamedTuple):
    published: str
    ordinal: int
    seq: int
    id: str


def keys_for(
    library: Library, rule: Rule, *, since: int = 0, context: Context = NO_CONTEXT
) -> list[Key]:
    """The keys of the stories a rule matches (stored after row `since`, when
    given), in no particular order; `context` for is:unread and is:bookmarked,
    as they are when the search runs."""
    sources = source_ids(library.conn, rule.source) if rule.source else None
    if sources == []:
        return []
    seqs = match_rowids(library.conn, rule.parsed, since=since, context=context)
    return [Key(*k) for k in library.keys_of(seqs, sources)] if seqs else []


def _order(key: Key) -> tuple[str, int]:
    """Oldest first, as the keys are kept (the listing reads them from the end):
    by date, then later in the reading order first; stories without a date
    first here, so last in the listing."""
    return key.published, -key.ordinal


class SavedStories(PagedRows):
    """One saved search's stories as the sidebar lists them: newest first, the
    hidden ones left out (unless revealed). Made again, not changed, when
    stories arrive or the hidden set changes, as the library's listings are."""

    PAGE_ROWS = 128
    MAX_PAGES = 32

    def __init__(
        self,
        library: Library,
        keys: Iterable[Key],
        hidden: Collection[str] = (),
        *,
        ordered: bool = False,
    ) -> None:
        self._library = library
        # Oldest first (`_order`): new stories are inserted near the end.
        self.all_keys = list(keys) if ordered else sorted(keys, key=_order)
        self._keys = [k for k in self.all_keys if k.id not in hidden] if hidden else self.all_keys
        self.id_set = frozenset(k.id for k in self._keys)
        self._places: dict[str, int] | None = None
        super().__init__(len(self._keys))

    def added(self, keys: Iterable[Key], hidden: Collection[str] = ()) -> SavedStories:
        """These stories too (new ones; one known already is not listed twice),
        each put in its place: no sort of the thousands listed already."""
        known = {k.seq for k in self.all_keys}
        new = [k for k in keys if k.seq not in known]
        if not new:
            return self.hiding(hidden)
        merged = list(self.all_keys)
        for key in new:
            insort(merged, key, key=_order)
        return SavedStories(self._library, merged, hidden, ordered=True)

    def hiding(self, hidden: Collection[str]) -> SavedStories:
        """The same stories with another set left out."""
        return SavedStories(self._library, self.all_keys, hidden, ordered=True)

    def unread(self, read: Collection[str]) -> int:
        """How many of the listed stories are not in `read`."""
        listed = self.id_set
        if isinstance(read, (set, frozenset)):
            return len(listed) - len(listed & read)
        return sum(1 for i in listed if i not in read)

    def _read_page(self, number: int) -> list[Row]:
        keys = self._newest(number * self.PAGE_ROWS, self.PAGE_ROWS)
        rows = {r.id: r for r in self._library.rows_at([k.seq for k in keys])}
        # A story removed since the search ran keeps its place, shown by its id.
        return [rows.get(k.id) or Row(k.id, "", k.id, "", k.published, 0) for k in keys]

    def _newest(self, start: int, count: int | None) -> list[Key]:
        """`count` keys from place `start` of the listing (newest first)."""
        end = len(self._keys) - start
        begin = 0 if count is None else max(0, end - count)
        return self._keys[begin:end][::-1]

    def ids(self, stop: int | None = None) -> list[str]:
        """The listed stories' ids, the first `stop` of them, without reading
        rows (`reading.ids_of` asks for them: a bulk mark of the section)."""
        return [k.id for k in self._newest(0, stop)]

    def position(self, article_id: str) -> int | None:
        if self._places is None:
            last = len(self._keys) - 1
            self._places = {k.id: last - n for n, k in enumerate(self._keys)}
        return self._places.get(article_id)
