"""The sidebar draws again only the rows a key changes (issue 15: Enter at
100,000 stories redrew all 39 rows on screen, and moving the focus to the
story forgot every drawn row). Counted where rows are drawn: the painter that
makes a row's text, and the rows the widget is asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from reader.model import Article, Block, BlockKind, make_article
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.sidebar_paint import RowPainter

SIZE = (120, 30)


def stories() -> list[Article]:
    body = [Block(BlockKind.PARAGRAPH, "Words.")]
    return [
        make_article("Wire", f"Story {n}", body, "wire.xml", published=f"2026-03-{n % 28 + 1:02d}")
        for n in range(60)
    ]


def counting(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, into: list[str]) -> None:
    made: Callable[..., Any] = getattr(cls, name)

    def count(self: object, *args: Any, **kwargs: Any) -> Any:
        into.append(name)
        return made(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, count)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Rows whose text was made ("painted") and rows the widget drew ("rows")."""
    seen: dict[str, list[str]] = {"painted": [], "rows": []}
    for name in ("story", "header", "note"):
        counting(monkeypatch, RowPainter, name, seen["painted"])
    counting(monkeypatch, ArticleList, "render_row", seen["rows"])
    yield seen


async def still(pilot: Pilot[None]) -> None:
    """Until the app has painted what the last key asked for."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.screen.workers.wait_for_complete()


def sidebar(app: NewsApp) -> ArticleList:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen.sidebar


async def test_enter_redraws_the_rows_it_changes_not_the_screenful(
    drawn: dict[str, list[str]],
) -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE) as pilot:
        await still(pilot)
        await pilot.press("j")
        await still(pilot)
        before = sidebar(app).highlighted
        drawn["painted"].clear()
        await pilot.press("enter")
        await still(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.story.article is not None and before is not None
        assert app.screen.story.article.id == before.id  # the story did open
        assert app.screen.story.has_focus
        # The story opened (marker, read), the one open before (marker), the
        # section's unread count; the rest of the 28 rows on screen are kept.
        assert len(drawn["painted"]) <= 3, drawn["painted"]


async def test_j_draws_two_rows(drawn: dict[str, list[str]]) -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE) as pilot:
        await still(pilot)
        first = sidebar(app).highlighted
        drawn["rows"].clear()
        await pilot.press("j")
        await still(pilot)
        assert sidebar(app).highlighted not in (None, first)
        assert len(drawn["rows"]) == 2  # the cursor's old row and its new one


async def test_moving_the_focus_does_not_draw_the_whole_screen_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter moves the focus to the story; the screen behind the widgets looks
    the same, so none of its own lines is drawn again (Textual's
    `Screen.focused` repaints the whole screen; `QuietFocusScreen` declares it
    without)."""
    screen_lines: list[str] = []
    counting(monkeypatch, ReaderScreen, "render_line", screen_lines)
    app = NewsApp(stories())
    async with app.run_test(size=SIZE) as pilot:
        await still(pilot)
        await pilot.press("j")
        await still(pilot)
        screen_lines.clear()
        await pilot.press("enter")
        await still(pilot)
        assert isinstance(app.screen, ReaderScreen) and app.screen.story.has_focus
        assert screen_lines == []
        await pilot.press("h")  # and back: the sidebar has the focus, drawn as focused
        await still(pilot)
        assert app.screen.sidebar.has_focus
        assert screen_lines == []
