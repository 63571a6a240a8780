"""Opening the library's SQLite file: connections, transactions, migrating it.

The schema itself, and each migration to it, is in `schema`: apart because a
shipped migration never changes, while how a connection is opened, checked
and configured (WAL, foreign keys, a second connection for a search thread)
is ordinary code. Here is what every other library module needs to talk to
the file: `open_library`, `reopen`, `transaction`, and the two shapes of
statement that recur across them (`select_in` for a list of ids of any
length, `put_row` for one row set by its key).

A library made by a newer reader is refused rather than damaged, and a
database of another program is left as it was (`refuse_foreign`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from reader.config import LIBRARY_ENV, data_dir
from reader.library.schema import MIGRATIONS, NEWS_TABLES, SCHEMA_VERSION

__all__ = [
    "IDS",
    "LIBRARY_ENV",
    "MIGRATIONS",
    "NEWS_TABLES",
    "SCHEMA_VERSION",
    "LibraryConnection",
    "LibraryError",
    "damaged",
    "default_path",
    "in_chunks",
    "migrate",
    "open_library",
    "put_row",
    "refuse_foreign",
    "reopen",
    "select_in",
    "transaction",
    "user_version",
]

FILENAME = "library.sqlite"
MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 5000
DOCTOR_HINT = "`news doctor` checks it and repairs what it can"


class LibraryError(Exception):
    """The library file cannot be used; the message names it and says why."""


T = TypeVar("T")
IDS_PER_QUERY = 500  # well under SQLite's oldest limit of 999 bound parameters
IDS = "{ids}"  # where `select_in` puts a chunk's `?, ?, …`


def in_chunks(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """`values` a query's worth at a time, each part with the `?, ?, …` its
    `IN (…)` needs: a list of ids of any length asked about in a few queries."""
    for start in range(0, len(values), IDS_PER_QUERY):
        chunk = values[start : start + IDS_PER_QUERY]
        yield chunk, ", ".join("?" * len(chunk))


def select_in(
    conn: sqlite3.Connection, sql: str, values: Iterable[object], *before: object
) -> Iterator[Any]:
    """The rows `sql` gives for every one of `values`, however many: its
    `IN ({ids})` (`IDS`, written as is, not as an f-string) takes them a
    query's worth at a time, after the parameters `before`, each value once
    (a value twice would come back twice from two chunks). Rows come chunk
    by chunk, so an ORDER BY orders each chunk only."""
    for chunk, marks in in_chunks(list(dict.fromkeys(values))):
        yield from conn.execute(sql.replace(IDS, marks), (*before, *chunk))


def put_row(
    conn: sqlite3.Connection, table: str, key: tuple[str, object], **values: object
) -> None:
    """Set one row of `table` in a transaction of its own: inserted, or, where
    a row has this key (a column with a unique index, and its value), only
    the columns given are changed and the others kept. Table and column names
    come from this package's code, never from outside."""
    column, value = key
    names = [column, *values]
    changes = ", ".join(f"{name} = excluded.{name}" for name in values)
    with transaction(conn):
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            f" ON CONFLICT ({column}) DO UPDATE SET {changes}",
            (value, *values.values()),
        )


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
