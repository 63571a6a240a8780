"""Followed keywords, lit up in stories and titles, edited in a dialog."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Checkbox, Input, Label

from reader.highlight import Keyword
from reader.model import Article
from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .given import config_file
from .waiting import painted, until

SIZE = (120, 40)


@pytest.fixture
def articles(seed: Path) -> list[Article]:
    return read_dump(seed).articles


def lit(strips: Iterable[Strip], word: str) -> int:
    """How many times `word` is drawn with a background colour of its own."""
    count = 0
    for strip in strips:
        for segment in strip:
            if word in segment.text and segment.style and segment.style.bgcolor:
                count += segment.text.count(word)
    return count


async def settle(app: NewsApp) -> None:
    app.saver.submit(lambda: None).result(timeout=10)


async def test_keywords_light_up_story_and_titles(articles: list[Article]) -> None:
    dated = replace(articles[0], published=f"{date.today().year}-05-28T12:00:00Z")
    articles = [dated, *articles[1:]]
    app = NewsApp(articles, keywords=[Keyword("Starfall")], extra_keywords=[Keyword("Tesla")])
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert lit(screen.story.lines, "Tesla") >= 5
        sidebar = screen.sidebar
        row = sidebar.render_line(1)
        assert lit([row], "Tesla") == 1
        # Tesla seven times in the Giga story, counted beside its date
        assert row.text.rstrip().endswith(" 7× 28 May")
        await pilot.press("G", "enter")
        await pilot.pause()
        assert lit(screen.story.lines, "Starfall") >= 5


async def test_highlighting_does_not_move_text(articles: list[Article]) -> None:
    plain = NewsApp(articles)
    async with plain.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert isinstance(plain.screen, ReaderScreen)
        before = [s.text for s in plain.screen.story.lines]
    app = NewsApp(articles, extra_keywords=[Keyword("Tesla"), Keyword("Giga Shanghai")])
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert [s.text for s in app.screen.story.lines] == before


async def test_dialog_adds_and_removes_and_saves_at_once(articles: list[Article]) -> None:
    app = NewsApp(articles, extra_keywords=[Keyword("Semi")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await pilot.press(*"Starfall", "enter")
        await settle(app)
        saved = tomllib.loads(config_file().read_text())
        assert saved["highlight"]["keywords"] == ["Starfall"]  # --highlight words stay out
        app.screen.query_one(Input).value = "Giga \\w+"
        app.screen.query_one("#regex", Checkbox).value = True
        app.screen.query_one("#match-case", Checkbox).value = True
        await pilot.press("enter")
        await settle(app)
        saved = tomllib.loads(config_file().read_text())
        assert saved["highlight"]["keywords"][1]["word"] == "Giga \\w+"
        assert saved["highlight"]["keywords"][1]["regex"] is True
        # Remove the first from the list.
        app.screen.query_one("#keyword-list").focus()
        await pilot.press("home", "delete")
        await settle(app)
        saved = tomllib.loads(config_file().read_text())
        assert [k["word"] for k in saved["highlight"]["keywords"]] == ["Giga \\w+"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the dialog closed")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        assert [k.word for k in screen.keyword_control.keywords] == ["Giga \\w+", "Semi"]


async def test_a_bad_pattern_is_refused_with_the_reason(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#regex", Checkbox).value = True
        await pilot.press(*"Giga (", "enter")
        await pilot.pause()
        message = str(app.screen.query_one("#keyword-error", Label).render())
        assert "missing )" in message
        assert not config_file().exists()


async def test_keywords_dialog_is_in_the_command_palette(articles: list[Article]) -> None:
    app = NewsApp(articles)
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keywords (everywhere)" in titles


async def _tab_to_the_list(pilot: Pilot[None], app: NewsApp) -> None:
    from reader.tui.dialogs.keywords import KeywordList

    for _ in range(6):
        if isinstance(app.focused, KeywordList):
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached the list: {app.focused}")


async def test_tab_into_the_list_highlights_a_row_and_delete_works_at_once(
    articles: list[Article],
) -> None:
    app = NewsApp(articles, keywords=[Keyword("Tesla"), Keyword("Starfall"), Keyword("Semi")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await _tab_to_the_list(pilot, app)
        assert app.focused.highlighted == 0
        await pilot.press("delete")
        await settle(app)
        assert [k.word for k in app.keywords] == ["Starfall", "Semi"]
        await pilot.press("delete")  # the next one is highlighted in turn
        await settle(app)
        assert [k.word for k in app.keywords] == ["Semi"]
        saved = tomllib.loads(config_file().read_text())
        assert saved["highlight"]["keywords"] == ["Semi"]


async def test_a_refused_pattern_message_clears_after_a_later_action(
    articles: list[Article],
) -> None:
    app = NewsApp(articles, keywords=[Keyword("Tesla"), Keyword("Starfall")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        error = app.screen.query_one("#keyword-error", Label)
        app.screen.query_one("#regex", Checkbox).value = True
        await pilot.press(*"Giga (", "enter")
        await pilot.pause()
        assert "missing )" in str(error.render())
        await _tab_to_the_list(pilot, app)
        await pilot.press("delete")
        await pilot.pause()
        assert str(error.render()).strip() == ""
        # And after an edit of the pattern it was about.
        app.screen.query_one(Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "missing )" in str(error.render())
        await pilot.press("backspace")
        await pilot.pause()
        assert str(error.render()).strip() == ""


async def test_each_keyword_is_listed_in_its_own_colour(articles: list[Article]) -> None:
    from rich.color import Color

    from reader.highlight import PALETTE

    app = NewsApp(articles, keywords=[Keyword("Tesla"), Keyword("Starfall", color="magenta")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        listing = app.screen.query_one("#keyword-list")
        backgrounds = {}
        for y in range(2):
            for segment in listing.render_line(y):
                word = segment.text.strip()
                if word in ("Tesla", "Starfall") and segment.style and segment.style.bgcolor:
                    backgrounds[word] = segment.style.bgcolor.get_truecolor()
        assert backgrounds == {
            "Tesla": Color.parse(PALETTE[0]).get_truecolor(),
            "Starfall": Color.parse("magenta").get_truecolor(),
        }
