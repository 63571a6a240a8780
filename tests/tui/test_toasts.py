"""Toasts show what strangers wrote as literal text: never markup, never an action."""

from __future__ import annotations

import re
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.color import ColorSystem
from textual.pilot import Pilot
from textual.strip import Strip
from unit.feed_server import FeedServer, running

from reader.catalog import LibraryCatalog
from reader.library.articles import Library
from reader.model import Block, BlockKind, make_article
from reader.tui.app import NewsApp
from reader.tui.toast import notify

from .shown import screen_lines, toasts, where_shown
from .waiting import until

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from running()


async def shown(pilot: Pilot[None], app: NewsApp, text: str) -> list[str]:
    """The toasts on screen once one holding `text` is up (toasts mount a few
    frames after they are raised)."""
    await until(pilot, lambda: any(text in t for t in toasts(app)), f"a toast with {text!r}")
    return toasts(app)


async def refresh_failing(tmp_path: Path, server: FeedServer, title: str) -> NewsApp:
    library = Library.open(tmp_path / "library.sqlite")
    library.add_source("feed", server.url("/gone.xml"), title=title)
    server.serve("/gone.xml", b"", status=404)
    return NewsApp(LibraryCatalog(library))


async def test_a_feed_title_with_a_click_action_is_shown_literally_and_a_click_does_nothing(
    tmp_path: Path, server: FeedServer
) -> None:
    title = "[@click=app.toggle_theme]Feed moved[/]"
    app = await refresh_failing(tmp_path, server, title)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        theme = app.theme
        await pilot.press("r")
        await app.screen.workers.wait_for_complete()
        failed = [t for t in await shown(pilot, app, "Feed failed") if "Feed failed" in t]
        assert failed and title in failed[0], toasts(app)
        toast = next(t for t in app.screen.query("Toast") if "Feed failed" in str(t.render()))
        # On the words that markup would have made a link (the click closes the toast).
        await until(pilot, lambda: where_shown(app, toast, "Feed moved"), "the toast shown")
        x, y = where_shown(app, toast, "Feed moved") or (0, 0)
        await pilot.click(offset=(x + 3, y))
        await until(pilot, lambda: not toast.is_attached, "the toast closed by the click")
        assert app.theme == theme


@pytest.mark.parametrize("title", ["Ars [/] Technica", "[Blog] My feed", "[b]bold[/b] news"])
async def test_feed_titles_that_look_like_markup_neither_crash_nor_lose_words(
    tmp_path: Path, server: FeedServer, title: str
) -> None:
    app = await refresh_failing(tmp_path, server, title)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("r")
        await app.screen.workers.wait_for_complete()
        assert any(f"{title}: " in t for t in await shown(pilot, app, "Feed failed"))


async def test_o_on_a_link_with_markup_opens_it_and_names_it_literally(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    url = "https://example.com/a[/]b[@click=app.quit]"
    story = make_article("News", "Linked", [Block(BlockKind.PARAGRAPH, "Text.")], "t", url=url)
    app = NewsApp([story])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("o")
        await app.screen.workers.wait_for_complete()
        assert f"Opening {url}" in await shown(pilot, app, "Opening")
        assert opened == [url]


def test_no_toast_in_the_reader_bypasses_the_plain_text_notify() -> None:
    """Textual's notify parses markup: every toast goes through reader.tui.toast."""
    offenders = []
    for path in sorted((ROOT / "reader" / "tui").rglob("*.py")):
        if path.name == "toast.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # `reader.triage.notify` is the module of notifications, not a toast.
            if re.search(r"(?<!reader\.triage)\.notify\b(?!_)", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def at_256_colours(cell: Strip) -> int | None:
    """The background of a one-cell strip as a 256-colour terminal shows it."""
    style = next(iter(cell)).style
    assert style is not None and style.bgcolor is not None, cell
    return style.bgcolor.downgrade(ColorSystem.EIGHT_BIT).number


async def test_a_toast_has_a_background_of_its_own_at_256_colours_in_every_theme(
    tmp_path: Path,
) -> None:
    # Textual draws a toast in $panel-lighten-1: in a light theme all but the
    # background (#E5E5E5 on #E0E0E0 in textual-light), and at 256 colours
    # (TERM=xterm-256color, no COLORTERM) the very same grey: text floating on
    # the story with only its coloured edge to say it is a toast.
    library = Library.open(tmp_path / "library.sqlite")
    app = NewsApp(LibraryCatalog(library))
    themes = [name for name in app.available_themes if not name.startswith("ansi")]
    same = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for theme in themes:
            app.theme = theme
            app.clear_notifications()
            said = f"Toast in {theme}"
            notify(app, said)
            await shown(pilot, app, said)
            await pilot.pause()
            toast = app.screen.query_one("Toast")
            row = screen_lines(app)[toast.region.y + 1]
            inside = row.crop(toast.region.x + 2, toast.region.x + 3)
            behind = row.crop(toast.region.x - 2, toast.region.x - 1)
            colours = [at_256_colours(strip) for strip in (inside, behind)]
            if colours[0] == colours[1]:
                same.append(f"{theme}: colour {colours[0]} on {colours[1]}")
    assert not same, same
