"""Bookmarks: the store's behaviour, the file it keeps, and that the file
survives bad contents, failed writes, other processes and a killed process."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest

import reader
from reader import atomic, bookmarks
from reader.atomic import StoreError
from reader.bookmarks import Bookmark, Bookmarks, Imported
from reader.model import Article, make_article

REPO = Path(reader.__file__).resolve().parent.parent


def story(n: int) -> Article:
    return make_article("World", f"Story {n}", [], "Test Wire", url=f"https://x.test/{n}")


def note_of(store: Bookmarks, article_id: str) -> str:
    bookmark = store.get(article_id)
    assert bookmark is not None
    return bookmark.note


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bookmarks.json"


@pytest.fixture
def store(path: Path) -> Bookmarks:
    s = Bookmarks(path)
    s.load()
    return s


def reloaded(path: Path) -> Bookmarks:
    s = Bookmarks(path)
    s.load()
    return s


def on_disk(path: Path) -> dict[str, dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    return {b["article_id"]: b for b in data["bookmarks"]}


def ticking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bookmark a minute after the last, so the order does not rest on ties."""
    minutes = count()
    monkeypatch.setattr(bookmarks, "utc_now", lambda: f"2026-11-27T12:{next(minutes):02d}:00Z")


# The basics


def test_a_missing_file_is_empty_and_creates_nothing(path: Path) -> None:
    s = Bookmarks(path)
    s.load()
    assert s.all() == [] and len(s) == 0
    assert s.problem is None and not s.pending
    assert not path.parent.exists()


def test_toggle_persists_and_reloads(store: Bookmarks, path: Path) -> None:
    a, b = story(1), story(2)
    assert store.toggle(a) is True
    assert store.toggle(b) is True
    assert a.id in store and b.id in store
    assert set(on_disk(path)) == {a.id, b.id}
    assert store.toggle(a) is False
    assert a.id not in store
    again = reloaded(path)
    assert [x.article_id for x in again.all()] == [b.id]
    kept = again.get(b.id)
    assert kept is not None
    assert (kept.title, kept.section, kept.source, kept.url) == (
        "Story 2",
        "World",
        "Test Wire",
        "https://x.test/2",
    )
    assert kept.added.endswith("Z") and "T" in kept.added
    assert not store.pending


def test_file_is_readable_json(store: Bookmarks, path: Path) -> None:
    store.add(story(1), note="read later")
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == ["version", "bookmarks"]
    assert data["bookmarks"][0]["note"] == "read later"
    assert '\n  "bookmarks": [\n    {\n      "article_id"' in text


