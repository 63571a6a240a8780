"""Full-text search over the library: a parsed `Query` in, a page of hits out.

Query shapes, each measured on corpus.py libraries (figures for 100,000 articles,
90,000 of them matching "dingotown"; the shapes that lost are not here):

* the total: `count(*)` over the MATCH alone, 4 ms;
* the page, with snippets, from one query over the index alone. Ordered by
  FTS5's `rank` when there are up to 5,000 matches (3,226: 4 ms, against 9 ms
  the other way); beyond, by a `bm25()` alias that SQLite's sorter trims to the
  page as it goes (73 ms, against 101 ms for `ORDER BY rank`, where FTS5 sorts
  all 90,000 first). Making the snippets in a second query, restricted to the
  page's rowids, re-ran the MATCH once a row: 10 s for the prefix `d*`;
* only then are the page's rows read from `articles`, by primary key. A join
  inside the MATCH query was no quicker, and `rowid IN (subquery)` took 81 s;
* section filters are part of the MATCH (sections are a column of ids in the
  index): a doclist intersection, 22 ms, where a join on `articles` took 100 ms;
* `order="recent"` reads the newest matches straight off the index, 0.1 ms.

The other filters are sets of rows read from an index, each `rowid IN (SELECT
seq FROM articles WHERE …)`, never a join to the rows (joined, a filter on 100,000
matches read every row, bodies and all: 6 s). source: is `source_id IN (…)`, the
names resolved first as section names are; author: asks `Query`'s own test of
each distinct author in Python, then finds the rows by author; after: and before:
compare the published date, else the fetched one. A query of filters only reads
`articles` in reading order, as section: alone does.

is:read and is:bookmarked need the person's marks, which live in state.json and
bookmarks.json: the caller passes them as a `Context`. The searcher keeps the
sets it was last given in temporary tables of their rows' `seq` (the rowid the
index answers with), so `rowid NOT IN temp.news_read` never touches a row, and
loads only what changed since: the same sets again cost nothing, one more read
story one insert. Another connection's commit may have moved ids to new rows,
so then the sets are loaded again whole.

Snippets come from FTS5's `snippet()` over the body text, 20 times quicker than
finding the matches in 50 bodies in Python. The spans in them, and in titles, are
then found by `Query.spans`, the code that highlights the open story, so a prefix
lights up only the typed part. Spans are (start, end) offsets, never markup.

A `Searcher` owns a connection for a search thread. The UI thread calls
`interrupt()` when a newer keystroke arrives; the search in flight stops at
SQLite's next step (0.2 ms) and raises `SearchCancelled`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from reader.library.db import RANK_WEIGHTS, LibraryConnection, in_chunks, open_library, reopen
from reader.query import (
    NO_CONTEXT,
    Context,
    Query,
    QueryError,
    author_tokens,
    name_key,
    parse,
)
from reader.sanitize import shown_line

__all__ = [
    "Hit",
    "Order",
    "SearchCancelled",
    "SearchResult",
    "Searcher",
    "count",
    "match_rowids",
    "matching_ids",
    "search",
]

Order = Literal["rank", "recent"]
T = TypeVar("T")
DEFAULT_LIMIT = 200
# Up to this many matches FTS5's own ORDER BY rank is quickest; beyond, SQLite's
# sorter over a bm25() alias, which keeps only the top of the list (measured).
FTS5_SORTS_UP_TO = 5000
SNIPPET_TOKENS = 20
ELLIPSIS = "…"
# Markers FTS5 puts around matches; the text itself never holds control characters.
_OPEN, _CLOSE = "\x02", "\x03"
_SNIPPET_CLEAN = str.maketrans({_OPEN: None, _CLOSE: None, "\n": " "})
_TEXT_COLUMN = 2  # title, standfirst, text, section_id
_SCORE = f"bm25(articles_fts, {', '.join(map(str, RANK_WEIGHTS))})"
_SNIPPET = f"snippet(articles_fts, {_TEXT_COLUMN}, ?, ?, ?, {SNIPPET_TOKENS})"
_TEXT_COLUMNS = "{title standfirst text}"
# How FTS5 words its complaints about a MATCH expression (SQLite 3.40 to 3.50).
_FTS5_QUERY_ERRORS = (
    "fts5:",
    "unterminated string",
    "no such column",
    "unknown special query",
    "malformed MATCH",
    "syntax error",
)
_LEAD_CHARS = 160  # how much of a story a filters-only result shows
# A story's date for after: and before:: when it was published, else fetched.
_DATE = "coalesce(nullif(published, ''), fetched)"


class SearchCancelled(Exception):
    """The search was interrupted because a newer one replaced it."""


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    section: str
    title: str
    snippet: str
    snippet_spans: tuple[tuple[int, int], ...]
    title_spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int  # every match, not only this page
    hits: tuple[Hit, ...]


EMPTY = SearchResult(0, ())


def search(
    conn: sqlite3.Connection,
    query: Query,
    limit: int = DEFAULT_LIMIT,
    *,
    offset: int = 0,
    order: Order = "rank",
    cancelled: Callable[[], bool] | None = None,
    context: Context = NO_CONTEXT,
) -> SearchResult:
    """The matches of `query`: how many there are, and one page of them.

    `order="recent"` lists the newest stored first, which FTS5 reads straight off
    its index; ranking 90,000 matches costs more, so a UI may show that page
    first and the ranked one after. `cancelled` is checked between statements.
    `context` gives is: the read set and the bookmarks, and ages their moment.
    Raises `QueryError` for a query FTS5 refuses and `SearchCancelled` when the
    connection is interrupted.
    """
    with _errors():
        return _search(conn, query, limit, offset, order, cancelled or _never, context)


def count(conn: sqlite3.Connection, query: Query, context: Context = NO_CONTEXT) -> int:
    """How many stories match: a saved section's count (with is:unread, its unread
    count), the cost of the count alone."""
    with _errors():
        plan = _plan(conn, query, context)
        if plan is None:
            return 0
        (total,) = conn.execute(f"SELECT count(*) {plan.source}", plan.params).fetchone()
        return int(total)


def matching_ids(
    conn: sqlite3.Connection,
    query: Query,
    context: Context = NO_CONTEXT,
    *,
    among: Collection[str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[str]:
    """The id of every story `query` finds, filters and all, in stored order: what
    marking a search's results read needs, with no snippet or rank. With `among`,
    only of those stories. `cancelled` is checked between the statements.
    Raises `QueryError`, and `SearchCancelled` when interrupted, as `search` does."""
    cancelled = cancelled or _never
    with _errors():
        plan = _plan(conn, query, context, among)
        if plan is None:
            return []
        seq = "articles_fts.rowid" if plan.text else "a.seq"
        seqs = [
            s for (s,) in conn.execute(f"SELECT {seq} {plan.source} ORDER BY {seq}", plan.params)
        ]
        ids: list[str] = []
        for chunk, marks in in_chunks(seqs):
            _check(cancelled)
            rows = conn.execute(
                f"SELECT id FROM articles WHERE seq IN ({marks}) ORDER BY seq",
                chunk,
            )
            ids.extend(i for (i,) in rows)
        return ids


@contextmanager
def _errors() -> Iterator[None]:
    """SQLite's complaints as this module's: an interrupt, a refused MATCH."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "interrupt" in message:
            raise SearchCancelled from None
        if any(part in message for part in _FTS5_QUERY_ERRORS):
            raise QueryError(f"cannot search for that ({message})") from None
        raise


