"""Reading state: read marks, places in stories, the last story and the theme,
kept with the same care as bookmarks."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import reader
from reader.atomic import StoreError, file_stamp
from reader.state import ReadingState

REPO = Path(reader.__file__).resolve().parent.parent


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.json"


def loaded(path: Path) -> ReadingState:
    s = ReadingState(path)
    s.load()
    return s


def on_disk(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_missing_file_is_a_fresh_start(path: Path) -> None:
    s = loaded(path)
    assert not s.is_read("a") and s.position("a") == 0
    assert s.last is None and s.theme is None
    assert s.problem is None and not s.pending
    assert not path.parent.exists()


def test_the_file_format(path: Path) -> None:
    s = loaded(path)
    s.mark_read("b")
    s.mark_read("a")
    s.set_position("a", 12)
    s.set_last("a")
    s.set_theme("gruvbox")
    assert on_disk(path) == {
        "version": 1,
        "read": ["a", "b"],
        "positions": {"a": 12},
        "last": "a",
        "theme": "gruvbox",
    }
    assert path.read_text().startswith('{\n  "version": 1,\n  "read": [')


def test_read_marks_save_at_once_and_reload(path: Path) -> None:
    s = loaded(path)
    s.mark_read("a")
    assert s.is_read("a") and not s.pending
    assert on_disk(path)["read"] == ["a"]
    assert loaded(path).is_read("a")
    s.mark_read("a", read=False)
    assert not loaded(path).is_read("a")


def test_toggle_read(path: Path) -> None:
    s = loaded(path)
    assert s.toggle_read("a") is True
    assert s.toggle_read("a") is False
    assert s.toggle_read("a") is True
    assert loaded(path).is_read("a")


def test_marking_what_is_already_so_writes_nothing(path: Path) -> None:
    s = loaded(path)
    s.mark_read("a", read=False)
    s.set_last(None)
    s.set_theme(None)
    s.set_position("a", 0)
    assert not path.exists() and not s.pending


def test_positions_wait_for_flush(path: Path) -> None:
    s = loaded(path)
    for y in range(0, 500, 7):
        s.set_position("a", y)
    assert s.position("a") == 497
    assert s.pending and not path.exists()
    assert len(s._pending) == 1  # only the newest position of a story is kept
    s.flush()
    assert not s.pending
    assert loaded(path).position("a") == 497


def test_positions_ride_along_with_the_next_save(path: Path) -> None:
    s = loaded(path)
    s.set_position("a", 30)
    s.set_position("b", 5)
    s.mark_read("a")
    assert not s.pending
    assert on_disk(path)["positions"] == {"a": 30, "b": 5}


def test_positions_are_whole_and_not_negative(path: Path) -> None:
    s = loaded(path)
    s.set_position("a", 41.8)
    s.set_position("b", -3)
    s.set_position("c", 9)
    s.set_position("c", 0)  # back at the top: dropped from the file
    s.flush()
    assert on_disk(path)["positions"] == {"a": 41}
    assert (s.position("a"), s.position("b"), s.position("c")) == (41, 0, 0)


def test_last_and_theme_save_at_once(path: Path) -> None:
    s = loaded(path)
    s.set_last("story-1")
    s.set_theme("textual-light")
    assert not s.pending
    again = loaded(path)
    assert (again.last, again.theme) == ("story-1", "textual-light")
    s.set_last(None)
    s.set_theme(None)
    again = loaded(path)
    assert (again.last, again.theme) == (None, None)


def test_the_stories_open_last_are_kept_newest_first_each_once(path: Path) -> None:
    s = loaded(path)
    for story in ("a", "b", "a", "c"):
        s.set_last(story)
    assert loaded(path).recent == ("c", "a", "b")
    assert on_disk(path)["last"] == "c"
    # A file written before `recent` was: its last story is the one to reopen.
    path.write_text(json.dumps({"version": 1, "read": [], "last": "old"}), encoding="utf-8")
    assert loaded(path).recent == ("old",)
    # At most twenty, the oldest going first.
    s = loaded(path)
    for n in range(25):
        s.set_last(f"s{n}")
    assert loaded(path).recent == tuple(f"s{n}" for n in range(24, 4, -1))


def test_flush_with_nothing_pending_writes_nothing(path: Path) -> None:
    loaded(path).flush()
    assert not path.exists()


def test_two_stores_merge(path: Path) -> None:
    one, two = loaded(path), loaded(path)
    one.mark_read("a")
    two.mark_read("b")
    one.set_position("a", 10)
    two.set_theme("nord")
    assert (one.merges, two.merges) == (0, 1)  # two's first save found one's in the file
    one.set_last("a")
    # What a watcher tells another's save from its own by (tui.outside_watch).
    assert (one.merges, two.merges) == (1, 1)
    assert one.known == file_stamp(path) != two.known
    assert on_disk(path) == {
        "version": 1,
        "read": ["a", "b"],
        "positions": {"a": 10},
        "last": "a",
        "theme": "nord",
    }
    assert two.is_read("a")  # two's view is the file as of its last save
    two.mark_read("a", read=False)
    assert not loaded(path).is_read("a")
    assert one.is_read("a")  # one's view is as old as its last save or load
    one.set_position("b", 3)
    one.flush()
    assert not one.is_read("a")  # ...and after a save it equals the file


BAD = {
    "not json": b'{"version": 1, "read": [',
    "empty": b"",
    "no version": b'{"read": []}',
    "read not a list": b'{"version": 1, "read": "a"}',
    "read not ids": b'{"version": 1, "read": [1, 2]}',
    "position not a number": b'{"version": 1, "positions": {"a": "top"}}',
    "position a bool": b'{"version": 1, "positions": {"a": true}}',
    "last not an id": b'{"version": 1, "last": 5}',
    "theme not a name": b'{"version": 1, "theme": ["dark"]}',
    "version a bool": b'{"version": true}',
}


@pytest.mark.parametrize("content", BAD.values(), ids=BAD.keys())
def test_a_corrupt_file_is_set_aside(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    s = loaded(path)
    [moved] = path.parent.glob("state.json.corrupt-*")
    assert moved.read_bytes() == content
    assert not path.exists()
    assert s.problem is not None and str(path) in s.problem and str(moved) in s.problem
    # Said so that it reads true from a command as well as from the reader.
    assert s.problem.endswith(f"it was moved to {moved} and news goes on with no reading state")
    assert not s.is_read("a") and s.theme is None
    s.mark_read("a")
    assert on_disk(path)["read"] == ["a"]
    assert moved.read_bytes() == content


def test_an_unknown_version_is_set_aside(path: Path) -> None:
    content = b'{"version": 2, "read": ["a"], "tags": {}}'
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    s = loaded(path)
    [moved] = path.parent.glob("state.json.version-2-*")
    assert moved.read_bytes() == content
    assert s.problem is not None and "version 2" in s.problem
    assert not s.is_read("a")


def test_unknown_keys_and_missing_keys_in_version_1(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"version": 1, "read": ["a"], "later": 1}')
    s = loaded(path)
    assert s.problem is None
    assert s.is_read("a") and s.position("a") == 0 and s.last is None


@pytest.mark.parametrize("err", [errno.EROFS, errno.ENOSPC])
def test_a_failed_save_keeps_the_change(
    path: Path, monkeypatch: pytest.MonkeyPatch, err: int
) -> None:
    s = loaded(path)
    s.mark_read("a")
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(os, "replace", replace)
    s.set_position("a", 50)
    with pytest.raises(StoreError) as info:
        s.mark_read("b")
    assert str(info.value) == f"cannot save reading state to {path}: {os.strerror(err).lower()}"
    with pytest.raises(StoreError):
        s.flush()
    assert s.is_read("b") and s.position("a") == 50 and s.pending
    assert on_disk(path)["read"] == ["a"]

    monkeypatch.setattr(os, "replace", real_replace)
    s.flush()
    assert not s.pending
    again = loaded(path)
    assert again.is_read("a") and again.is_read("b") and again.position("a") == 50


WORKER = """
import sys, time
from pathlib import Path
from reader.state import ReadingState

