"""The library's schema: every migration from an empty file to the current version.

Apart from `db` (opening a connection, transactions, running these in order)
because the two change for different reasons: a migration, once shipped, is
never edited (libraries out there have run it), while the connection's
handling is ordinary code that moves with the rest. Only `db.migrate` calls
these; everyone else needs `SCHEMA_VERSION` at most.

One database holds the sources, the articles and their full-text index, so a
story, its place in the sidebar and its search entry change together in one
transaction. `PRAGMA user_version` counts the migrations applied.

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

import sqlite3
from collections.abc import Callable

from reader.model import entry_key, feed_story_id

__all__ = ["MIGRATIONS", "NEWS_TABLES", "RANK_WEIGHTS", "SCHEMA_VERSION", "TOKENIZER"]

TOKENIZER = "unicode61 remove_diacritics 2"
# bm25 weights for title, standfirst, text and section_id: a word in a title
# counts ten times one in the body; a section id is a filter, never a score.
RANK_WEIGHTS = (10.0, 4.0, 1.0, 0.0)
# The tables every version of the schema has: a database without them is not ours.
NEWS_TABLES = frozenset({"meta", "sources", "sections", "articles"})


def _sources_table(name: str, kinds: str, rest: str) -> str:
    """`CREATE TABLE` of the sources: the columns versions 1 and 6 share,
    then what each adds (version 6 makes the table again, SQLite's way to
    change a CHECK or a UNIQUE). The kinds allowed and the rest are the
    versions' own; the text built for each is the one it shipped with."""
    return f"""CREATE TABLE {name} (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ({kinds})),
            location TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            section_override TEXT NOT NULL DEFAULT '',
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            fulltext INTEGER NOT NULL DEFAULT 0 CHECK (fulltext IN (0, 1)),
            added TEXT NOT NULL,
            last_error TEXT NOT NULL DEFAULT '',
            {rest}
        )"""


def _v1_tables(conn: sqlite3.Connection) -> None:
    for sql in (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        _sources_table("sources", "'dump', 'feed', 'markdown'", "UNIQUE (kind, location)"),
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
        _sources_table(
            "sources_v6",
            "'dump', 'feed', 'markdown', 'synced'",
            "account TEXT, CHECK ((kind = 'synced') = (account IS NOT NULL))",
        )
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
