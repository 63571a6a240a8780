"""Bulk marks and undo as a person sees them: the section headers' counts,
the toast that says how many and that z undoes it, and z after a restart."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.pilot import Pilot

from reader.model import Article, Block, BlockKind, make_article
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .shown import Said, toasts
from .waiting import until

SIZE = (100, 30)


def story(section: str, title: str, day: int) -> Article:
    body = [Block(BlockKind.PARAGRAPH, f"The story of {title}.")]
    return make_article(section, title, body, "wire.xml", published=f"2026-03-{day:02d}T09:00:00Z")


def stories() -> list[Article]:
    """Newest first in each section, as the sidebar lists them."""
    return [
        story("Markets", "Shares rise", 9),
        story("Markets", "Bonds fall", 8),
        story("Markets", "Gold steady", 7),
        story("Markets", "Oil slips", 6),
        story("Energy", "Wind record", 5),
        story("Energy", "Solar farm opens", 4),
    ]


def screen(app: NewsApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def headers(app: NewsApp) -> list[str]:
    """Each section header as drawn: its name and `unread/total` (the total alone when all read)."""
    sidebar = screen(app).sidebar
    lines = [sidebar.render_line(y).text for y in range(len(sidebar.rows))]
    rows = zip(lines, sidebar.rows, strict=True)
    return [" ".join(line.split()) for line, row in rows if row.article is None]


async def toast_with(pilot: Pilot[None], app: NewsApp, text: str) -> list[str]:
    """The toasts on screen once one holding `text` is up."""
    await until(pilot, lambda: any(text in t for t in toasts(app)), f"a toast with {text!r}")
    return toasts(app)


async def settle(app: NewsApp) -> None:
    app.saver.submit(lambda: None).result(timeout=10)


def data_dir() -> Path:
    return Path(os.environ["NEWS_DATA_DIR"])


async def test_a_marks_a_section_read_and_z_brings_the_counts_back() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert headers(app) == ["Markets 3/4", "Energy 2/2"]  # the first story is open: read
        await pilot.press("A")
        assert headers(app) == ["Markets 4", "Energy 2/2"]
        assert "3 marked read · z to undo" in await toast_with(pilot, app, "marked read")
        await pilot.press("z")
        assert headers(app) == ["Markets 3/4", "Energy 2/2"]
        assert "Undone: 3 marked read" in await toast_with(pilot, app, "Undone")
        await pilot.press("z")
        assert "Nothing to undo" in await toast_with(pilot, app, "Nothing")


async def test_a_marks_the_story_and_those_above_it_in_its_section() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "a")  # on Gold steady: it and the two above
        assert headers(app) == ["Markets 1/4", "Energy 2/2"]
        assert "2 marked read · z to undo" in await toast_with(pilot, app, "marked read")
        await pilot.press("j", "j", "A")  # the cursor in Energy: that section
        assert headers(app) == ["Markets 1/4", "Energy 2"]


async def test_capital_c_marks_everything_and_z_takes_back_one_step_at_a_time() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("u")  # the open story back to unread
        await pilot.press("C")
        assert headers(app) == ["Markets 4", "Energy 2"]
        assert "6 marked read · z to undo" in await toast_with(pilot, app, "6 marked")
        await pilot.press("z")
        assert headers(app) == ["Markets 4/4", "Energy 2/2"]
        await pilot.press("z")  # then the u before it
        assert headers(app) == ["Markets 3/4", "Energy 2/2"]


async def test_undo_works_after_a_restart() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "j", "j", "A")  # Energy
        assert headers(app) == ["Markets 3/4", "Energy 2"]
        await settle(app)
    steps = json.loads((data_dir() / "undo.json").read_text())["steps"]
    assert [s["label"] for s in steps] == ["2 marked read"]
    again = NewsApp(stories())
    async with again.run_test(size=SIZE) as pilot:
        assert headers(again) == ["Markets 3/4", "Energy 2"]
        await pilot.press("z")
        assert headers(again) == ["Markets 3/4", "Energy 2/2"]
        await settle(again)
    state = json.loads((data_dir() / "state.json").read_text())
    assert len(state["read"]) == 1


def titles(app: NewsApp) -> list[str]:
    return [row.article.title for row in screen(app).sidebar.rows if row.article is not None]


async def test_capital_u_lists_only_unread_stories_and_the_open_one_counts_unchanged() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "enter", "h")  # Bonds fall read too; Shares rise read at start
        await pilot.press("U")
        assert "Unread stories only · U lists all" in await toast_with(pilot, app, "Unread")
        # Bonds fall is open: it stays; Shares rise, read, goes.
        assert titles(app) == ["Bonds fall", "Gold steady", "Oil slips", "Wind record",
                               "Solar farm opens"]  # fmt: skip
        # Said on the top row for as long as it is on; the whole sections' counts.
        assert headers(app) == ["Unread only · U lists all", "Markets 2/4", "Energy 2/2"]
        assert screen(app).story.article is not None
        assert screen(app).story.article.title == "Bonds fall"
        await pilot.press("j", "j", "j", "A")  # Energy, all read: it leaves the list
        assert titles(app) == ["Bonds fall", "Gold steady", "Oil slips"]
        assert headers(app) == ["Unread only · U lists all", "Markets 2/4"]
        await pilot.press("z")
        assert titles(app)[-2:] == ["Wind record", "Solar farm opens"]
        assert headers(app) == ["Unread only · U lists all", "Markets 2/4", "Energy 2/2"]
        await settle(app)
    assert json.loads((data_dir() / "state.json").read_text())["unread_only"] is True
    again = NewsApp(stories())  # the view survives a restart
    async with again.run_test(size=SIZE) as pilot:
        assert titles(again) == ["Bonds fall", "Gold steady", "Oil slips", "Wind record",
                                 "Solar farm opens"]  # fmt: skip
        await until(pilot, lambda: headers(again)[0] == "Unread only · U lists all")
        await pilot.press("U")
        assert len(titles(again)) == 6
        assert headers(again)[0] == "Markets 2/4"
        await settle(again)
    assert "unread_only" not in json.loads((data_dir() / "state.json").read_text())


async def test_after_a_in_the_unread_only_view_the_cursor_is_on_the_next_story() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("U", "j", "j", "a")  # on Gold steady: it and Bonds fall leave the list
        assert titles(app) == ["Shares rise", "Oil slips", "Wind record", "Solar farm opens"]
        highlighted = screen(app).sidebar.highlighted
        assert highlighted is not None and highlighted.title == "Oil slips"
        await pilot.press("A")  # still Markets, not the Energy section below
        assert headers(app) == ["Unread only · U lists all", "Markets 4", "Energy 2/2"]


async def test_ctrl_r_in_the_search_bar_marks_every_story_found_read() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash", *"fall OR steady OR wind")
        await screen(app).workers.wait_for_complete()
        await pilot.press("ctrl+r")
        await screen(app).workers.wait_for_complete()
        assert "3 marked read · z to undo" in await toast_with(pilot, app, "marked read")
        assert headers(app) == ["Markets 1/4", "Energy 1/2"]
        await pilot.press("escape")
        await until(pilot, lambda: not screen(app).search_bar.display, "the bar closed")
        await pilot.press("escape", "z")
        assert headers(app) == ["Markets 3/4", "Energy 2/2"]


async def test_a_in_the_search_results_marks_them_read() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash", *"solar")
        await screen(app).workers.wait_for_complete()
        screen(app).results.focus()
        await pilot.press("A")
        await screen(app).workers.wait_for_complete()
        assert "1 marked read · z to undo" in await toast_with(pilot, app, "marked read")
        assert headers(app) == ["Markets 3/4", "Energy 1/2"]


async def test_ctrl_r_with_no_results_says_so() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash", "ctrl+r")
        assert "No search results to mark read" in await toast_with(pilot, app, "No search")


async def test_a_refresh_in_the_unread_only_view_keeps_the_stories_listed() -> None:
    app = NewsApp(stories())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("U")  # Shares rise is open (read): listed
        await pilot.press("j", "enter", "h", "j", "enter", "h")  # Bonds fall, Gold steady read
        before = titles(app)
        assert before[:3] == ["Shares rise", "Bonds fall", "Gold steady"]
        screen(app).stories_changed()  # what a refresh (the timer's too) calls
        await pilot.pause()
        assert titles(app) == before
        assert screen(app).sidebar.highlighted is not None
        assert screen(app).sidebar.highlighted.title == "Gold steady"  # the cursor kept its story
        await pilot.press("U", "U")  # listed afresh: only the open one of the three
        assert titles(app)[:2] == ["Gold steady", "Oil slips"]


async def test_undo_and_the_bulk_marks_take_keys_of_your_own() -> None:
    app = NewsApp(stories(), keymap={"reader.undo": "ctrl+z", "reader.mark_section": "M"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("M")
        assert headers(app) == ["Markets 4", "Energy 2/2"]
        await pilot.press("z")  # no longer undo
        assert headers(app) == ["Markets 4", "Energy 2/2"]
        await pilot.press("ctrl+z")
        assert headers(app) == ["Markets 3/4", "Energy 2/2"]


async def test_an_unusable_undo_file_is_set_aside_and_said_at_start() -> None:
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "undo.json").write_text("{not json")
    app = NewsApp(stories())
    told = Said()  # what was said, shown or already gone on a slow start
    async with app.run_test(size=SIZE, notifications=True, message_hook=told) as pilot:
        await until(pilot, lambda: any("undo history" in m for m in told.messages()), "said")
        said = told.messages()
        assert any("is not valid JSON" in t and "moved to" in t for t in said), said
        await pilot.press("A", "z")  # and undo works on a new history
        assert headers(app) == ["Markets 3/4", "Energy 2/2"]
    assert len(list(data_dir().glob("undo.json.corrupt-*"))) == 1
