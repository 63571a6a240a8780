"""The library's SQLite file: opening it, its schema, and migrations between versions.

One database holds the sources, the articles and their full-text index, so a
story, its place in the sidebar and its search entry change together in one
transaction. `PRAGMA user_version` counts the migrations applied; each runs in
its own transaction, so a library is always at one version or the next, never
half-way, and a library made by a newer reader is refused rather than damaged.

Schema (version 8):

    meta      key → value: which bundled seeds were imported, so a seed the user
              removed does not come back
    sources   id, kind ('dump', 'feed', 'markdown', or 'synced': a subscription
              on a sync account's server), location (url or path; a synced
              one's is the server's feed id, `feed/…`), title,
              section_override (a synced one's: its first folder on the
              server), etag, last_modified, fulltext (0/1), added, last_error,
              account (the sync account's name; NULL for local sources); one
              row per (kind, location, account)
    sections  id, key (`query.section_key` of the name, unique), name (as first seen)
    articles  seq (INTEGER PRIMARY KEY: the rowid the index refers to, which VACUUM
              keeps because it is declared), id (Article.id, unique), source_id,
              ordinal (reading order), section, section_id, title, standfirst,
              url, author, published, fetched, words, body (Markdown), text (the
              body's plain text, indexed and cut into snippets), page_body (1
              when the body is the story's web page, fetched in full: a refresh
              of its feed then leaves body, text and words alone), outline
              (the blocks without their text, as JSON, for stories stored as
              blocks: with `text` they give the blocks back without parsing the
              Markdown, which spares opening a story the import of markdown-it;
              NULL for bodies stored as Markdown, which are parsed), feed_key
              (a feed story's `model.entry_key`, by which a refresh finds it
              again; a synced story's item id on its server, 16 hex digits;
              '' for other stories, and for feed stories stored before
              version 5 until their feed is refreshed), updated (1 once a
              story's title or text changed after it was first stored)
    id_moves  old → new: the ids version 5 gave feed stories in place of the
              old ones, so bookmarks and reading state can follow them
    sync_queue  seq, account, item (16 hex digits), action ('read', 'unread',
              'star', 'unstar'), queued (when): changes made here to synced
              stories, kept until the server has them (the durable outbox);
              at most one row per (account, item, read or star), the newest
    sync_marks  account → newer_than (unix seconds: the server's items older
              than this were seen by an earlier sync), synced (when the last
              sync of it ended)
    articles_fts  FTS5 over title, standfirst, text and section_id, with
              `content='articles'`: the index stores no second copy of the text.
    schedule  source_id → every (the source's own refresh interval in seconds,
              0 for the config's), checked (when it was last fetched) and
              not_before (the server's wish: ttl, max-age, Retry-After), for
              the refresh timer (`reader.triage.schedule`); a row only for sources
              that have one, gone with its source

Indexes for the search filters (version 8): `articles_by_date` on a story's date
as after: and before: compare it (`coalesce(nullif(published, ''), fetched)`,
the very expression `library.search` writes, or SQLite does not use it) and
`articles_by_author`, from which author: reads the distinct names and then the
rows. Without them each scanned the table, bodies and all: at 100,000 stories
0.35 s for a date and 0.7 s for an author, on a quiet machine.

The index is kept in sync in two ways, chosen by measurement. Updates and deletes
(rare: a changed story, a removed source) go through triggers, so no edit can
leave a stale entry. New rows are indexed by one `INSERT … SELECT` over the rows
the same transaction added (see `articles.Library.upsert_articles`): with an
AFTER INSERT trigger, storing 10,000 articles took 2.6 s instead of 1.5 s, and a
bigger FTS5 in-memory hash did not help, which suggests FTS5 flushes it at each
trigger run's savepoint. For the one `INSERT … SELECT` it does help: version 3
sets `hashsize` to 16 MB, and indexing 10,000 feed entries (3 KB of text each)
went from 1.3 s to 0.75 s.

Sections are in the index as a column of their ids, so `section:` filters are
one more term of the MATCH and FTS5 intersects the lists itself; the `rank`
weights (title 10, standfirst 4, text 1, section 0) rank a word in a title above
the same word in a body. The index also keeps one- and two-letter prefixes
(`prefix = '1 2'`), because search runs as the user types and the first key is
always a one-letter prefix: at 10,000 articles "t*" counts its matches in 1.5 ms
instead of 39 and ranks them in 15 ms instead of 91, for 18% more index and
0.6 s more import time.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from reader.config import data_dir
from reader.model import entry_key, feed_story_id

__all__ = [
    "LIBRARY_ENV",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "LibraryConnection",
    "LibraryError",
    "damaged",
    "default_path",
    "in_chunks",
    "migrate",
    "open_library",
    "refuse_foreign",
    "reopen",
    "transaction",
]

LIBRARY_ENV = "NEWS_LIBRARY"
FILENAME = "library.sqlite"
MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 5000
TOKENIZER = "unicode61 remove_diacritics 2"
# bm25 weights for title, standfirst, text and section_id: a word in a title
# counts ten times one in the body; a section id is a filter, never a score.
RANK_WEIGHTS = (10.0, 4.0, 1.0, 0.0)


# The tables every version of the schema has: a database without them is not ours.
NEWS_TABLES = frozenset({"meta", "sources", "sections", "articles"})
DOCTOR_HINT = "`news doctor` checks it and repairs what it can"


class LibraryError(Exception):
    """The library file cannot be used; the message names it and says why."""


T = TypeVar("T")
IDS_PER_QUERY = 500  # well under SQLite's oldest limit of 999 bound parameters


def in_chunks(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """`values` a query's worth at a time, each part with the `?, ?, …` its
    `IN (…)` needs: a list of ids of any length asked about in a few queries."""
    for start in range(0, len(values), IDS_PER_QUERY):
        chunk = values[start : start + IDS_PER_QUERY]
        yield chunk, ", ".join("?" * len(chunk))


def damaged(location: object, exc: sqlite3.DatabaseError) -> str:
    """One line for a library SQLite cannot read (a page overwritten, say)."""
    return f"{location}: the library is damaged ({exc}); {DOCTOR_HINT}"


def refuse_foreign(path: Path) -> None:
    """Raise `LibraryError` for a file that is not a news library, before
    anything is written to it.

    It is read through a read-only connection, so a database of another
    program is left byte for byte as it was: no tables added, no seed
    imported, no switch to WAL. A missing or empty file, or a database with
    no tables at all, is fine: it becomes a library.
    """
    try:
        if path.stat().st_size == 0:
            return
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LibraryError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not path.is_file():
        raise LibraryError(f"{path}: not a file, so not a news library")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_schema")}
            version = user_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise LibraryError(f"{path}: not a news library (not a SQLite database)") from None
        raise LibraryError(damaged(path, exc)) from None
    if (tables or version) and not NEWS_TABLES.issubset(tables):
        raise LibraryError(
            f"{path}: not a news library (a database without its tables); left untouched"
        )


class LibraryConnection(sqlite3.Connection):
    """A connection that remembers what it was opened on, so a second connection
    (a search thread's) can be opened on the same library, in-memory ones too."""

    location: str = ""
    memory: bool = False


def default_path() -> Path:
    """`$NEWS_LIBRARY`, else library.sqlite in the data directory; asked for when
    needed, never at import."""
    if env := os.environ.get(LIBRARY_ENV):
        return Path(env)
    return data_dir() / FILENAME


def _v1_tables(conn: sqlite3.Connection) -> None:
    for sql in (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('dump', 'feed', 'markdown')),
            location TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            section_override TEXT NOT NULL DEFAULT '',
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            fulltext INTEGER NOT NULL DEFAULT 0 CHECK (fulltext IN (0, 1)),
            added TEXT NOT NULL,
            last_error TEXT NOT NULL DEFAULT '',
            UNIQUE (kind, location)
        )""",
        """CREATE TABLE sections (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL
        )""",
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            section TEXT NOT NULL,
            section_id INTEGER NOT NULL REFERENCES sections (id),
            title TEXT NOT NULL,
            standfirst TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            fetched TEXT NOT NULL DEFAULT '',
            words INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT ''
        )""",
        # The sidebar reads only this index, never the rows with their bodies.
        """CREATE INDEX articles_listing
            ON articles (ordinal, id, section_id, title, source_id, published, words)""",
        """CREATE INDEX articles_by_section
            ON articles (section_id, ordinal, id, title, source_id, published, words)""",
        # Removing a source deletes its articles through the foreign key.
        "CREATE INDEX articles_by_source ON articles (source_id)",
    ):
        conn.execute(sql)