def _never() -> bool:
    return False


def _search(
    conn: sqlite3.Connection,
    query: Query,
    limit: int,
    offset: int,
    order: Order,
    cancelled: Callable[[], bool],
    context: Context,
) -> SearchResult:
    plan = _plan(conn, query, context)
    if plan is None:
        return EMPTY
    _check(cancelled)
    (total,) = conn.execute(f"SELECT count(*) {plan.source}", plan.params).fetchone()
    if not total or offset >= total:
        return SearchResult(total, ())
    _check(cancelled)
    if not plan.text:
        # Filters only: the stories in reading order (newest first for "recent"),
        # each with the start of its text.
        direction = "DESC" if order == "recent" else ""
        seqs = [
            seq
            for (seq,) in conn.execute(
                f"SELECT a.seq {plan.source} ORDER BY a.ordinal {direction} LIMIT ? OFFSET ?",
                (*plan.params, limit, offset),
            )
        ]
        _check(cancelled)
        return SearchResult(total, _hits(conn, None, seqs, None))
    if order == "recent":
        ordering, score = "articles_fts.rowid DESC", ""  # FTS5 reads its index in rowid order
    elif total <= FTS5_SORTS_UP_TO:
        ordering, score = "rank", ""
    else:
        ordering, score = "score", f", {_SCORE} AS score"
    page = conn.execute(
        f"SELECT articles_fts.rowid, {_SNIPPET}{score} {plan.source}"
        f" ORDER BY {ordering} LIMIT ? OFFSET ?",
        (_OPEN, _CLOSE, ELLIPSIS, *plan.params, limit, offset),
    ).fetchall()
    seqs = [row[0] for row in page]
    _check(cancelled)
    # One line for a results list: newlines between blocks become spaces.
    snippets = {row[0]: row[1].translate(_SNIPPET_CLEAN) for row in page}
    return SearchResult(total, _hits(conn, query, seqs, snippets))


