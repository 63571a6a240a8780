"""Bulk marks and undo without the TUI: `Reading` over in-memory catalogs and
the stores in a temporary directory, and `undo.json` as another copy of the
reader, a crash or a restart finds it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.bookmarks import Bookmarks
from reader.catalog import LibraryCatalog, MemoryCatalog
from reader.library.articles import Library
from reader.model import Article, Block, BlockKind, make_article
from reader.reading import Change, Marked, Reading, ids_of
from reader.state import ReadingState
from reader.triage.undo import MAX_IDS, MAX_STEPS, READ, Step, UndoStack


def story(n: int, section: str = "World") -> Article:
    blocks = [Block(BlockKind.PARAGRAPH, f"Text {n}")]
    return make_article(section, f"Story {n}", blocks, "feeds/wire.txt", url=f"https://x.test/{n}")


WORLD = [story(n) for n in range(5)]
TECH = [story(n, "Tech") for n in range(5, 8)]
STORIES = [*WORLD, *TECH]


def now(fn: Callable[..., Any], /, *args: Any) -> object:
    return fn(*args)


def open_reading(
    tmp_path: Path, catalog: Any = None, journal: Any = None
) -> tuple[Reading, ReadingState, Bookmarks, UndoStack]:
    """A reader starting over the files in `tmp_path`, as after a restart."""
    bookmarks = Bookmarks(tmp_path / "bookmarks.json")
    bookmarks.load()
    state = ReadingState(tmp_path / "state.json")
    state.load()
    undo = UndoStack(tmp_path / "undo.json")
    reading = Reading(
        catalog or MemoryCatalog(STORIES), bookmarks, state, now, undo=undo, journal=journal
    )
    return reading, state, bookmarks, undo


def on_disk(tmp_path: Path) -> set[str]:
    state = ReadingState(tmp_path / "state.json")
    state.load()
    return set(state.read_ids())


def test_marking_a_section_read_counts_it_saves_it_and_is_one_step(tmp_path: Path) -> None:
    reading, *_ = open_reading(tmp_path)
    reading.mark_read(WORLD[0], True)  # opened before: not marked again, not in the step
    marked = reading.mark_many(a.id for a in WORLD)
    assert isinstance(marked, Marked)
    assert marked.label == "4 marked read" and set(marked.ids) == {a.id for a in WORLD[1:]}
    assert reading.read_counts == {"world": 5}
    assert on_disk(tmp_path) == {a.id for a in WORLD}
    assert [s.label for s in reading.history()] == ["4 marked read"]
    assert reading.mark_many(a.id for a in WORLD) is None  # all read already: no step


def test_undo_takes_back_only_what_the_step_changed(tmp_path: Path) -> None:
    reading, *_ = open_reading(tmp_path)
    reading.mark_read(WORLD[0], True)
    reading.mark_many(a.id for a in STORIES)
    undone = reading.undo()
    assert undone is not None and undone.label == "7 marked read"
    assert isinstance(undone.change, Marked) and undone.change.read is False
    assert reading.read == {WORLD[0].id}  # read before the bulk mark: still read
    assert reading.read_counts == {"world": 1, "tech": 0}
    assert on_disk(tmp_path) == {WORLD[0].id}
    assert reading.undo() is None  # opening a story is no step


def test_undo_goes_several_steps_back_in_order(tmp_path: Path) -> None:
    reading, *_ = open_reading(tmp_path)
    reading.mark_many(a.id for a in WORLD)
    reading.toggle_read(TECH[0])
    reading.toggle_bookmark(TECH[1])
    reading.set_note(TECH[1], "later")
    reading.toggle_read(WORLD[2])  # read: marked unread
    labels = []
    while (undone := reading.undo()) is not None:
        labels.append(undone.label)
    # A one-story step names its story: `z` may undo it after a restart.
    assert labels == [
        f"marked unread ({WORLD[2].title})",
        f"note changed ({TECH[1].title})",
        f"bookmarked ({TECH[1].title})",
        f"marked read ({TECH[0].title})",
        "5 marked read",
    ]
    assert reading.read == set() and reading.pins == {}
    assert reading.read_counts == {"world": 0, "tech": 0}


def test_a_step_that_would_change_nothing_now_is_passed_over(tmp_path: Path) -> None:
    """After `u` marked a story unread, opening it marked it read again (not a
    step): `z` then skips the stale step and undoes the one before it."""
    reading, *_ = open_reading(tmp_path)
    reading.mark_many(a.id for a in TECH)
    reading.toggle_read(WORLD[0])  # unread -> read, a step
    reading.toggle_read(WORLD[0])  # read -> unread, a step
    reading.mark_read(WORLD[0], True)  # opened again: read, not a step
    undone = reading.undo()
    assert undone is not None and undone.label == f"marked read ({WORLD[0].title})"  # the u before
    assert WORLD[0].id not in reading.read
    undone = reading.undo()
    assert undone is not None and undone.label == "3 marked read"
    assert reading.undo() is None and reading.history() == []


def test_undoing_a_removed_bookmark_puts_it_back_with_its_note_and_date(tmp_path: Path) -> None:
    reading, *_ = open_reading(tmp_path)
    reading.set_note(WORLD[1], "keep this")
    added = reading.pins[WORLD[1].id].added
    change = reading.toggle_bookmark(WORLD[1])
    assert change.bookmarked is False
    undone = reading.undo()
    assert undone is not None and undone.label == f"bookmark removed ({WORLD[1].title})"
    assert undone.change == Change(WORLD[1].id, marks=True, pins=True, bookmarked=True)
    again = Bookmarks(tmp_path / "bookmarks.json")
    again.load()
    kept = again.get(WORLD[1].id)
    assert kept is not None and (kept.note, kept.added) == ("keep this", added)
    undone = reading.undo()  # the note that made the bookmark: the bookmark goes
    assert undone is not None and undone.label == f"note added ({WORLD[1].title})"
    assert WORLD[1].id not in reading.pins


def test_undo_survives_a_restart(tmp_path: Path) -> None:
    reading, *_ = open_reading(tmp_path)
    reading.mark_many(a.id for a in TECH)
    reading.mark_many(a.id for a in WORLD[:2])
    # A new reader over the same files: both steps are there, newest on top.
    again, *_ = open_reading(tmp_path)
    assert again.read_counts == {"world": 2, "tech": 3}
    undone = again.undo()
    assert undone is not None and undone.label == "2 marked read"
    assert on_disk(tmp_path) == {a.id for a in TECH}
    third, *_ = open_reading(tmp_path)  # the undone step is gone from the file too
    assert [s.label for s in third.history()] == ["3 marked read"]
    assert third.undo() is not None and on_disk(tmp_path) == set()


def test_the_journal_hears_every_change_bulk_and_undo_alike(tmp_path: Path) -> None:
    heard: list[tuple[list[str], str]] = []
    reading, *_ = open_reading(tmp_path, journal=lambda ids, what: heard.append((list(ids), what)))
    reading.mark_read(WORLD[0], True)
    reading.mark_many(a.id for a in WORLD[:3])
    reading.toggle_bookmark(TECH[0])
    reading.undo()
    reading.undo()
    assert heard == [
        ([WORLD[0].id], "read"),
        ([WORLD[1].id, WORLD[2].id], "read"),
        ([TECH[0].id], "star"),
        ([TECH[0].id], "unstar"),
        ([WORLD[1].id, WORLD[2].id], "unread"),
    ]


def test_a_kind_pushed_by_another_part_is_undone_by_its_undoer(tmp_path: Path) -> None:
    reading, *_ = open_reading(tmp_path)
    # What a rule that hid stories does: its step, and how to undo it.
    UndoStack(tmp_path / "undo.json").push(Step("hide", "rule Capsules hid 2 stories", ("a", "b")))
    shown: list[tuple[str, ...]] = []

    def show(step: Step) -> bool:
        shown.append(step.ids)
        return True

    reading.undoers["hide"] = show
    undone = reading.undo()
    assert undone is not None and undone.known and undone.label == "rule Capsules hid 2 stories"
    assert shown == [("a", "b")]


def test_a_kind_of_another_part_that_changes_nothing_now_is_passed_over(tmp_path: Path) -> None:
    """The stories a rule hid were shown again since (the rule removed): `z`
    does not say "Undone" for it, and undoes the step before it."""
    reading, *_ = open_reading(tmp_path)
    reading.mark_many(a.id for a in TECH)
    reading.remember(Step("hide", "2 stories hidden by Capsules", ("a", "b")))
    reading.undoers["hide"] = lambda step: False
    undone = reading.undo()
    assert undone is not None and undone.label == "3 marked read"
    assert reading.read == set() and reading.undo() is None


def test_a_kind_no_one_can_undo_is_dropped_and_said(tmp_path: Path) -> None:
    UndoStack(tmp_path / "undo.json").push(Step("hide", "rule hid 2 stories", ("a", "b")))
    reading, *_ = open_reading(tmp_path)
    undone = reading.undo()
    assert undone is not None and not undone.known and undone.change is None
    assert reading.undo() is None


def test_two_readers_pushing_at_once_lose_no_step(tmp_path: Path) -> None:
    first = UndoStack(tmp_path / "undo.json")
    second = UndoStack(tmp_path / "undo.json")
    first.load()
    second.load()
    first.push(Step(READ, "1", ("a",), at="2026-01-01T00:00:01.000000Z"))
    second.push(Step(READ, "2", ("b",), at="2026-01-01T00:00:02.000000Z"))
    third = UndoStack(tmp_path / "undo.json")
    third.load()
    assert [s.label for s in third.steps()] == ["1", "2"]


def test_only_the_last_steps_and_ids_are_kept(tmp_path: Path) -> None:
    stack = UndoStack(tmp_path / "undo.json")
    stack.load()
    for n in range(MAX_STEPS + 5):
        stack.push(Step(READ, str(n), (f"id{n}",), at=f"2026-01-01T00:00:{n:02d}.000000Z"))
    assert len(stack.steps()) == MAX_STEPS and stack.steps()[0].label == "5"
    big = tuple(f"x{n}" for n in range(MAX_IDS))
    stack.push(Step(READ, "big", big, at="2026-01-02T00:00:00.000000Z"))
    assert [s.label for s in stack.steps()] == ["big"]  # the newest, whole, and no more


def test_a_corrupt_undo_file_is_set_aside_and_said(tmp_path: Path) -> None:
    (tmp_path / "undo.json").write_text('{"version": 1, "steps": [{"id": 3}]}')
    told: list[str] = []
    reading, *_ = open_reading(tmp_path)
    reading.on_problem = told.append
    assert reading.undo() is None
    assert told and "undo history" in told[0] and "moved to" in told[0]
    assert len(list(tmp_path.glob("undo.json.corrupt-*"))) == 1
    reading.mark_many(a.id for a in TECH)  # and the reader goes on with a new one
    assert json.loads((tmp_path / "undo.json").read_text())["steps"][0]["label"] == "3 marked read"


def test_hostile_text_in_the_undo_file_is_cleaned(tmp_path: Path) -> None:
    step = {"id": "1", "at": "x", "kind": "read", "label": "\x1b]0;pwned\x07evil\u202e", "ids": []}
    (tmp_path / "undo.json").write_text(json.dumps({"version": 1, "steps": [step]}))
    stack = UndoStack(tmp_path / "undo.json")
    stack.load()
    assert [s.label for s in stack.steps()] == ["evil"]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "library.sqlite")
    source = library.add_source("feed", "https://wire.example.org/feed.xml", title="The Wire")
    library.upsert_articles(source, STORIES)
    return library


def test_a_library_section_marked_read_by_its_ids(tmp_path: Path, library: Library) -> None:
    catalog = LibraryCatalog(library)
    reading, *_ = open_reading(tmp_path, catalog)
    (name, entries), _ = catalog.sections()
    assert name == "World" and ids_of(entries) == [e.id for e in entries]
    assert ids_of(entries, 2) == [e.id for e in entries[:2]]
    marked = reading.mark_many(ids_of(entries, 2))
    assert marked is not None and reading.read_counts == {"world": 2}
    reading.undo()
    assert reading.read_counts == {"world": 0} and on_disk(tmp_path) == set()


def test_many_ids_are_counted_by_section_in_one_pass_with_the_same_answer(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.library import articles

    ids = [a.id for a in [*WORLD[:3], *TECH]] + ["not-stored", WORLD[0].id]
    looked_up = library.count_by_section(ids)
    monkeypatch.setattr(articles, "_COUNT_BY_SCAN_FROM", 2)
    assert library.count_by_section(ids) == looked_up == {"World": 3, "Tech": 3}


def test_the_history_read_on_the_savers_thread_is_waited_for(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    stack = UndoStack(tmp_path / "undo.json")
    stack.push(Step(READ, "2 marked read", ("a", "b")))
    with ThreadPoolExecutor(max_workers=1) as pool:
        bookmarks = Bookmarks(tmp_path / "bookmarks.json")
        state = ReadingState(tmp_path / "state.json")
        reading = Reading(
            MemoryCatalog(STORIES), bookmarks, state, pool.submit, undo=UndoStack(stack.path)
        )
        reading.read_history()
        assert [s.label for s in reading.history()] == ["2 marked read"]
        reading.mark_many(a.id for a in TECH)
    again = UndoStack(stack.path)
    again.load()
    assert [s.label for s in again.steps()] == ["2 marked read", "3 marked read"]


def test_taking_in_another_news_bookmarks_leaves_a_file_half_way_through_an_edit_alone(
    tmp_path: Path,
) -> None:
    # The store catches up on the saver's thread, maybe after the file changed
    # again: an editor's save under way is for the watch to read again once it
    # is done, never to be set aside as corrupt.
    path = tmp_path / "bookmarks.json"
    bookmarks, state = Bookmarks(path), ReadingState(tmp_path / "state.json")
    bookmarks.load()
    state.load()
    queued: list[Callable[[], object]] = []

    def later(fn: Callable[..., Any], /, *args: Any) -> object:
        queued.append(lambda: fn(*args))
        return None

    reading = Reading(MemoryCatalog(STORIES), bookmarks, state, later)
    theirs = Bookmarks(path)  # another news
    theirs.load()
    theirs.add(WORLD[0])
    found = theirs.peek()
    assert found is not None
    assert list(reading.take_in_bookmarks(found).added) == [WORLD[0].id]
    path.write_text('{"version": 1, "bookm', encoding="utf-8")
    for write in queued:
        write()
    assert path.read_text(encoding="utf-8") == '{"version": 1, "bookm'
    assert bookmarks.problem is None and not list(tmp_path.glob("bookmarks.json.corrupt*"))
