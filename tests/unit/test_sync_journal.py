"""The reader's changes reach the sync queue (`QueueJournal`), and marks a
sync made are taken in by the screen's `Reading` without going back out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.bookmarks import Bookmark, Bookmarks
from reader.catalog import LibraryCatalog
from reader.cli import main
from reader.library.articles import Library
from reader.library.synced import Subscribed
from reader.model import Article, make_article, synced_story_id
from reader.reading import Reading
from reader.state import ReadingState
from reader.sync.journal import QueueJournal


def synced_library(path: Path) -> tuple[Library, list[Article]]:
    """Three stories of account home's feed/1, and one of a feed of its own."""
    library = Library.open(path)
    ids = library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha", "Tech")])
    stories = [
        make_article(
            "Tech",
            f"Story {n}",
            (),
            "feed/1",
            id=synced_story_id("home", f"{n:016x}"),
            markdown="Words.",
            feed_key=f"{n:016x}",
        )
        for n in range(3)
    ]
    library.upsert_articles(ids["feed/1"], stories)
    local = library.add_source("feed", "https://example.org/feed")
    library.upsert_articles(local, [make_article("News", "Local", (), "x", markdown="x")])
    return library, stories


def test_bookmarks_news_bookmarks_import_took_in_are_queued_as_b_queues_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not queued, the next sync would take them away again: the server has
    # them unstarred, and a bookmark without a note follows the server.
    path = tmp_path / "lib.sqlite"
    library, stories = synced_library(path)
    local = library.listing()[-1].id
    monkeypatch.setenv("NEWS_LIBRARY", str(path))
    marks = [
        {"article_id": stories[0].id, "added": "2026-11-01T00:00:00Z"},
        {"article_id": local, "added": "2026-11-02T00:00:00Z"},  # not synced: not queued
        # Kept apart from the server by an unstar with a note: left so.
        {"article_id": stories[1].id, "added": "2026-11-03T00:00:00Z", "unstarred_on": "home"},
    ]
    exported = tmp_path / "bookmarks.json"
    exported.write_text(json.dumps({"version": 1, "bookmarks": marks}), encoding="utf-8")
    assert main(["bookmarks", "import", str(exported)]) == 0
    assert capsys.readouterr().out == "3 bookmarks added, 3 in all\n"
    assert [(q.item, q.action) for q in library.queued("home")] == [(f"{0:016x}", "star")]
    library.close()


def test_reading_changes_are_queued_and_taken_in_marks_are_not(tmp_path: Path) -> None:
    library, stories = synced_library(tmp_path / "lib.sqlite")
    state, bookmarks = ReadingState(tmp_path / "state.json"), Bookmarks(tmp_path / "b.json")
    state.load()
    bookmarks.load()
    writes: list[str] = []

    def save(fn: object, *args: object) -> object:
        writes.append(getattr(fn, "__name__", ""))
        return fn(*args)  # type: ignore[operator]

    journal = QueueJournal(library.conn, save)
    reading = Reading(LibraryCatalog(library), bookmarks, state, save, journal=journal)
    first, second, third = (library.article(s.id) for s in stories)
    assert first is not None and second is not None and third is not None
    reading.mark_read(first, True)
    reading.toggle_bookmark(second)
    local_story = library.article(library.listing()[-1].id)
    assert local_story is not None
    reading.mark_read(local_story, True)  # not synced: not queued
    assert [(q.item, q.action) for q in library.queued("home")] == [
        (f"{0:016x}", "read"),
        (f"{1:016x}", "star"),
    ]
    assert "_write" in writes  # through the saver, as the store writes are
    frame: list[object] = []
    reading.opened(third, later=frame.append)  # a story opened: queued after its frame
    assert len(library.queued("home")) == 2 and third.id in reading.read
    frame[0]()  # type: ignore[operator]
    assert [(q.item, q.action) for q in library.queued("home")][-1] == (f"{2:016x}", "read")

    # A sync wrote the files and says what it changed: shown, reloaded, not queued.
    state.mark_many([third.id], True)
    bookmarks.restore_many([Bookmark.of(third, source="Alpha")])
    reading.take_in({third.id}, {first.id}, [Bookmark.of(third, source="Alpha")], {second.id})
    assert reading.read == {third.id, local_story.id}
    assert set(reading.pins) == {third.id}
    assert reading.read_counts == {"tech": 1, "news": 1}
    assert len(library.queued("home")) == 3
    journal.close()
    library.close()


def test_the_journal_knows_what_was_changed_since_a_sync_began(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    journal = QueueJournal(library.conn, lambda fn, *args: fn(*args))
    journal(["a"], "read")
    began = journal.tick
    journal(["b", "c"], "star")
    journal(["a"], "unread")
    assert journal.touched_since(began) == {"a", "b", "c"}
    assert journal.touched_since(journal.tick) == set()
    journal.forget(began)
    assert journal.touched_since(0) == {"a", "b", "c"}
    journal.forget(journal.tick)
    assert journal.touched_since(0) == set()
    journal.close()
    library.close()
