"""A big feed file read in a process of its own: its entries parsed and made
stories on one core while the library stores them on the other.

Why a process: making a story is mostly Python (lxml's entries taken apart,
the Markdown's plain text, titles, dates, ids), which holds the interpreter's
lock, and so is storing it (SQLite lets go of the lock only inside its own
calls). On threads the two took turns; in two processes they run side by side
(`bench/import.py`; the figures are in the README's Speed section).

How: the child (`serve`, a fresh interpreter, never a fork: the reader may be
the TUI, whose threads' locks a fork would copy held) reads the file with
`feed.stream_feed_file` exactly as this process would, and writes each batch
to its standard output as `marshal` data (each story a tuple of its fields:
marshal cannot make anything but plain values, and reads back in half the
time pickle takes). The stories are sent made whole, their plain text
among them: this process stores them, and storing (the rows, the full-text
index) is the longer of the two jobs, so whatever can be made in the child
is made there (see `_article`). `FeedProcess` reads them back in order, a
`FeedStream` like any other: what the child learns of the file (a
`FeedError`'s reason, the warnings, the feed's title, link and ttl) comes back
too, so the stream reads the same either way (`tests/unit/test_feed_import.py`
holds both ways to the same rows).

If the child stops without its last message (killed, out of memory, a crash
in compiled code) the stream raises `FeedError` with the last line it wrote
to its error output; the batches stored before stay, as when a file is cut
short. `stop` kills the child (storing failed, Ctrl+C, the app quitting); the
child ignores Ctrl+C itself, so that it is this process that decides, and it
stops on its own once this process is gone (its next write finds no reader).
"""

from __future__ import annotations

import marshal
import os
import queue
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from reader.model import Article
from reader.sanitize import clean_line
from reader.sources.feed import (
    BATCH_ARTICLES,
    PROCESS_MIN_BYTES,
    FeedError,
    FeedStream,
    check_feed_file,
    stream_feed_file,
)
from reader.sources.feed_stream import Header

__all__ = ["FeedProcess", "reading_early", "serve", "taken"]

# An Article's fields as sent, a tuple: all but `blocks`, which a story kept
# as Markdown does not have (the process is used only with `to_blocks=None`),
# and `updated` and `rest`, which a story just read never has.
_ROW = attrgetter(
    "id", "section", "title", "source", "standfirst", "url", "author", "published", "words",
    "markdown", "text", "feed_key",
)  # fmt: skip
_LENGTH = struct.Struct("<Q")
_ROOT = Path(__file__).resolve().parents[2]  # the folder `reader` is imported from
_CHILD = "from reader.sources.feed_process import serve; serve()"
# The child makes and sends stories this many at a time, and this process
# gathers them into batches: the child then holds a quarter of a batch, not a
# whole one (its peak memory 85 MB with 1,000 at a time, 45 MB with 250).
CHILD_BATCH = 250
# Messages read from the child and not yet taken, at most: while the library
# stores a batch, the child goes on with the next (with none held here it
# waited for the pipe, 64 KB, to be read at each message of 1.7 MB). Four, a
# batch: the child makes stories twice as fast as they are stored, so more
# only held more memory (the stories are held made whole, 3.4 MB a message
# at 250 of `bench/import.py`'s; eight took its peak from 158-173 MB to 179).
QUEUED_MESSAGES = 4


