"""Bookmarks and reading state in the reader, by keyboard, across restarts."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from textual import events

from reader.catalog import LibraryCatalog
from reader.library.articles import Library
from reader.library.db import open_library
from reader.model import Article, utc_now
from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.article_list import BOOKMARKS

from .shown import Said, toasts
from .waiting import painted, until

SIZE = (120, 40)


@pytest.fixture
def articles(seed: Path) -> list[Article]:
    return read_dump(seed).articles


def data_dir() -> Path:
    return Path(os.environ["NEWS_DATA_DIR"])


async def settle(app: NewsApp) -> None:
    """Wait until every write asked for so far has reached the disk, those a
    story opened holds until its frame is painted (`Reading.opened`) too."""
    painted = asyncio.Event()
    app.screen.call_after_refresh(painted.set)
    await asyncio.wait_for(painted.wait(), 15)
    app.saver.submit(lambda: None).result(timeout=10)


def screen(app: NewsApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def sidebar_lines(app: NewsApp) -> list[str]:
    sidebar = screen(app).sidebar
    return [sidebar.render_line(y).text.rstrip() for y in range(len(sidebar.rows))]


async def test_bookmark_from_the_sidebar_persists(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "b")
        await settle(app)
        lines = sidebar_lines(app)
        assert lines[0].startswith(BOOKMARKS)
        assert "★ Tesla Semi" in lines[1]
        saved = json.loads((data_dir() / "bookmarks.json").read_text())
        assert [b["title"] for b in saved["bookmarks"]] == [articles[3].title]
    again = NewsApp(read_dump(Path(articles[0].source)).articles)
    async with again.run_test(size=SIZE):
        assert "★ Tesla Semi" in sidebar_lines(again)[1]


async def test_b_in_the_story_toggles_the_open_story(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "enter", "b")
        await settle(app)
        assert "★ Bookmarked" in "\n".join(s.text for s in screen(app).story.lines[:3])
        await pilot.press("b")
        await settle(app)
        assert json.loads((data_dir() / "bookmarks.json").read_text())["bookmarks"] == []
        assert not sidebar_lines(app)[0].startswith(BOOKMARKS)


async def test_capital_b_jumps_to_bookmarks_newest_first(articles: list[Article]) -> None:
    app = NewsApp(articles)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await pilot.press("B")  # none yet: says so
        await pilot.press("b")
        first = app.bookmarks.all()[0].added  # to the second
        await until(pilot, lambda: utc_now() > first, "a later second, so the order is by time")
        await pilot.press("G", "b")
        await pilot.press("B")
        sidebar = screen(app).sidebar
        assert sidebar.highlighted.title.startswith("SpaceX")  # newest first
        assert sidebar.rows[1].pinned and sidebar.rows[2].pinned
        # u marks the highlighted bookmark, not the story on screen: it says which.
        await pilot.press("u")
        told = "Marked read (SpaceX is launching a secret spacecraft…) · z to undo"
        await until(pilot, lambda: told in said.messages(), str(said.messages()))


async def test_note_on_a_bookmark(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"[b]ask[/b] Wu")
        await pilot.press("enter")
        await settle(app)
        (saved,) = json.loads((data_dir() / "bookmarks.json").read_text())["bookmarks"]
        assert saved["note"] == "[b]ask[/b] Wu"
        assert "★ Bookmarked · [b]ask[/b] Wu" in "\n".join(
            s.text for s in screen(app).story.lines[:3]
        )
        await pilot.press("e", "escape")  # cancelled: nothing changes
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the note closed")
        await settle(app)
        (saved,) = json.loads((data_dir() / "bookmarks.json").read_text())["bookmarks"]
        assert saved["note"] == "[b]ask[/b] Wu"


async def test_opening_marks_read_and_u_toggles(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        second = screen(app).sidebar.highlighted.id  # the other News story
        await pilot.press("enter")
        await settle(app)
        assert sidebar_lines(app)[0].split() == ["News", "2"]  # both read: just the total
        state = json.loads((data_dir() / "state.json").read_text())
        assert state["read"] == sorted([articles[0].id, second])
        await pilot.press("u")  # in the story: the open one
        await settle(app)
        assert "1/2" in sidebar_lines(app)[0]
        assert json.loads((data_dir() / "state.json").read_text())["read"] == [articles[0].id]


def saved_state() -> dict[str, object]:
    path = data_dir() / "state.json"
    return json.loads(path.read_text()) if path.exists() else {}


async def test_a_story_opened_is_saved_read_while_the_reader_runs(
    articles: list[Article],
) -> None:
    """As if the reader were killed the moment after: the story just opened is
    read, and the one to reopen, in the state file, the reader still running."""
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        opened = screen(app).sidebar.highlighted.id
        await pilot.press("enter")
        assert screen(app).story.article.id == opened != articles[0].id

        def saved() -> bool:
            state = saved_state()
            return state.get("last") == opened and opened in state.get("read", [])  # type: ignore[operator]

        await until(pilot, saved, "the story opened, read and last, in state.json")


async def test_enter_then_q_at_once_keeps_the_story_read(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        opened = screen(app).sidebar.highlighted.id
        # Both at once, as a terminal delivers keys typed together: q is taken
        # before the frame that shows the story has been painted.
        for key in (events.Key("enter", "\r"), events.Key("q", "q")):
            app.post_message(key)
        await until(pilot, lambda: not app.is_running, "the reader closed by q")
    app.saver.close()
    state = saved_state()
    assert state["last"] == opened != articles[0].id
    assert opened in state["read"]  # type: ignore[operator]


async def test_the_story_shown_at_start_is_read_and_full_stop_moves_on(
    articles: list[Article],
) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        await settle(app)
        assert screen(app).story.article.id == articles[0].id
        assert "1/2" in sidebar_lines(app)[0]  # News: one of two unread
        assert json.loads((data_dir() / "state.json").read_text())["read"] == [articles[0].id]
        seen = []
        for _ in range(len(articles) - 1):
            await pilot.press("full_stop")
            seen.append(screen(app).story.article.id)
        assert articles[0].id not in seen and len(set(seen)) == len(articles) - 1


async def test_full_stop_opens_the_next_unread(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # Giga read
        await pilot.press("full_stop")
        assert screen(app).story.article.title.startswith("Tesla Semi")
        for _ in range(3):
            await pilot.press("full_stop")
        await pilot.press("full_stop")  # all four read now
        assert screen(app).sidebar.next_unread() is None


async def test_reopens_at_the_last_story_and_place(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "enter", "j", "j", "j", "j")
        await pilot.pause()
        await pilot.press("left_square_bracket", "right_square_bracket")  # away and back
        await pilot.pause()
        assert screen(app).story.scroll_y == 4
        await pilot.press("q")
    app.saver.close()
    again = NewsApp(read_dump(Path(articles[0].source)).articles)
    async with again.run_test(size=SIZE) as pilot:
        await painted(pilot)
        story = screen(again).story
        assert story.article.title.startswith("SpaceX is launching")
        assert story.scroll_y == 4


def write_bookmarks(*bookmarks: dict[str, str]) -> None:
    path = data_dir() / "bookmarks.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "bookmarks": list(bookmarks)}))


GONE = {
    "article_id": "0123456789ab",
    "title": "Gone story " + "with a title far too long for the sidebar " * 2,
    "section": "Old",
    "source": "/usr/lib/python3/site-packages/reader/seeds/teslarati.txt",
    "url": "https://example.org/story",
    "added": "2026-01-02T03:04:05Z",
    "note": "",
}


async def test_a_bookmark_whose_story_is_gone_still_shows(articles: list[Article]) -> None:
    write_bookmarks(GONE)
    library = Library(open_library(":memory:"))
    library.upsert_articles(library.add_source("dump", "seed"), articles)
    app = NewsApp(LibraryCatalog(library))
    async with app.run_test(size=SIZE) as pilot:
        row = sidebar_lines(app)[1]
        assert "Gone story" in row and row.endswith("… missing")  # the cut spares the word
        await pilot.press("B", "enter")
        await pilot.pause()
        text = "\n".join(s.text for s in screen(app).story.lines)
        assert "no longer in your sources" in text
        assert "\n  Missing\n" in text
        assert "bookmarked from teslarati on" in " ".join(text.split())
        assert "/usr/lib" not in text


async def test_reading_files_lists_only_the_bookmarks_of_their_stories(
    articles: list[Article],
) -> None:
    """`news PATH`: the library's other bookmarks are elsewhere, not missing."""
    here = articles[1]
    kept = {**GONE, "article_id": here.id, "title": here.title, "section": here.section}
    write_bookmarks(GONE, {**kept, "added": "2026-01-01T00:00:00Z"})
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        lines = sidebar_lines(app)
        assert "Bookmarks" in lines[0]
        assert here.title[:30] in lines[1] and "★" in lines[1]
        assert not any("Gone story" in line or "missing" in line for line in lines)


