"""Files that must not be lost: atomic writes, a lock, corrupt files set aside.

Bookmarks and reading state are the only things the reader keeps that the user
cannot fetch again, and several copies of the reader may run at once. So a file
is never written in place (a crash would leave half of it), two processes never
read-merge-write at the same time, and a file we cannot understand is moved aside
rather than overwritten. `Document` puts the three together for a JSON file that
is changed by small operations.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

LOCK_TIMEOUT = 5.0  # seconds; a save holds the lock for milliseconds
# The most a store file may hold: thousands of times what a person's bookmarks
# take, and a bound on what a file that is not one (a link to /dev/zero) costs.
MAX_BYTES = 64 * 1024 * 1024


class StoreError(Exception):
    """A file the reader keeps cannot be read or saved. The message names the file
    and the reason in words fit to show the user."""


def describe(exc: OSError) -> str:
    """'read-only file system' rather than '[Errno 30] Read-only file system: ...',
    since the message it goes into already names the file."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def write_json_atomic(path: Path, data: Any) -> None:
    """Replace `path` with `data` as indented JSON, so that after a crash the file
    holds either the old document or the new one, never a mix.

    The temporary file sits in the same directory because `os.replace` is atomic
    only within one file system; the directory is synced too, or the rename itself
    could be lost on power failure. The parent directory is created if missing.
    Raises OSError; the old file is then untouched and no temporary file is left.
    """
    try:
        raw = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only a \u escape can carry it
        raw = (json.dumps(data, indent=2) + "\n").encode("ascii")
    write_bytes_atomic(path, raw)


def write_bytes_atomic(path: Path, raw: bytes) -> None:
    """Replace `path` with `raw` the same careful way (see `write_json_atomic`)."""
    import tempfile  # writers only: reading at start-up does without it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_temp_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temp_files(path: Path) -> None:
    """Delete temporary files a killed writer left beside `path`. Call it only
    under `locked(path)`: then no live writer can own one of them."""
    import glob

    for stale in path.parent.glob(f"{glob.escape(_temp_prefix(path))}*.tmp"):
        stale.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold `path` + ".lock" so that one process at a time reads, merges and writes.

    The lock file is opened here first because filelock takes an unwritable
    directory for a busy lock and would wait out the whole timeout, then report
    the wrong reason. Raises OSError when the lock file cannot be created, and
    StoreError when another process holds the lock for longer than `timeout`
    (`LOCK_TIMEOUT` when not given).
    """
    lock_path = path.with_name(path.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644))
    # Only writers need filelock: importing it here keeps it off the way to the first screen.
    from filelock import FileLock, Timeout

    if timeout is None:  # read here, not at import, so a test may lengthen it
        timeout = LOCK_TIMEOUT
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise StoreError(
            f"cannot lock {path}: another process has held {lock_path} "
            f"for over {timeout:g} s (if no reader is running, delete that file)"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def set_aside(path: Path, tag: str = "corrupt") -> Path:
    """Rename `path` to e.g. `bookmarks.json.corrupt-20261127-153000` and return
    the new path, so the user can still recover what was in it.

    An existing file is never overwritten: a hard link fails if the name is taken,
    and then the next suffix (-2, -3, ...) is tried. Where the file system has no
    hard links, it falls back to checking before renaming.
    """
    base = f"{path.name}.{tag}-{_stamp()}"
    target = path.with_name(base)
    n = 1
    while True:
        try:
            os.link(path, target)
        except FileExistsError:
            pass
        except OSError:
            if not target.exists():
                os.rename(path, target)
                return target
        else:
            os.unlink(path)
            return target
        n += 1
        target = path.with_name(f"{base}-{n}")


class Unusable(Exception):
    """The file exists but cannot be taken as a document of this kind."""

    def __init__(self, reason: str, tag: str = "corrupt") -> None:
        super().__init__(reason)
        self.reason = reason  # completes "<path> ...", e.g. "is not valid JSON (...)"
        self.tag = tag  # names the set-aside copy


T = TypeVar("T")
Op = Callable[[T], None]


Stamp = tuple[int, int, int]


def file_stamp(path: Path) -> Stamp | None:
    """What tells a changed file from the one read: size, modification time
    and inode (an atomic save replaces the file); None when there is none."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


