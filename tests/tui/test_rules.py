"""Rules in the reader: saved searches as live sections, hidden stories, Ctrl+S."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import ModalScreen

from reader.cli import main
from reader.cli.common import open_catalog
from reader.config import load_config
from reader.library.articles import Library
from reader.model import Block, BlockKind, make_article
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from . import waiting
from .given import seeded, write_config
from .shown import Said, screen_lines, sidebar_lines
from .test_key_burst import burst
from .waiting import until

SIZE = (100, 30)
RULES = """\
[[rules]]
name = "Capsules"
query = "starfall OR starship"

[[rules]]
name = "No trademarks"
query = "trademark"
action = "hide"
"""


def store(path: Path, *stories: tuple[str, str]) -> None:
    """Stories stored by another connection, as a refresh does: (title, date)."""
    library = Library.open(path)
    try:
        source = library.add_source("feed", "https://orbit.example/feed", title="Orbit")
        library.upsert_articles(
            source,
            [
                make_article("Space", title, [Block(BlockKind.PARAGRAPH, title)], "Orbit",
                             published=published)
                for title, published in stories
            ],
        )  # fmt: skip
    finally:
        library.close()


def listed(app: NewsApp, text: str) -> bool:
    """The reader is in front (no dialog) and its sidebar shows `text`."""
    return isinstance(app.screen, ReaderScreen) and any(text in s for s in sidebar_lines(app))


def line_of(app: NewsApp, start: str) -> str:
    return next(line for line in sidebar_lines(app) if line.lstrip("▸ ").startswith(start))


async def settled(app: NewsApp, pilot: Pilot[None]) -> ReaderScreen:
    await waiting.settled(pilot)
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def header_row(screen: ReaderScreen, name: str) -> int:
    rows = screen.sidebar.rows
    return next(i for i in range(len(rows)) if rows[i].article is None and rows[i].section == name)


async def test_a_saved_section_counts_follow_reads_new_stories_and_rules(tmp_path: Path) -> None:
    write_config(RULES)
    path = tmp_path / "library.sqlite"
    seeded(path).close()
    # The rules over the stories stored before they were written: on request.
    assert main(["rules", "apply", "--library", str(path)]) == 0
    app = NewsApp(open_catalog([], load_config()))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        screen = await settled(app, pilot)
        lines = sidebar_lines(app)
        # The trademark story is hidden, said at the top; the saved search below
        # the bookmarks, folded, with one unread story of one.
        assert lines[0] == "1 hidden · H shows them"
        assert line_of(app, "Capsules").split()[-1] == "1/1"
        assert not any("trademarked" in line for line in lines)

        # Opening it lists its story; reading the story counts it read there.
        screen.sidebar.cursor = header_row(screen, "Capsules")
        await pilot.press("enter")
        assert "SpaceX is launching" in sidebar_lines(app)[header_row(screen, "Capsules") + 1]
        await pilot.press("enter")
        assert line_of(app, "Capsules").split()[-1] == "1"  # all read: just the total

        # A refresh brings two capsule stories and a trademark story: the
        # newest first, each counted unread; the trademark one hidden at once.
        store(
            path,
            ("Starship stacks again", "2026-06-01T00:00:00Z"),
            ("Starfall lands", "2026-07-01T00:00:00Z"),
            ("Trademark fight over capsules", "2026-07-02T00:00:00Z"),
        )
        screen.stories_changed()
        await pilot.pause()
        start = header_row(screen, "Capsules")
        lines = sidebar_lines(app)
        assert lines[start].split()[-1] == "2/3"
        assert [line.strip("▌ ").split("  ")[0] for line in lines[start + 1 : start + 3]] == [
            "Starfall lands",
            "Starship stacks again",
        ]
        assert lines[0] == "2 hidden · H shows them"
        assert not any("Trademark fight" in line for line in lines)
        assert "No trademarks: 1 new story hidden · z to undo" in said.messages()

        # z takes the rule's hide back: the story is listed again.
        await pilot.press("z")
        await pilot.pause()
        assert any("Trademark fight" in line for line in sidebar_lines(app))
        assert sidebar_lines(app)[0] == "1 hidden · H shows them"

        # H shows the hidden ones, and hides them again.
        await pilot.press("H")
        assert any("trademarked" in line for line in sidebar_lines(app))
        assert sidebar_lines(app)[0] == "1 hidden, shown · H hides them"
        # The hidden one is marked as such; the one z brought back is not.
        [shown] = [line for line in sidebar_lines(app) if "trademarked" in line]
        assert shown.lstrip("▌ ").startswith("⊘")
        [back] = [line for line in sidebar_lines(app) if "Trademark fight" in line]
        assert "⊘" not in back
        await pilot.press("H")
        assert not any("trademarked" in line for line in sidebar_lines(app))
        await until(pilot, lambda: "1 story hidden again · H shows them" in said.messages())
        assert "1 hidden story shown · H hides them" in said.messages()


async def test_ctrl_s_in_the_search_bar_saves_the_query_as_a_section(tmp_path: Path) -> None:
    mine = '# mine\n[highlight]\nkeywords = ["Tesla"]\n'
    config = write_config(mine)
    app = NewsApp(seeded(tmp_path / "library.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        await pilot.press("slash", *"megapod")
        # The name typed right behind Ctrl+S went on the query ("megapodPods").
        app.post_message(events.Key("ctrl+s", "\x13"))
        burst(app, *"Pods", "enter")
        await until(pilot, partial(listed, app, " Pods "), "Pods saved and listed")
        assert line_of(app, "Pods").split()[-1] == "1/1"
    assert [(r.name, r.query, r.action) for r in load_config(config).rules] == [
        ("Pods", "megapod*", "section")  # the bar found it as a prefix
    ]
    assert config.read_text(encoding="utf-8").startswith(mine)


async def test_a_name_taken_is_refused_and_nothing_written(tmp_path: Path) -> None:
    config = write_config(RULES)
    app = NewsApp(seeded(tmp_path / "library.sqlite"))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await settled(app, pilot)
        await pilot.press("slash", *"semi", "ctrl+s")
        await pilot.pause()
        await pilot.press(*"capsules", "enter")
        await pilot.pause()
        assert "a rule named 'capsules' is there already: another name?" in said.messages()
        assert config.read_text(encoding="utf-8") == RULES
        # The dialog stays open for another name.
        from reader.tui.dialogs.save_search import SaveSearchDialog

        assert isinstance(app.screen, SaveSearchDialog)
        # A section's name is taken too: two headers alike in the sidebar.
        await pilot.press(*["backspace"] * 8, *"news", "enter")
        await pilot.pause()
        assert "a section named 'news' is in the sidebar already: another name?" in (
            said.messages()
        )
        assert isinstance(app.screen, SaveSearchDialog)
        await pilot.press(*["backspace"] * 4, *"Semis", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, SaveSearchDialog)
    assert [r.name for r in load_config(config).rules][-1] == "Semis"


async def test_a_query_that_cannot_be_saved_is_said_before_a_name_is_asked(
    tmp_path: Path,
) -> None:
    write_config(RULES)
    app = NewsApp(seeded(tmp_path / "library.sqlite"))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await settled(app, pilot)
        await pilot.press("slash", *'"ground tru', "ctrl+s")
        await pilot.pause()
        assert any("unclosed quote" in m for m in said.messages())
        assert not isinstance(app.screen, ModalScreen)


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 20)])
async def test_the_search_footer_shows_save_and_mark_read_with_every_key_whole(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    # Ctrl+S and Ctrl+R were only in help: a person searching never saw them.
    app = NewsApp(seeded(tmp_path / "library.sqlite"))
    async with app.run_test(size=size) as pilot:
        await settled(app, pilot)
        await pilot.press("slash", *"tesla")
        await pilot.pause()
        footer = screen_lines(app)[-1].text
        for key in ("esc Close", "^t All/this story", "^s Save", "^r Mark read", "^p palette"):
            assert key in footer, f"{key!r} not whole in {footer!r}"


async def test_hidden_stories_are_out_of_search_results_until_shown(tmp_path: Path) -> None:
    write_config(RULES)
    path = tmp_path / "library.sqlite"
    seeded(path).close()
    assert main(["rules", "apply", "--library", str(path)]) == 0
    app = NewsApp(open_catalog([], load_config()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("slash", *"megapod")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.results.display is False or len(screen.results.items) == 0
        await pilot.press("escape")
        await until(pilot, lambda: not screen.search_bar.display, "the bar closed")
        await pilot.press("H", "slash")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert [item.title for item in screen.results.items] == [
            "Tesla just trademarked MEGAPOD: here’s what it is"
        ]


async def test_unread_only_lists_a_saved_search_s_unread_stories(tmp_path: Path) -> None:
    write_config(RULES)
    app = NewsApp(seeded(tmp_path / "library.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await settled(app, pilot)
        screen.sidebar.cursor = header_row(screen, "Capsules")
        await pilot.press("enter")  # open the saved search
        start = header_row(screen, "Capsules")
        capsule = screen.sidebar.rows[start + 1].article
        assert capsule is not None
        await pilot.press("U")
        await pilot.pause()
        assert screen.sidebar.rows[header_row(screen, "Capsules") + 1].article == capsule
        screen.navigation.open(capsule)  # read it, then read another: it leaves the list on U
        other = next(e for _, items in screen.catalog.sections() for e in items if e != capsule)
        screen.navigation.open(other)
        await pilot.press("U", "U")
        await pilot.pause()
        rows = screen.sidebar.rows
        start = header_row(screen, "Capsules")
        assert start + 1 == len(rows) or rows[start + 1].article is None  # nothing under it


async def test_a_saved_search_s_header_counts_all_its_stories_with_u_as_without(
    tmp_path: Path,
) -> None:
    """`Teslas 2/3` stays `2/3` with U, as `News 1/2` does: a header counts its
    whole section (or saved search), listed or not."""
    write_config('[[rules]]\nname = "Teslas"\nquery = "tesla"\n')
    app = NewsApp(seeded(tmp_path / "library.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await settled(app, pilot)
        screen.sidebar.cursor = header_row(screen, "Teslas")
        await pilot.press("enter")  # open the saved search
        rows = screen.sidebar.rows
        first = rows[header_row(screen, "Teslas") + 1].article
        assert first is not None
        screen.navigation.open(first)  # read it, then open another: it leaves the list on U
        other = next(e for _, items in screen.catalog.sections() for e in items if e != first)
        screen.navigation.open(other)
        await pilot.pause()
        teslas, news = line_of(app, "Teslas"), line_of(app, "News")
        assert re.search(r"Teslas +\d+/\d+$", teslas)  # some read, some not

        def listed() -> set[str]:
            rows = screen.sidebar.rows
            return {r.article.id for r in (rows[i] for i in range(len(rows))) if r.article}

        await pilot.press("U")
        await until(pilot, lambda: first.id not in listed(), "the read story off the list")
        assert line_of(app, "News") == news
        assert line_of(app, "Teslas") == teslas
