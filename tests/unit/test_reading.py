"""The reading state the reader shows (reader.reading), without the TUI: over the
in-memory catalog and the stores in a temporary directory, the writes run at once
through a recording `save`, as the saver thread would run them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.bookmarks import Bookmark, Bookmarks
from reader.catalog import MemoryCatalog
from reader.model import Article, Block, BlockKind, EntryRef, make_article
from reader.reading import Change, Reading
from reader.state import ReadingState


def story(n: int, section: str = "World") -> Article:
    blocks = [Block(BlockKind.PARAGRAPH, f"Text {n}")]
    return make_article(section, f"Story {n}", blocks, "feeds/wire.txt", url=f"https://x.test/{n}")


STORIES = [story(1), story(2), story(3, "Tech")]


class Recorder:
    """Runs each write at once and remembers which it was."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __call__(self, fn: Callable[..., Any], /, *args: Any) -> object:
        self.calls.append((fn.__name__, args))
        return fn(*args)


def stores(tmp_path: Path) -> tuple[Bookmarks, ReadingState]:
    bookmarks = Bookmarks(tmp_path / "bookmarks.json")
    bookmarks.load()
    state = ReadingState(tmp_path / "state.json")
    state.load()
    return bookmarks, state


@pytest.fixture
def save() -> Recorder:
    return Recorder()


@pytest.fixture
def reading(tmp_path: Path, save: Recorder) -> Reading:
    bookmarks, state = stores(tmp_path)
    return Reading(MemoryCatalog(STORIES), bookmarks, state, save)


def reloaded(tmp_path: Path) -> tuple[Bookmarks, ReadingState]:
    return stores(tmp_path)


def test_marking_read_counts_the_section_and_writes_the_state(
    reading: Reading, tmp_path: Path
) -> None:
    change = reading.mark_read(STORIES[0], True)
    assert change == Change(STORIES[0].id, marks=True, read=True)
    assert reading.read == {STORIES[0].id}
    assert reading.read_counts == {"world": 1}
    assert reloaded(tmp_path)[1].is_read(STORIES[0].id)
    assert reading.mark_read(STORIES[0], True) is None  # already read: nothing changes


def test_a_read_mark_written_later_waits_for_it(
    reading: Reading, save: Recorder, tmp_path: Path
) -> None:
    held: list[Callable[[], object]] = []
    change = reading.mark_read(STORIES[1], True, later=held.append)
    assert change is not None and STORIES[1].id in reading.read  # shown at once
    assert save.calls == [] and not reloaded(tmp_path)[1].is_read(STORIES[1].id)
    held[0]()
    assert save.calls == [("mark_read", (STORIES[1].id, True))]
    assert reloaded(tmp_path)[1].is_read(STORIES[1].id)


def test_toggling_read_goes_back_and_forth(reading: Reading, tmp_path: Path) -> None:
    assert reading.toggle_read(STORIES[2]).read is True
    assert reading.read_counts == {"tech": 1}
    assert reading.toggle_read(STORIES[2]).read is False
    assert reading.read_counts == {"tech": 0} and reading.read == set()
    assert not reloaded(tmp_path)[1].is_read(STORIES[2].id)


def test_read_stories_are_counted_from_the_state_at_start(tmp_path: Path, save: Recorder) -> None:
    bookmarks, state = stores(tmp_path)
    for article in STORIES:
        state.mark_read(article.id)
    reading = Reading(MemoryCatalog(STORIES), bookmarks, state, save)
    assert reading.read_counts == {"world": 2, "tech": 1}


def test_a_bookmark_toggles_and_is_listed_newest_first(reading: Reading, tmp_path: Path) -> None:
    change = reading.toggle_bookmark(STORIES[0])
    assert change.bookmarked is True and change.pins
    assert reading.note_for(STORIES[0].id) == ""
    # Made earlier than the next: the list goes by the date of each.
    reading.pins[STORIES[0].id] = Bookmark(STORIES[0].id, "Story 1", added="2020-01-01")
    reading.toggle_bookmark(STORIES[1])
    assert reading.pinned() == [
        EntryRef(STORIES[1].id, "World", "Story 2"),
        EntryRef(STORIES[0].id, "", "Story 1"),
    ]
    assert STORIES[0].id in reloaded(tmp_path)[0]
    change = reading.toggle_bookmark(STORIES[0])
    assert change.bookmarked is False and reading.note_for(STORIES[0].id) is None
    assert STORIES[0].id not in reloaded(tmp_path)[0]


def test_a_note_bookmarks_the_story_then_changes(reading: Reading, tmp_path: Path) -> None:
    change = reading.set_note(STORIES[2], "first")
    assert change.bookmarked is True and change.pins
    assert reading.note_for(STORIES[2].id) == "first"
    change = reading.set_note(STORIES[2], "second")
    assert change.bookmarked is None  # it was bookmarked already
    saved = reloaded(tmp_path)[0].get(STORIES[2].id)
    assert saved is not None and saved.note == "second"


