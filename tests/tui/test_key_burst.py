"""Keys that arrive together, as a terminal hands over a burst (a fast typist,
a key held down, a macro): each one goes where the key before it sent the
focus. Enter used to move the focus a moment after the keys behind it had been
handed to the list or the search bar, which took them (the list moved, the
query grew a letter) and they were lost to the story Enter opened."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from reader.sources.dump import parse, read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.story_view import StoryView

from .shown import search_status as status
from .waiting import painted, until

SIZE = (120, 40)
ROVER = "News\nOnly story\nThe rover rolled. The rover stopped. The rover slept.\n"


def burst(app: NewsApp, *keys: str) -> None:
    """Every key in the app's queue before the first is handled, as a
    terminal's one read of several keys puts them there."""
    for key in keys:
        app.post_message(events.Key(key, "\r" if key == "enter" else key))


async def stays_at(pilot: Pilot[None], story: StoryView, line: int) -> None:
    """The story scrolls to `line` and stays there: each key counted once."""
    await until(pilot, lambda: story.scroll_y == line, f"the story at line {line}")
    await pilot.pause()
    assert story.scroll_y == line


def reader(app: NewsApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


@pytest.fixture
def app(seed: Path) -> NewsApp:
    return NewsApp(read_dump(seed).articles)


async def test_keys_right_behind_enter_in_the_sidebar_scroll_the_story(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = reader(app)
        burst(app, "enter", "j", "j", "j")
        await stays_at(pilot, screen.story, 3)
        assert app.focused is screen.story
        assert screen.sidebar.highlighted.title.startswith("Tesla Giga")  # the list did not move


async def test_n_right_behind_enter_on_a_search_result_goes_to_the_next_match() -> None:
    app = NewsApp(parse(ROVER))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"rover")
        await reader(app).workers.wait_for_complete()
        await pilot.press("shift+tab")  # from the bar into the result list
        await until(pilot, lambda: app.focused is reader(app).results, "the results focused")
        burst(app, "enter", "n")
        await until(pilot, lambda: status(app) == "match 2 of 3", "the second match")


async def test_n_right_behind_enter_in_the_search_bar_is_not_typed_into_the_query() -> None:
    app = NewsApp(parse(ROVER))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"rover")
        await reader(app).workers.wait_for_complete()
        await pilot.pause()
        burst(app, "enter", "n")
        await until(pilot, lambda: status(app) == "match 2 of 3", "the second match")
        assert app.screen.query_one(SearchBar).text == "rover"


async def test_j_right_behind_h_in_the_story_moves_the_list(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = reader(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is screen.story, "the story focused")
        burst(app, "h", "j")
        await until(pilot, lambda: app.focused is screen.sidebar, "the list focused")
        await until(pilot, lambda: screen.sidebar.highlighted.title.startswith("Tesla Semi"))
        assert screen.story.scroll_y == 0


async def test_enter_on_the_story_being_read_keeps_its_place_and_the_keys_behind(
    app: NewsApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = reader(app)
        await pilot.press("enter", *"jjjjj")
        await until(pilot, lambda: screen.story.scroll_y == 5, "five lines down")
        await pilot.press("h")
        await until(pilot, lambda: app.focused is screen.sidebar, "the list focused")
        burst(app, "enter", "j", "j")
        await stays_at(pilot, screen.story, 7)


async def test_keys_right_behind_enter_scroll_a_story_longer_than_the_one_before() -> None:
    """The story before fit the pane (no scrollbar): the new one's scrollbar
    is only worked out at the next layout, and j was skipped until then."""
    long_body = " ".join(f"Line {n} of the long one." for n in range(400))
    app = NewsApp(parse(f"News\nShort one\nA few words.\nNews\nLong one\n{long_body}\n"))
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = reader(app)
        await pilot.press("j")
        await until(pilot, lambda: screen.sidebar.highlighted.title == "Long one", "on it")
        burst(app, "enter", "j", "j", "j")
        await stays_at(pilot, screen.story, 3)


async def test_keys_right_behind_enter_scroll_the_new_story_from_its_top(app: NewsApp) -> None:
    """The story before was read down the page: j behind Enter moves from the
    new story's place, not from the old one's."""
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = reader(app)
        await pilot.press("enter", *"j" * 10, "h", "j")
        await until(pilot, lambda: screen.sidebar.highlighted.title.startswith("Tesla Semi"))
        burst(app, "enter", "j", "j")
        await until(pilot, lambda: screen.story.article.title.startswith("Tesla Semi"))
        await stays_at(pilot, screen.story, 2)


async def test_enter_and_n_typed_with_the_query_open_its_first_result_at_the_second_match(
    app: NewsApp,
) -> None:
    """Enter before the answer came waits for it; n behind it walks on once open."""
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: app.screen.query_one(SearchBar).display, "the bar open")
        burst(app, *"tesla", "enter", "n")
        await until(pilot, lambda: status(app) == "match 2 of 11", "the second match")
        assert app.screen.query_one(SearchBar).text == "tesla"
        assert app.focused is reader(app).story


async def test_keys_right_behind_e_and_w_are_typed_into_the_dialog_they_open(
    app: NewsApp,
) -> None:
    """`e` and `w` ran only once they had bubbled up from the sidebar; the keys
    behind them, handed to the sidebar meanwhile, reached the app after the
    dialog had opened and were lost (all of them here, some on a busy reader)."""
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        for opener, typed in (("e", "why q"), ("w", "zap")):
            burst(app, opener, *typed)
            await until(pilot, partial(typed_into, app, typed), f"{typed!r} in the box")
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the box closed")
        burst(app, "slash", "w", "e")  # in the search bar they are text
        await until(pilot, lambda: app.screen.query_one(SearchBar).text == "we", "typed")
        assert isinstance(app.screen, ReaderScreen)


def typed_into(app: NewsApp, text: str) -> bool:
    """The focused box holds `text`."""
    return isinstance(app.focused, Input) and app.focused.value == text
