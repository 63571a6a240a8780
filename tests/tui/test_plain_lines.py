"""The views drawn a line at a time make their lines themselves when their box
is plain (widgets/plain_lines.py), without Textual's StylesCache's per-line
work: the strips must be exactly those StylesCache makes, in every state a
person sees, whether drawn afresh, from the cache, or after a refresh."""

from __future__ import annotations

from pathlib import Path

from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.line_view import LineView
from reader.tui.widgets.plain_lines import PlainLines, is_plain

from .waiting import painted


def segments(strips: list[Strip]) -> list[tuple[int, list[object]]]:
    return [(strip.cell_length, list(strip)) for strip in strips]


def both_ways(view: Widget, crop: Region) -> tuple[list[Strip], list[Strip]]:
    assert is_plain(view)
    view.refresh()
    plain = view.render_lines(crop)
    again = view.render_lines(crop)  # the second time from its cache
    assert segments(again) == segments(plain)
    view.refresh()
    assert segments(view.render_lines(crop)) == segments(plain)  # and after a refresh
    if isinstance(view, LineView):
        view._painting = (round(view.scroll_y), view.scrollable_content_region.width)
    try:
        return plain, StylesCache().render_widget(view, crop)
    finally:
        if isinstance(view, LineView):
            view._painting = None


def check_views(screen: ReaderScreen) -> set[str]:
    checked: set[str] = set()
    views: list[Widget] = []
    for line_view in screen.query(LineView):
        views.append(line_view)
        if line_view.show_vertical_scrollbar:
            bar = line_view.vertical_scrollbar
            assert isinstance(bar._styles_cache, PlainLines)
            views.append(bar)
    for view in views:
        if not view.display or not view.size:
            continue
        width, height = view.region.size  # the border included
        for crop in (Region(0, 0, width, height), Region(2, 1, width - 5, height - 3)):
            plain, textual = both_ways(view, crop)
            assert segments(plain) == segments(textual), (type(view).__name__, crop)
        checked.add(type(view).__name__)
    return checked


async def test_plain_lines_are_the_lines_textual_draws(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await painted(pilot)
        # The sidebar (focused), the story and the scrollbars.
        assert check_views(screen) == {"ArticleList", "StoryView", "ScrollBar"}
        await pilot.press("j", "enter")  # the story focused, another story open
        await pilot.pause()
        assert check_views(screen) == {"ArticleList", "StoryView", "ScrollBar"}
        await pilot.press("slash", *"tesla")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()
        assert "ResultList" in check_views(screen)  # the cursor on the third result
        await pilot.press("escape", "t")  # the light theme
        await pilot.pause()
        assert {"ArticleList", "StoryView"} <= check_views(screen)


async def test_plain_lines_at_60_columns(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "StoryView" in check_views(screen)