_FTS_COLUMNS = "title, standfirst, text, section_id"


def _v2_search(conn: sqlite3.Connection) -> None:
    old = "old.title, old.standfirst, old.text, old.section_id"
    new = "new.title, new.standfirst, new.text, new.section_id"
    for sql in (
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5(
            {_FTS_COLUMNS}, content = 'articles', content_rowid = 'seq',
            tokenize = '{TOKENIZER}', prefix = '1 2'
        )""",
        # The same weights as RANK_WEIGHTS, written out: a shipped migration never changes.
        "INSERT INTO articles_fts (articles_fts, rank)"
        " VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 0.0)')",
        f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, {_FTS_COLUMNS})
            VALUES ('delete', old.seq, {old});
        END""",
        f"""CREATE TRIGGER articles_fts_update
            AFTER UPDATE OF title, standfirst, text, section_id ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, {_FTS_COLUMNS})
            VALUES ('delete', old.seq, {old});
            INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) VALUES (new.seq, {new});
        END""",
        # Articles stored by version 1 get their index entries now.
        "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
    ):
        conn.execute(sql)


def _v3_page_bodies(conn: sqlite3.Connection) -> None:
    # Without page_body, the next refresh of a feed would put its excerpt back
    # over a story's full text, since the upsert writes any body that differs.
    conn.execute(
        "ALTER TABLE articles ADD COLUMN page_body INTEGER NOT NULL DEFAULT 0"
        " CHECK (page_body IN (0, 1))"
    )
    # FTS5 keeps new entries in a hash until it holds this many bytes (1 MB by
    # default), then writes a segment to merge later. Indexing 10,000 feed
    # entries in one INSERT … SELECT took 0.75 s with 16 MB instead of 1.3 s.
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 16777216)")


