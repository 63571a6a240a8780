"""How a parsed `Query` becomes SQL over the index: the FROM and WHERE every
search statement shares (`plan_query`), with the person's marks loaded beside it.

Apart from `search` (running the statements, ranking, snippets, spans,
cancelling) because this half decides *which* rows match and the other *how
they are shown*: a rule or a saved section needs only the rows (`Plan.rowids`),
and each filter here was chosen by measuring its query plan, which the tests
check with EXPLAIN QUERY PLAN apart from any ranking.

The words go to FTS5 as one MATCH (`match`); section filters are part of it
(sections are a column of ids in the index): a doclist intersection, 22 ms
at 100,000 stories, where a join on `articles` took 100 ms. The other filters
are sets of rows read from an index, each `rowid IN (SELECT seq FROM articles
WHERE …)`, never a join to the rows (joined, a filter on 100,000 matches read
every row, bodies and all: 6 s). source: is `source_id IN (…)`, the names
resolved first as section names are; author: asks `Query`'s own test of each
distinct author in Python, then finds the rows by author; after: and before:
compare the published date, else the fetched one. A query of filters only
reads `articles` in reading order, as section: alone does.

is:read and is:bookmarked need the person's marks, which live in state.json and
bookmarks.json: the caller passes them as a `Context`. The temporary tables of
their rows' `seq` (the rowid the index answers with) are kept per connection,
so `rowid NOT IN temp.news_read` never touches a row, and only what changed
since is loaded: the same sets again cost nothing, one more read story one
insert. Another connection's commit may have moved ids to new rows, so then
the sets are loaded again whole.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.query import Context, Query, author_tokens, name_key
from reader.sanitize import shown_line

__all__ = ["Plan", "match", "plan_query"]

_TEXT_COLUMNS = "{title standfirst text}"
# A story's date for after: and before:: when it was published, else fetched.
_DATE = "coalesce(nullif(published, ''), fetched)"


@dataclass(frozen=True, slots=True)
class Plan:
    """The FROM and WHERE of a query's statements, with their parameters. With
    text, the rows are the index's (`articles_fts.rowid`); without, `articles a`."""

    source: str
    params: tuple[Any, ...]
    text: bool

    def rowids(self, conn: sqlite3.Connection) -> list[int]:
        """Every matching row's `articles.seq`, in stored order: no snippet,
        no rank, no row read."""
        seq = "articles_fts.rowid" if self.text else "a.seq"
        return [
            s for (s,) in conn.execute(f"SELECT {seq} {self.source} ORDER BY {seq}", self.params)
        ]


def plan_query(
    conn: sqlite3.Connection,
    query: Query,
    context: Context,
    among: Collection[str] | None = None,
    since: int = 0,
) -> Plan | None:
    """How to run `query`, or None when nothing can match (a section or source
    named that does not exist); only over the stories `among` (ids) or stored
    after row `since`, when given."""
    sections = dict(conn.execute("SELECT key, id FROM sections").fetchall())
    include = [sections[k] for k in query.sections if k in sections]
    exclude = [sections[k] for k in query.excluded_sections if k in sections]
    if query.sections and not include:
        return None  # none of the named sections exists
    # The unary + keeps a rowid IN (…) out of FTS5's hands: given one, it looks
    # each rowid up in the index in turn, re-running the MATCH (100,000 rows of
    # a source: minutes), where scanning the matches against the list is quick.
    seq = "+articles_fts.rowid" if query.has_text else "a.seq"
    where: list[str] = []
    params: list[Any] = []
    if since:  # without the +: FTS5 seeks past the older rows in each doclist
        where.append(f"{seq.lstrip('+')} > ?")
        params.append(since)
    if not query.has_text:  # else sections are part of the MATCH
        if include:
            where.append(f"a.section_id IN ({', '.join('?' * len(include))})")
            params.extend(include)
        if exclude:
            where.append(f"a.section_id NOT IN ({', '.join('?' * len(exclude))})")
            params.extend(exclude)

    # Each filter on the row is a set of rows read from an index, never a join
    # to the rows themselves (for 100,000 matches, a join read every row: 6 s).
    def rows(condition: str, *values: Any, keep: bool = True) -> None:
        found = f"(SELECT seq FROM articles WHERE {condition})"
        where.append(f"{seq} {'' if keep else 'NOT '}IN {found}")
        params.extend(values)

    if query.sources or query.excluded_sources:
        wanted, unwanted = _source_ids(conn, query)
        if query.sources and not wanted:
            return None
        if wanted:
            rows(f"source_id IN ({', '.join('?' * len(wanted))})", *wanted)
        if unwanted:
            rows(f"source_id IN ({', '.join('?' * len(unwanted))})", *unwanted, keep=False)
    if query.authors or query.excluded_authors:
        wanted_authors, unwanted_authors = _authors(conn, query)
        if query.authors and not wanted_authors:
            return None
        if query.authors:
            rows("author IN (SELECT value FROM json_each(?))", json.dumps(wanted_authors))
        if unwanted_authors:
            rows(
                "author IN (SELECT value FROM json_each(?))",
                json.dumps(unwanted_authors),
                keep=False,
            )
    if query.after or query.before:
        after, before = query.cutoffs(context.moment())
        conditions = [f"{_DATE} >= ?"] * len(after) + [f"{_DATE} < ?"] * len(before)
        rows(" AND ".join(conditions), *after, *before)
    if among is not None:
        rows("id IN (SELECT value FROM json_each(?))", json.dumps(list(among)))
    if query.needs_context or context.hidden:
        _load_marks(conn, query, context)
        if context.hidden:
            where.append(f"{seq} NOT IN temp.{_HIDDEN}")
        if query.read is not None:
            where.append(f"{seq} {'' if query.read else 'NOT '}IN temp.{_READ}")
        if query.bookmarked is not None:
            where.append(f"{seq} {'' if query.bookmarked else 'NOT '}IN temp.{_BOOKMARKED}")

    if query.has_text:
        filters = "".join(f" AND {w}" for w in where)
        return Plan(
            f"FROM articles_fts WHERE articles_fts MATCH ?{filters}",
            (match(query, include, exclude), *params),
            text=True,
        )
    return Plan(f"FROM articles a WHERE {' AND '.join(where) or '1'}", tuple(params), text=False)


