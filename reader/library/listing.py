"""The sidebar's rows, read from the library a page at a time.

A section of 100,000 stories opens at the cost of a count: each listing is a
read-only sequence that reads one page of small rows from a covering index when
a position is first asked for, and keeps the pages read last (`PagedRows`, the
one paging and caching of them all). `Listing` is the reading order, through
the whole library or a section; `NewestFirst` a section by date; the saved
searches' listing (`reader.triage.saved`) is a third kind. None reads a body.

Stories a rule hid (`reader.triage.hidden`) are left out of a listing made `hiding`:
their ids are in a table of the connection's own temporary schema, which the
reader fills from hidden.json (`hide_on`); the library file holds no such mark.
"""

from __future__ import annotations

import sqlite3
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple, overload

from reader.sanitize import shown_line

__all__ = ["HIDDEN_TABLE", "Listing", "NewestFirst", "PagedRows", "Row", "hide_on"]


class Row(NamedTuple):
    """One story in the sidebar. `section` is the section's name as first seen, so
    "News" and "news" from two feeds are one section, as `section:` treats them."""

    id: str
    section: str
    title: str
    source: str
    published: str
    words: int


class PagedRows(Sequence[Row]):
    """Rows read a page at a time (`_read_page`, a subclass's one query) and
    the pages read last kept, oldest dropped first: what every listing of the
    sidebar shares. A subclass sets `_len` and says where a story stands."""

    PAGE_ROWS = 256
    MAX_PAGES = 64  # 16,384 rows kept at most

    def __init__(self, length: int) -> None:
        self._len = length
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._len)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if start == 0 and stop == self._len:
                return self._all()
            rows: list[Row] = []
            for number in range(start // self.PAGE_ROWS, (stop - 1) // self.PAGE_ROWS + 1):
                base = number * self.PAGE_ROWS
                rows.extend(self._page(number)[max(start - base, 0) : stop - base])
            return rows
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("listing index out of range")
        return self._page(index // self.PAGE_ROWS)[index % self.PAGE_ROWS]

    def __iter__(self) -> Iterator[Row]:
        for number in range(0, (self._len + self.PAGE_ROWS - 1) // self.PAGE_ROWS):
            yield from self._page(number)

    @abstractmethod
    def position(self, article_id: str) -> int | None:
        """Where a story stands here, without reading the rows before it."""

    @abstractmethod
    def ids(self, stop: int | None = None) -> list[str]:
        """The ids of the first `stop` stories (all by default), without making
        a row of each: what a bulk mark needs."""

    def _page(self, number: int) -> list[Row]:
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self._read_page(number)
            if len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    @abstractmethod
    def _read_page(self, number: int) -> list[Row]:
        """Page `number`: the subclass's one query."""

    def _all(self) -> list[Row]:
        """Every row, for a slice of the whole (a subclass may read it in one query)."""
        return list(self)


HIDDEN_TABLE = "temp.hidden"
HIDING = f" AND id NOT IN {HIDDEN_TABLE}"


def hide_on(conn: sqlite3.Connection, ids: Iterable[str], *, replace: bool = False) -> None:
    """Leave these stories out of the `hiding` listings made on this connection
    from now on (in place of those left out before, with `replace`)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS hidden (id TEXT PRIMARY KEY) WITHOUT ROWID")
    if replace:
        conn.execute(f"DELETE FROM {HIDDEN_TABLE}")
    conn.executemany(f"INSERT OR IGNORE INTO {HIDDEN_TABLE} VALUES (?)", ((i,) for i in ids))


class Listing(PagedRows):
    """The sidebar's rows as a read-only sequence that reads the library a page at
    a time, only where it is indexed, and keeps the pages it read last.

    It shows the library as it was when made: stories added later (higher in
    the reading order) are left out, so positions do not move under the cursor.
    After removing a source, make a new one.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        section: str | None = None,
        section_id: int | None = None,
        *,
        hiding: bool = False,
    ) -> None:
        self._conn = conn
        (top,) = conn.execute("SELECT coalesce(max(ordinal), 0) FROM articles").fetchone()
        self._where = "ordinal <= ?" + (HIDING if hiding else "")
        self._params: list[object] = [top]
        self._index = "articles_listing"
        if section is not None:
            from reader.folding import section_key

            self._where += " AND section_id = (SELECT id FROM sections WHERE key = ?)"
            self._params.append(section_key(section))
            self._index = "articles_by_section"
        elif section_id is not None:
            self._where += " AND section_id = ?"
            self._params.append(section_id)
            self._index = "articles_by_section"
        (length,) = conn.execute(
            f"SELECT count(*) FROM articles INDEXED BY {self._index} WHERE {self._where}",
            self._params,
        ).fetchone()
        super().__init__(length)
        self._ends: dict[int, int] = {}  # page number -> the last ordinal on it
        self._sections: dict[int, str] = {}
        self._sources: dict[int, str] = {}

    def position(self, article_id: str) -> int | None:
        """Where a story stands in this listing, without reading the rows before it."""
        row = self._conn.execute(
            f"SELECT count(*) FROM articles INDEXED BY {self._index} WHERE {self._where}"
            " AND ordinal < (SELECT ordinal FROM articles WHERE id = ?)",
            (*self._params, article_id),
        ).fetchone()
        found = self._conn.execute(
            f"SELECT 1 FROM articles WHERE id = ? AND {self._where}", (article_id, *self._params)
        ).fetchone()
        return int(row[0]) if found else None

    def ids(self, stop: int | None = None) -> list[str]:
        """The ids of the first `stop` stories (all by default), in one query:
        what a bulk mark needs, without making a row of each."""
        rows = self._conn.execute(
            f"SELECT id FROM articles INDEXED BY {self._index} WHERE {self._where}"
            " ORDER BY ordinal LIMIT ?",
            (*self._params, -1 if stop is None else max(0, stop)),
        )
        return [id_ for (id_,) in rows]

    def _read_page(self, number: int) -> list[Row]:
        # Scrolling reads the next page from where the last one ended (a seek
        # in the index); a jump counts its way there with OFFSET.
        after = self._ends.get(number - 1)
        page, last = self._read(number * self.PAGE_ROWS, self.PAGE_ROWS, after)
        if last is not None:
            self._ends[number] = last
        return page

    def _all(self) -> list[Row]:
        return self._read(0, self._len)[0]  # one query

    def _read(
        self, offset: int, limit: int, after: int | None = None
    ) -> tuple[list[Row], int | None]:
        """Rows from `offset`, or just after ordinal `after`; and the last ordinal read."""
        where, params = self._where, [*self._params]
        if after is not None:
            where, offset = where + " AND ordinal > ?", 0
            params.append(after)
        cursor = self._conn.execute(
            "SELECT id, section_id, title, source_id, published, words, ordinal FROM articles"
            f" INDEXED BY {self._index} WHERE {where} ORDER BY ordinal LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        sections, sources = self._sections, self._sources
        make = Row._make
        rows = []
        ordinal = None
        for row in cursor:
            id_, section_id, title, source_id, published, words, ordinal = row
            if section_id not in sections or source_id not in sources:
                self._load_names()
            title = shown_line(title)  # the library file may come from elsewhere
            rows.append(
                make((id_, sections[section_id], title, sources[source_id], published, words))
            )
        return rows, ordinal

    def _load_names(self) -> None:
        # Cleaned again on the way out: the library file may come from elsewhere.
        names = self._conn.execute("SELECT id, name FROM sections")
        self._sections.update((i, shown_line(name)) for i, name in names)
        sources = self._conn.execute(
            "SELECT id, coalesce(nullif(title, ''), location) FROM sources"
        )
        self._sources.update((i, shown_line(name)) for i, name in sources)


class NewestFirst(PagedRows):
    """A library section's stories newest first, read a page at a time (as
    `Listing` reads them in reading order); stories without a date last.

    Like `Listing`, it shows the section as it was when made. Each page is one
    query that sorts the section's rows by date through its index: a few
    milliseconds for ten thousand stories, and pages once read are kept."""

    def __init__(
        self, conn: sqlite3.Connection, section_id: int, section: str, *, hiding: bool = False
    ) -> None:
        self._conn = conn
        self._section = section
        (top,) = conn.execute("SELECT coalesce(max(ordinal), 0) FROM articles").fetchone()
        self._where = "a.section_id = ? AND a.ordinal <= ?" + (HIDING if hiding else "")
        self._params: tuple[object, ...] = (section_id, top)
        (length,) = conn.execute(
            f"SELECT count(*) FROM articles a INDEXED BY articles_by_section WHERE {self._where}",
            self._params,
        ).fetchone()
        super().__init__(length)
        self._sources: dict[int, str] = {}

    def _read_page(self, number: int) -> list[Row]:
        return self._read(number * self.PAGE_ROWS)

    def _read(self, offset: int) -> list[Row]:
        # From the section's covering index alone (it holds the dates), then
        # the sources' names from a dict: the sort never touches the table.
        rows = self._conn.execute(
            "SELECT a.id, a.title, a.source_id, a.published, a.words FROM articles a"
            f" INDEXED BY articles_by_section WHERE {self._where}"
            " ORDER BY a.published DESC, a.ordinal LIMIT ? OFFSET ?",
            (*self._params, self.PAGE_ROWS, offset),
        ).fetchall()
        names = self._sources
        if any(source_id not in names for _, _, source_id, _, _ in rows):
            sources = self._conn.execute(
                "SELECT id, coalesce(nullif(title, ''), location) FROM sources"
            )
            # Cleaned again on the way out: the library file may come from elsewhere.
            names.update((i, shown_line(name)) for i, name in sources)
        section = self._section
        return [
            Row(id_, section, shown_line(title), names[source_id], shown_line(published), words)
            for id_, title, source_id, published, words in rows
        ]

    def ids(self, stop: int | None = None) -> list[str]:
        """The ids of the first `stop` stories here (all by default), in this
        order, in one query (see `Listing.ids`)."""
        rows = self._conn.execute(
            f"SELECT a.id FROM articles a INDEXED BY articles_by_section WHERE {self._where}"
            " ORDER BY a.published DESC, a.ordinal LIMIT ?",
            (*self._params, -1 if stop is None else max(0, stop)),
        )
        return [id_ for (id_,) in rows]

    def position(self, article_id: str) -> int | None:
        """Where a story stands here: the stories newer than it, and those of
        its date that come before it in reading order."""
        found = self._conn.execute(
            f"SELECT a.published, a.ordinal FROM articles a WHERE a.id = ? AND {self._where}",
            (article_id, *self._params),
        ).fetchone()
        if found is None:
            return None
        published, ordinal = found
        (before,) = self._conn.execute(
            f"SELECT count(*) FROM articles a WHERE {self._where}"
            " AND (a.published > ? OR (a.published = ? AND a.ordinal < ?))",
            (*self._params, published, published, ordinal),
        ).fetchone()
        return int(before)
