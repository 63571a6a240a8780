"""Store writes, one at a time, off the event loop.

Saving a bookmark takes a file lock, re-reads, merges and fsyncs: quick on a
good disk, slow on a bad one, and it must never hold up a keypress. Every call
that touches a store goes through one thread, in order, so the stores are never
used from two threads at once.

An error on that thread must not vanish with its Future: each one is told to
the person at once (`on_error`, from the saver's thread), and one that lost
something is kept in `lost`, so the reader exits with a failure status and a
bug's traceback is printed when the terminal is back.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from textual.message import Message

from reader.atomic import StoreError
from reader.config import ConfigError


class Saver:
    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="news-save")
        self._on_error = on_error
        self._waiting: set[Future[Any]] = set()  # asked for and not yet done
        # Errors after which a change is gone (not kept for a retry), oldest first.
        self.lost: list[Exception] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self._pool.submit(self._run, fn, *args)
        self._waiting.add(future)
        future.add_done_callback(self._waiting.discard)
        return future

    @property
    def busy(self) -> bool:
        """Whether a write asked for has not been made yet: until it has, the
        files are behind what this reader shows (see `outside_watch`)."""
        return bool(self._waiting)

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        # Reported here, on the saver's thread: a Future's done callback runs on
        # whichever thread gets there first, and an exception raised in one is lost.
        try:
            return fn(*args)
        except Exception as exc:
            self._report(exc)
            raise

    def _report(self, exc: Exception) -> None:
        if isinstance(exc, StoreError):
            # The change stays in memory and is retried with the next one and on exit.
            self._on_error(f"{exc}. Kept in memory; will retry.")
            return
        self.lost.append(exc)
        if isinstance(exc, ConfigError):
            self._on_error(f"{exc}. Not saved.")
        else:
            self._on_error(
                f"Could not save: {type(exc).__name__}: {exc} "
                "(a bug in news: its traceback is printed when the reader exits)"
            )

    def close(self) -> None:
        """Wait for every write already asked for."""
        self._pool.shutdown(wait=True)

    def print_lost(self) -> None:
        """Once the terminal is back: what was not saved, in a line each, and a
        bug's traceback for its report (the toasts are gone with the screen)."""
        for exc in self.lost:
            if isinstance(exc, ConfigError):
                print(f"news: {exc}. Not saved.", file=sys.stderr)
            else:
                traceback.print_exception(exc, file=sys.stderr)


class SaveFailed(Message):
    """Posted to the app from the saver's thread: something was not saved."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
