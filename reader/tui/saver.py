"""Store writes, one at a time, off the event loop.

Saving a bookmark takes a file lock, re-reads, merges and fsyncs: quick on a
good disk, slow on a bad one, and it must never hold up a keypress. Every call
that touches a store goes through one thread, in order, so the stores are never
used from two threads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from reader.atomic import StoreError
from reader.config import ConfigError


class Saver:
    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="news-save")
        self._on_error = on_error

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self._pool.submit(fn, *args)
        future.add_done_callback(self._report)
        return future

    def _report(self, future: Future[Any]) -> None:
        exc = future.exception()
        if isinstance(exc, StoreError | ConfigError):
            # The change stays in memory and is retried with the next one.
            self._on_error(f"{exc}. Kept in memory; will retry.")
        elif exc is not None:
            raise exc

    def close(self) -> None:
        """Wait for every write already asked for."""
        self._pool.shutdown(wait=True)
