"""The library's door: `Library`, its sources, and the stories as the reader reads them.

`Library` is one class made of parts kept in modules of their own: storing
stories (`store.StoryStore`: the upsert, the index, the identity rules),
sync accounts' sources and queue (`synced.SyncedSources`), how a body is
stored (`bodies`) and the sidebar's paging (`listing`). Callers import
`Library` (and `Source`, `ImportResult`) from here alone.


The sidebar reads small rows from a covering index, never a body: all at once
with `listing()`, or a page at a time as it scrolls with `rows()`, which opens
on 100,000 stories at the cost of a count. A story's body is read only when
`article(id)` is asked for it: from its outline and plain text where it was
stored as blocks (a dump), else parsed from its Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from reader.library.bodies import blocks_of
from reader.library.db import (
    LibraryConnection,
    open_library,
    put_row,
    reopen,
    select_in,
    transaction,
)
from reader.library.listing import HIDDEN_TABLE, Listing, NewestFirst, Row, hide_on
from reader.library.store import StoryStore
from reader.library.synced import SyncedSources
from reader.model import Article, utc_now
from reader.sanitize import shown_line

if TYPE_CHECKING:
    from reader.triage.schedule import Timing

# Imported where first used: a start-up that reads one story from a library
# already seeded needs none of the writers, the dump parser or the query
# language (markdown-it alone takes longer to import than the library to open).

__all__ = [
    "REFRESHED_KINDS",
    "EntryLink",
    "ImportResult",
    "Library",
    "Source",
    "SourceKind",
]

SourceKind = Literal["dump", "feed", "markdown", "synced"]
# The kinds a refresh reads again (`reader.refresh`): a dump is read once,
# when added, and a sync account's feeds are its server's to fetch.
REFRESHED_KINDS: tuple[SourceKind, ...] = ("feed", "markdown")
# Past this many ids, counting them by section reads every story's id once
# rather than looking each up (the two cost the same near 20,000 at 100,000 stories).
_COUNT_BY_SCAN_FROM = 20_000


class EntryLink(NamedTuple):
    """A story as a notification names it: its title, section and link."""

    id: str
    title: str
    section: str
    url: str


@dataclass(frozen=True, slots=True)
class Source:
    """A row of the library's sources: a feed, file, folder or synced feed."""

    id: int
    kind: SourceKind
    location: str
    title: str = ""
    section_override: str = ""
    etag: str = ""
    last_modified: str = ""
    fulltext: bool = False
    added: str = ""
    last_error: str = ""
    account: str | None = None  # a synced source's account; None for a local one

    @property
    def name(self) -> str:
        return self.title or self.location


class ImportResult(NamedTuple):
    source_id: int
    articles: int  # stories in the file
    changed: int  # of which new or different from the stored copy
    warnings: list[str]


_SOURCE_COLUMNS = (
    "id, kind, location, title, section_override, etag, last_modified, fulltext, added,"
    " last_error, account"
)
_UPDATABLE = frozenset(
    {"title", "section_override", "etag", "last_modified", "fulltext", "last_error"}
)


