"""Keeping what native code writes to the error stream off the reader's screen.

Textual draws every frame on the process's error stream (file descriptor 2,
through ``sys.__stderr__``), and that is also where compiled libraries write
without asking Python: the HTML converter's Rust core prints a panic message
there when a feed's nesting trips it (the story is still kept, see
``reader.sources.html``), and a browser started by ``o`` may print warnings
there too. Written in the middle of a frame, those bytes land on top of the
stories as stray text, and what they moved stays wrong until the next full
repaint.

So while the reader owns the terminal, descriptor 2 points at a log file in
the data directory and Textual draws on a copy of the terminal's descriptor
instead: the screen stays the reader's, and what a library said is still there
to read afterwards (the last run's only, so the file never grows). Python's
own ``sys.stderr`` follows the terminal too, so a crash's traceback is still
printed where the person sees it once the reader has closed. Nothing changes
when the error stream is not a terminal (``news 2>file``): then nothing of
the library's can reach the screen.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

LOG_NAME = "stderr.log"


@contextlib.contextmanager
def native_stderr_to(log: Path) -> Iterator[None]:
    """Within this block, writes to descriptor 2 go to `log`, and
    ``sys.stderr`` / ``sys.__stderr__`` write to the terminal."""
    original = sys.__stderr__
    if original is None or not _is_terminal(2):
        yield
        return
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        sink = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError:
        sink = os.open(os.devnull, os.O_WRONLY)  # a data directory we cannot write to
    terminal = os.fdopen(
        os.dup(2), "w", buffering=1, encoding=original.encoding, errors=original.errors
    )
    before = sys.stderr
    original.flush()
    os.dup2(sink, 2)
    os.close(sink)
    # Final to type checkers, but it is where Textual's driver finds the terminal.
    sys.__stderr__ = sys.stderr = terminal  # type: ignore[misc]
    try:
        yield
    finally:
        terminal.flush()
        original.flush()  # anything Python wrote to descriptor 2 itself goes to the log
        os.dup2(terminal.fileno(), 2)
        sys.__stderr__, sys.stderr = original, before  # type: ignore[misc]
        terminal.close()


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False
