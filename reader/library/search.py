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
* `order="recent"` reads the newest matches straight off the index, 0.1 ms.

Which rows match, filters and the person's marks included, is decided in
`search_plan` (the FROM and WHERE every statement here shares); this module
runs the statements, ranks, cuts snippets and finds the spans in them.

Snippets come from FTS5's `snippet()` over the body text, 20 times quicker than
finding the matches in 50 bodies in Python. The spans in them, and in titles, are
then found by `Query.spans`, the code that highlights the open story, so a prefix
lights up only the typed part. Spans are (start, end) offsets, never markup.

A `Searcher` owns a connection for a search thread. The UI thread calls
`interrupt()` when a newer keystroke arrives; the search in flight stops at
SQLite's next step (0.2 ms) and raises `SearchCancelled`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, TypeVar

from reader.library.db import LibraryConnection, in_chunks, open_library, reopen
from reader.library.schema import RANK_WEIGHTS
from reader.library.search_plan import plan_query
from reader.query import NO_CONTEXT, Context, Query, QueryError, parse
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
        plan = plan_query(conn, query, context)
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
        plan = plan_query(conn, query, context, among)
        if plan is None:
            return []
        ids: list[str] = []
        for chunk, marks in in_chunks(plan.rowids(conn)):
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
    plan = plan_query(conn, query, context)
    if plan is None:
        return EMPTY
    _check(cancelled)
    (total,) = conn.execute(f"SELECT count(*) {plan.source}", plan.params).fetchone()
    if not total or offset >= total:
        return SearchResult(total, ())
    _check(cancelled)
    if not plan.text:
        # Filters only: the stories in the order stored (the last stored first
        # for "recent"), each with the start of its text. Not the sidebar's
        # order (sections by their first story, each newest first): that sort
        # over every match took 167 ms at 100,000 stories against 0.1 here.
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
        plan = plan_query(conn, query, context, since=since)
        if plan is None:
            return []
        return plan.rowids(conn)


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