class Library(StoryStore, SyncedSources):
    """Sources and articles over one connection from `open_library`; storing
    stories is in `store.StoryStore`, sync accounts' sources, stories and
    queue are in `synced.SyncedSources`.

    Not thread-safe: one thread uses a Library; a search thread has its own
    connection (`search.Searcher`).
    """

    def __init__(self, conn: LibraryConnection) -> None:
        self.conn = conn
        self._section_ids: dict[str, int] = {}

    @classmethod
    def open(cls, path: Path | str | None = None) -> Library:
        return cls(open_library(path))

    def close(self) -> None:
        self.conn.close()

    # Sources ---------------------------------------------------------------------

    def add_source(
        self,
        kind: SourceKind,
        location: str,
        *,
        title: str = "",
        section_override: str = "",
        fulltext: bool = False,
    ) -> int:
        """The source's id, adding it if it is new; adding one twice is harmless."""
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO sources (kind, location, title, section_override, fulltext, added)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (kind, location, title, section_override, int(fulltext), utc_now()),
            )
            row = self.conn.execute(
                "SELECT id FROM sources WHERE kind = ? AND location = ? AND account IS NULL",
                (kind, location),
            ).fetchone()
        return int(row[0])

    def update_source(self, source_id: int, **fields: str | bool) -> None:
        """Set some of title, section_override, etag, last_modified, fulltext, last_error."""
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise TypeError(f"cannot update {', '.join(sorted(unknown))}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values = [int(v) if isinstance(v, bool) else v for v in fields.values()]
        with transaction(self.conn):
            self.conn.execute(
                f"UPDATE sources SET {assignments} WHERE id = ?", (*values, source_id)
            )

    def sources(self) -> list[Source]:
        rows = self.conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id")
        return [_source(row) for row in rows]

    def source(self, source_id: int) -> Source | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        return _source(row) if row else None

    def remove_source(self, source_id: int) -> int:
        """Remove a source with its articles and their index entries; how many
        articles went."""
        with transaction(self.conn):
            (count,) = self.conn.execute(
                "SELECT count(*) FROM articles WHERE source_id = ?", (source_id,)
            ).fetchone()
            # The foreign key cascades to articles, and their delete trigger to the index.
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return int(count)

    # The refresh timer (`reader.triage.schedule`) -------------------------------------------

    def timings(self) -> dict[int, Timing]:
        """Each source's interval and when it was last fetched, by source id
        (a source never fetched on a timer has none)."""
        from reader.triage.schedule import Timing

        rows = self.conn.execute("SELECT source_id, every, checked, not_before FROM schedule")
        return {int(i): Timing(int(e), str(c), str(n)) for i, e, c, n in rows}

    def set_every(self, source_id: int, seconds: int) -> None:
        """A source's own refresh interval (0: the config's)."""
        put_row(self.conn, "schedule", ("source_id", source_id), every=seconds)

    def record_fetch(self, source_id: int, checked: str, not_before: str) -> None:
        """A source was fetched at ``checked``; the server asks for nothing
        before ``not_before`` ("" for no wish). Nothing for a source another
        `news` removed while it was fetched."""
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO schedule (source_id, checked, not_before)"
                " SELECT id, ?, ? FROM sources WHERE id = ?"
                " ON CONFLICT (source_id) DO UPDATE SET"
                " checked = excluded.checked, not_before = excluded.not_before",
                (checked, not_before, source_id),
            )

    def headlines(self, article_ids: Sequence[str]) -> list[tuple[EntryLink, str]]:
        """These stories' ids, titles, sections and links, each with all its
        text (for keywords): what a notification of new stories needs, read
        from the index's columns, never a body parsed."""
        found: list[tuple[EntryLink, str]] = []
        rows = select_in(
            self.conn,
            "SELECT a.id, a.title, s.name, a.url, a.standfirst, a.text FROM articles a"
            " JOIN sections s ON s.id = a.section_id WHERE a.id IN ({ids}) ORDER BY a.ordinal",
            article_ids,
        )
        for id_, title, section, url, standfirst, text in rows:
            link = EntryLink(id_, shown_line(title), shown_line(section), shown_line(url))
            found.append((link, f"{title}\n{standfirst}\n{text}"))
        return found

    # Articles --------------------------------------------------------------------

    def listing(self, section: str | None = None) -> list[Row]:
        """Every story in reading order, without bodies; or one section's.

        All at once: about 13 ms for 10,000 stories and 150 ms for 100,000, nearly
        all of it Python making the rows. `rows()` reads them as they are needed.
        """
        return self.rows(section)[:]

    def rows(
        self, section: str | None = None, *, section_id: int | None = None, hiding: bool = False
    ) -> Listing:
        """The same rows as `listing()`, read from the index a page at a time when
        first asked for: a sidebar of 100,000 stories costs a count to open.
        One section's rows by its name, or by its id from `section_ids()`;
        `hiding` leaves out the stories given to `hide_on`."""
        return Listing(self.conn, section, section_id, hiding=hiding)

    def newest_first(self, section_id: int, section: str, *, hiding: bool = False) -> NewestFirst:
        """One section's rows as `rows()` gives them, but newest first."""
        return NewestFirst(self.conn, section_id, section, hiding=hiding)

    def count_by_section(self, article_ids: Iterable[str]) -> dict[str, int]:
        """How many of these stories each section holds (ids not stored are
        ignored): with a set of read ids, the read count behind unread counts."""
        counts: dict[str, int] = {}
        ids = list(dict.fromkeys(article_ids))
        if len(ids) > _COUNT_BY_SCAN_FROM:
            return self._count_by_scan(set(ids))
        rows = select_in(
            self.conn,
            "SELECT s.name, count(*) FROM articles a JOIN sections s ON s.id = a.section_id"
            " WHERE a.id IN ({ids}) GROUP BY a.section_id",
            ids,
        )
        for name, count in rows:
            counts[name] = counts.get(name, 0) + count
        return counts

    def _count_by_scan(self, ids: set[str]) -> dict[str, int]:
        """`count_by_section` for many ids: every story's id and section read in
        one pass, counted here. Looking 100,000 ids up one by one took 0.8-1.3 s on
        the 100,000-story corpus library; this pass takes 0.1-0.26 s however many
        (the start-up of a reader who marked everything read waits for it)."""
        by_section: dict[int, int] = {}
        for article_id, section_id in self.conn.execute("SELECT id, section_id FROM articles"):
            if article_id in ids:
                by_section[section_id] = by_section.get(section_id, 0) + 1
        names = dict(self.conn.execute("SELECT id, name FROM sections").fetchall())
        counts: dict[str, int] = {}
        for section_id, count in by_section.items():
            name = names[section_id]
            counts[name] = counts.get(name, 0) + count
        return counts

    def sections(self) -> list[tuple[str, int]]:
        """Each section's name and number of stories, in reading order of their
        first story."""
        return [(name, count) for _, name, count in self.section_ids()]

    def stored_after(self, row: int | None) -> tuple[list[str], int]:
        """The stories stored after `row` (new ones only: an update keeps its
        row), and the newest row now; after None, none and the newest row."""
        if row is None:
            (newest,) = self.conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()
            return [], int(newest)
        found = self.conn.execute("SELECT id, seq FROM articles WHERE seq > ? ORDER BY seq", (row,))
        rows = found.fetchall()
        return [ident for ident, _ in rows], int(rows[-1][1]) if rows else row

    def section_ids(self) -> list[tuple[int, str, int]]:
        """`sections()` with each section's id, for `rows(section_id=…)`."""
        rows = self.conn.execute(
            "SELECT s.id, s.name, count(*), min(a.ordinal) AS first FROM articles a"
            " JOIN sections s ON s.id = a.section_id GROUP BY a.section_id ORDER BY first"
        )
        return [(section_id, shown_line(name), count) for section_id, name, count, _ in rows]

    def section_of(self, article_id: str) -> str | None:
        """The name of the section a story is listed under, as `sections` gives it."""
        row = self.conn.execute(
            "SELECT s.name FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def has(self, article_id: str) -> bool:
        query = "SELECT 1 FROM articles WHERE id = ?"
        return self.conn.execute(query, (article_id,)).fetchone() is not None

    # Rules and saved searches (reader.triage.rules, reader.triage.saved) -------------------------

    def set_hidden(self, article_ids: Iterable[str]) -> None:
        """The stories `hiding` listings leave out from now on (these, in place
        of those before), kept in the connection's temporary schema (`hide_on`)."""
        hide_on(self.conn, article_ids, replace=True)

    def hidden_count(self) -> int:
        """How many of the stories given to `set_hidden` the library holds."""
        hide_on(self.conn, ())
        (count,) = self.conn.execute(
            f"SELECT count(*) FROM articles WHERE id IN {HIDDEN_TABLE}"
        ).fetchone()
        return int(count)

    def keys_of(
        self, seqs: Sequence[int], source_ids: Sequence[int] | None = None
    ) -> list[tuple[str, int, int, str]]:
        """(published, ordinal, seq, id) of these stories (of these sources
        only, when given), in one statement however many there are: what a
        saved search sorts newest first and counts by."""
        only = ""
        if source_ids is not None:
            only = f" AND source_id IN ({', '.join(str(int(i)) for i in source_ids)})"
        rows = self.conn.execute(
            "SELECT published, ordinal, seq, id FROM articles"
            f" WHERE seq IN (SELECT value FROM json_each(?)){only}",
            (json.dumps(list(seqs)),),
        )
        return [(shown_line(p), o, s, i) for p, o, s, i in rows]

    def rows_at(self, seqs: Sequence[int]) -> list[Row]:
        """The sidebar's rows of these stories, in the order given (a story
        removed meanwhile is left out)."""
        found: dict[int, Row] = {}
        rows = select_in(
            self.conn,
            "SELECT a.seq, a.id, s.name, a.title, coalesce(nullif(o.title, ''), o.location),"
            " a.published, a.words FROM articles a JOIN sections s ON s.id = a.section_id"
            " JOIN sources o ON o.id = a.source_id WHERE a.seq IN ({ids})",
            seqs,
        )
        for seq, id_, section, title, source, published, words in rows:
            # Cleaned again on the way out: the library file may come from elsewhere.
            found[seq] = Row(
                id_,
                shown_line(section),
                shown_line(title),
                shown_line(source),
                shown_line(published),
                words,
            )
        return [found[seq] for seq in seqs if seq in found]

    def source_of(self, article_id: str) -> tuple[str, str, bool] | None:
        """A story's source's title and location, and whether the body stored is
        its web page fetched in full; None for a story the library lacks."""
        row = self.conn.execute(
            "SELECT s.title, s.location, a.page_body FROM articles a"
            " JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else (str(row[0] or ""), str(row[1]), bool(row[2]))

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every story's id and its words (title, standfirst, text), in reading
        order, over a connection of its own: it runs on a worker thread."""
        conn = reopen(self.conn, check_same_thread=False)
        try:
            rows = conn.execute("SELECT id, title, standfirst, text FROM articles ORDER BY ordinal")
            for article_id, title, standfirst, text in rows:
                yield article_id, f"{title}\n{standfirst}\n{text}"
        finally:
            conn.close()

    @property
    def location(self) -> str:
        """The file (or `:memory:`), for a worker's connection of its own."""
        return self.conn.location

    def article(self, article_id: str) -> Article | None:
        """One story with its body: from its outline where it has one, else
        parsed from its Markdown now."""
        row = self.conn.execute(
            "SELECT a.id, a.section, a.title, a.body, s.location, a.standfirst, a.url,"
            " a.author, a.published, a.words, a.text, a.outline, a.updated FROM articles a"
            " JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        id_, section, title, body, source, standfirst, url, author, published, words = row[:10]
        text, shape, updated = row[10:]
        return Article(
            id=id_,
            section=shown_line(section),
            title=shown_line(title),
            blocks=tuple(blocks_of(body, text, shape)),
            source=shown_line(source),
            standfirst=shown_line(standfirst),
            url=shown_line(url),
            author=shown_line(author),
            published=shown_line(published),
            words=words,
            updated=bool(updated),
        )

    def updated_ids(self) -> frozenset[str]:
        """The stories marked updated: their title or text changed after they
        were first stored."""
        rows = self.conn.execute("SELECT id FROM articles WHERE updated")
        return frozenset(row[0] for row in rows)

    def moved_ids(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Of these ids, those a migration gave a story a new id in place of
        (see `schema._v5_feed_identity`), each with its new id."""
        rows = select_in(
            self.conn, "SELECT old, new FROM id_moves WHERE old IN ({ids})", article_ids
        )
        return dict(rows)

    def move_ids(self, source_id: int, moves: dict[str, str]) -> int:
        """Give a source's stories new ids (old → new), each old id kept in
        id_moves so the marks kept on it can follow (`reader.identity`), in one
        transaction; how many stories moved. An old id no story of the source
        has is kept all the same (a mark may be on it: `news FILE.md` gave a
        file's story another id); one whose new id a story has already stays."""
        with transaction(self.conn):
            moved = 0
            for old, new in moves.items():
                moved += self.conn.execute(
                    "UPDATE articles SET id = ? WHERE id = ? AND source_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                    (new, old, source_id, new),
                ).rowcount
            self.conn.executemany(
                "INSERT OR REPLACE INTO id_moves (old, new) VALUES (?, ?)", moves.items()
            )
        return moved

    def has_moved_ids(self) -> bool:
        return self.conn.execute("SELECT 1 FROM id_moves LIMIT 1").fetchone() is not None

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        put_row(self.conn, "meta", ("key", key), value=value)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def counts_by_source(self) -> dict[int, int]:
        """How many stories each source holds (sources with none are left out)."""
        rows = self.conn.execute(
            "SELECT source_id, count(*) FROM articles INDEXED BY articles_by_source"
            " GROUP BY source_id"
        )
        return {int(source_id): int(count) for source_id, count in rows}

    def known_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Which of these stories are stored already: what a refresh calls new."""
        rows = select_in(self.conn, "SELECT id FROM articles WHERE id IN ({ids})", article_ids)
        return {row[0] for row in rows}


def _source(row: tuple[Any, ...]) -> Source:
    id_, kind, location, title, override, etag, modified, fulltext, added, error, account = row
    return Source(
        id_, kind, location, title, override, etag, modified, bool(fulltext), added, error, account
    )