def _authors(conn: sqlite3.Connection, query: Query) -> tuple[list[str], list[str]]:
    """The authors, as stored, that author: finds, and those -author: leaves out:
    a library has far fewer authors than stories, so each is asked once, in
    Python (`Query.accepts_author`'s own test), and the rows found by name."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for (author,) in conn.execute("SELECT DISTINCT author FROM articles"):
        tokens = author_tokens(author)
        if query.authors and any(t.found_in([tokens]) for t in query.authors):
            wanted.append(author)
        if any(t.found_in([tokens]) for t in query.excluded_authors):
            unwanted.append(author)
    return wanted, unwanted


def _source_ids(conn: sqlite3.Connection, query: Query) -> tuple[list[int], list[int]]:
    """The ids of the sources source: names (by title, else address, as `news
    sources` names them), and of those -source: leaves out."""
    wanted: list[int] = []
    unwanted: list[int] = []
    names = conn.execute("SELECT id, coalesce(nullif(title, ''), location) FROM sources")
    for source_id, name in names:
        key = name_key(shown_line(name))
        if key in query.sources:
            wanted.append(source_id)
        if key in query.excluded_sources:
            unwanted.append(source_id)
    return wanted, unwanted


def match(query: Query, include: Sequence[int], exclude: Sequence[int]) -> str:
    """The MATCH expression: the user's words in the text columns only (a word
    never matches a section id), then the section filters on the id column."""
    match = f"{_TEXT_COLUMNS} : ({query.to_fts5()})"
    if include:
        match += " AND section_id : (" + " OR ".join(f'"{i}"' for i in include) + ")"
    if exclude:
        match = f"({match}) NOT section_id : (" + " OR ".join(f'"{i}"' for i in exclude) + ")"
    return match


# -- the person's marks, beside the index ----------------------------------------------

_READ, _BOOKMARKED, _HIDDEN = "news_read", "news_bookmarked", "news_hidden"


@dataclass
class _Marks:
    """What one connection's temporary tables hold: the sets they were loaded
    from, and the library's state then (another connection's commit, or this
    one's own writes, may have given ids new rows)."""

    loaded: dict[str, frozenset[str]] = field(default_factory=dict)
    version: tuple[int, int] = (-1, -1)


_marks: weakref.WeakKeyDictionary[sqlite3.Connection, _Marks] = weakref.WeakKeyDictionary()


def _version(conn: sqlite3.Connection) -> tuple[int, int]:
    (data_version,) = conn.execute("PRAGMA data_version").fetchone()
    return int(data_version), conn.total_changes


def _load_marks(conn: sqlite3.Connection, query: Query, context: Context) -> None:
    """Bring the temporary tables of read and bookmarked rows up to `context`,
    loading only what changed since they were last loaded on this connection."""
    try:
        marks = _marks.setdefault(conn, _Marks())
    except TypeError:  # a plain sqlite3 connection cannot be remembered: load all
        marks = _Marks()
    wanted = []
    if query.read is not None:
        wanted.append((_READ, context.read))
    if query.bookmarked is not None:
        wanted.append((_BOOKMARKED, context.bookmarked))
    if context.hidden:
        wanted.append((_HIDDEN, context.hidden))
    if _version(conn) != marks.version:
        marks.loaded.clear()
    changes = []
    for table, ids in wanted:
        ids = ids if isinstance(ids, frozenset) else frozenset(ids)
        old = marks.loaded.get(table)
        if old is not None and (old is ids or old == ids):
            continue
        changes.append((table, ids, old))
    if not changes:
        return
    (query_only,) = conn.execute("PRAGMA query_only").fetchone()
    conn.execute("PRAGMA query_only = OFF")  # the temporary tables only
    try:
        conn.execute("SAVEPOINT news_marks")
        try:
            for table, ids, old in changes:
                _load_table(conn, table, ids, old)
        except BaseException:
            conn.execute("ROLLBACK TO news_marks")
            conn.execute("RELEASE news_marks")
            for table, *_ in changes:
                marks.loaded.pop(table, None)
            raise
        conn.execute("RELEASE news_marks")
    finally:
        conn.execute(f"PRAGMA query_only = {int(query_only)}")
    for table, ids, _ in changes:
        marks.loaded[table] = ids
    marks.version = _version(conn)


def _load_table(
    conn: sqlite3.Connection, table: str, ids: frozenset[str], old: frozenset[str] | None
) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (seq INTEGER PRIMARY KEY)")
    rows = "SELECT seq FROM main.articles WHERE id IN (SELECT value FROM json_each(?))"
    if old is None:
        conn.execute(f"DELETE FROM temp.{table}")
        added, removed = ids, frozenset[str]()
    else:
        added, removed = ids - old, old - ids
    if removed:
        conn.execute(f"DELETE FROM temp.{table} WHERE seq IN ({rows})", (json.dumps([*removed]),))
    if added:
        conn.execute(f"INSERT OR IGNORE INTO temp.{table} (seq) {rows}", (json.dumps([*added]),))
