"""Feeds in the reader: r refreshes in the background, f fetches the whole story."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from unit.feed_server import FEEDS, FeedServer, rss, running

from reader.catalog import LibraryCatalog
from reader.config import seed_paths
from reader.library.articles import Library
from reader.seeding import ensure_seeded
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .shown import Said, screen_text
from .waiting import painted

SIZE = (120, 40)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from running()


def make_library(path: Path, server: FeedServer) -> LibraryCatalog:
    library = Library.open(path)
    ensure_seeded(library, seed_paths())
    library.add_source("feed", server.url("/motors.xml"), title="Motors")
    library.add_source("feed", server.url("/orbit.xml"), title="Orbit")
    library.add_source("feed", server.url("/gone.xml"), title="Gone feed")
    return LibraryCatalog(library)


def sidebar_text(app: NewsApp) -> str:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    sidebar = screen.sidebar
    return "\n".join(sidebar.render_line(y).text for y in range(sidebar.size.height))


async def refresh(app: NewsApp, pilot: Pilot[None]) -> None:
    """r, and wait until every feed has answered and the sidebar shows it."""
    await pilot.press("r")
    await app.screen.workers.wait_for_complete()
    await pilot.pause()


def open_titled(app: NewsApp, catalog: LibraryCatalog, title: str) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    screen.navigation.open(next(e for e in catalog.entries() if e.title == title))
    return screen


async def test_r_refreshes_feeds_and_names_the_one_that_failed(
    tmp_path: Path, server: FeedServer
) -> None:
    server.serve("/motors.xml", rss("Motors", [("Chargers everywhere", "")]))
    server.serve(
        "/orbit.xml", (FEEDS / "atom.xml").read_bytes(), content_type="application/atom+xml"
    )
    server.serve("/gone.xml", b"", status=404)
    app = NewsApp(make_library(tmp_path / "library.sqlite", server))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        assert "Chargers everywhere" not in sidebar_text(app)
        await refresh(app, pilot)
        text = sidebar_text(app)
        assert "Chargers everywhere" in text and "Capsule returns" in text
        assert "News" in text  # the seed stays
        shown = said.messages()
        assert any("Gone feed" in m and "404" in m for m in shown)
        assert any(m.startswith("3 feeds: 2 changed, 1 failed. ") for m in shown)
        # Every feed failing is said so, and no story count of nothing.
        for path in ("/motors.xml", "/orbit.xml"):
            server.serve(path, b"", status=500)
        said.notes.clear()
        await refresh(app, pilot)
        assert "3 feeds failed." in said.messages()


async def test_r_of_one_feed_that_edited_a_story_says_so(
    tmp_path: Path, server: FeedServer
) -> None:
    """And reads the library's Markdown folders again: a note written since is in."""
    link = "https://example.org/landing"
    server.serve("/wire.xml", rss("Wire", [("Rocket lands", link)]))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "old.md").write_text("# An old note\n")
    library = Library.open(tmp_path / "library.sqlite")
    library.add_source("feed", server.url("/wire.xml"), title="Wire")
    library.add_source("markdown", str(notes), title="notes")
    library.close()
    await asyncio.to_thread(_refresh, tmp_path / "library.sqlite")
    server.serve("/wire.xml", rss("Wire", [("Rocket lands, then flies again", link)]))
    (notes / "new.md").write_text("# Brand new note zebra\n")
    app = NewsApp(LibraryCatalog(Library.open(tmp_path / "library.sqlite")))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        assert "Brand new note zebra" not in sidebar_text(app)
        await refresh(app, pilot)
        shown = said.messages()
        assert "1 feed and 1 folder changed. 1 new story and 1 updated story." in shown
        assert "Brand new note zebra" in sidebar_text(app)