def test_a_bookmark_whose_story_is_gone_is_told_from_the_bookmark(
    tmp_path: Path, save: Recorder
) -> None:
    bookmarks, state = stores(tmp_path)
    gone = story(9)
    bookmarks.add(gone, "keep")
    reading = Reading(MemoryCatalog(STORIES), bookmarks, state, save)
    assert reading.missing == {gone.id}
    shown = reading.load(EntryRef(gone.id, "World", "Story 9"))
    assert shown is not None and shown.id == gone.id and shown.title == "Story 9"
    text = " ".join(block.text for block in shown.blocks)
    assert "not in the files open now" in text  # files given to news, not the library
    assert gone.url in text
    assert reading.origin(shown).source == "wire"
    assert reading.load(EntryRef(STORIES[0].id, "World", "Story 1")) == STORIES[0]


def test_missing_story_says_the_source_is_gone() -> None:
    bookmark = Bookmark("abc", "", source="feeds/wire.xml", added="2024-05-06T07:08:09Z")
    article = bookmark.missing_story()
    assert article.id == "abc" and article.title == "abc"  # no title: its id
    assert [block.kind for block in article.blocks] == [BlockKind.LABEL, BlockKind.PARAGRAPH]
    assert article.blocks[1].text == (
        "This story is no longer in your sources. It was bookmarked from wire on 2024-05-06."
    )


def test_where_a_story_was_left_this_run_and_before(
    reading: Reading, save: Recorder, tmp_path: Path
) -> None:
    assert reading.where_left(STORIES[0].id) == (None, 0)
    reading.left(STORIES[0].id, (2, 3))
    assert reading.where_left(STORIES[0].id) == ((2, 3), 0)
    assert [name for name, _ in save.calls] == ["set_place", "flush"]
    bookmarks, state = reloaded(tmp_path)
    again = Reading(MemoryCatalog(STORIES), bookmarks, state, save)
    assert again.where_left(STORIES[0].id) == ((2, 3), 0)
    reading.left(STORIES[0].id, None)  # left at the top this run: not the old place
    assert reading.where_left(STORIES[0].id) == (None, 0)


def test_the_story_opened_is_the_one_to_open_next_time(reading: Reading, tmp_path: Path) -> None:
    reading.opened(STORIES[1])
    assert reloaded(tmp_path)[1].last == STORIES[1].id


def test_opening_a_story_is_one_write_of_all_it_changes(
    reading: Reading, save: Recorder, tmp_path: Path
) -> None:
    """Read, the story to reopen, and the place in the one left: one save of
    the state file (it was three, each locked, merged and fsynced)."""
    change = reading.opened(STORIES[1], (STORIES[0].id, (2, 5)))
    assert change == Change(STORIES[1].id, marks=True, read=True)
    assert [name for name, _ in save.calls] == ["_write_opened"]
    state = reloaded(tmp_path)[1]
    assert (state.last, state.is_read(STORIES[1].id)) == (STORIES[1].id, True)
    assert state.place(STORIES[0].id) == (2, 5)
    assert reading.opened(STORIES[1]) is None  # opened again: read already, nothing to redraw
    assert reloaded(tmp_path)[1].last == STORIES[1].id


def test_what_opening_changes_is_shown_at_once_and_written_after_the_frame(
    reading: Reading, save: Recorder, tmp_path: Path
) -> None:
    frame: list[Callable[[], object]] = []
    reading.opened(STORIES[1], (STORIES[0].id, (2, 5)), later=frame.append)
    reading.opened(STORIES[2], (STORIES[1].id, None), later=frame.append)
    # The screen knows at once: the read marks, the counts, where each was left.
    assert {STORIES[1].id, STORIES[2].id} <= reading.read
    assert reading.where_left(STORIES[0].id) == ((2, 5), 0)
    assert save.calls == []  # nothing written before the frame
    frame[0]()  # the frame painted: both writes, in order
    assert [name for name, _ in save.calls] == ["_write_opened", "_write_opened"]
    state = reloaded(tmp_path)[1]
    assert state.last == STORIES[2].id and state.is_read(STORIES[2].id)
    frame[1]()  # nothing left to write
    assert len(save.calls) == 2


def test_a_story_left_before_the_frame_writes_its_opening_first(
    reading: Reading, save: Recorder, tmp_path: Path
) -> None:
    """Enter, then q at once: the screen closes (`left`) before the frame
    that would have written the opening; it is written then, not lost."""
    reading.opened(STORIES[1], later=lambda write: None)  # a frame that never comes
    reading.left(STORIES[1].id, (1, 0))
    state = reloaded(tmp_path)[1]
    assert (state.last, state.is_read(STORIES[1].id)) == (STORIES[1].id, True)
    assert state.place(STORIES[1].id) == (1, 0)


def test_a_place_is_known_before_its_write_has_run(tmp_path: Path) -> None:
    held: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    def hold(fn: Callable[..., Any], /, *args: Any) -> object:
        held.append((fn, args))
        return None

    bookmarks, state = stores(tmp_path)
    reading = Reading(MemoryCatalog(STORIES), bookmarks, state, hold)
    reading.left(STORIES[1].id, (4, 0))
    assert state.place(STORIES[1].id) is None  # the saver thread has not run yet
    assert reading.where_left(STORIES[1].id) == ((4, 0), 0)
