"""The reader driven by keyboard and mouse through Textual's Pilot."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from reader.sources.dump import parse, read_dump
from reader.tui.app import NewsApp
from reader.tui.dialogs.note import NoteDialog
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.story_view import StoryView

from .shown import screen_lines, screen_text
from .waiting import painted, until

SIZE = (120, 40)


@pytest.fixture
def app(seed: Path) -> NewsApp:
    return NewsApp(read_dump(seed).articles)


def parts(app: NewsApp) -> tuple[ReaderScreen, ArticleList, StoryView]:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen, screen.sidebar, screen.story


def story_text(story: StoryView) -> str:
    return "\n".join(strip.text for strip in story.lines)


async def test_starts_with_sidebar_focused_and_first_story_shown(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        _, sidebar, story = parts(app)
        assert app.focused is sidebar
        assert story.article is not None
        assert story.article.title.startswith("Tesla Giga Shanghai")
        assert "Tesla Giga Shanghai caps off exports" in story_text(story)
        assert app.screen.query_one(KeyFooter)


@pytest.mark.parametrize(("down", "up"), [("j", "k"), ("down", "up")])
async def test_moving_in_the_sidebar_then_opening(app: NewsApp, down: str, up: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        _, sidebar, story = parts(app)
        await pilot.press(down, down)
        assert sidebar.highlighted.title.startswith("Tesla just trademarked MEGAPOD")
        assert story.article.title.startswith("Tesla Giga")  # moving does not open
        await pilot.press(up)
        assert sidebar.highlighted.title.startswith("Tesla Semi")
        await pilot.press(down, down, down, down)  # stops at the last story
        assert sidebar.highlighted.title.startswith("SpaceX is launching")


@pytest.mark.parametrize("key", ["enter", "l", "right"])
async def test_open_keys_show_the_story_and_focus_it(app: NewsApp, key: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        _, sidebar, story = parts(app)
        await pilot.press("j", "j", key)
        await pilot.pause()
        assert story.article.title.startswith("Tesla just trademarked MEGAPOD")
        assert app.focused is story
        assert sidebar.open_id == story.article.id
        assert "Robin (@xdNiBoR) June 19, 2026" in story_text(story)


async def test_scrolling_keys_in_the_reading_pane(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        _, _, story = parts(app)
        await pilot.press("G", "enter")  # the longest story is the Starfall one, last in list
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert story.scroll_y == 3
        await pilot.press("k", "up")
        await pilot.pause()
        assert story.scroll_y == 1
        await pilot.press("space")
        await pilot.pause()
        page = story.scroll_y
        assert page > 20
        await pilot.press("pageup")
        await pilot.pause()
        assert story.scroll_y < page
        await pilot.press("G")
        await pilot.pause()
        assert story.scroll_y == story.max_scroll_y > 0
        await pilot.press("g")
        await pilot.pause()
        assert story.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert story.scroll_y == story.max_scroll_y
        await pilot.press("home", "pagedown")
        await pilot.pause()
        assert story.scroll_y == page


async def test_brackets_walk_stories_without_moving_focus(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        _, sidebar, story = parts(app)
        await pilot.press("right_square_bracket")
        assert story.article.title.startswith("Tesla Semi")  # sidebar order: News together
        assert app.focused is sidebar
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert story.article.title.startswith("SpaceX is launching")
        await pilot.press("right_square_bracket")  # past the end: stays, says so
        assert story.article.title.startswith("SpaceX is launching")
        await pilot.press("tab", "left_square_bracket")
        assert app.focused is story
        assert story.article.title.startswith("Tesla just trademarked")
        assert sidebar.highlighted is story.article


async def test_tab_and_shift_tab_switch_focus(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        _, sidebar, story = parts(app)
        await pilot.press("tab")
        assert app.focused is story
        await pilot.press("shift+tab")
        assert app.focused is sidebar
        await pilot.press("enter", "escape")
        await until(pilot, lambda: app.focused is sidebar, "the list focused again")


async def test_help_opens_and_closes(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        text = screen_text(app)
        for description in ("Next story", "Open", "Page down", "Back to list", "Quit", "Sidebar"):
            assert description in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "help closed")


async def test_help_scrolls_with_j_and_k_in_a_small_terminal(app: NewsApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        # Two keys within one frame scroll two lines (Textual's scroll_down,
        # made after the next frame, counted both from the same line).
        await pilot.press("j", "j")
        assert body.scroll_y == 2
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("k", "g")
        assert body.scroll_y == 0


async def test_q_quits_with_status_0(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_command_palette_offers_every_action(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "Next story (reading)",
            "Open (story list)",
            "Page down (reading pane)",
            "Help (everywhere)",
            "Light/dark (everywhere)",
            "Quit",
        ):
            assert title in commands
        assert "Keys" not in commands  # Textual's key panel: "Help" is the reader's
        assert "Screenshot" not in commands  # to ~/Downloads, failing without one
        # The search's commands come with the search: with none open they
        # would do nothing and say nothing.
        assert not [t for t in commands if "(search" in t]
        await pilot.press("slash", *"semi")
        await until(pilot, lambda: app.screen.query_one("ResultList").display, "results")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Mark read (search bar)" in commands
        assert "First result (search results)" in commands
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.query_one("ResultList").display, "closed")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert not [t for t in commands if "(search" in t]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"next story")
        await app.workers.wait_for_complete()  # the palette has gathered its matches
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the palette closed")
        assert parts(app)[2].article.title.startswith("Tesla Semi")


async def test_mouse_click_opens_a_story(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        _, _, story = parts(app)
        await pilot.click(ArticleList, offset=(5, 6))  # row 6: the Starfall story
        await pilot.pause()
        assert story.article.title.startswith("SpaceX is launching")


async def test_narrow_terminal_folds_the_sidebar(app: NewsApp) -> None:
    async with app.run_test(size=(60, 24)) as pilot:
        await painted(pilot)
        _, sidebar, story = parts(app)
        assert story.display and not sidebar.display  # the story, full width
        assert app.focused is story
        assert "Tesla Giga Shanghai" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display and app.focused is sidebar
        await pilot.press("j", "l")
        await pilot.pause()
        assert story.article.title.startswith("Tesla Semi") and not sidebar.display


async def test_resizing_never_crashes(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        for width, height in [(80, 24), (40, 10), (20, 5), (69, 30), (70, 30), (200, 60), (1, 1)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.press("enter", "G", "right_square_bracket")
        await pilot.pause()
        assert parts(app)[1].display and parts(app)[2].display


def _story_colours(story: StoryView) -> set[object]:
    return {segment.style.color for line in story.lines for segment in line if segment.style}


async def test_theme_toggle(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        story = parts(app)[2]
        dark, dark_colours = app.current_theme.dark, _story_colours(story)
        await pilot.press("t")
        await pilot.pause()
        assert app.current_theme.dark is not dark
        # The open story is drawn again in the new theme's colours.
        assert _story_colours(story) != dark_colours
        await pilot.press("t")
        await pilot.pause()
        assert app.current_theme.dark is dark
        assert _story_colours(story) == dark_colours


async def test_hostile_story_is_shown_as_data() -> None:
    articles = parse(
        "[bold]Sec[/bold]\n[red]Title[/red] \x1b[31mx\n"
        "[link=http://evil]click[/link] \x1b]0;pwned\x07 text \u202eevil.\n"
    )
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        _, sidebar, story = parts(app)
        text = story_text(story)
        assert "[red]Title[/red] x" in text
        assert "[link=http://evil]click[/link]" in text and "pwned" not in text
        row = sidebar.render_line(1).text
        assert "[red]Title[/red]" in row


async def test_o_opens_the_story_link_in_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    from reader.model import Block, BlockKind, make_article

    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    linked = make_article(
        "S", "Linked", [Block(BlockKind.PARAGRAPH, "Body.")], "t", url="https://e.org/a"
    )
    plain = make_article("S", "Plain", [Block(BlockKind.PARAGRAPH, "Body.")], "t")
    app = NewsApp([linked, plain])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await app.screen.workers.wait_for_complete()
        assert opened == ["https://e.org/a"]
        await pilot.press("j", "o")
        await app.screen.workers.wait_for_complete()
        assert opened == ["https://e.org/a"]


async def test_t_keeps_a_theme_chosen_in_the_palette(app: NewsApp) -> None:
    # gruvbox (dark, no light version), then t, t: back to gruvbox, not textual-dark.
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "gruvbox"
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "gruvbox"
        # A theme with a light version: t goes to it and back.
        app.theme = "solarized-dark"
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "solarized-light"
        # A light theme chosen while a dark one shows: t goes back to the dark one.
        app.theme = "catppuccin-latte"
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "catppuccin-mocha"
        app.theme = "atom-one-light"
        await pilot.pause()
        app.saver.submit(lambda: None).result(timeout=10)
    # Remembered across restarts: the theme and the one t switches to.
    again = NewsApp(app.catalog)
    async with again.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert again.theme == "atom-one-light"
        await pilot.press("t")
        await pilot.pause()
        assert again.theme == "atom-one-dark"


async def test_t_from_a_palette_light_theme_goes_back_to_the_dark_one(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
        app.theme = "rose-pine-dawn"  # light, chosen over nord
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "rose-pine"  # its own dark version
        app.theme = "flexoki"  # dark, no light version: t goes to the last light one
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "rose-pine-dawn"
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "flexoki"
        app.saver.submit(lambda: None).result(timeout=10)
    restarted = NewsApp(app.catalog)
    async with restarted.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert restarted.theme == "rose-pine-dawn"


async def test_command_palette_lists_each_action_once_with_all_its_keys(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        back = next(c for c in commands if c.title == "Back to list (reading pane)")
        assert back.help == "Keys: esc h ←"
        # And on screen: typing the name shows one entry.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"back to list")
        await app.workers.wait_for_complete()  # the palette has gathered its matches
        await pilot.pause()
        shown = screen_text(app).replace(" ", "")  # matched letters are drawn apart
        assert shown.count("Backtolist") == 1 and "Keys:esch←" in shown


def _rows(app: NewsApp) -> list[str]:
    return [strip.text for strip in screen_lines(app)]


def _footer_is(app: NewsApp, footer: str) -> bool:
    return _rows(app)[-1] == footer


async def test_nothing_is_cut_at_60_columns(app: NewsApp) -> None:
    """Narrower, the footer shows the keys that fit whole: they ran under the
    palette's key, with a hidden label's letter at the right."""
    async with app.run_test(size=(45, 20)) as pilot:
        await painted(pilot)
        for width, footer in (
            (45, "] Next story b Bookmark / Search ▏^p palette "),
            (30, "] Next story      ▏^p palette "),
            (60, "] Next story b Bookmark / Search ? Help q Quit  ▏^p palette "),
        ):
            await pilot.resize_terminal(width, 20)
            await until(pilot, partial(_footer_is, app, footer), f"at {width}: {footer}")
        await pilot.press("question_mark")
        await until(pilot, lambda: "Command palette" in "\n".join(_rows(app)), "the help")
        help_rows = "\n".join(_rows(app))
        assert "Keywords" in help_rows and "Command palette" in help_rows
        assert "…" not in help_rows
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "help closed")
        await pilot.press("w")
        await until(pilot, lambda: "Regular expression" in "\n".join(_rows(app)), "keywords")


@pytest.mark.parametrize("width", [120, 60])
async def test_note_dialog_shows_the_whole_title(app: NewsApp, width: int) -> None:
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.press("G", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        region = dialog.query_one("#note-title").region
        assert len(dialog.story_title) > region.width  # a title too long for one line
        rows = _rows(app)[region.y : region.bottom]
        drawn = " ".join(row[region.x : region.right] for row in rows)
        assert " ".join(drawn.split()) == dialog.story_title


async def test_a_footer_key_lights_under_the_mouse_and_a_click_presses_it(app: NewsApp) -> None:
    """The footer draws its keys itself (one widget, not one a key): the mouse
    still finds each, as on Textual's footer."""
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        footer = _rows(app)[-1]
        at = footer.index("? Help") + 1

        def backgrounds() -> set[object]:
            cells = screen_lines(app)[-1].divide([at, at + 1, at + 12])
            return {segment.style.bgcolor for segment in cells[1] if segment.style}

        still = backgrounds()
        await pilot.hover(KeyFooter, offset=(at, 0))
        await until(pilot, lambda: backgrounds() != still, "the key lit under the mouse")
        await pilot.click(KeyFooter, offset=(at, 0))
        await until(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen", "help")