async def test_f_fetches_the_whole_story_into_the_library(
    tmp_path: Path, server: FeedServer
) -> None:
    page = server.serve(
        "/story.html", (FEEDS / "article.html").read_bytes(), content_type="text/html"
    )
    server.serve("/motors.xml", rss("Motors", [("Teaser only", page)]))
    catalog = make_library(tmp_path / "library.sqlite", server)
    app = NewsApp(catalog)
    async with app.run_test(size=SIZE) as pilot:
        await refresh(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        entry = next(e for e in catalog.entries() if e.title == "Teaser only")
        screen.navigation.open(entry)
        before = screen.story.article.words
        header = " ".join(s.text for s in screen.story.lines[:2])
        assert "MOTORS" in header and "1 min read" in header and "full text" not in header
        await pilot.press("f")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.story.article.words > before
        drawn = "\n".join(strip.text for strip in screen.story.lines)
        assert "casting press" in drawn  # the pane shows the whole article at once
        assert "casting press" in screen_text(app)
        header = " ".join(s.text for s in screen.story.lines[:2])
        assert "full text" in header
        stored = catalog.article(entry.id)
        assert stored is not None and stored.words == screen.story.article.words


async def test_r_on_files_given_says_it_works_on_the_library(seed: Path) -> None:
    from reader.sources.dump import read_dump

    app = NewsApp(read_dump(seed).articles)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await pilot.press("r", "f")
        shown = said.messages()
        assert any("library" in m for m in shown)


async def test_r_goes_on_past_feeds_whose_redirects_used_to_crash_it(
    tmp_path: Path, server: FeedServer
) -> None:
    server.serve("/motors.xml", rss("Motors", [("Chargers everywhere", "")]))
    server.serve("/orbit.xml", b"", status=302, location="javascript:alert(1)")
    server.serve("/gone.xml", b"", status=302, location="http://127.0.0.1:70000/")
    app = NewsApp(make_library(tmp_path / "library.sqlite", server))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await refresh(app, pilot)
        assert "Chargers everywhere" in sidebar_text(app)
        shown = said.messages()
        assert any("Orbit" in m and "redirect to a javascript: address refused" in m
                   for m in shown)  # fmt: skip
        assert any("Gone feed" in m and "bad port (over 65535)" in m for m in shown)
        assert "3 feeds: 1 changed, 2 failed. 1 new story." in shown
        assert app.is_running  # not ended by the refresh


async def test_q_during_a_refresh_quits_at_once_while_a_feed_drips(
    tmp_path: Path, server: FeedServer
) -> None:
    # A byte every half second: inside every read timeout, so only the whole-
    # fetch limit (a minute) would end it, and quitting used to wait for that.
    server.serve("/motors.xml", rss("Motors", [("Slowly", "")]), drip=0.5)
    server.serve("/orbit.xml", rss("Orbit", [("Slower", "")]), drip=0.5)
    server.serve("/gone.xml", b"", status=404)
    app = NewsApp(make_library(tmp_path / "library.sqlite", server))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        for _ in range(200):
            if server.seen("/motors.xml") and server.seen("/orbit.xml"):
                break
            await asyncio.sleep(0.02)
        assert server.seen("/motors.xml"), "the refresh never started"
        await asyncio.sleep(0.3)  # a byte or so has dripped in
        # The activity line, mounted by the first refresh, says what goes on.
        assert "Refreshing 3 feeds" in screen_text(app)
        pressed = time.monotonic()
        await pilot.press("q")
    # The worker's thread is in the loop's executor: this waits for it to end,
    # as the process does at exit.
    await asyncio.get_running_loop().shutdown_default_executor()
    assert time.monotonic() - pressed < 3


async def test_f_refuses_a_page_on_another_address_of_this_machine(
    tmp_path: Path, server: FeedServer
) -> None:
    elsewhere = FeedServer()  # another port on 127.0.0.1: not the feed's own site
    admin = elsewhere.url("/admin")  # never served: nothing may even connect
    elsewhere.httpd.server_close()
    server.serve("/motors.xml", rss("Motors", [("Admin page", admin)]))
    catalog = make_library(tmp_path / "library.sqlite", server)
    app = NewsApp(catalog)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await refresh(app, pilot)
        open_titled(app, catalog, "Admin page")
        await pilot.press("f")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        shown = said.messages()
        assert any("loopback address refused: 127.0.0.1" in m and "teaser stays" in m
                   for m in shown), shown  # fmt: skip


async def test_q_while_f_fetches_a_dripping_page_quits_at_once(
    tmp_path: Path, server: FeedServer
) -> None:
    page = server.serve(
        "/story.html", (FEEDS / "article.html").read_bytes(), content_type="text/html", drip=0.5
    )
    server.serve("/motors.xml", rss("Motors", [("Teaser only", page)]))
    catalog = make_library(tmp_path / "library.sqlite", server)
    app = NewsApp(catalog)
    async with app.run_test(size=SIZE) as pilot:
        await refresh(app, pilot)
        open_titled(app, catalog, "Teaser only")
        await pilot.press("f")
        for _ in range(200):
            if server.seen("/story.html"):
                break
            await asyncio.sleep(0.02)
        assert server.seen("/story.html"), "the page was never asked for"
        await asyncio.sleep(0.3)
        pressed = time.monotonic()
        await pilot.press("q")
    await asyncio.get_running_loop().shutdown_default_executor()
    assert time.monotonic() - pressed < 3


def _refresh(path: Path) -> None:
    """A refresh as `news refresh` makes it, on a library of its own (this
    thread's): asyncio.run cannot run inside the test's event loop."""
    from reader.refresh import refresh

    library = Library.open(path)
    try:
        assert all(outcome.ok for outcome in refresh(library))
    finally:
        library.close()


async def test_a_story_its_feed_edited_says_updated_in_its_header(
    tmp_path: Path, server: FeedServer
) -> None:
    from reader.bookmarks import Bookmarks
    from reader.state import ReadingState

    path = tmp_path / "library.sqlite"
    link = "https://example.org/landing"
    server.serve("/wire.xml", rss("Wire", [("Rocket lands", link)]))
    library = Library.open(path)
    library.add_source("feed", server.url("/wire.xml"), title="Wire")
    library.close()
    await asyncio.to_thread(_refresh, path)
    server.serve("/wire.xml", rss("Wire", [("Rocket lands, then flies again", link)]))
    await asyncio.to_thread(_refresh, path)

    library = Library.open(path)
    (row,) = library.listing()
    state, bookmarks = ReadingState(tmp_path / "state.json"), Bookmarks(tmp_path / "b.json")
    state.load()
    bookmarks.load()
    state.set_last(row.id)  # the reader opens at it
    app = NewsApp(LibraryCatalog(library), bookmarks=bookmarks, state=state)
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "min read" in line)
        assert "updated" in header
        assert any("Rocket lands, then flies again" in line for line in lines)
        assert not any(line.strip() == "Rocket lands" for line in lines)
