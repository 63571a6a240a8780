"""The building blocks for files that must not be lost: atomic writes, the lock,
setting a corrupt file aside, and the core staying free of Textual."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

import reader
from reader import atomic
from reader.atomic import (
    StoreError,
    describe,
    locked,
    remove_stale_temp_files,
    set_aside,
    write_json_atomic,
)

REPO = Path(reader.__file__).resolve().parent.parent


def test_write_creates_parent_and_writes_readable_json(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "doc.json"
    write_json_atomic(path, {"version": 1, "title": "Café «quoted»"})
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == {"version": 1, "title": "Café «quoted»"}
    assert text.startswith('{\n  "version": 1,')  # indented for people
    assert "Café «quoted»" in text  # not \\u escapes
    assert text.endswith("}\n")


def test_write_carries_a_lone_surrogate_as_an_escape(tmp_path: Path) -> None:
    """A title decoded with surrogateescape must not make every later save fail."""
    path = tmp_path / "doc.json"
    write_json_atomic(path, {"title": "bad \udcff byte", "ok": "é"})
    assert json.loads(path.read_bytes().decode("ascii")) == {"title": "bad \udcff byte", "ok": "é"}


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    write_json_atomic(path, {})
    (tmp_path / ".doc.json.abc123.tmp").write_text("half a")
    (tmp_path / ".other.json.abc123.tmp").write_text("not ours")
    with locked(path):
        remove_stale_temp_files(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.json.abc123.tmp",
        "doc.json",
        "doc.json.lock",
    ]


def test_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    write_json_atomic(path, [1])
    write_json_atomic(path, [2])
    assert json.loads(path.read_text()) == [2]
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_write_syncs_the_file_and_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self").exists() else "?")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_json_atomic(tmp_path / "doc.json", {})
    assert len(synced) == 2
    if synced[0] != "?":
        assert Path(synced[0]).name.endswith(".tmp")  # the data, before the rename
        assert Path(synced[1]) == tmp_path  # the rename itself


@pytest.mark.parametrize("err", [errno.EROFS, errno.ENOSPC])
def test_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int
) -> None:
    path = tmp_path / "doc.json"
    write_json_atomic(path, {"old": True})
    before = path.read_bytes()

    def replace(src: str, dst: str) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError) as info:
        write_json_atomic(path, {"new": True})
    assert info.value.errno == err
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_unserialisable_data_touches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    write_json_atomic(path, {"ok": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"bad": object()})
    assert json.loads(path.read_text()) == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_describe_reads_like_a_sentence() -> None:
    assert describe(OSError(errno.EROFS, os.strerror(errno.EROFS))) == "read-only file system"
    assert describe(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))) == ("no space left on device")


def test_lock_creates_its_directory_and_a_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "doc.json"
    with locked(path):
        assert (tmp_path / "new" / "doc.json.lock").exists()
    assert not path.exists()


def test_lock_held_elsewhere_times_out_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    with FileLock(str(path) + ".lock"):
        start = time.monotonic()
        with pytest.raises(StoreError) as info, locked(path, timeout=0.2):
            pass
        assert time.monotonic() - start < 2
    message = str(info.value)
    assert str(path) in message and "another process" in message
    with locked(path, timeout=0.2):  # released by its holder: free again
        pass


def test_lock_is_released_when_the_body_fails(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    with pytest.raises(RuntimeError), locked(path):
        raise RuntimeError("boom")
    with locked(path, timeout=0.2):
        pass


def test_lock_that_cannot_be_created_fails_at_once(tmp_path: Path) -> None:
    """Not after the timeout, and not as 'locked by another process'."""
    path = tmp_path / "doc.json"
    (tmp_path / "doc.json.lock").mkdir()  # the lock file cannot be opened
    start = time.monotonic()
    with pytest.raises(OSError), locked(path, timeout=3):
        pass
    assert time.monotonic() - start < 1


def test_set_aside_renames_and_keeps_the_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_stamp", lambda: "20261127-153000")
    path = tmp_path / "bookmarks.json"
    path.write_bytes(b"\x00{broken")
    moved = set_aside(path)
    assert moved == tmp_path / "bookmarks.json.corrupt-20261127-153000"
    assert moved.read_bytes() == b"\x00{broken"
    assert not path.exists()


@pytest.mark.parametrize("hard_links", [True, False])
def test_set_aside_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool
) -> None:
    monkeypatch.setattr(atomic, "_stamp", lambda: "20261127-153000")
    if not hard_links:

        def link(src: object, dst: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", link)
    path = tmp_path / "state.json"
    taken = tmp_path / "state.json.corrupt-20261127-153000"
    taken.write_bytes(b"first")
    path.write_bytes(b"second")
    assert set_aside(path) == tmp_path / "state.json.corrupt-20261127-153000-2"
    path.write_bytes(b"third")
    assert set_aside(path, "version-2") == tmp_path / "state.json.version-2-20261127-153000"
    path.write_bytes(b"fourth")
    assert set_aside(path) == tmp_path / "state.json.corrupt-20261127-153000-3"
    assert taken.read_bytes() == b"first"
    assert (tmp_path / "state.json.corrupt-20261127-153000-2").read_bytes() == b"second"
    assert (tmp_path / "state.json.version-2-20261127-153000").read_bytes() == b"third"
    assert (tmp_path / "state.json.corrupt-20261127-153000-3").read_bytes() == b"fourth"
    assert not path.exists()


def test_set_aside_of_a_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        set_aside(tmp_path / "gone.json")
    assert list(tmp_path.iterdir()) == []


def test_the_core_does_not_import_textual() -> None:
    code = (
        "import sys, reader.atomic, reader.bookmarks, reader.state\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
