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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reader.library.db import RANK_WEIGHTS, LibraryConnection, open_library, reopen
from reader.query import Query, QueryError, parse
from reader.sanitize import shown_line

__all__ = [
    "Hit",
    "Order",
    "SearchCancelled",
    "SearchResult",
    "Searcher",
    "match_rowids",
    "matching_ids",
    "search",
]

Order = Literal["rank", "recent"]
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
_LEAD_CHARS = 160  # how much of a story a sections-only result shows


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
) -> SearchResult:
    """The matches of `query`: how many there are, and one page of them.

    `order="recent"` lists the newest stored first, which FTS5 reads straight off
    its index; ranking 90,000 matches costs more, so a UI may show that page
    first and the ranked one after. `cancelled` is checked between statements.
    Raises `QueryError` for a query FTS5 refuses and `SearchCancelled` when the
    connection is interrupted.
    """
    try:
        return _search(conn, query, limit, offset, order, cancelled or _never)
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
) -> SearchResult:
    sections = dict(conn.execute("SELECT key, id FROM sections").fetchall())
    include = [sections[k] for k in query.sections if k in sections]
    exclude = [sections[k] for k in query.excluded_sections if k in sections]
    if query.sections and not include:
        return EMPTY  # none of the named sections exists
    if not query.has_text:
        return _sections_only(conn, include, exclude, limit, offset, order, cancelled)

    match = _match(query, include, exclude)
    _check(cancelled)
    (total,) = conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)
    ).fetchone()
    if not total or offset >= total:
        return SearchResult(total, ())
    _check(cancelled)
    if order == "recent":
        ordering, score = "rowid DESC", ""  # FTS5 reads its index in rowid order
    elif total <= FTS5_SORTS_UP_TO:
        ordering, score = "rank", ""
    else:
        ordering, score = "score", f", {_SCORE} AS score"
    page = conn.execute(
        f"SELECT rowid, {_SNIPPET}{score} FROM articles_fts WHERE articles_fts MATCH ?"
        f" ORDER BY {ordering} LIMIT ? OFFSET ?",
        (_OPEN, _CLOSE, ELLIPSIS, match, limit, offset),
    ).fetchall()
    seqs = [row[0] for row in page]
    _check(cancelled)
    # One line for a results list: newlines between blocks become spaces.
    snippets = {row[0]: row[1].translate(_SNIPPET_CLEAN) for row in page}
    return SearchResult(total, _hits(conn, query, seqs, snippets))


def _sections_only(
    conn: sqlite3.Connection,
    include: Sequence[int],
    exclude: Sequence[int],
    limit: int,
    offset: int,
    order: Order,
    cancelled: Callable[[], bool],
) -> SearchResult:
    """`section:News` alone: the section's stories in reading order (newest first
    for "recent"), each with the start of its text."""
    where: list[str] = []
    params: list[int] = []
    if include:
        where.append(f"section_id IN ({', '.join('?' * len(include))})")
        params.extend(include)
    if exclude:
        where.append(f"section_id NOT IN ({', '.join('?' * len(exclude))})")
        params.extend(exclude)
    condition = " AND ".join(where) or "1"
    _check(cancelled)
    (total,) = conn.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()
    direction = "DESC" if order == "recent" else ""
    seqs = [
        seq
        for (seq,) in conn.execute(
            f"SELECT seq FROM articles WHERE {condition} ORDER BY ordinal {direction}"
            " LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
    ]
    _check(cancelled)
    return SearchResult(total, _hits(conn, None, seqs, None))


def match_rowids(conn: sqlite3.Connection, query: Query, *, since: int = 0) -> list[int]:
    """Every story matching `query`, as rowids (`articles.seq`) in stored order;
    only those stored after `since` when it is given. For rules and saved
    sections, which want every match and no snippet: with `since`, FTS5 seeks
    past the older rows in each doclist, so the stories a refresh just stored
    cost what they would in an empty library. Raises `QueryError` as `search` does."""
    try:
        sections = dict(conn.execute("SELECT key, id FROM sections").fetchall())
        include = [sections[k] for k in query.sections if k in sections]
        exclude = [sections[k] for k in query.excluded_sections if k in sections]
        if query.sections and not include:
            return []
        if not query.has_text:
            where = ["seq > ?"]
            params: list[int] = [since]
            if include:
                where.append(f"section_id IN ({', '.join('?' * len(include))})")
                params.extend(include)
            if exclude:
                where.append(f"section_id NOT IN ({', '.join('?' * len(exclude))})")
                params.extend(exclude)
            sql = f"SELECT seq FROM articles WHERE {' AND '.join(where)} ORDER BY seq"
            return [seq for (seq,) in conn.execute(sql, params)]
        rows = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid > ?"
            " ORDER BY rowid",
            (_match(query, include, exclude), since),
        )
        return [seq for (seq,) in rows]
    except sqlite3.OperationalError as exc:
        if any(part in str(exc) for part in _FTS5_QUERY_ERRORS):
            raise QueryError(f"cannot search for that ({exc})") from None
        raise


def matching_ids(
    conn: sqlite3.Connection, query: Query, cancelled: Callable[[], bool] | None = None
) -> list[str]:
    """The id of every story `query` finds (`match_rowids`), in stored order:
    what marking a search's results read needs, with no snippet or rank.
    Raises `QueryError`, and `SearchCancelled` when interrupted, as `search` does."""
    cancelled = cancelled or _never
    ids: list[str] = []
    try:
        seqs = match_rowids(conn, query)
        for start in range(0, len(seqs), _IDS_PER_QUERY):
            _check(cancelled)
            chunk = seqs[start : start + _IDS_PER_QUERY]
            rows = conn.execute(
                f"SELECT id FROM articles WHERE seq IN ({', '.join('?' * len(chunk))})", chunk
            )
            ids.extend(i for (i,) in rows)
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise SearchCancelled from None
        raise
    return ids


_IDS_PER_QUERY = 900  # under SQLite's oldest limit of 999 bound parameters


def _match(query: Query, include: Sequence[int], exclude: Sequence[int]) -> str:
    """The MATCH expression: the user's words in the text columns only (a word
    never matches a section id), then the section filters on the id column."""
    match = f"{_TEXT_COLUMNS} : ({query.to_fts5()})"
    if include:
        match += " AND section_id : (" + " OR ".join(f'"{i}"' for i in include) + ")"
    if exclude:
        match = f"({match}) NOT section_id : (" + " OR ".join(f'"{i}"' for i in exclude) + ")"
    return match


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
    ) -> SearchResult:
        """Like `search`; a string is parsed first (as typed: the last word is a
        prefix unless `prefix_last` is false), raising `QueryError` if it cannot be."""
        if isinstance(query, str):
            query = parse(query, prefix_last=prefix_last)
        with self._running:
            with self._state:
                self._active, self._cancel = True, False
            try:
                result = search(
                    self._conn, query, limit, offset=offset, order=order, cancelled=self._cancelled
                )
                # Interrupted after SQLite's last step: the answer is stale all the same.
                _check(self._cancelled)
                return result
            finally:
                with self._state:
                    self._active = False

    def ids(self, query: Query) -> list[str]:
        """Every story `query` finds (`matching_ids`), interruptible as `search` is."""
        with self._running:
            with self._state:
                self._active, self._cancel = True, False
            try:
                return matching_ids(self._conn, query, cancelled=self._cancelled)
            finally:
                with self._state:
                    self._active = False

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
