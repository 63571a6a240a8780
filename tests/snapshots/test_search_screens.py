"""What the search results look like: section, title, snippet, the matches
highlighted, the cursor, a title cut with an ellipsis. The result list draws
its own lines (the Line API), so these guard every change to how it draws them.
Update with `pytest --snapshot-update` after a deliberate change only."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from tui.waiting import painted, until

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

ANSWERED = re.compile(r"\d (story|stories)$|nothing found")
SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "teslarati.txt"


def searched(
    *keys: str, first: tuple[str, ...] = (), then: tuple[str, ...] = ()
) -> Callable[[Pilot[None]], object]:
    """The word typed and its count shown in the bar, then `then` pressed: a key
    pressed before the answer came would move the cursor over the answer before."""

    async def run_before(pilot: Pilot[None]) -> None:
        await painted(pilot)  # the first screen shown, as a person would see it first
        await pilot.press(*first, "slash")
        await pilot.press(*keys)
        screen = pilot.app.screen
        assert isinstance(screen, ReaderScreen)
        status = screen.query_one("#search-status")
        # The count of the whole word, not of a letter before it (the cursor
        # would then be moved over results the word's answer replaces).
        await until(
            pilot,
            lambda: screen.search_control.all_answered and ANSWERED.search(str(status.render())),
            "the count",
        )
        await pilot.press(*then)
        await pilot.pause()

    return run_before


def test_search_results_with_the_cursor_moved(snap_compare: Callable[..., bool]) -> None:
    app = NewsApp(read_dump(SEED).articles)
    assert snap_compare(app, terminal_size=(120, 40), run_before=searched(*"tesla", then=("down",)))


def test_search_results_narrow_in_the_light_theme(snap_compare: Callable[..., bool]) -> None:
    app = NewsApp(read_dump(SEED).articles)
    keys = searched(*"model", first=("t",))  # t: the light theme
    assert snap_compare(app, terminal_size=(70, 24), run_before=keys)
