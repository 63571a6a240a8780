"""What a keystroke in the search bar costs the screen: a repaint of what
changed, never a layout of the whole screen (which the results of the last key
waited behind), and never an in-between "searching…" frame for a quick answer."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar
from textual.visual import VisualType
from textual.widgets import Label
from textual.worker import WorkerCancelled

from reader.library.search import Hit, Searcher, SearchResult
from reader.model import Article
from reader.query import Query
from reader.sources.dump import parse, read_dump
from reader.tui import search_controller, search_runner
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .frames import quiet
from .waiting import until

SIZE = (120, 40)


def reports(count: int) -> list[Article]:
    body = "Every story here mentions the rover. Another sentence follows it."
    return parse("".join(f"Mars\nRover report {n:03}\n{body}\n" for n in range(count)))


async def answered(app: NewsApp, pilot: Pilot[None], *keys: str) -> ReaderScreen:
    await pilot.press(*keys)
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    await until(pilot, lambda: screen.search_control.all_answered, "the last key's answer")
    await pilot.pause()
    return screen


async def test_a_letter_typed_lays_nothing_out(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"tes")
        await quiet(app)  # what "tes" left to lay out and paint is done
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
        words = "tesla semi megapod starfall rover " * 2  # longer than the bar at 60 columns
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
        # The first page is what fits and a little more; the scrollbar is for all 30.
        assert results.total == 30 and results.show_vertical_scrollbar
        assert results.max_scroll_y == 30 * 3 - results.scrollable_content_region.height
        screen = await answered(app, pilot, *" 007")  # one hit: nothing to scroll
        assert len(results.items) == 1
        assert not results.show_vertical_scrollbar and results.max_scroll_y == 0
        screen = await answered(app, pilot, *["backspace"] * 4)
        assert results.total == 30 and results.show_vertical_scrollbar
        assert results.max_scroll_y == 30 * 3 - results.scrollable_content_region.height


async def test_the_first_page_is_what_the_pane_shows_and_the_rest_follows_the_cursor() -> None:
    """A search cuts snippets only for the hits on screen (and two more) before
    its answer is painted; the scrollbar is already that of the whole page, and
    the cursor moving brings the rest, every hit once, in order."""
    app = NewsApp(reports(30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"rover")
        results = screen.results
        height = results.scrollable_content_region.height
        assert len(results.items) == -(-height // 3) + 2 < 30
        assert results.max_scroll_y == 30 * 3 - height
        first = [hit.title for hit in results.items]
        screen = await answered(app, pilot, "down")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        titles = [hit.title for hit in results.items]
        assert titles[: len(first)] == first and sorted(titles) == sorted(set(titles))
        assert len(titles) == 30 and results.cursor == 1


async def test_a_quick_answer_paints_no_searching_status(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"tes")
        shown: list[str] = []
        status = screen.query_one("#search-status", Label)
        original = status.update

        def update(content: VisualType = "", *, layout: bool = True) -> None:
            shown.append(str(content))
            original(content, layout=layout)

        status.update = update  # type: ignore[method-assign]
        screen = await answered(app, pilot, "l")  # fewer stories than "tes"
        assert shown and all("searching" not in text for text in shown)


async def paints_of_rover(articles: list[Article]) -> tuple[list[list[str]], list[str]]:
    """The pages the result list was given for "rover", in turn, and every
    story in it once End has fetched the rest."""
    shown: list[list[str]] = []
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", *"rove")
        results = screen.results
        original = results.set_items

        def set_items(items: Sequence[Hit], *args: Any, **kwargs: Any) -> None:
            shown.append([item.title for item in items])
            original(items, *args, **kwargs)

        results.set_items = set_items  # type: ignore[method-assign]
        screen = await answered(app, pilot, "r")
        assert str(screen.query_one("#search-status").render()) == f"{len(articles)} stories"
        assert shown[-1] == [item.title for item in results.items]
        await pilot.press("shift+tab", "end")
        for _ in range(4):
            # A fetch overtaken by the next is cancelled: what counts is the list after.
            with contextlib.suppress(WorkerCancelled):
                await screen.workers.wait_for_complete()
            await pilot.pause()
        return shown, [item.title for item in results.items]


async def test_many_matches_show_the_newest_first_then_the_ranked_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past RANK_LATER_OVER matches the newest page is painted while the rest are
    ranked; what stays is the ranked page, as with a few matches, and End
    fetches the ranked pages after it, each story once."""
    # Five stories mention the rover twice: ranked, they come first.
    twice = "".join(f"Mars\nRover twice {n}\nThe rover, the rover.\n" for n in range(5))
    articles = reports(60) + parse(twice)
    monkeypatch.setattr(search_runner, "RANK_LATER_OVER", 10_000)
    at_once, every = await paints_of_rover(articles)
    monkeypatch.setattr(search_runner, "RANK_LATER_OVER", 10)  # 65 matches: over it
    later, every_later = await paints_of_rover(articles)
    assert len(at_once) == 1 and at_once[0][0].startswith("Rover twice")
    assert len(later) == 2 and later[0][0] == "Rover twice 4"  # the last stored first
    assert later[1] == at_once[0]  # then the ranked page, the same as at once
    assert len(every_later) == 65 == len(set(every_later)) and set(every_later) == set(every)




