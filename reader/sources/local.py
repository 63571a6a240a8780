"""Reading a file named by a person or found in a folder, safely: one place for it.

Dumps, feed files, Markdown files, OPML lists and bookmark files all come
from the disk, and a name on the disk can be anything: a FIFO (opening it
waits for a writer that never comes), a device (``/dev/zero`` never ends and
says it is 0 bytes long), a ``/proc`` file whose size is a lie, or a file of
gigabytes. So:

* only regular files are read. The file is opened without blocking and then
  checked (``fstat`` on what was opened, so it cannot be swapped in between),
  and anything else is refused at once, saying what it is;
* reads are capped by the bytes actually read, not by the size the file
  claims, and a file over its cap is refused, saying the cap;
* text is decoded once, here: UTF-8 with or without a BOM, bad bytes shown as
  ``�`` with a warning naming the lines where that happened.

Every refusal is a `LocalFileError`, an `OSError` whose ``strerror`` is the
reason, so code that already reports ``OSError``\\s reports these too.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "CHUNK_BYTES",
    "LocalFileError",
    "decode_text",
    "describe_size",
    "open_local",
    "read_head",
    "read_local",
]

CHUNK_BYTES = 1 << 20
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class LocalFileError(OSError):
    """A local file that is refused or cannot be read; ``strerror`` says why."""

    def __init__(self, code: int, reason: str, path: Path | str) -> None:
        super().__init__(code, reason, str(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def describe_size(limit: int) -> str:
    return f"{limit // 2**20:,} MB" if limit >= 2**20 else f"{limit:,} bytes"


def _too_large(path: Path | str, limit: int) -> LocalFileError:
    return LocalFileError(errno.EFBIG, f"too large (over {describe_size(limit)})", path)


def open_local(path: Path | str, limit: int) -> BinaryIO:
    """A regular file opened for reading, which raises `LocalFileError` once more
    than ``limit`` bytes have been read from it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise LocalFileError(errno.ENOENT, "no such file", path) from None
    except IsADirectoryError:
        raise LocalFileError(errno.EISDIR, "is a directory, not a file", path) from None
    except OSError as exc:
        raise LocalFileError(exc.errno or errno.EIO, f"cannot read: {exc.strerror}", path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            code = errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL
            raise LocalFileError(code, f"is {kind}, not a regular file", path)
        if info.st_size > limit:
            raise _too_large(path, limit)
        os.set_blocking(fd, True)
        raw = io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(_Capped(raw, limit, path), CHUNK_BYTES)


class _Capped(io.RawIOBase):
    """A raw file that counts what it gives and refuses to give more than a cap."""

    def __init__(self, raw: io.FileIO, limit: int, path: Path | str) -> None:
        self._raw, self._left, self._path, self._limit = raw, limit, path, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            count = self._raw.readinto(buffer) or 0
        except OSError as exc:
            raise LocalFileError(
                exc.errno or errno.EIO, f"cannot read: {exc.strerror}", self._path
            ) from None
        self._left -= count
        if self._left < 0:
            raise _too_large(self._path, self._limit)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


def read_local(path: Path | str, limit: int) -> bytes:
    """All of a regular file of at most ``limit`` bytes (see `open_local`)."""
    with open_local(path, limit) as handle:
        return handle.read()


def read_head(path: Path | str, count: int) -> bytes:
    """The first ``count`` bytes of a regular file, however long it is."""
    with open_local(path, 2**63 - 1) as handle:
        return handle.read(count)


SNIFF_BYTES = 4096  # what is read of a file to tell a feed from a dump


def looks_like_feed(head: bytes) -> bool:
    """Whether a file's first `SNIFF_BYTES` are a feed's (XML or a JSON Feed)
    rather than a dump's: a dump is plain text, which never starts with `<`
    or `{`. `news add FILE` and `news FILE` both tell them apart so."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start in (b"<", b"{") or head[:2] in (b"\xff\xfe", b"\xfe\xff")


def decode_text(raw: bytes, name: str) -> tuple[str, list[str]]:
    """UTF-8 with an optional BOM; bytes that are not UTF-8 are replaced, with a
    warning naming each line where that happened."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    bad = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
    shown = ", ".join(map(str, bad[:5])) + (" …" if len(bad) > 5 else "")
    line_word = "line" if len(bad) == 1 else "lines"
    warning = f"{name}: not valid UTF-8 on {line_word} {shown}; bad bytes shown as �"
    return raw.decode("utf-8", errors="replace"), [warning]
