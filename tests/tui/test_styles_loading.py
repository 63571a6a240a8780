"""The styles of what the first screen does not show (the search, the dialogs)
are read when first needed, not at every start (reader/tui/styles.py), and
still style what they are for (the snapshots hold how it looks)."""

from __future__ import annotations

from pathlib import Path

from reader.config import bundled
from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.help import HelpScreen

from .waiting import painted, until

DIALOGS = str(bundled("styles") / "dialogs.tcss")
SEARCH = str(bundled("styles") / "search.tcss")


async def test_the_dialogs_styles_are_read_when_the_first_opens(seed: Path) -> None:
    app = NewsApp(read_dump(seed).articles)
    read_at_start: list[bool] = []
    async with app.run_test(size=(120, 40)) as pilot:
        read_at_start.append(app.stylesheet.has_source(DIALOGS))
        await painted(pilot)
        assert app.stylesheet.has_source(SEARCH)  # the search bar is mounted after the first paint
        assert app.screen.query_one("#search").styles.height.value == 1  # search.tcss's
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        assert app.stylesheet.has_source(DIALOGS)
        body = app.screen.query_one("#help-body")
        assert body.styles.border_top[0] == "round"  # dialogs.tcss's
    assert read_at_start == [False]
