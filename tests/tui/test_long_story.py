"""A story far longer than the screen: the reading pane lays it out top first
and the rest later, and a person must never notice, whatever they press first."""

from __future__ import annotations

import re

import pytest
from textual.pilot import Pilot

from reader.model import Article
from reader.sources.dump import parse
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.story_view import StoryView

from .shown import screen_text
from .shown import search_status as status

SIZE = (100, 30)
PARAGRAPHS = 800  # about 3,000 lines at this width: many screens below the first


@pytest.fixture(autouse=True, params=["on demand", "while idle"])
def _layout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test twice: as the reader runs (the rest laid out while idle, which
    the test harness waits for), and with nothing laid out but what is asked
    for, as for a person whose key comes before the rest is laid out."""
    if request.param == "on demand":
        monkeypatch.setattr(StoryView, "idle_slice", 0.0)


def long_story() -> list[Article]:
    """One story of `PARAGRAPHS` numbered paragraphs; "zebrafish" is in the
    third paragraph and the last one only."""
    lines = [
        f"Paragraph {n} tells of rockets and the weather at some length, one sentence "
        "after another, until the line has to wrap at least once on any screen."
        for n in range(PARAGRAPHS)
    ]
    lines[3] += " A zebrafish swims past."
    lines.append("The last paragraph of all, where the zebrafish swims away.")
    return parse("News\nA very long story\n" + "\n".join(lines) + "\n")


def shown_paragraphs(app: NewsApp) -> list[int]:
    return [int(n) for n in re.findall(r"Paragraph (\d+) tells", screen_text(app))]


async def search(app: NewsApp, pilot: Pilot[None], word: str) -> None:
    assert isinstance(app.screen, ReaderScreen)
    await pilot.press("slash", *word)
    await app.screen.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_end_shows_the_last_paragraph_at_once() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "end")
        text = screen_text(app)
        assert "where the zebrafish swims away" in text
        assert shown_paragraphs(app)[-1] == PARAGRAPHS - 1
        await pilot.press("home")
        assert "Paragraph 0 tells" in screen_text(app)


async def test_paging_down_never_skips_or_repeats_a_paragraph() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        seen: list[int] = shown_paragraphs(app)
        for _ in range(30):
            await pilot.press("pagedown")
            seen += [n for n in shown_paragraphs(app) if n > seen[-1]]
        assert seen == list(range(seen[-1] + 1))
        assert seen[-1] > 150  # well past what is laid out before the first paint


async def test_n_finds_the_match_at_the_end_of_a_long_story() -> None:
    app = NewsApp(long_story())
    async with app.run_test(size=SIZE) as pilot:
        await search(app, pilot, "zebrafish")
        assert status(app) == "match 1 of 2"  # counted before the end is laid out
        assert "A zebrafish swims past" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert status(app) == "match 2 of 2"
        assert "where the zebrafish swims away" in screen_text(app)
        await pilot.press("N")
        await pilot.pause()
        assert status(app) == "match 1 of 2"
        assert "A zebrafish swims past" in screen_text(app)