class FeedProcess(FeedStream):
    """A feed file's batches of stories, made by a child process (see the
    module docstring). The child starts at once; iterate once, as any stream."""

    def __init__(self, path: str | Path, *, section: str | None, batch: int, total: int) -> None:
        self.source, self.header, self.warnings = str(path), Header(), []
        self.total, self._done, self._batch = total, 0, batch
        if not sys.executable:  # an embedded Python: no interpreter to start
            raise OSError("no Python interpreter to read the feed in")
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the stream)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(_ROOT), env.get("PYTHONPATH"))))
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                env=env,
            )
        except BaseException:
            self._errors.close()
            raise
        stdin = self._child.stdin
        assert stdin is not None and self._child.stdout is not None
        self._out: IO[bytes] = self._child.stdout
        with stdin:
            stdin.write(marshal.dumps((str(path), section, min(batch, CHILD_BATCH))))
        # The child's messages are read as they come, on a thread of its own, so
        # it never waits for this process to want them (see QUEUED_MESSAGES);
        # its rows are made stories there too (`_article`), while this
        # thread stores the batch before (SQLite lets go of the interpreter's
        # lock as it works). A message, or what went wrong reading one.
        self._messages: queue.Queue[tuple[Any, ...] | Exception | None] = queue.Queue(
            QUEUED_MESSAGES
        )
        self._pump = threading.Thread(target=self._receive, name="feed-receiver", daemon=True)
        self._pump.start()

    @property
    def done(self) -> int:
        return self._done

    def stop(self) -> None:
        """Kill the child if it still runs: safe from any thread, and the
        reading under way then ends at once."""
        self._child.kill()  # nothing when it has ended (Popen knows)

    def __iter__(self) -> Iterator[list[Article]]:
        """Batches of `batch` stories; but in the file's last batch, when the
        child is behind (no message waits), what has come so far: storing then
        goes on while the child makes the rest, and what is left to store
        when it ends is its last message, not a whole batch (storing 1,000
        stories takes 0.15 s, 250 a quarter of that)."""
        batch: list[Article] = []
        stories = 0
        try:
            while True:
                message = self._read()
                if message[0] == "batch":
                    batch += message[1]
                    stories += len(message[1])
                    done = self._done = message[2]
                    # The stories still to come, guessed from the bytes read so far.
                    left = (self.total - done) * stories / max(done, 1)
                    last = left < self._batch and self._messages.empty()
                    if len(batch) >= self._batch or (batch and last):
                        yield batch
                        batch = []
                elif message[0] == "end":
                    _, (self.header.name, self.header.link, self.header.ttl), warnings = message
                    self.warnings.extend(warnings)
                    self._done = self.total
                    if batch:
                        yield batch
                    return
                else:
                    raise FeedError(self.source, message[1])
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child and let go of its pipe and its error output (for a
        stream not iterated to its end, or not at all)."""
        self.stop()
        while self._pump.is_alive():  # it may wait to hand over a message
            with suppress(queue.Empty):
                self._messages.get(timeout=0.05)
        self._child.wait()
        self._out.close()
        self._errors.close()

    def _receive(self) -> None:
        """On the thread: each message as it comes, its rows made stories,
        then None; or the error making one gave (the child is stopped)."""
        try:
            while data := self._next():
                self._messages.put(_message(data))
        except Exception as exc:  # a bug: said where the stories are taken
            self.stop()
            self._messages.put(exc)
        finally:
            self._messages.put(None)

    def _next(self) -> bytes:
        """The next message's bytes; empty once the pipe ends or is closed."""
        try:
            if len(head := self._out.read(_LENGTH.size)) == _LENGTH.size:
                size = _LENGTH.unpack(head)[0]
                if len(data := self._out.read(size)) == size:
                    return data
        except (OSError, ValueError):  # the pipe closed under it
            pass
        return b""

    def _read(self) -> tuple[Any, ...]:
        message = self._messages.get()
        if isinstance(message, Exception):
            raise message
        if message is None:
            self._messages.put(None)  # and for any later read
            raise FeedError(self.source, self._why_stopped())
        return message

    def _why_stopped(self) -> str:
        """The child's last words, for a child that stopped halfway."""
        status = self._child.wait()
        self._errors.seek(0)
        lines = [
            clean_line(line) for line in self._errors.read().decode(errors="replace").split("\n")
        ]
        last = next((line for line in reversed(lines) if line), "")
        if status < 0:
            last = last or f"killed by {signal.Signals(-status).name}"
        return f"its reader stopped ({last or f'exit status {status}'})"


# Readers started before they were asked for (`reading_early`): the file's
# path -> what the file was then (device, inode, size, time), and the reader.
_early: dict[str, tuple[tuple[int, ...], FeedProcess]] = {}


