"""`news doctor`: check a library and repair what can be repaired.

Two kinds of damage, two repairs:

* the search index no longer matches the stories (rows written around the
  triggers, an interrupted rebuild): FTS5's own `integrity-check` says so, and
  its `rebuild` makes the index again from the stories, in place;
* pages of the file are damaged (a disk error, a page overwritten): SQLite's
  `quick_check` says so. When the stories themselves can still be read (the
  damage is in the index or another derived structure) they are copied into a
  new library file, the index is rebuilt there, and the new file takes the
  old one's place; the old one is kept beside it as `<name>.damaged-<time>`.
  When the stories cannot be read, nothing is changed and the report says so.

Never used on a database that is not a news library (`db.refuse_foreign`).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reader.library.db import (
    NEWS_TABLES,
    SCHEMA_VERSION,
    LibraryError,
    open_library,
    refuse_foreign,
    transaction,
    user_version,
)

__all__ = ["Checkup", "examine"]

# The tables that hold what a person cannot fetch again, copied in this order
# (articles refer to sources and sections).
# id_moves too: marks not yet carried to their stories' new ids (`reader.identity`).
# schedule: the intervals the person gave their sources (`news add --every`).
COPIED_TABLES = (
    "meta",
    "sources",
    "sections",
    "articles",
    "id_moves",
    "sync_queue",
    "sync_marks",
    "schedule",
)
SHOWN_PROBLEMS = 3


@dataclass
class Checkup:
    """What `examine` found and did, in lines a person reads."""

    path: Path
    stories: int = 0
    found: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # damage that is still there

    @property
    def healthy(self) -> bool:
        return not self.left


def examine(path: Path) -> Checkup:
    """Check the library at `path` and repair what can be; raises `LibraryError`
    for a file that is not a news library or cannot be opened at all."""
    refuse_foreign(path)
    if not path.exists():
        raise LibraryError(f"{path}: no such library")
    checkup = Checkup(path)
    pages = _page_problems(path)
    if pages:
        checkup.found.append(f"damaged pages: {pages}")
        _rebuild_file(path, checkup)
    else:
        _check_index(path, checkup)
    if checkup.healthy:
        conn = open_library(path)
        try:
            checkup.stories = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    return checkup


def _page_problems(path: Path) -> str:
    """SQLite's quick_check of the file: "" when it is sound."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        rows = [row[0] for row in conn.execute(f"PRAGMA quick_check({SHOWN_PROBLEMS})")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return "" if rows == ["ok"] else "; ".join(" ".join(r.split()) for r in rows)


def _index_problem(conn: sqlite3.Connection) -> str:
    """FTS5's check that the index matches the stories: "" when it does."""
    try:
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return ""


def _check_index(path: Path, checkup: Checkup) -> None:
    conn = open_library(path)
    try:
        problem = _index_problem(conn)
        if not problem:
            return
        checkup.found.append(f"search index does not match the stories ({problem})")
        with transaction(conn):
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        if again := _index_problem(conn):
            checkup.left.append(f"search index still damaged after a rebuild ({again})")
        else:
            checkup.repaired.append("search index rebuilt from the stories")
    finally:
        conn.close()


def _rebuild_file(path: Path, checkup: Checkup) -> None:
    """Copy the stories into a new file, index them there, and swap the files."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    fresh = path.with_name(f"{path.name}.rebuilding-{stamp}")
    try:
        _copy_tables(path, fresh)
    except (sqlite3.DatabaseError, LibraryError) as exc:
        for leftover in _with_journals(fresh):
            leftover.unlink(missing_ok=True)
        checkup.left.append(
            f"the tables cannot be read ({exc}); nothing was changed. Move the file"
            " aside (the reader then starts a new library) and add your sources again"
        )
        return
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    for old, new in zip(_with_journals(path), _with_journals(kept), strict=True):
        if old.exists():
            os.replace(old, new)
    os.replace(fresh, path)
    checkup.repaired.append(
        f"stories copied into a new library file, search index rebuilt; the damaged file"
        f" is kept as {kept.name}"
    )


def _copy_tables(damaged: Path, fresh: Path) -> None:
    old = sqlite3.connect(damaged, isolation_level=None)
    try:
        version = user_version(old)
        tables = {name for (name,) in old.execute("SELECT name FROM sqlite_schema")}
    finally:
        old.close()
    if version != SCHEMA_VERSION or not NEWS_TABLES.issubset(tables):
        raise LibraryError(f"schema {version} where {SCHEMA_VERSION} is expected")
    conn = open_library(fresh)
    try:
        conn.execute("ATTACH DATABASE ? AS damaged", (str(damaged),))
        with transaction(conn):
            for table in COPIED_TABLES:
                # `WHERE true` reads row by row: a bare `INSERT ... SELECT *`
                # lets SQLite copy the damaged file's index b-trees verbatim
                # (its transfer optimisation), failing on a damaged index.
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM damaged.{table} WHERE true")
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        conn.execute("DETACH DATABASE damaged")
        if problem := _index_problem(conn):
            raise LibraryError(problem)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _with_journals(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