def _v4_outlines(conn: sqlite3.Connection) -> None:
    # Stories stored before have none and are read from their Markdown.
    conn.execute("ALTER TABLE articles ADD COLUMN outline TEXT")


def _v5_feed_identity(conn: sqlite3.Connection) -> None:
    # A feed story's id was a hash of its section and title (with its guid or
    # link), so an edited headline made a new unread story. From here it is
    # `model.feed_story_id`: the entry's key (`model.entry_key`: guid, else
    # link, else title and date) scoped by the feed's address, and the key is
    # stored so a refresh finds the story again by it. The guid was never
    # stored, so a story here gets the id its link gives (else its title and
    # date) and no key; the next refresh of its feed finds it by that link (or
    # title and date) and stores the entry's key (`Library.resolve_ids`), the
    # id staying. Each id given up is kept in id_moves, so the marks that
    # bookmarks.json and state.json keep on it can follow (`reader.identity`).
    conn.execute("ALTER TABLE articles ADD COLUMN feed_key TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "ALTER TABLE articles ADD COLUMN updated INTEGER NOT NULL DEFAULT 0"
        " CHECK (updated IN (0, 1))"
    )
    # How `Library.resolve_ids` finds a feed's stories by their keys.
    conn.execute("CREATE INDEX articles_by_feed_key ON articles (source_id, feed_key)")
    conn.execute("CREATE TABLE id_moves (old TEXT PRIMARY KEY, new TEXT NOT NULL) WITHOUT ROWID")
    rows = conn.execute(
        "SELECT a.seq, a.id, a.url, a.title, a.published, s.location FROM articles a"
        " JOIN sources s ON s.id = a.source_id WHERE s.kind = 'feed' ORDER BY a.seq"
    ).fetchall()
    taken: set[str] = set()
    moves: list[tuple[str, str, int]] = []
    for seq, old, url, title, published, location in rows:
        key = entry_key("", url, title, published)
        new = feed_story_id(location, key)
        if new in taken:  # the same link twice in one feed: kept apart, as the parser does
            new = feed_story_id(location, f"{key}\x1f{seq}")
        taken.add(new)
        if new != old:
            moves.append((new, old, seq))
    conn.executemany("UPDATE articles SET id = ? WHERE seq = ?", ((n, q) for n, _, q in moves))
    conn.executemany("INSERT INTO id_moves (old, new) VALUES (?, ?)", ((o, n) for n, o, _ in moves))


