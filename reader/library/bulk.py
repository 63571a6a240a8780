"""Settings for a long run of writes (a feed file read as a stream, one
transaction a batch): a bigger page cache, the WAL copied back into the
database on a thread of its own instead of inside each commit, and the
search index's segments merged less often.

Apart from `store` because these are about the file, not the stories: how
SQLite's cache and checkpoints behave over many transactions, and a second
connection with a thread to drive it.

Why each, measured on the 10,000-item benchmark feed (`bench/import.py`,
`/tmp` scripts alternating the two ways, load 4-5 on the 2 cores):

* The page cache. With SQLite's default 2 MB, a batch of 1,000 stories (12
  MB of pages) spills the article indexes' pages to the WAL and reads them
  back a batch later; with 16 MB kept for the whole stream, storing took
  0.2-0.3 s less CPU (of 1.8 s), for 16 MB more memory at most.
* The checkpoints. SQLite copies the WAL into the database at the first
  commit past 1,000 pages, which for a stream is every batch's commit, and
  waits there for two fsyncs: 0.35-0.4 s of CPU and 0.7-0.9 s of wall time
  on the writer's thread, which nothing else can do in its place. A PASSIVE
  checkpoint from another connection copies the same frames while the writer
  goes on with the next batch (WAL allows it: the checkpoint never blocks the
  writer, and the writer starts the WAL over once all of it is copied), so
  the writer's commits took 0.2 s instead of 0.7-0.9.
* The index's merges. FTS5 writes each batch's entries as a segment of the
  index and, by default, merges four segments of a level into one of the
  next (`automerge`), rewriting most of the index once at 10,000 stories.
  Merging sixteen at a time instead took storing from 1.64-1.86 s of the
  writer's CPU to 1.35-1.40, leaving the 10,000 stories in ten segments
  instead of four; the same queries (counts and ranked pages of one- and
  two-letter prefixes, words, two words) took the same time over either
  index (305 against 295 ms for ten of them, medians of fifteen runs, within
  what runs vary by). The index's own setting comes back after, and the
  stories and their search results are the same either way.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.library.db import LibraryConnection, reopen, transaction

__all__ = [
    "BULK_AUTOMERGE",
    "BULK_CACHE_KIB",
    "WAL_CAP_BYTES",
    "Checkpointer",
    "automerge",
    "bulk_writes",
    "set_automerge",
]

BULK_CACHE_KIB = 16384
# The WAL's size past which the writer waits for the checkpoint (see `Checkpointer`).
WAL_CAP_BYTES = 48 << 20
# Segments of a level FTS5 merges at once during a long run of writes (its default is 4).
BULK_AUTOMERGE = 16
DEFAULT_AUTOMERGE = 4


class Checkpointer:
    """Checkpoints the WAL from a connection of its own, on a thread of its
    own, each time `written` says a transaction was committed.

    The WAL starts over from its beginning only when a write transaction
    begins with all of it copied, which a checkpoint running beside the writer
    rarely allows: left alone, the WAL grew to the size of the whole import
    (180 MB at 10,000 stories). So once it holds more than `WAL_CAP_BYTES`,
    the writer waits for the checkpoint under way before going on, and its
    next transaction starts the WAL over: one wait every few batches, where
    SQLite's own checkpoints waited at every one. One transaction bigger than
    the cap still takes what it needs (the index merging sixteen segments at
    once: the WAL reached 123 MB importing 100,000 stories).

    What the WAL holds is read from its file's size, so `bulk_writes` has
    SQLite cut the file back to the cap when the WAL starts over
    (`journal_size_limit`): it is written again from its beginning, and a
    file left at the size it had passed the cap at every batch from then on,
    and the writer waited at each (at 10,000 stories from the fifth batch:
    0.05-0.15 s a batch at load 13, where the checkpoint beside the writer
    had nothing to wait for)."""

    def __init__(self, conn: LibraryConnection) -> None:
        self._wal = Path(f"{conn.location}-wal")
        self._other = reopen(conn, check_same_thread=False)
        self._changed = threading.Condition()
        self._asked = self._done = 0
        self.waits = 0  # the writer's waits for a checkpoint (`bench/import_trace.py`)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)
        self._thread.start()

    def written(self) -> None:
        """A transaction was committed: copy what the WAL holds, on the thread;
        when it holds too much, wait until that is done."""
        with self._changed:
            self._asked += 1
            asked = self._asked
            self._changed.notify_all()
            if _size(self._wal) > WAL_CAP_BYTES:
                self.waits += 1
                self._changed.wait_for(lambda: self._done >= asked or self._stopping)

    def stop(self) -> None:
        """Wait for a checkpoint under way, then close the connection. What
        the WAL still holds is copied by SQLite's own checkpoints (the next
        commit past its limit, or the last connection closing)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._thread.join()
        self._other.close()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._asked > self._done or self._stopping)
                if self._stopping:
                    return
                asked = self._asked
            try:
                self._other.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                # Nothing is lost: the WAL keeps every committed page, and the
                # writer's own checkpoints take over once `bulk_writes` ends.
                with self._changed:
                    self._stopping = True
                    self._changed.notify_all()
                return
            with self._changed:
                self._done = asked
                self._changed.notify_all()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def bulk_writes(conn: LibraryConnection) -> Iterator[Checkpointer | None]:
    """The bigger cache and the background checkpoints while the block runs,
    then the connection's settings as they were. Gives the `Checkpointer` to
    tell of each commit (None for a library in memory, which has no WAL)."""
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    checkpointer: Checkpointer | None = None
    limit = size_limit = 0
    merge = automerge(conn)
    if merge == BULK_AUTOMERGE:  # left by an import that could not set it back
        merge = DEFAULT_AUTOMERGE
    try:
        set_automerge(conn, BULK_AUTOMERGE)
        if not conn.memory:
            (limit,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
            (size_limit,) = conn.execute("PRAGMA journal_size_limit").fetchone()
            checkpointer = Checkpointer(conn)
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            conn.execute(f"PRAGMA journal_size_limit = {WAL_CAP_BYTES}")
        yield checkpointer
    finally:
        if checkpointer is not None:
            checkpointer.stop()
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(limit)}")
            conn.execute(f"PRAGMA journal_size_limit = {int(size_limit)}")
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        failing = sys.exc_info()[1] is not None
        try:
            set_automerge(conn, merge)
        except sqlite3.Error:
            # After a failed import (a full disk, say) its error is the one to
            # see; sixteen left in the index's config only merges less often.
            if not failing:
                raise


def automerge(conn: LibraryConnection) -> int:
    """The search index's `automerge`, as set in its config table (FTS5's
    default when it was never set)."""
    row = conn.execute("SELECT v FROM articles_fts_config WHERE k = 'automerge'").fetchone()
    return int(row[0]) if row is not None else DEFAULT_AUTOMERGE


def set_automerge(conn: LibraryConnection, segments: int) -> None:
    """Set the index's `automerge` (kept in the file, as FTS5 keeps it)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', ?)", (segments,)
        )