path, tag, go, n = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
state = ReadingState(path)
state.load()
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for i in range(n):
    state.set_position(f"{tag}{i}", i + 1)
    state.toggle_read(f"{tag}{i}")
    if i % 3 == 0:
        state.toggle_read(f"{tag}{i}")
"""


def test_two_processes_lose_nothing(path: Path, tmp_path: Path) -> None:
    # 40 changes each: with saves not locked, or not merged with the file as
    # it is, 10 lost some in every run tried; 150 took 0.4 s of CPU.
    n = 40
    go = tmp_path / "go"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), tag, str(go), str(n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("x", "y")
    ]
    try:
        for p in procs:  # both started and loaded, so they race from here
            assert p.stdout is not None and p.stdout.readline() == "ready\n"
        go.touch()
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    s = loaded(path)
    assert s.problem is None
    data = on_disk(path)
    assert set(data["read"]) == {f"{t}{i}" for t in "xy" for i in range(n) if i % 3}
    assert data["positions"] == {f"{t}{i}": i + 1 for t in "xy" for i in range(n)}


def test_the_theme_t_switches_to_is_kept_beside_the_theme(path: Path) -> None:
    s = loaded(path)
    s.set_theme("gruvbox", "textual-light")
    assert on_disk(path)["other_theme"] == "textual-light"
    again = loaded(path)
    assert (again.theme, again.other_theme) == ("gruvbox", "textual-light")
    # A file written before other_theme existed loads, without one.
    path.write_text('{"version": 1, "theme": "nord"}')
    old = loaded(path)
    assert (old.theme, old.other_theme) == ("nord", None)


def test_places_are_kept_beside_old_line_positions(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "read": [], "positions": {"a": 12, "b": 3}}))
    s = loaded(path)  # a file from before places loads
    assert s.position("a") == 12 and s.place("a") is None
    s.set_place("a", (4, 210))
    s.set_place("b", None)  # read to the end: the top, nothing kept
    s.flush()
    saved = on_disk(path)
    assert saved["places"] == {"a": [4, 210]} and saved["positions"] == {}
    assert loaded(path).place("a") == (4, 210)


@pytest.mark.parametrize("places", [[1, 2], {"a": [1]}, {"a": ["1", 2]}, {"a": [True, 2]}])
def test_places_that_are_not_part_and_offset_are_a_corrupt_file(path: Path, places: object) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "places": places}))
    s = loaded(path)
    assert s.problem and s.place("a") is None