def _v6_sync(conn: sqlite3.Connection) -> None:
    # Synced sources are a new kind, and two accounts may both have a `feed/1`:
    # the kind's CHECK and the unique (kind, location) are part of the table, so
    # it is made again (SQLite's way: new table, copy, drop, rename, with
    # foreign keys off around it: see `migrate`). Local sources keep their ids,
    # so their stories keep their source. A local source's account is NULL, so
    # the unique index reads it as ''.
    conn.execute(
        """CREATE TABLE sources_v6 (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('dump', 'feed', 'markdown', 'synced')),
            location TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            section_override TEXT NOT NULL DEFAULT '',
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            fulltext INTEGER NOT NULL DEFAULT 0 CHECK (fulltext IN (0, 1)),
            added TEXT NOT NULL,
            last_error TEXT NOT NULL DEFAULT '',
            account TEXT,
            CHECK ((kind = 'synced') = (account IS NOT NULL))
        )"""
    )
    conn.execute(
        "INSERT INTO sources_v6 (id, kind, location, title, section_override, etag,"
        " last_modified, fulltext, added, last_error) SELECT id, kind, location, title,"
        " section_override, etag, last_modified, fulltext, added, last_error FROM sources"
    )
    conn.execute("DROP TABLE sources")
    conn.execute("ALTER TABLE sources_v6 RENAME TO sources")
    conn.execute(
        "CREATE UNIQUE INDEX sources_place ON sources (kind, location, coalesce(account, ''))"
    )
    conn.execute(
        """CREATE TABLE sync_queue (
            seq INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            item TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('read', 'unread', 'star', 'unstar')),
            queued TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX sync_queue_by_item ON sync_queue (account, item)")
    conn.execute(
        """CREATE TABLE sync_marks (
            account TEXT PRIMARY KEY,
            newer_than INTEGER NOT NULL DEFAULT 0,
            synced TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID"""
    )


def _v7_schedule(conn: sqlite3.Connection) -> None:
    # Its own table, not columns of sources: only the timer reads it, and a
    # source without a row is simply one never fetched on a timer.
    conn.execute(
        """CREATE TABLE schedule (
            source_id INTEGER PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
            every INTEGER NOT NULL DEFAULT 0 CHECK (every >= 0),
            checked TEXT NOT NULL DEFAULT '',
            not_before TEXT NOT NULL DEFAULT ''
        )"""
    )


def _v8_search_filters(conn: sqlite3.Connection) -> None:
    # after:/before: and author: (see the module's docstring).
    conn.execute(
        "CREATE INDEX articles_by_date ON articles (coalesce(nullif(published, ''), fetched))"
    )
    conn.execute("CREATE INDEX articles_by_author ON articles (author)")


# Append only: a migration that has shipped is never edited, since libraries
# out there have already run it.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_tables,
    _v2_search,
    _v3_page_bodies,
    _v4_outlines,
    _v5_feed_identity,
    _v6_sync,
    _v7_schedule,
    _v8_search_filters,
)
SCHEMA_VERSION = len(MIGRATIONS)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error.

    IMMEDIATE takes the write lock at the start, so two writers wait for each
    other (busy_timeout) instead of one failing half-way with SQLITE_BUSY.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Bring the schema up to `target`, one transaction per migration."""
    version = user_version(conn)
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{_name(conn)}: made by a newer version of news "
            f"(schema {version}; this one knows up to {SCHEMA_VERSION})"
        )
    if version >= target:
        return
    # Off while migrating (it cannot change inside a transaction): a migration
    # that makes a table again drops the old one, and with foreign keys on that
    # would delete every row referring to it (version 6 remakes `sources`, and
    # its stories would go). Each migration checks the keys before it commits.
    (keys,) = conn.execute("PRAGMA foreign_keys").fetchone()
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number in range(version, target):
            with transaction(conn):
                # Another process may have migrated while this one waited for the lock.
                if user_version(conn) > number:
                    continue
                before = _dangling(conn)
                MIGRATIONS[number](conn)
                if (after := _dangling(conn)) > before:
                    raise LibraryError(
                        f"{_name(conn)}: migration to schema {number + 1} would leave"
                        f" {after - before} rows pointing nowhere; nothing was changed"
                    )
                conn.execute(f"PRAGMA user_version = {number + 1}")
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if keys else 'OFF'}")


