"""What a keystroke in the search bar costs the screen: a repaint of what
changed, never a layout of the whole screen (which the results of the last key
waited behind), and never an in-between "searching…" frame for a quick answer."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from reader.model import Article
from reader.sources.dump import parse, read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

SIZE = (120, 40)


def reports(count: int) -> list[Article]:
    body = "Every story here mentions the rover. Another sentence follows it."
    return parse("".join(f"Mars\nRover report {n:03}\n{body}\n" for n in range(count)))


async def answered(app: NewsApp, pilot: Pilot[None], *keys: str) -> ReaderScreen:
    await pilot.press(*keys)
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    await screen.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_a_letter_typed_lays_nothing_out(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"tes")
        layouts: list[object] = []
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)
        # "tesl" finds fewer stories than "tes": the list's height changes too.
        before = len(screen.results.items)
        screen = await answered(app, pilot, "l")
        assert len(screen.results.items) != before
        assert screen.search_bar.text == "tesl"
        assert layouts == []


async def test_a_long_query_still_scrolls_sideways_to_the_cursor(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=(60, 20)) as pilot:
        words = "tesla semi megapod starfall rover " * 4
        screen = await answered(app, pilot, "slash", *words, "x")
        field = screen.search_bar.input
        assert field.scroll_x > 0  # the start of the query is out of view
        x = field.cursor_screen_offset.x
        assert field.region.x <= x < field.region.right  # the cursor stays in view


async def test_the_results_scrollbar_follows_the_number_of_hits() -> None:
    app = NewsApp(reports(30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"rover")
        results = screen.results
        assert len(results.items) == 30 and results.show_vertical_scrollbar
        assert results.max_scroll_y == 30 * 3 - results.scrollable_content_region.height
        screen = await answered(app, pilot, *" 007")  # one hit: nothing to scroll
        assert len(results.items) == 1
        assert not results.show_vertical_scrollbar and results.max_scroll_y == 0
        screen = await answered(app, pilot, *["backspace"] * 4)
        assert len(results.items) == 30 and results.show_vertical_scrollbar


async def test_a_quick_answer_paints_no_searching_status(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"tes")
        shown: list[str] = []
        status = screen.query_one("#search-status")
        original = status.update

        def update(content: object = "", **kwargs: object) -> None:
            shown.append(str(content))
            original(content, **kwargs)  # type: ignore[arg-type]

        status.update = update  # type: ignore[method-assign]
        screen = await answered(app, pilot, "l")  # fewer stories than "tes"
        assert shown and all("searching" not in text for text in shown)