@dataclass(frozen=True, slots=True)
class _Plan:
    """The FROM and WHERE of a query's statements, with their parameters. With
    text, the rows are the index's (`articles_fts.rowid`); without, `articles a`."""

    source: str
    params: tuple[Any, ...]
    text: bool


def _plan(
    conn: sqlite3.Connection,
    query: Query,
    context: Context,
    among: Collection[str] | None = None,
    since: int = 0,
) -> _Plan | None:
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
        return _Plan(
            f"FROM articles_fts WHERE articles_fts MATCH ?{filters}",
            (_match(query, include, exclude), *params),
            text=True,
        )
    return _Plan(f"FROM articles a WHERE {' AND '.join(where) or '1'}", tuple(params), text=False)


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


def match_rowids(
    conn: sqlite3.Connection, query: Query, *, since: int = 0, context: Context = NO_CONTEXT
) -> list[int]:
    """Every story matching `query`, filters and all, as rowids (`articles.seq`)
    in stored order; only those stored after `since` when it is given. For rules
    and saved sections, which want every match and no snippet: with `since`, FTS5
    seeks past the older rows in each doclist, so the stories a refresh just
    stored cost what they would in an empty library. Raises `QueryError` as
    `search` does."""
    with _errors():
        plan = _plan(conn, query, context, since=since)
        if plan is None:
            return []
        seq = "articles_fts.rowid" if plan.text else "a.seq"
        return [
            s for (s,) in conn.execute(f"SELECT {seq} {plan.source} ORDER BY {seq}", plan.params)
        ]


def _match(query: Query, include: Sequence[int], exclude: Sequence[int]) -> str:
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


