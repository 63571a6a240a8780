"""The reader's journal for the sync queue: every read, unread, star and unstar
`Reading` makes is written to the library's queue (`Library.queue_changes`),
which keeps only those of synced stories.

The write is handed to the reader's saver (one thread for every store write,
in order), so a keypress never waits for SQLite, and a change reaches the
queue after the read mark it goes with. That thread gets a connection of its
own to the library, opened on its first write: a connection is used by one
thread at a time.

It also remembers when (a count of calls, `tick`) each story was last changed
here, so marks a sync brings back (`Reading.take_in`) leave alone a story the
person changed while that sync ran: the change is queued and wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reader.library.db import LibraryConnection, reopen

if TYPE_CHECKING:
    from reader.library.articles import Library

__all__ = ["QueueJournal"]


class QueueJournal:
    """Call it as `Reading`'s journal: `journal(ids, action)`."""

    def __init__(self, conn: LibraryConnection, save: Callable[..., Any]) -> None:
        self._conn = conn
        self._save = save
        self._library: Library | None = None
        self.tick = 0
        self._touched: dict[str, int] = {}

    def __call__(self, article_ids: Sequence[str], action: str) -> object:
        self.tick += 1
        self._touched.update(dict.fromkeys(article_ids, self.tick))
        return self._save(self._write, list(article_ids), action)

    def touched_since(self, tick: int) -> set[str]:
        """The stories changed here after `tick`."""
        return {i for i, when in self._touched.items() if when > tick}

    def forget(self, tick: int) -> None:
        """Drop what was changed up to `tick`: no sync begun before it is left."""
        self._touched = {i: when for i, when in self._touched.items() if when > tick}

    def _write(self, article_ids: list[str], action: str) -> int:
        if self._library is None:
            from reader.library.articles import Library

            self._library = Library(reopen(self._conn, check_same_thread=False))
        return self._library.queue_changes(article_ids, action)

    def close(self) -> None:
        """Close the connection (on the thread that used it, through the saver)."""
        if self._library is not None:
            self._library.close()
            self._library = None