@contextmanager
def reading_early(path: str | Path) -> Iterator[None]:
    """Start reading a big feed file now, while the caller does what comes
    before asking for it (`news add`: opening the library, making it the
    first time); `stream_feed_file` takes the reader (`taken`) when it is
    asked for the same file, unchanged, with the same settings. A reader not
    taken by the end of the block is stopped. Only XML is read early: a JSON
    Feed is read whole, here, never by a reader process.

    The file's strict XML check, which must pass before any of its stories
    is stored (`feed.open_feed`), starts now too, on a thread of this
    process: made once the library was open, it held back the first batch
    while the reader already had it (0.1 s of `news add` at 10,000 stories,
    more on a busy machine). A check not waited for runs to its end on its
    daemon thread, as the command ends."""
    key = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size >= PROCESS_MIN_BYTES and _xml(path):
            reader = FeedProcess(path, section=None, batch=BATCH_ARTICLES, total=info.st_size)
            reader.checked_root = _checking(path)
            _early[key] = (_identity(info), reader)
    except OSError:
        pass  # read when asked for, which says what is wrong
    try:
        yield
    finally:
        if (left := _early.pop(key, None)) is not None:
            left[1].close()


def taken(path: str | Path, section: str | None, batch: int, total: int) -> FeedProcess | None:
    """The reader `reading_early` started for this file, if it reads what is
    asked for now; else None (and a reader that does not is stopped)."""
    found = _early.pop(str(path), None)
    if found is None:
        return None
    identity, reader = found
    try:
        same = identity == _identity(os.stat(path))
    except OSError:
        same = False
    if same and section is None and batch == BATCH_ARTICLES and total == reader.total:
        return reader
    reader.close()
    return None


def _checking(path: str | Path) -> Callable[[], str]:
    """`check_feed_file(path)` started on a thread of its own; the function
    returned waits for its answer (the root's name, or what it raised)."""
    answer: Future[str] = Future()

    def check() -> None:
        try:
            answer.set_result(check_feed_file(path))
        except BaseException as exc:  # given to whoever waits for the answer
            answer.set_exception(exc)

    threading.Thread(target=check, name="feed-check", daemon=True).start()
    return answer.result


def _xml(path: str | Path) -> bool:
    with open(path, "rb") as handle:  # a regular file: `reading_early` checked
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"<"


def _identity(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _message(data: bytes) -> tuple[Any, ...]:
    """A message as the child sent it, a batch's rows made stories."""
    message = marshal.loads(data)
    if message[0] == "batch":
        return ("batch", list(map(_article, message[1])), *message[2:])
    return tuple(message)


def _article(row: tuple[Any, ...]) -> Article:
    """The story sent as `_ROW`."""
    ident, section, title, source, standfirst, url, author, published, words, *rest = row
    markdown, text, key = rest
    return Article(
        id=ident, section=section, title=title, blocks=(), source=source,
        standfirst=standfirst, url=url, author=author, published=published, words=words,
        markdown=markdown, text=text, feed_key=key,
    )  # fmt: skip


def _send(out: IO[bytes], message: tuple[Any, ...]) -> None:
    data = marshal.dumps(message)
    out.write(_LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def serve() -> None:
    """The child: read the file named on standard input, send its batches."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides (see the docstring)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to the error output, not among the batches
    path, section, batch = marshal.loads(sys.stdin.buffer.read())
    try:
        stream = stream_feed_file(
            path,
            section=section,
            to_blocks=None,
            batch=batch,
            process=False,
            checked=True,
        )
        for articles in stream:
            rows = list(map(_ROW, articles))
            _send(out, ("batch", rows, stream.done))
            del articles, rows  # not held while the next batch is made
        header = stream.header
        _send(out, ("end", (header.name, header.link, header.ttl), stream.warnings))
    except FeedError as exc:
        _send(out, ("failed", exc.reason))
    except BrokenPipeError:
        os._exit(1)  # the parent is gone, or stopped reading: nothing to say it to
