"""The refresh timer in the reader: a local server publishes a new story, the
timer brings it in the background, and nothing the person was looking at
moves; new stories that matter are told of (toast, terminal, command)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from recording import recording_program
from unit.feed_server import FeedServer, rss, running

from reader.catalog import LibraryCatalog
from reader.config import seed_paths
from reader.highlight import Keyword
from reader.library.articles import Library
from reader.model import Block, BlockKind, make_article
from reader.seeding import ensure_seeded
from reader.triage.notify import Notice, Settings
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .given import seeded, write_config
from .shown import Said
from .waiting import painted, until

SIZE = (120, 40)
LONG_AGO = "2000-01-01T00:00:00+00:00"
ORBIT = [(f"Orbit story {n:02}", f"https://example.org/orbit/{n}") for n in range(60)]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from running()


def _refresh(path: Path) -> None:
    from reader.refresh import refresh

    library = Library.open(path)
    try:
        assert all(outcome.ok for outcome in refresh(library))
        for source in library.sources():  # as if fetched long ago: due at once
            library.record_fetch(source.id, LONG_AGO, "")
    finally:
        library.close()


async def library_with_feed(
    tmp_path: Path, server: FeedServer, items: list[tuple[str, str]]
) -> Path:
    path = tmp_path / "library.sqlite"
    url = server.serve("/orbit.xml", rss("Orbit", items))
    library = Library.open(path)
    ensure_seeded(library, seed_paths())
    library.add_source("feed", url, title="Orbit")
    library.close()
    await asyncio.to_thread(_refresh, path)
    return path


def sidebar_text(screen: ReaderScreen) -> str:
    sidebar = screen.sidebar
    return "\n".join(sidebar.render_line(y).text for y in range(sidebar.size.height))


async def test_the_timer_brings_a_new_story_without_moving_anything(
    tmp_path: Path, server: FeedServer
) -> None:
    path = await library_with_feed(tmp_path, server, ORBIT)
    # The server publishes a story, newer than any: it lands at the top of
    # Orbit; and one a hide rule hides, not counted in the toast.
    new = [("Capsule returns early", "https://e.org/c"), ("Booster lands", "https://e.org/b")]
    server.serve("/orbit.xml", rss("Orbit", [*ORBIT, *new]))
    write_config('[[rules]]\nname = "No boosters"\nquery = "booster"\naction = "hide"\n')
    app = NewsApp(LibraryCatalog(Library.open(path)), refresh_every=1800)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        catalog = screen.catalog
        # Reading a long seed story, part-way down; the cursor far down Orbit.
        story = next(e for e in catalog.entries() if e.title.startswith("SpaceX is launching"))
        screen.navigation.open(story)
        await pilot.pause()
        screen.story.scroll_to(y=6, animate=False)
        target = next(e for e in catalog.entries() if e.title == "Orbit story 05")
        screen.sidebar.highlight(target.id)
        screen.sidebar.scroll_to(y=screen.sidebar.cursor - 20, animate=False)
        await pilot.pause()
        cursor_row = screen.sidebar.cursor - round(screen.sidebar.scroll_y)
        before_line = sidebar_text(screen).splitlines()[cursor_row]
        assert "Orbit story 05" in before_line
        assert "Capsule returns early" not in sidebar_text(screen)

        await until(pilot, lambda: ("", "1 new story") in said.titled())
        assert ("", "2 new stories") not in said.titled()
        await pilot.pause()
        # The new story is in the sidebar (above the cursor, off the screen).
        rows = [screen.sidebar.rows[i] for i in range(len(screen.sidebar.rows))]
        assert any(r.article and r.article.title == "Capsule returns early" for r in rows)
        # The cursor is on its story, on the same line of the screen.
        highlighted = screen.sidebar.highlighted
        assert highlighted is not None and highlighted.id == target.id
        assert screen.sidebar.cursor - round(screen.sidebar.scroll_y) == cursor_row
        assert sidebar_text(screen).splitlines()[cursor_row] == before_line
        # The story being read is the same one, at the same place.
        assert screen.story.article is not None and screen.story.article.id == story.id
        assert round(screen.story.scroll_y) == 6
        # Fetched once, by the timer; nothing is due again for half an hour.
        assert len(server.seen("/orbit.xml")) == 2
        assert screen.feeds._timer is not None


async def test_no_timer_no_fetch(tmp_path: Path, server: FeedServer) -> None:
    path = await library_with_feed(tmp_path, server, ORBIT[:2])
    app = NewsApp(LibraryCatalog(Library.open(path)))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await until(pilot, lambda: screen.feeds._timer is not None)
        await until(pilot, lambda: screen.feeds._timer is None)  # its first look ends it
        await screen.workers.wait_for_complete()
        assert len(server.seen("/orbit.xml")) == 1  # only the refresh before the reader


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[tuple[str, ...], Path]:
    """A real program that writes the arguments it was given to a file."""
    script, out = recording_program(tmp_path)
    return (script, "--app-name=news"), out


async def test_a_new_story_with_a_followed_keyword_is_told_of(
    tmp_path: Path, server: FeedServer, recorder: tuple[tuple[str, ...], Path]
) -> None:
    path = await library_with_feed(tmp_path, server, ORBIT[:2])
    hostile = "Starfall \x1b]0;owned\x07lands; $(touch x) [b]ok[/]"
    escaped = hostile.replace("\x1b", "&#27;").replace("\x07", "&#7;").replace("[", "[")
    server.serve(
        "/orbit.xml",
        rss("Orbit", [*ORBIT[:2], ("Quiet news", ""), (escaped, "https://e.org/starfall")]),
    )
    command, out = recorder
    app = NewsApp(
        LibraryCatalog(Library.open(path)),
        keywords=[Keyword("Starfall")],
        refresh_every=1800,
        alerts=Settings(command, "osc777"),
    )
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        written: list[str] = []
        assert app._driver is not None
        app._driver.write = written.append  # type: ignore[method-assign,assignment]
        # The file is made when the program opens it, a moment before it writes.
        await until(pilot, lambda: out.exists() and out.read_text().endswith("\n"))
        shown = "Starfall lands; $(touch x) [b]ok[/]"
        assert ("keyword Starfall", f"{shown} (Orbit)") in said.titled()
        assert ("", "2 new stories") in said.titled()
        assert [json.loads(line) for line in out.read_text().splitlines()] == [
            ["--app-name=news", shown, "Orbit", "https://e.org/starfall"]
        ]
        assert written == [f"\x1b]777;notify;news: Orbit;{shown.replace(';', ',')}\x07"]
        assert not (tmp_path / "x").exists()


async def test_a_failing_command_is_said_once(tmp_path: Path) -> None:
    script = tmp_path / "fail.sh"
    script.write_text("#!/bin/sh\necho 'Invalid number of options.' >&2\nexit 1\n")
    script.chmod(0o755)
    app = NewsApp([], alerts=Settings((str(script),), ""))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        first = Notice("Capsule returns", "Space", "https://e.org/1", "", "a1")
        second = Notice("Capsule lands", "Space", "https://e.org/2", "", "a2")
        screen.feeds.tell([first], "rule Capsules")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        screen.feeds.tell([second, first], "rule Capsules")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        failed = [m for m in said.titled() if m[0] == "Notify command"]
        assert failed == [
            (
                "Notify command",
                f"{script} failed (exit status 1): Invalid number of options.; it is not run"
                " again until the reader restarts",
            )
        ]
        told = [m for m in said.titled() if m[0] == "rule Capsules"]
        # Each story once, however often it is handed over.
        assert told == [
            ("rule Capsules", "Capsule returns (Space)"),
            ("rule Capsules", "Capsule lands (Space)"),
        ]


async def test_a_notify_rule_tells_of_its_stories_the_same_way(
    tmp_path: Path, recorder: tuple[tuple[str, ...], Path]
) -> None:
    write_config('[[rules]]\nname = "Capsules"\nquery = "capsule"\naction = "notify"\n')
    path = tmp_path / "library.sqlite"
    seeded(path).close()
    command, out = recorder
    app = NewsApp(LibraryCatalog(Library.open(path)), alerts=Settings(command, ""))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await painted(pilot)  # the rules start after the first paint
        await app.screen.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        # A refresh stores a story, as another connection does.
        library = Library.open(path)
        source = library.add_source("feed", "https://orbit.example/feed", title="Orbit")
        story = make_article(
            "Space",
            "Capsule splashes down",
            [Block(BlockKind.PARAGRAPH, "The capsule is home.")],
            "Orbit",
            url="https://orbit.example/capsule",
        )
        library.upsert_articles(source, [story])
        library.close()
        screen.stories_changed()
        # The file is made when the program opens it, a moment before it writes.
        await until(pilot, lambda: out.exists() and out.read_text().endswith("\n"))
        assert ("rule Capsules", "Capsule splashes down (Space)") in said.titled()
        assert [json.loads(line) for line in out.read_text().splitlines()] == [
            ["--app-name=news", "Capsule splashes down", "Space", "https://orbit.example/capsule"]
        ]


async def test_a_feed_that_fails_again_for_the_same_reason_is_said_once(
    tmp_path: Path, server: FeedServer
) -> None:
    path = await library_with_feed(tmp_path, server, ORBIT[:2])
    server.serve("/orbit.xml", b"gone", status=404)
    app = NewsApp(LibraryCatalog(Library.open(path)), refresh_every=1800)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        failed = ("Feed failed", "Orbit: HTTP 404")
        await until(pilot, lambda: failed in said.titled())
        await screen.workers.wait_for_complete()
        # Due again (as if half an hour had passed): fetched, failing the same way.
        library = Library.open(path)
        for source in library.sources():
            library.record_fetch(source.id, LONG_AGO, "")
        library.close()
        screen.feeds._tick()
        await until(pilot, lambda: len(server.seen("/orbit.xml")) == 3)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert said.titled().count(failed) == 1
        # A new reason is news.
        server.serve("/orbit.xml", b"", status=500)
        library = Library.open(path)
        for source in library.sources():
            library.record_fetch(source.id, LONG_AGO, "")
        library.close()
        screen.feeds._tick()
        await until(pilot, lambda: ("Feed failed", "Orbit: HTTP 500") in said.titled())


async def test_stories_another_news_stores_during_a_slow_refresh_are_listed_and_told(
    tmp_path: Path,
    server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    write_dump: Callable[..., Path],
) -> None:
    # `r` waits on a feed that sends a byte at a time; meanwhile `news add` in
    # another terminal stores a dump. Its stories show before the refresh ends,
    # and the toast counts only them, not what the refresh itself stores.
    from reader.cli import main
    from reader.tui import feeds_controller, outside_watch

    monkeypatch.setattr(outside_watch, "LIBRARY_EVERY", 0.05)
    monkeypatch.setattr(feeds_controller, "FIRST_CHECK", 3600.0)
    path = await library_with_feed(tmp_path, server, ORBIT[:3])
    server.serve("/orbit.xml", rss("Orbit", ORBIT), drip=0.02)
    dump = write_dump("Harbour\nFerry returns to the old pier\nIt docked at noon.\n")
    monkeypatch.setenv("NEWS_LIBRARY", str(path))
    app = NewsApp(LibraryCatalog(Library.open(path)))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await painted(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await until(pilot, lambda: screen.rules.newest_seen is not None)
        await pilot.press("r")
        await until(pilot, lambda: screen.feeds.fetching, "the refresh is fetching")
        assert await asyncio.to_thread(main, ["add", str(dump)]) == 0
        await until(pilot, lambda: "Ferry returns" in sidebar_text(screen))
        await until(pilot, lambda: "1 new story (stored by another news)" in said.messages())
        assert screen.feeds.fetching  # the slow feed is still on its way


async def test_stories_another_news_stored_are_listed_and_told(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `news refresh --due` from cron while the reader runs: its fetch takes the
    # feed's news, so the reader's own would hear "not modified".
    from reader.tui import feeds_controller, outside_watch

    monkeypatch.setattr(outside_watch, "LIBRARY_EVERY", 0.05)
    monkeypatch.setattr(feeds_controller, "FIRST_CHECK", 3600.0)  # no refresh of its own
    path = await library_with_feed(tmp_path, server, ORBIT[:3])
    write_config('[[rules]]\nname = "No boosters"\nquery = "booster"\naction = "hide"\n')
    app = NewsApp(LibraryCatalog(Library.open(path)))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await painted(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        # Stored once the reader has listed what the library held at start.
        await until(pilot, lambda: screen.rules.newest_seen is not None)
        assert "Capsule returns early" not in sidebar_text(screen)
        new = [("Capsule returns early", "https://e.org/c"), ("Booster lands", "https://e.org/b")]
        server.serve("/orbit.xml", rss("Orbit", [*ORBIT[:3], *new]))
        await asyncio.to_thread(_refresh, path)
        await until(pilot, lambda: "Capsule returns early" in sidebar_text(screen))
        # Told by a toast, whose message the app takes in after the sidebar has
        # changed; the story the hide rule hid is not counted.
        await until(pilot, lambda: "1 new story (stored by another news)" in said.messages())
        assert "Booster" not in sidebar_text(screen)
        assert "2 new stories (stored by another news)" not in said.messages()