def test_newest_first(store: Bookmarks, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ticking(monkeypatch)
    for n in (3, 1, 2):
        store.add(story(n))
    expected = [story(n).id for n in (2, 1, 3)]
    assert [b.article_id for b in store.all()] == expected
    assert [b.article_id for b in reloaded(path).all()] == expected


def test_newest_first_within_the_same_second(store: Bookmarks, path: Path) -> None:
    for n in range(5):
        store.add(story(n))
    expected = [story(n).id for n in reversed(range(5))]
    assert [b.article_id for b in store.all()] == expected
    assert [b.article_id for b in reloaded(path).all()] == expected


def test_bookmarking_again_moves_it_to_the_top(
    store: Bookmarks, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticking(monkeypatch)
    store.add(story(1))
    store.add(story(2))
    store.toggle(story(1))
    store.toggle(story(1))
    assert [b.article_id for b in store.all()] == [story(1).id, story(2).id]


def test_add_twice_keeps_the_first(store: Bookmarks) -> None:
    first = store.add(story(1), note="mine")
    assert store.add(story(1), note="other") == first
    assert len(store) == 1


def test_remove(store: Bookmarks, path: Path) -> None:
    store.add(story(1))
    assert store.remove(story(1).id) is True
    assert store.remove(story(1).id) is False
    assert on_disk(path) == {}


def test_notes(store: Bookmarks, path: Path) -> None:
    a = story(1)
    added = store.add(a, note="first thought")
    assert added == Bookmark(
        a.id, a.title, a.section, a.source, a.url, added.added, "first thought"
    )
    assert store.get(a.id) == added
    store.set_note(a.id, "second thought\non two lines")
    assert on_disk(path)[a.id]["note"] == "second thought\non two lines"
    assert note_of(reloaded(path), a.id) == "second thought\non two lines"
    with pytest.raises(KeyError):
        store.set_note(story(2).id, "not bookmarked")
    store.toggle(a)
    store.toggle(a)
    assert note_of(store, a.id) == ""


def test_default_path_is_resolved_lazily(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_DATA_DIR", str(tmp_path / "first"))
    s = Bookmarks()
    monkeypatch.setenv("NEWS_DATA_DIR", str(tmp_path / "second"))
    s.load()
    s.add(story(1))
    assert s.path == tmp_path / "second" / "bookmarks.json"
    assert set(on_disk(s.path)) == {story(1).id}
    assert not (tmp_path / "first").exists()


# Export and import


def test_export_json_import_round_trip(
    store: Bookmarks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticking(monkeypatch)
    for n in range(4):
        store.add(story(n), note=f"note {n}")
    exported = tmp_path / "export.json"
    exported.write_text(store.export_json(), encoding="utf-8")

    other = reloaded(tmp_path / "other" / "bookmarks.json")
    assert other.import_file(exported).added == 4
    assert other.all() == store.all()
    assert other.import_file(exported).added == 0  # no duplicates
    assert len(reloaded(other.path)) == 4


def test_import_merges_and_keeps_what_was_there(
    store: Bookmarks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticking(monkeypatch)
    store.add(story(1), note="theirs")
    store.add(story(2))
    exported = tmp_path / "export.json"
    exported.write_text(store.export_json(), encoding="utf-8")

    mine = reloaded(tmp_path / "mine" / "bookmarks.json")
    mine.add(story(1), note="mine")
    mine.add(story(3))
    assert mine.import_file(exported) == Imported(1, (), (story(1).id,))
    assert {b.article_id for b in mine.all()} == {story(n).id for n in (1, 2, 3)}
    assert note_of(mine, story(1).id) == "mine"
    assert set(on_disk(mine.path)) == {story(n).id for n in (1, 2, 3)}


def test_export_json_is_newest_first(store: Bookmarks, monkeypatch: pytest.MonkeyPatch) -> None:
    ticking(monkeypatch)
    store.add(story(1))
    store.add(story(2))
    data = json.loads(store.export_json())
    assert data["version"] == 1
    assert [b["article_id"] for b in data["bookmarks"]] == [story(2).id, story(1).id]


def test_export_markdown(store: Bookmarks, monkeypatch: pytest.MonkeyPatch) -> None:
    ticking(monkeypatch)
    store.add(story(1), note="why it matters\nsecond line")
    store.add(make_article("Tech", "A [bracketed] *title*", [], "Wire"))
    md = store.export_markdown()
    assert md.splitlines() == [
        "# Bookmarks",
        "",
        r"- A \[bracketed\] \*title\* · Tech · Wire · 2026-11-27",
        "- [Story 1](<https://x.test/1>) · World · Test Wire · 2026-11-27",
        "  > why it matters",
        "  > second line",
    ]


def test_export_markdown_names_a_source_once_when_it_is_the_section(
    store: Bookmarks, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A feed without categories is its own section: "Wire · Wire" before.
    ticking(monkeypatch)
    name = "Hostile [b]Feed[/b]"
    store.add(make_article(name, "T", [], "https://h.example/feed"), source=name)
    store.add(make_article("Wire", "U", [], "https://w.example/feed"), source="wire")
    assert store.export_markdown().splitlines()[2:] == [
        "- U · Wire · wire · 2026-11-27",
        r"- T · Hostile \[b\]Feed\[/b\] · 2026-11-27",
    ]


def test_export_of_nothing(store: Bookmarks) -> None:
    assert store.export_markdown() == "# Bookmarks\n\n"
    assert json.loads(store.export_json()) == {"version": 1, "bookmarks": []}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no such file"),
        (b"{oops", "not valid JSON"),
        (b'{"version": 2, "bookmarks": []}', "version 2"),
        (b'{"version": 1, "bookmarks": [{"title": "no id"}]}', "no article_id"),
        (b'{"version": 1, "bookmarks": {}}', "not a list"),
    ],
)
def test_import_of_a_bad_file_says_why(
    store: Bookmarks, tmp_path: Path, content: bytes | None, says: str
) -> None:
    bad = tmp_path / "import.json"
    if content is not None:
        bad.write_bytes(content)
    store.add(story(1))
    with pytest.raises(StoreError) as info:
        store.import_file(bad)
    message = str(info.value)
    assert str(bad) in message and says in message, message
    assert len(store) == 1 and not store.pending
    if content is not None:
        assert bad.read_bytes() == content  # an import never moves the user's file


# Files that cannot be used


BAD_FILES = {
    "not json": b'{"version": 1, "bookmarks": [',
    "empty": b"",
    "not utf-8": b"\xff\xfe\x00{",
    "not an object": b"[]",
    "no version": b'{"bookmarks": []}',
    "bad list": b'{"version": 1, "bookmarks": "many"}',
    "bad entry": b'{"version": 1, "bookmarks": [{"article_id": "x", "title": 3}]}',
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_corrupt_file_is_set_aside_not_overwritten(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    s = reloaded(path)
    assert s.all() == [] and not s.pending
    [moved] = path.parent.glob("bookmarks.json.corrupt-*")
    assert moved.read_bytes() == content
    assert not path.exists()  # nothing in its place until something is saved
    assert s.problem is not None
    assert str(path) in s.problem and str(moved) in s.problem

    s.add(story(1))
    assert set(on_disk(path)) == {story(1).id}
    assert moved.read_bytes() == content
    assert s.problem is not None  # still there for the UI to show


def test_an_unknown_version_is_set_aside(path: Path) -> None:
    content = b'{"version": 7, "bookmarks": [], "shelves": {}}'
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    s = reloaded(path)
    assert s.all() == []
    [moved] = path.parent.glob("bookmarks.json.*-*")
    assert moved.name.startswith("bookmarks.json.version-7-")
    assert moved.read_bytes() == content
    assert s.problem is not None and "version 7" in s.problem and str(moved) in s.problem
    s.add(story(1))
    assert moved.read_bytes() == content


def test_loading_twice_sets_aside_both_without_overwriting(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_stamp", lambda: "20261127-153000")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"one")
    reloaded(path)
    path.write_bytes(b"two")
    reloaded(path)
    assert sorted(p.read_bytes() for p in path.parent.glob("*.corrupt-*")) == [b"one", b"two"]


def test_a_file_gone_bad_after_loading_is_set_aside_at_save(store: Bookmarks, path: Path) -> None:
    store.add(story(1))
    path.write_bytes(b"garbage")
    store.add(story(2))
    [moved] = path.parent.glob("bookmarks.json.corrupt-*")
    assert moved.read_bytes() == b"garbage"
    assert store.problem is not None and str(moved) in store.problem
    assert set(on_disk(path)) == {story(1).id, story(2).id}  # what it had loaded is kept


def test_a_corrupt_file_that_cannot_be_moved_is_never_overwritten(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{broken")

    def set_aside(p: Path, tag: str = "corrupt") -> Path:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(atomic, "set_aside", set_aside)
    s = reloaded(path)
    assert s.problem is not None
    assert str(path) in s.problem and "cannot be moved aside" in s.problem
    with pytest.raises(StoreError):
        s.add(story(1))
    assert s.pending and story(1).id in s
    assert path.read_bytes() == b"{broken"


def test_an_unreadable_file_is_left_alone(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"version": 1, "bookmarks": []}')
    real = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    s = reloaded(path)
    assert s.problem is not None and "permission denied" in s.problem
    with pytest.raises(StoreError) as info:
        s.add(story(1))
    assert str(path) in str(info.value)
    monkeypatch.undo()
    assert path.read_bytes() == b'{"version": 1, "bookmarks": []}'
    assert list(path.parent.glob("*.corrupt-*")) == []


# Writes that fail


@pytest.fixture(params=["read-only", "disk full"])
def fault(
    request: pytest.FixtureRequest, path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], None]]:
    """Make saving in `path`'s directory fail; yields a function that mends it.

    A read-only directory is made with chmod where that stops writes; as root it
    does not, so there os.replace fails with EROFS instead.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    broken = True
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if broken:
            err = errno.EROFS if request.param == "read-only" else errno.ENOSPC
            raise OSError(err, os.strerror(err))
        real_replace(src, dst)

    chmodded = False
    if request.param == "read-only":
        path.parent.chmod(0o500)
        try:
            (path.parent / "probe").touch()
        except PermissionError:
            chmodded = True
        else:
            (path.parent / "probe").unlink()
            path.parent.chmod(0o700)
    if not chmodded:
        monkeypatch.setattr(os, "replace", replace)

    def mend() -> None:
        nonlocal broken
        broken = False
        path.parent.chmod(0o700)

    yield mend
    path.parent.chmod(0o700)


def test_a_failed_save_keeps_the_change_and_retries(path: Path, fault: Callable[[], None]) -> None:
    s = Bookmarks(path)
    with pytest.raises(StoreError) as info:
        s.add(story(1))
    message = str(info.value)
    assert message.startswith(f"cannot save bookmarks to {path}: ")
    assert any(r in message for r in ("read-only", "no space", "permission denied")), message
    assert story(1).id in s and s.pending
    assert not path.exists()
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []

    with pytest.raises(StoreError):
        s.add(story(2))
    assert {story(1).id, story(2).id} <= {b.article_id for b in s.all()}
    fault()
    s.flush()
    assert not s.pending
    assert set(on_disk(path)) == {story(1).id, story(2).id}
    assert {b.article_id for b in reloaded(path).all()} == {story(1).id, story(2).id}


def test_the_next_change_retries(path: Path, fault: Callable[[], None]) -> None:
    s = Bookmarks(path)
    with pytest.raises(StoreError):
        s.toggle(story(1))
    fault()
    s.toggle(story(2))
    assert not s.pending
    assert set(on_disk(path)) == {story(1).id, story(2).id}


# Several stores, several processes


def test_two_stores_merge_instead_of_overwriting(path: Path) -> None:
    one, two = reloaded(path), reloaded(path)
    one.add(story(1))
    two.add(story(2))
    assert {b.article_id for b in two.all()} == {story(1).id, story(2).id}
    one.remove(story(1).id)
    two.set_note(story(2).id, "kept")
    assert set(on_disk(path)) == {story(2).id}
    assert on_disk(path)[story(2).id]["note"] == "kept"
    assert [b.article_id for b in two.all()] == [story(2).id]  # the view equals the file
    one.flush()
    one.load()
    assert one.all() == two.all()


def test_pending_changes_survive_a_reload(path: Path, fault: Callable[[], None]) -> None:
    s = Bookmarks(path)
    with pytest.raises(StoreError):
        s.add(story(1))
    s.load()
    assert story(1).id in s and s.pending


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }


WORKER = """
import sys, time
from pathlib import Path
from reader import atomic
from reader.bookmarks import Bookmarks
from reader.model import make_article

# Two processes saving in a tight loop on a loaded machine can make each other
# wait past the 5 s a person's save ever waits; what is tested is that nothing is lost.
atomic.LOCK_TIMEOUT = 120

path, tag, go, n = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
store = Bookmarks(path)
store.load()
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for i in range(n):
    a = make_article(tag, f"{tag} {i}", [], "test")
    store.toggle(a)
    if i % 4 == 0:
        store.toggle(a)
    elif i % 4 == 1:
        store.set_note(a.id, f"note {i}")
print("done", flush=True)
"""


def test_two_processes_lose_nothing(path: Path, tmp_path: Path) -> None:
    # 40 changes each: with saves not locked, or not merged with the file as
    # it is, 20 lost some in every run tried (10 in most); 200 took 2 s of CPU.
    n = 40
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), tag, str(go), str(n)],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "beta")
    ]
    try:
        for p in procs:  # both started and loaded, so they race from here
            assert p.stdout is not None and p.stdout.readline() == "ready\n"
        go.touch()
        for p in procs:
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
            assert out == "done\n"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    s = reloaded(path)
    assert s.problem is None
    expected = {
        make_article(tag, f"{tag} {i}", [], "test").id: i
        for tag in ("alpha", "beta")
        for i in range(n)
        if i % 4
    }
    assert {b.article_id for b in s.all()} == set(expected)
    for b in s.all():
        i = expected[b.article_id]
        assert b.note == (f"note {i}" if i % 4 == 1 else "")


KILLED = """
import os, signal, sys
from pathlib import Path
from reader.bookmarks import Bookmarks
from reader.model import make_article

path, start, die_in = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
renames = 0


def at_rename(event, args):
    # Save number `die_in` (if not 0) is killed as its new file, written beside
    # the old one, is about to be put in its place.
    global renames
    if event == "os.rename" and os.fspath(args[1]) == str(path):
        renames += 1
        if renames == die_in:
            os.kill(os.getpid(), signal.SIGKILL)


sys.addaudithook(at_rename)
store = Bookmarks(path)
store.load()
for i in range(start, start + (die_in or 100_000)):
    a = make_article("kill", f"story {i}", [], "test")
    store.add(a, note="x" * 500)
    print(a.id, flush=True)
"""


def test_a_killed_process_leaves_every_saved_bookmark(path: Path) -> None:
    """Each round kills a writer: every other one a moment after some save
    returned, at a varying point of the next save; the others in the middle of
    a save, its new file written and not yet put in place (where a file
    written in place would be half there). Every id it printed must load, and
    the next save sweeps up what a killed save left.

    Four rounds, two of each: a writer started after a killed one finds the
    lock free and sweeps, and a kill in the middle of a save is made sure of
    rather than hoped for (eight rounds of kills at random moments only
    sometimes landed in one)."""
    rng = random.Random(1127)
    saved: list[str] = []
    for round_ in range(4):
        die_in = rng.randrange(15, 40) if round_ % 2 else 0
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(path), str(round_ * 100_000), str(die_in)],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stderr is not None
        try:
            if not die_in:
                for _ in range(rng.randrange(15, 40)):
                    line = child.stdout.readline()
                    assert line.endswith(b"\n"), child.stderr.read().decode()
                    saved.append(line.decode().strip())
                time.sleep(rng.uniform(0, 0.005))
                child.send_signal(signal.SIGKILL)
            # Ids printed after our last read were saved too.
            out, err = child.communicate(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        saved.extend(
            line.decode().strip() for line in out.splitlines(keepends=True) if line.endswith(b"\n")
        )
        assert child.returncode == -signal.SIGKILL, err.decode() or "no save put a file in place"
        if die_in:  # killed in its save number `die_in`, which left its new file
            assert len(out.splitlines()) == die_in - 1
            assert [p.suffix for p in path.parent.iterdir() if p.suffix == ".tmp"] == [".tmp"]

        s = reloaded(path)
        assert s.problem is None, s.problem
        have = {b.article_id for b in s.all()}
        assert [i for i in saved if i not in have] == []
    assert len(saved) >= 4 * 14
    s.add(story(1))  # the first save of a session sweeps what killed writers left
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_any_iso_time_a_file_gives_sorts_as_the_moment_it_names() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from hypothesis import given
    from hypothesis import strategies as st

    zones = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    moments = st.datetimes(
        min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=zones
    ).map(lambda m: m.replace(microsecond=0))

    @given(st.lists(moments, min_size=2, max_size=5))
    def check(times: list[datetime]) -> None:
        marks = [
            Bookmark.from_json({"article_id": str(n), "added": t.isoformat()})
            for n, t in enumerate(times)
        ]
        by_text = sorted(range(len(marks)), key=lambda n: (marks[n].added, n))
        by_moment = sorted(range(len(times)), key=lambda n: (times[n].astimezone(UTC), n))
        assert by_text == by_moment
        assert all(len(b.added) == 20 and b.added.endswith("Z") for b in marks)

    check()