async def test_corrupt_bookmarks_file_is_set_aside_and_said(articles: list[Article]) -> None:
    path = data_dir() / "bookmarks.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")
    app = NewsApp(articles)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await painted(pilot)
        await until(pilot, lambda: any("bookmarks" in t for t in toasts(app)), "a toast")
        assert any(p.name.startswith("bookmarks.json.corrupt") for p in path.parent.iterdir())
        await pilot.press("b")
        await settle(app)
    assert len(json.loads(path.read_text())["bookmarks"]) == 1


def block_at_top(app: NewsApp) -> int:
    """The block whose words are on the pane's top line."""
    story = screen(app).story
    top = " ".join(story.lines[round(story.scroll_y)].text.split())
    found = [
        i for i, b in enumerate(story.article.blocks) if top and top in " ".join(b.text.split())
    ]
    assert found, f"no block holds the top line {top!r}"
    return found[0]


async def test_a_story_reopens_at_the_same_words_after_the_width_changed(
    articles: list[Article],
) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("G", "enter", *"j" * 28)
        await pilot.pause()
        before = block_at_top(app)
        assert before > 1  # well into the story, in a paragraph that wraps
        await pilot.press("q")
    app.saver.close()
    again = NewsApp(articles)
    async with again.run_test(size=(80, 30)) as pilot:
        await painted(pilot)
        story = screen(again).story
        assert story.article.title.startswith("SpaceX is launching")
        assert story.scroll_y > 28  # the same words sit lower at a narrower width
        assert block_at_top(again) == before