class Document(ABC, Generic[T]):
    """A versioned JSON file that several processes change at once without losing
    each other's changes.

    Each change is an operation applied at once to the in-memory value and kept in
    a log. Saving takes the lock, reads what is on disk now (another process may
    have saved since), replays the log on top, writes atomically and only then
    forgets the log. A save that fails (read-only directory, full disk) therefore
    loses nothing: the change stays in memory and in the log, `pending` is true,
    and the next change or `flush()` tries again.

    Operations must set rather than increment (add if absent, remove, set a
    field): a save can fail after the file was replaced (syncing the directory),
    and then the same operation is replayed on a file that already has it.

    Subclasses say what the value is: `_empty`, `_parse` (raise ValueError with a
    reason when the content is wrong) and `_dump`, plus `label` for messages and
    `default_path` for where the file lives when none is given.
    """

    version: ClassVar[int] = 1
    label: ClassVar[str] = "data"

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._value: T = self._empty()
        self._pending: list[tuple[Hashable | None, Op[T]]] = []
        self._swept = False  # stale temporary files are looked for once a session
        # A message for the user when the file could not be used as it was.
        self.problem: str | None = None
        # For a watcher telling another process's save from this one's own
        # (`tui.outside_watch`), so this one's are not read back: the file as
        # last read or written here, and how many saves found another's
        # changes in it and merged them. Set on the saving thread; a save
        # under way only makes a watcher read the file once more.
        self.known: Stamp | None = None
        self.merges = 0

    @classmethod
    @abstractmethod
    def default_path(cls) -> Path: ...

    @abstractmethod
    def _empty(self) -> T: ...

    @abstractmethod
    def _parse(self, data: dict[str, Any]) -> T: ...

    @abstractmethod
    def _dump(self, value: T) -> dict[str, Any]: ...

    @property
    def path(self) -> Path:
        """Resolved on first use, not at construction, so that building a store
        never depends on the environment being ready."""
        if self._path is None:
            self._path = self.default_path()
        return self._path

    @property
    def pending(self) -> bool:
        """True while some change has not reached the file."""
        return bool(self._pending)

    def load(self) -> None:
        """Read the file; a missing file is an empty document.

        A file that cannot be used is moved aside and `problem` says where it went;
        one that cannot even be read is left alone, and saving then fails rather
        than replace it. Changes not yet saved are replayed on what was read.
        """
        self.problem = None
        known = file_stamp(self.path)  # before reading: a save meanwhile looks new
        try:
            value = self._read()
        except Unusable as bad:
            try:
                with locked(self.path):
                    value = self._read_locked()
            except StoreError as exc:
                self.problem = str(exc)
                value = self._empty()
            except OSError as exc:
                self.problem = self._stuck(exc, bad)
                value = self._empty()
        except OSError as exc:
            self.problem = (
                f"cannot read {self.label} from {self.path}: {describe(exc)}; "
                f"news goes on with no {self.label} and will not save over that file"
            )
            value = self._empty()
        for _, op in self._pending:
            op(value)
        self._value = value
        self.known = known

    def follow(self) -> None:
        """Read the file again as another process left it, after a watcher took
        in what it holds (`peek`); by then it may be half-way through a hand
        edit, which is left as it is, and so is the value here: the watcher
        reads it again when it changes (`load` would set it aside)."""
        known = file_stamp(self.path)
        try:
            value = self._read()
        except (Unusable, OSError):
            return
        for _, op in self._pending:
            op(value)
        self._value, self.known = value, known

    def peek(self) -> T | None:
        """What the file holds now, read without changing anything here: for
        following what another process saved. None when it cannot be used as
        it is (a file half-way through a hand edit, perhaps); `load` is what
        sets such a file aside."""
        try:
            return self._read()
        except (Unusable, OSError):
            return None

    def flush(self) -> None:
        """Save the changes not yet saved, if any. Raises StoreError."""
        if self._pending:
            self._save()

    def _change(self, op: Op[T], *, key: Hashable | None = None, save: bool = True) -> None:
        """Apply `op` now and log it for the next save. Operations given the same
        `key` set the same thing, so only the newest of them is kept."""
        op(self._value)
        if key is not None:
            self._pending = [(k, o) for k, o in self._pending if k != key]
        self._pending.append((key, op))
        if save:
            self._save()

    def _save(self) -> None:
        try:
            with locked(self.path):
                # If the file went bad since it was loaded, what this process
                # knows is better than nothing; replaying the log on it is harmless.
                if file_stamp(self.path) != self.known:  # another process saved since
                    self.merges += 1
                value = self._read_locked(fallback=self._value)
                for _, op in self._pending:
                    op(value)
                if not self._swept:
                    remove_stale_temp_files(self.path)
                    self._swept = True
                write_json_atomic(self.path, {"version": self.version, **self._dump(value)})
                self.known = file_stamp(self.path)
        except OSError as exc:
            raise StoreError(f"cannot save {self.label} to {self.path}: {describe(exc)}") from exc
        self._value = value
        self._pending.clear()

    def _read(self) -> T:
        """Raises Unusable, or OSError when the file exists but cannot be read."""
        try:
            raw = read_limited(self.path)
        except FileNotFoundError:
            return self._empty()
        return self.decode(raw)

    def _read_locked(self, fallback: T | None = None) -> T:
        """Like `_read`, but sets an unusable file aside, going on from `fallback`
        or else from nothing. Only safe under the lock, where no other process can
        be writing a good file in its place."""
        try:
            return self._read()
        except Unusable as bad:
            try:
                moved = set_aside(self.path, bad.tag)
            except OSError as exc:
                raise StoreError(self._stuck(exc, bad)) from exc
            then = (
                f"news keeps the {self.label} it had loaded"
                if fallback is not None
                else f"news goes on with no {self.label}"
            )
            self.problem = f"{self.path} {bad.reason}; it was moved to {moved} and {then}"
            return self._empty() if fallback is None else fallback

    def _stuck(self, exc: OSError, bad: Unusable) -> str:
        return (
            f"{self.path} {bad.reason} and cannot be moved aside ({describe(exc)}); "
            f"it is left as it is and {self.label} cannot be saved until it is moved"
        )

    def decode(self, raw: bytes) -> T:
        """Turn a file's bytes into a value, or raise Unusable saying why not."""
        return self.value_of(json_of(raw))

    def value_of(self, data: Any) -> T:
        """A decoded JSON document as a value, or raise Unusable saying why not."""
        if not isinstance(data, dict):
            raise Unusable("does not hold a JSON object")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise Unusable("has no version number")
        if version != self.version:
            raise Unusable(
                f"has version {version}, which this reader does not know "
                f"(it reads version {self.version})",
                tag=f"version-{version}",
            )
        try:
            return self._parse(data)
        except (ValueError, TypeError) as exc:
            raise Unusable(f"is not a valid {self.label} file ({exc})") from exc


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes, or Unusable when it is not a regular file (a FIFO would
    block, a device never end) or holds more than `limit` bytes. Raises OSError
    (FileNotFoundError among them) when it cannot be read."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise Unusable("is not a regular file")
    with path.open("rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise Unusable(f"is larger than {limit // (1024 * 1024)} MB")
    return raw


def json_of(raw: bytes) -> Any:
    """A file's bytes as JSON, or Unusable saying why not.

    Every way `json.loads` can fail on a file from elsewhere is caught here, so
    each takes the corrupt-file path rather than a traceback: nesting deeper
    than the interpreter's stack (RecursionError), an integer of thousands of
    digits (ValueError), bytes that are not UTF-8. A UTF-8 byte-order mark, which
    some editors write, is allowed.
    """
    try:
        text = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unusable("is not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # One message of json's own ends in "at" ("Invalid control character at").
        reason = exc.msg.removesuffix(" at")
        raise Unusable(f"is not valid JSON ({reason} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise Unusable("is not valid JSON (nested too deeply)") from exc
    except ValueError as exc:  # the only other: an integer too long to convert
        raise Unusable("is not valid JSON (a number has too many digits)") from exc
