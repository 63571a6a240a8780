"""`r` in the reader syncs the accounts beside refreshing the feeds, against a
real FreshRSS: what the server changed shows at once, the cursor stays put,
and what is read here reaches the server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui.shown import Said
from unit.feed_server import FeedServer, rss

from reader.accounts import Account, save, store_password
from reader.catalog import LibraryCatalog
from reader.config import seed_paths
from reader.library.articles import Library
from reader.seeding import ensure_seeded
from reader.sync.greader import READ, READING_LIST, STARRED, GReader
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

SIZE = (120, 40)


def reader_with_account(
    freshrss: dict[str, Any], tmp_path: Path, **options: Any
) -> tuple[NewsApp, LibraryCatalog, Said]:
    """The reader on a seeded library, with the FreshRSS account `home` and
    its password stored, and what it says recorded."""
    save(Account("home", freshrss["api"], freshrss["user"]))
    store_password("home", freshrss["api_password"])
    library = Library.open(tmp_path / "library.sqlite")
    ensure_seeded(library, seed_paths())
    catalog = LibraryCatalog(library)
    return NewsApp(catalog, **options), catalog, Said()


def sidebar_text(screen: ReaderScreen) -> str:
    sidebar = screen.sidebar
    return "\n".join(sidebar.render_line(y).text for y in range(sidebar.size.height))


async def press_r(app: NewsApp, pilot: Pilot[None]) -> None:
    await pilot.press("r")
    await app.screen.workers.wait_for_complete()
    await pilot.pause()


async def test_r_syncs_the_account_and_keeps_the_cursor(
    account: GReader,
    feeds: FeedServer,
    freshrss: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.sync.engine.FETCH_BATCH", 2)  # so three stories are "many"
    stories = [(f"Quay {n}", f"https://example.org/quay/{n}") for n in range(3)]
    account.subscribe(feeds.serve("/tui-quay.xml", rss("Quay", stories)), "Harbour")
    app, catalog, said = reader_with_account(freshrss, tmp_path)
    library = catalog.library
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("j", "j")
        cursor = screen.sidebar.highlighted
        assert cursor is not None
        await press_r(app, pilot)
        assert "home synced: 3 new stories" in said.messages()
        assert "home: fetching 3 stories…" in said.messages()
        assert not any(m.startswith("No feeds yet") for m in said.messages())  # the account has
        text = sidebar_text(screen)
        assert "Harbour" in text and "Quay 0" in text and "Quay 2" in text
        assert screen.sidebar.highlighted == cursor  # the cursor did not move

        # Another device reads one and stars one.
        on_server = {i.title: i.id for i in account.items(account.item_ids(READING_LIST))}
        account.edit([on_server["Quay 1"]], add=READ)
        account.edit([on_server["Quay 2"]], add=STARRED)
        await press_r(app, pilot)
        ids = {e.title: e.id for e in catalog.entries()}
        assert ids["Quay 1"] in screen.reading.read
        assert set(screen.reading.pins) == {ids["Quay 2"]}
        assert "Bookmarks" in sidebar_text(screen)
        assert screen.sidebar.highlighted == cursor

        # Read here: queued at once, on the server after the next r.
        screen.navigation.open(next(e for e in catalog.entries() if e.title == "Quay 0"))
        for _ in range(500):  # the queue is written on the saver's thread
            if library.queued("home"):
                break
            await asyncio.sleep(0.01)
        assert [q.action for q in library.queued("home")] == ["read"]
        await press_r(app, pilot)
        assert "home synced: 0 new stories, 1 change sent" in said.messages()
        assert account.item_ids(READING_LIST, exclude=READ) == [on_server["Quay 2"]]
        assert library.queued("home") == []


async def test_r_keeps_a_noted_bookmark_the_server_unstarred_and_z_still_undoes(
    account: GReader,
    feeds: FeedServer,
    freshrss: dict[str, Any],
    tmp_path: Path,
) -> None:
    account.subscribe(feeds.serve("/tui-pier.xml", rss("Pier", [("Pier 0", "https://e.org/p")])))
    app, catalog, said = reader_with_account(freshrss, tmp_path)
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        (item,) = account.item_ids(READING_LIST)
        account.edit([item], add=STARRED)
        await press_r(app, pilot)
        (story,) = [e for e in catalog.entries() if e.title == "Pier 0"]
        article = catalog.article(story.id)
        assert article is not None and story.id in screen.reading.pins
        screen.reading.set_note(article, "Meet at the pier.")

        account.edit([item], remove=STARRED)
        await press_r(app, pilot)
        assert "home synced: 0 new stories" in said.messages()
        assert "Pier 0 was unstarred on home: its bookmark and note stay here" in said.messages()
        assert screen.reading.note_for(story.id) == "Meet at the pier."
        assert "Pier 0" in sidebar_text(screen).split("Bookmarks", 1)[1]

        await pilot.press("z")
        await pilot.pause()
        assert screen.reading.note_for(story.id) == ""  # the note's step was there to undo


async def test_a_mark_read_rule_on_what_r_syncs_reaches_the_server(
    account: GReader,
    feeds: FeedServer,
    freshrss: dict[str, Any],
    tmp_path: Path,
) -> None:
    from reader.config import add_rule
    from reader.triage.rules import parse_rules

    (rule,), _ = parse_rules([{"name": "Sales", "query": "sales", "action": "mark-read"}])
    add_rule(rule)
    app, catalog, said = reader_with_account(freshrss, tmp_path)
    library = catalog.library
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.pause()
        url = feeds.serve(
            "/tui-mars.xml", rss("Mars", [("Garage sales on Mars", "https://e.org/m")])
        )
        account.subscribe(url)
        await press_r(app, pilot)
        assert "Sales: 1 new story marked read · z to undo" in said.messages()
        for _ in range(500):  # the queue is written on the saver's thread
            if library.queued("home"):
                break
            await asyncio.sleep(0.01)
        await press_r(app, pilot)
        assert "home synced: 0 new stories, 1 change sent" in said.messages()
        (story,) = [e for e in catalog.entries() if e.title == "Garage sales on Mars"]
        assert story.id in screen.reading.read
        assert account.item_ids(READING_LIST, exclude=READ) == []


async def test_r_says_a_feed_unsubscribed_on_the_server(
    account: GReader,
    feeds: FeedServer,
    freshrss: dict[str, Any],
    tmp_path: Path,
) -> None:
    bits = [(f"Bit {n}", f"https://e.org/tui-bits/{n}") for n in range(2)]
    account.subscribe(feeds.serve("/tui-bits.xml", rss("Tech Bits", bits)))
    app, _, said = reader_with_account(freshrss, tmp_path)
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await press_r(app, pilot)
        assert "Bit 1" in sidebar_text(screen)
        (feed,) = account.subscriptions()
        account.unsubscribe(feed.id)
        await press_r(app, pilot)
        assert "Tech Bits was unsubscribed on home: 2 stories removed" in said.messages()
        assert "Bit 1" not in sidebar_text(screen)


async def test_the_refresh_timer_syncs_the_accounts_when_a_sync_is_due(
    account: GReader,
    feeds: FeedServer,
    freshrss: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.waiting import until

    from reader.tui import feeds_controller

    monkeypatch.setattr(feeds_controller, "FIRST_CHECK", 0.1)  # the timer's first look, at once
    tide = [(f"Tide {n}", f"https://e.org/tide/{n}") for n in range(2)]
    account.subscribe(feeds.serve("/tui-tide.xml", rss("Tide", tide)))
    app, catalog, said = reader_with_account(freshrss, tmp_path, refresh_every=1800)
    library = catalog.library
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        # No key pressed: the timer's look finds the account due (never synced).
        await until(pilot, lambda: "home synced: 2 new stories" in said.messages())
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert "Tide 1" in sidebar_text(screen)
        assert library.sync_mark("home") > 0

        # Synced a moment ago: the next look leaves the account alone.
        screen.feeds._tick()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert not [w for w in screen.workers if w.group == "sync" and w.is_running]
        assert said.messages().count("home synced: 2 new stories") == 1
        assert not any(m.startswith("home synced: 0") for m in said.messages())


async def test_the_timer_tries_a_server_that_is_down_once_an_interval_and_says_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.waiting import until

    from reader.tui import feeds_controller

    monkeypatch.setattr(feeds_controller, "FIRST_CHECK", 0.1)
    save(Account("away", "http://127.0.0.1:9/api/greader.php", "a", ("echo", "secret")))
    library = Library.open(tmp_path / "library.sqlite")
    ensure_seeded(library, seed_paths())
    app = NewsApp(LibraryCatalog(library), refresh_every=1800)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await until(pilot, lambda: any("connection refused" in m for m in said.messages()))
        await screen.workers.wait_for_complete()
        begun = screen.feeds.accounts.begun
        assert begun > 0

        screen.feeds._tick()  # the next look, long before half an hour has passed
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.feeds.accounts.begun == begun  # not tried again
        assert sum("connection refused" in m for m in said.messages()) == 1