async def test_a_story_read_to_its_end_reopens_at_the_top(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("G", "enter", "G")
        await pilot.pause()
        assert screen(app).story.scroll_y > 0
        await pilot.press("q")
    app.saver.close()
    again = NewsApp(articles)
    async with again.run_test(size=(120, 30)) as pilot:
        await painted(pilot)
        assert screen(again).story.scroll_y == 0


@pytest.fixture
def feed_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A library made by `news add` (outside the event loop: it runs its own)."""
    from reader.cli import main

    feed = tmp_path / "orbit-feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>Orbit Weekly</title>'
        "<item><title>Only story</title><guid>1</guid><description>Text.</description>"
        "</item></channel></rss>"
    )
    library = tmp_path / "library.sqlite"
    assert main(["add", str(feed), "--library", str(library)]) == 0
    capsys.readouterr()
    return library


async def test_a_bookmark_names_its_source_as_news_sources_does(
    feed_library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.cli import main
    from reader.cli.common import open_catalog
    from reader.config import load_config

    monkeypatch.setenv("NEWS_LIBRARY", str(feed_library))
    app = NewsApp(open_catalog([], load_config()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "b", "G", "b")  # a bundled story, then the feed's
        await settle(app)
    assert main(["bookmarks", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(b["source"] for b in listed) == ["Orbit Weekly", "teslarati"]
    assert main(["bookmarks", "export", "--format", "markdown"]) == 0
    exported = capsys.readouterr().out
    assert "· Orbit Weekly ·" in exported and "· teslarati ·" in exported


async def test_files_read_in_between_leave_the_story_the_library_reopens(tmp_path: Path) -> None:
    from reader.cli.common import load_articles, open_catalog
    from reader.config import Config

    library = NewsApp(open_catalog([], Config()))
    async with library.run_test(size=SIZE) as pilot:
        await painted(pilot)
        await pilot.press("down", "enter")  # the library's second story
        assert screen(library).story.article.title.startswith("Tesla Semi")
        await pilot.press("q")
    library.saver.close()

    story = tmp_path / "trip.md"
    story.write_text("# A trip\n\nWe walked all day.\n", encoding="utf-8")
    files = NewsApp(load_articles([str(story)], Config()))
    async with files.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert screen(files).story.article.title == "A trip"
        await pilot.press("enter", "q")
    files.saver.close()

    again = NewsApp(open_catalog([], Config()))
    async with again.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert screen(again).story.article.title.startswith("Tesla Semi")