def _hits(
    conn: sqlite3.Connection,
    query: Query | None,
    seqs: list[int],
    snippets: dict[int, str] | None,
) -> tuple[Hit, ...]:
    """The page's rows, read by primary key, in the order of `seqs`."""
    if not seqs:
        return ()
    text = "''" if snippets is not None else f"substr(a.text, 1, {_LEAD_CHARS})"
    rows = conn.execute(
        f"SELECT a.seq, a.id, s.name, a.title, {text} FROM articles a"
        " JOIN sections s ON s.id = a.section_id"
        f" WHERE a.seq IN ({', '.join('?' * len(seqs))})",
        seqs,
    ).fetchall()
    by_seq = {row[0]: row for row in rows}
    hits = []
    for seq in seqs:
        if seq not in by_seq:
            continue  # removed since the index was read
        _, id_, section, title, lead = by_seq[seq]
        # Cleaned again on the way out: the library file may come from elsewhere.
        section, title = shown_line(section), shown_line(title)
        snippet = shown_line(snippets[seq] if snippets is not None else _lead(lead))
        hits.append(
            Hit(
                id=id_,
                section=section,
                title=title,
                snippet=snippet,
                snippet_spans=tuple(query.spans(snippet)) if query else (),
                title_spans=tuple(query.spans(title)) if query else (),
            )
        )
    return tuple(hits)


def _lead(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < _LEAD_CHARS - 1:
        return text
    cut = text.rfind(" ", 0, _LEAD_CHARS - 20)
    return text[: cut if cut > 0 else _LEAD_CHARS - 20] + ELLIPSIS


def _check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise SearchCancelled


class Searcher:
    """Searches on a connection of its own, for a worker thread.

    One search runs at a time (a second caller waits). `interrupt()` may be called
    from any thread: the search in flight raises `SearchCancelled`, whether SQLite
    was stopped mid-query or had just finished; with none in flight it does
    nothing, so it never cancels the next one.
    """

    def __init__(self, library: sqlite3.Connection | Path | str) -> None:
        if isinstance(library, LibraryConnection):
            self._conn: sqlite3.Connection = reopen(library, check_same_thread=False)
        elif isinstance(library, sqlite3.Connection):
            raise TypeError("a Searcher needs a connection from open_library, or a path")
        else:
            self._conn = open_library(library, check_same_thread=False, migrate_schema=False)
        self._conn.execute("PRAGMA query_only = ON")  # a reader: never a second writer
        self._running = threading.Lock()  # held while a search runs
        self._state = threading.Lock()  # guards the two fields below
        self._active = False
        self._cancel = False

    def search(
        self,
        query: Query | str,
        limit: int = DEFAULT_LIMIT,
        *,
        offset: int = 0,
        order: Order = "rank",
        prefix_last: bool = True,
        context: Context = NO_CONTEXT,
    ) -> SearchResult:
        """Like `search`; a string is parsed first (as typed: the last word is a
        prefix unless `prefix_last` is false), raising `QueryError` if it cannot be."""
        if isinstance(query, str):
            query = parse(query, prefix_last=prefix_last)
        return self._run(
            partial(
                search,
                query=query,
                limit=limit,
                offset=offset,
                order=order,
                cancelled=self._cancelled,
                context=context,
            )
        )

    def count(self, query: Query, context: Context = NO_CONTEXT) -> int:
        """Like `count`: how many stories match, on this searcher's connection."""
        return self._run(partial(count, query=query, context=context))

    def _run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """One search at a time, interruptible by `interrupt`."""
        with self._running:
            with self._state:
                self._active, self._cancel = True, False
            try:
                result = job(self._conn)
                # Interrupted after SQLite's last step: the answer is stale all the same.
                _check(self._cancelled)
                return result
            finally:
                with self._state:
                    self._active = False

    def ids(
        self, query: Query, context: Context = NO_CONTEXT, *, among: Collection[str] | None = None
    ) -> list[str]:
        """Every story `query` finds (`matching_ids`), interruptible as `search` is."""
        return self._run(
            partial(
                matching_ids, query=query, context=context, among=among, cancelled=self._cancelled
            )
        )

    def _cancelled(self) -> bool:
        return self._cancel

    def interrupt(self) -> None:
        with self._state:
            if self._active:
                self._cancel = True
                self._conn.interrupt()

    def close(self) -> None:
        self.interrupt()
        with self._running:
            self._conn.close()
