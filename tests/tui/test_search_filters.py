"""The search bar with filters: is:unread lists what is unread now, and a filter
that cannot be read says what is wrong in the bar."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp

from .shown import screen_lines
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
        await narrower_the_query_stays_in_sight(app, pilot)
        await pilot.press("ctrl+u", *"is:bookmarked")
        await screen(app).workers.wait_for_complete()
        await pilot.pause()
        assert status(app) == "nothing found"  # nothing is bookmarked yet


async def narrower_the_query_stays_in_sight(app: NewsApp, pilot: Pilot[None]) -> None:
    """The message at the bar's right used to take the query's room: at 80
    columns the query was cut before its end, where the cursor is, and at 60
    it was not shown at all. The query keeps its room and shows its cursor;
    the message is cut, with an ellipsis."""
    message = "after:2026-02-30 is not a day of the calendar"
    await pilot.press("ctrl+u", *'section:"Elon Musk" after:2026-02-30 tesla')
    for width, height in ((120, 40), (80, 24), (60, 20)):
        await pilot.resize_terminal(width, height)
        await until(pilot, partial(bar_fits, app, width, message), f"the bar at {width} columns")


def bar_fits(app: NewsApp, width: int, message: str) -> bool:
    """At `width` columns the bar shows the query up to its end (the cursor)
    in 20 columns or more, and the message whole or cut with an ellipsis."""
    lines, row = screen_lines(app), app.screen.query_one("#search").region.y
    if app.screen.size.width != width or row >= len(lines):  # not laid out anew yet
        return False
    line = lines[row].text
    query, _, said = line.partition("  all stories  ")
    said = said.strip()
    cut = said.endswith("…") and message.startswith(said[:-1]) and len(said) > 15
    whole = said == message
    return (
        query.rstrip().endswith("2026-02-30 tesla")
        and len(query) >= 20
        and (whole if width == 120 else cut)
    )