async def test_a_result_opened_before_the_ranked_page_came_stays_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter on the newest page, shown while the rest are ranked, opens the
    result it was pressed on; the ranked page, coming after, is not wanted any
    more: it used to cover the story with the results again, the count of
    stories in the bar in place of "match 1 of"."""
    monkeypatch.setattr(search_runner, "RANK_LATER_OVER", 10)  # 30 matches: over it
    app = NewsApp(reports(30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash")
        ranking, release = threading.Event(), threading.Event()
        search = Searcher.search

        def held(self: Searcher, query: Query, *args: Any, **kwargs: Any) -> SearchResult:
            # The ranked page of the word typed waits for the Enter.
            if kwargs.get("order") != "recent" and "rover" in query.to_fts5():
                ranking.set()
                release.wait(10)
            return search(self, query, *args, **kwargs)

        monkeypatch.setattr(Searcher, "search", held)
        status = screen.query_one("#search-status", Label)
        await pilot.press(*"rover")
        await until(pilot, lambda: str(status.render()) == "30 stories", "the newest page")
        await until(pilot, ranking.is_set, "the ranking under way")
        chosen = screen.results.highlighted
        assert chosen is not None
        await pilot.press("enter")
        story = screen.story
        await until(pilot, lambda: str(status.render()).startswith("match 1 of"), "the count")
        release.set()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.results.display
        assert story.article is not None and story.article.title == chosen.title
        assert str(status.render()) == f"match 1 of {story.match_count}"
        assert app.focused is story


async def test_a_search_answer_does_not_repaint_the_sidebars_scrollbar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The results appearing lay the screen out; the sidebar, its size and its
    lines unchanged, is not asked to draw its scrollbar again (Textual's
    scrolling views refreshed their scrollbars at every layout of the screen:
    a frame of its own after each answer)."""
    app = NewsApp(reports(100))  # enough stories for the sidebar to scroll
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash")
        assert screen.sidebar.show_vertical_scrollbar
        scrollbar = screen.sidebar.vertical_scrollbar
        asked: list[object] = []
        refresh = scrollbar.refresh

        def counted(*regions: Region, **kwargs: bool) -> ScrollBar:
            asked.append(regions)
            return refresh(*regions, **kwargs)

        monkeypatch.setattr(scrollbar, "refresh", counted)
        screen = await answered(app, pilot, *"rover")
        assert screen.results.display and screen.search_bar.text == "rover"
        assert asked == []


async def test_a_word_typed_in_one_go_starts_one_search_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys that arrive while a search runs leave their search in place of the
    one before: the worker runs the newest when it is free, and the searches
    overtaken meanwhile are never started (a worker for each key cost the keys
    after it a third of a millisecond each)."""
    app = NewsApp(reports(30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", "r")
        asked: list[str] = []
        running = threading.Event()
        release = threading.Event()
        search = Searcher.search

        def held(self: Searcher, query: Query | str, *args: Any, **kwargs: Any) -> SearchResult:
            asked.append(query.to_fts5() if isinstance(query, Query) else query)
            running.set()
            release.wait(10)  # the first search runs while the other keys arrive
            return search(self, query, *args, **kwargs)

        monkeypatch.setattr(Searcher, "search", held)
        workers: list[str] = []
        run_worker = screen.run_worker

        def counted(work: Any, *args: Any, **kwargs: Any) -> Any:
            workers.append(kwargs.get("group", ""))
            return run_worker(work, *args, **kwargs)

        monkeypatch.setattr(screen, "run_worker", counted)
        await pilot.press("o")
        await until(pilot, running.is_set, "the search for \"ro\" running")
        await pilot.press(*"ver 00")
        release.set()
        screen = await answered(app, pilot)
        assert screen.search_bar.text == "rover 00"
        assert str(screen.query_one("#search-status").render()) == "10 stories"
        assert workers == ["search"]
        assert len(asked) == 2 and "00" in asked[-1]  # "ro", then "rover 00" only


async def test_a_slow_search_says_searching_until_its_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only a search not answered SLOW_SEARCH after its last key says
    "searching…"; its answer then takes the place of the word."""
    monkeypatch.setattr(search_controller, "SLOW_SEARCH", 0.1)
    app = NewsApp(reports(30))
    async with app.run_test(size=SIZE) as pilot:
        screen = await answered(app, pilot, "slash", "r")
        release = threading.Event()
        search = Searcher.search

        def held(self: Searcher, *args: Any, **kwargs: Any) -> SearchResult:
            release.wait(10)
            return search(self, *args, **kwargs)

        monkeypatch.setattr(Searcher, "search", held)
        status = screen.query_one("#search-status", Label)
        await pilot.press("o", "v")
        await until(pilot, lambda: "searching" in str(status.render()), "searching…")
        release.set()
        await until(pilot, lambda: str(status.render()) == "30 stories", "the count")
