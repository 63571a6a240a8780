"""Searching the story being read ("this story", Ctrl+T in the bar), as a pager
does: from where the person is reading, and back there on Escape."""

from __future__ import annotations

from textual.pilot import Pilot

from reader.sources.dump import parse
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .shown import search_status as status
from .waiting import painted, until

SIZE = (100, 30)


def long_story() -> NewsApp:
    """One story of 80 paragraphs; the rover is in the 3rd, the 40th and the 70th."""
    paragraphs = [
        f"Paragraph {n} is about {'the rover' if n in (3, 40, 70) else 'the weather'} today."
        for n in range(80)
    ]
    return NewsApp(parse("News\nA long day\n" + "\n".join(paragraphs) + "\n"))


def reader(app: NewsApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def read_to_the_middle(pilot: Pilot[None], app: NewsApp) -> int:
    """Into the story, two pages down (past the first rover): the top line."""
    await painted(pilot)
    await pilot.press("enter", "pagedown", "pagedown")
    story = reader(app).story
    await until(pilot, lambda: story.scroll_y > 0, "scrolled")
    await pilot.pause()
    return round(story.scroll_y)


def top_text(app: NewsApp) -> str:
    story = reader(app).story
    return story.lines[round(story.scroll_y)].text


async def test_the_first_match_shown_is_below_where_the_person_reads() -> None:
    app = long_story()
    async with app.run_test(size=SIZE) as pilot:
        top = await read_to_the_middle(pilot, app)
        await pilot.press("slash", "ctrl+t", *"rover")
        await until(pilot, lambda: status(app) == "match 2 of 3", "the match below")
        assert round(reader(app).story.scroll_y) > top


async def test_escape_goes_back_to_where_the_person_was_reading_and_n_searches_again() -> None:
    app = long_story()
    async with app.run_test(size=SIZE) as pilot:
        top = await read_to_the_middle(pilot, app)
        shown = top_text(app)
        await pilot.press("slash", "ctrl+t", *"rover")
        await until(pilot, lambda: status(app) == "match 2 of 3", "the match below")
        await pilot.press("escape")
        await until(pilot, lambda: round(reader(app).story.scroll_y) == top, "back")
        assert top_text(app) == shown
        bar, story = reader(app).search_bar, reader(app).story
        assert not bar.display and story.match_count == 0
        # n, the search closed: the last search again, from here on, as vim's n.
        await pilot.press("n")
        await until(pilot, lambda: status(app) == "match 2 of 3", "the match below again")
        assert bar.display and app.focused is story and round(story.scroll_y) > top
        await pilot.press("escape")  # closed again, staying at the match
        await until(pilot, lambda: not bar.display and story.match_count == 0, "closed")
        await pilot.press("N")  # unscrolled since: the match before the one left at
        await until(pilot, lambda: status(app) == "match 1 of 3", "the match above")
        await pilot.press("escape", "n")  # and the one after it, on screen at the top
        await until(pilot, lambda: status(app) == "match 2 of 3", "the match after")


async def test_after_enter_escape_stays_at_the_match() -> None:
    app = long_story()
    async with app.run_test(size=SIZE) as pilot:
        top = await read_to_the_middle(pilot, app)
        await pilot.press("slash", "ctrl+t", *"rover")
        await until(pilot, lambda: status(app) == "match 2 of 3", "the match below")
        await pilot.press("enter", "n")
        await until(pilot, lambda: status(app) == "match 3 of 3", "the next match")
        at = round(reader(app).story.scroll_y)
        await pilot.press("escape")
        await pilot.pause()
        assert round(reader(app).story.scroll_y) == at != top
