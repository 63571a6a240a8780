"""Deep in a long story, the reader keeps the words they are reading at the top
of the pane whatever changes its layout: a new width (the terminal resized, the
sidebar hidden), the bookmark line added to the header; and page keys move by
exactly a page each, however fast they come."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from reader.model import Article
from reader.sources.dump import parse
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.story_view import StoryView

from .waiting import painted, until

PARAGRAPHS = 300
WORDS = 70  # a paragraph wraps to several lines at any width


def long_story() -> list[Article]:
    """One story whose every word is unique (`p12w34`: paragraph 12, word 34),
    so the first word on the pane's top line says exactly where the reader is."""
    paragraphs = [" ".join(f"p{n}w{i}" for i in range(WORDS)) for n in range(PARAGRAPHS)]
    return parse("News\nA very long story\n" + "\n".join(paragraphs) + "\n")


def story(app: NewsApp) -> StoryView:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen.story


def top_line(app: NewsApp) -> str:
    """The words on the pane's top row, as painted."""
    return story(app).render_line(0).text.strip()


async def read_deep(app: NewsApp, pilot: Pilot[None]) -> str:
    """Open the story and page well into it; the first word on the top line."""
    await painted(pilot)
    await pilot.press("enter", *["pagedown"] * 12)
    await pilot.pause()
    words = top_line(app).split()
    assert words and words[0].startswith("p") and not words[0].startswith("p0w"), words
    return words[0]


async def test_the_words_at_the_top_stay_when_the_terminal_is_resized() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=(120, 40)) as pilot:
        word = await read_deep(app, pilot)
        for width, height in [(110, 40), (80, 24), (120, 40), (60, 20), (120, 40)]:
            await pilot.resize_terminal(width, height)
            await until(
                pilot,
                lambda: word in top_line(app).split(),
                f"{word} on the top line at {width}x{height}, not {top_line(app)[:30]!r}",
                patience=3,
            )


async def test_the_words_at_the_top_stay_when_the_sidebar_is_hidden() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=(120, 40)) as pilot:
        word = await read_deep(app, pilot)
        widths = [story(app).size.width]
        for _ in range(2):
            await pilot.press("s")
            await until(
                pilot, lambda: story(app).size.width != widths[-1], "the pane to change width"
            )
            widths.append(story(app).size.width)
            await until(
                pilot,
                lambda: word in top_line(app).split(),
                f"{word} on the top line, not {top_line(app)[:30]!r}",
                patience=3,
            )


async def test_bookmarking_deep_in_a_story_does_not_move_the_text() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=(120, 40)) as pilot:
        await read_deep(app, pilot)
        before = top_line(app)
        await pilot.press("b")
        await until(
            pilot,
            lambda: "★ Bookmarked" in "\n".join(s.text for s in story(app).lines[:4]),
            "the bookmark line in the header",
        )
        await pilot.pause()
        assert top_line(app) == before


async def test_a_burst_of_page_downs_moves_a_page_for_each() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=(100, 30)) as pilot:
        await painted(pilot)
        await pilot.press("enter")
        await pilot.pause()
        view = story(app)
        page = view.scrollable_content_region.height
        for _ in range(30):  # all at once, as a held key sends them
            app.post_message(events.Key("pagedown", None))
        # Read once the keys are on their way: reading the lines lays out the story.
        await until(
            pilot,
            lambda: top_line(app) == view.lines[30 * page].text.strip(),
            "the line 30 pages down at the top",
            patience=3,
        )
        for _ in range(10):
            app.post_message(events.Key("pageup", None))
        await until(
            pilot,
            lambda: top_line(app) == view.lines[20 * page].text.strip(),
            "the line 20 pages down at the top",
            patience=3,
        )
