"""The search bar with filters: is:unread lists what is unread now, and a filter
that cannot be read says what is wrong in the bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp

from .shown import search_status as status
from .test_search import SIZE, results_for, screen
from .waiting import until


@pytest.fixture
def app(seed: Path) -> NewsApp:
    return NewsApp(read_dump(seed).articles)


async def test_is_unread_lists_only_the_unread_stories(app: NewsApp, seed: Path) -> None:
    stories = read_dump(seed).articles
    async with app.run_test(size=SIZE) as pilot:
        opened = screen(app).story.article.title  # the first story, read by opening it
        titles = await results_for(app, pilot, "slash", *"is:unread")
        assert sorted(titles) == sorted(a.title for a in stories if a.title != opened)
        assert status(app) == f"{len(stories) - 1} stories"

        # Open one of them: it is read now, and the next search leaves it out.
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is screen(app).story, "the story open")
        second = screen(app).story.article.title
        assert second == titles[0]
        await pilot.press("escape", "slash", "ctrl+u")
        titles = await results_for(app, pilot, *"is:unread")
        assert sorted(titles) == sorted(a.title for a in stories if a.title not in (opened, second))
        # With a word, and turned round.
        titles = await results_for(app, pilot, "ctrl+u", *"is:read")
        assert sorted(titles) == sorted([opened, second])


async def test_a_filter_that_cannot_be_read_says_why_in_the_bar(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"tesla is:new")
        await pilot.pause()
        assert status(app) == "is: takes unread, read or bookmarked (not 'new')"
        assert app.screen.query_one("#search-status").has_class("-error")
        await pilot.press("ctrl+u", *"after:2026-02-30")
        await pilot.pause()
        assert status(app) == "after:2026-02-30 is not a day of the calendar"
        await pilot.press("ctrl+u", *"is:bookmarked")
        await screen(app).workers.wait_for_complete()
        await pilot.pause()
        assert status(app) == "nothing found"  # nothing is bookmarked yet