def _dangling(conn: sqlite3.Connection) -> int:
    """Rows whose foreign key points nowhere (a library made elsewhere may
    have some already: only new ones stop a migration)."""
    return len(conn.execute("PRAGMA foreign_key_check").fetchall())


def open_library(
    path: Path | str | None = None,
    *,
    check_same_thread: bool = True,
    migrate_schema: bool = True,
) -> LibraryConnection:
    """Open (creating if need be) a library and bring its schema up to date.

    `path` None means `default_path()`, whose directory is created here, on
    first use. ":memory:" makes a private in-memory library (for ad-hoc files);
    `LibraryConnection.location` lets a `Searcher` open a second connection on it.
    """
    memory = str(path) == MEMORY
    if memory:
        target = f"file:news-{os.urandom(8).hex()}?mode=memory&cache=shared"
    else:
        if path is None:
            path = default_path()
            path.parent.mkdir(parents=True, exist_ok=True)
        if not migrate_schema and not Path(path).exists():
            raise LibraryError(f"{path}: no such library")  # and do not leave an empty one
        refuse_foreign(Path(path))
        target = str(path)
    conn = _connect(target, memory, check_same_thread)
    try:
        _configure(conn, memory)
        if migrate_schema:
            migrate(conn)
        elif user_version(conn) != SCHEMA_VERSION:
            raise LibraryError(f"{target}: not at schema {SCHEMA_VERSION}; open it to migrate")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise LibraryError(damaged(target, exc)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def reopen(conn: LibraryConnection, *, check_same_thread: bool = True) -> LibraryConnection:
    """A second connection to the library `conn` is open on (for a search thread).

    An in-memory library is shared between its connections; this one reads
    uncommitted data, so it is never locked out while an import writes.
    """
    other = _connect(conn.location, conn.memory, check_same_thread)
    try:
        _configure(other, conn.memory)
        if conn.memory:
            other.execute("PRAGMA read_uncommitted = ON")
    except BaseException:
        other.close()
        raise
    return other


def _connect(target: str, memory: bool, check_same_thread: bool) -> LibraryConnection:
    try:
        conn = sqlite3.connect(
            target,
            uri=memory,
            isolation_level=None,  # transactions are explicit: see `transaction`
            check_same_thread=check_same_thread,
            factory=LibraryConnection,
        )
    except sqlite3.Error as exc:
        raise LibraryError(f"{target}: cannot open: {exc}") from None
    assert isinstance(conn, LibraryConnection)
    conn.location, conn.memory = target, memory
    return conn


def _configure(conn: sqlite3.Connection, memory: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not memory:
        # WAL: searches and the sidebar read while an import writes.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe in WAL


def _name(conn: sqlite3.Connection) -> str:
    return getattr(conn, "location", "") or "library"
