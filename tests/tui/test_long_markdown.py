"""`news LONG.md`: the first screen is painted from the file's head, and the
rest is parsed on a worker after it and laid out after the lines shown. A
person must see nothing of that: the same screen, the same story at the end,
every match and link, their place kept and no key lost, whatever comes first."""

from __future__ import annotations

import re

import pytest
from textual.pilot import Pilot

from reader.catalog import MemoryCatalog
from reader.cli.common import open_catalog
from reader.config import Config
from reader.tui.app import NewsApp
from reader.tui.dialogs.links import LinkPicker
from reader.tui.navigation_controller import NavigationController
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.story_view import StoryView

from .shown import screen_lines, screen_text
from .waiting import painted, until

SIZE = (100, 30)
PARAGRAPHS = 400  # about 60 KB: twice the head and more
ZEBRAFISH = re.compile("zebrafish")
LAST = "The last paragraph of all, where the zebrafish swims away"


@pytest.fixture(autouse=True, params=["on demand", "while idle"])
def _layout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with the rest of the story laid out while the app is idle, and
    with nothing laid out but what is asked for."""
    if request.param == "on demand":
        monkeypatch.setattr(StoryView, "idle_slice", 0.0)


@pytest.fixture
def long_md(tmp_path_factory: pytest.TempPathFactory) -> str:
    lines = ["# A very long story", ""]
    for n in range(PARAGRAPHS):
        if n % 25 == 0:
            lines += [f"## Part {n // 25}", ""]
        lines += [
            f"Paragraph {n} tells of *rockets* and [the weather {n}](https://example.com/{n})"
            " at some length, one sentence after another, until the line wraps.",
            "",
        ]
    lines += [f"{LAST}, and [the end](https://example.com/the-end).", ""]
    path = tmp_path_factory.mktemp("md") / "long.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def head_first(path: str) -> MemoryCatalog:
    catalog = open_catalog([path], Config(), [], heads=True)
    assert isinstance(catalog, MemoryCatalog)
    assert catalog.in_part(), "the file is long enough to be read as its head"
    return catalog


def no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker that parses the rest never runs: a key comes first."""
    monkeypatch.setattr(NavigationController, "complete_stories", lambda self: None)


def story(app: NewsApp) -> StoryView:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen.story


def texts(app: NewsApp) -> list[str]:
    return [strip.text for strip in story(app).lines]


def shown_text(app: NewsApp) -> list[str]:
    """The text of each row of the screen, the scrollbars left out."""
    return [line.text.rstrip("▁▂▃▄▅▆▇█ ") for line in screen_lines(app)]


async def open_story(pilot: Pilot[None]) -> None:
    await painted(pilot)
    await pilot.press("enter")  # the story gets the focus
    await pilot.pause()


async def test_the_first_screen_and_the_story_are_the_whole_files(
    long_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = NewsApp(open_catalog([long_md], Config(), []))
    async with whole.run_test(size=SIZE) as pilot:
        await painted(pilot)
        expected_screen, expected_lines = screen_text(whole), texts(whole)
    no_worker(monkeypatch)
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert story(app).article is not None and story(app).article.rest  # the head
        assert screen_text(app) == expected_screen
        assert texts(app) == expected_lines  # grown to the end, links and all
        assert story(app).article.rest == ""


async def test_end_at_once_goes_to_the_end_of_the_whole_story(
    long_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_worker(monkeypatch)
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await open_story(pilot)
        await pilot.press("end")
        text = screen_text(app)
        assert "https://example.com/the-end" in text
        assert "where the zebrafish" in "\n".join(texts(app))


async def test_the_place_stays_when_the_rest_arrives(
    long_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse_later = NavigationController.complete_stories
    no_worker(monkeypatch)
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await open_story(pilot)
        await pilot.press(*"jjjjjjj", "space")
        await pilot.pause()
        # The words on the screen: the scrollbar's thumb may change, as the
        # story's length is known instead of estimated.
        top = story(app).scroll_y
        before = shown_text(app)
        assert isinstance(app.screen, ReaderScreen)
        parse_later(app.screen.navigation)
        await app.screen.workers.wait_for_complete()
        await until(pilot, lambda: not story(app).article.rest, "the story whole")
        await pilot.pause()
        assert story(app).scroll_y == top
        assert shown_text(app) == before


async def test_keys_pressed_while_the_rest_is_parsed_all_count(long_md: str) -> None:
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"j" * 12)  # at once, the worker running or not
        assert isinstance(app.screen, ReaderScreen)
        await app.screen.workers.wait_for_complete()
        await until(pilot, lambda: not story(app).article.rest, "the story whole")
        await pilot.pause()
        assert story(app).scroll_y == 12
        shown = screen_text(app)
        assert texts(app)[12].strip() in shown and texts(app)[12 + SIZE[1]].strip() not in shown


async def test_search_and_links_see_the_whole_story_at_once(
    long_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_worker(monkeypatch)
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        await pilot.press("slash", *"zebrafish")
        assert isinstance(app.screen, ReaderScreen)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: LAST in screen_text(app), "the match in the last paragraph")
        assert str(app.screen.query_one("#search-status").render()) == "match 1 of 1"
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await until(pilot, lambda: not screen.search_bar.display, "the search closed")
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        assert app.screen.links[-1] == ("the end", "https://example.com/the-end")


async def test_a_place_past_the_head_is_found_in_the_whole(
    long_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_worker(monkeypatch)
    whole = open_catalog([long_md], Config(), [])
    (entry,) = whole.entries()
    expected = whole.article(entry.id)
    assert expected is not None
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        head = story(app).article
        assert head is not None and len(head.blocks) < 300
        story(app).show(head, place=(300, 0))
        await pilot.pause()
        top = screen_text(app)
        assert expected.blocks[300].text[:40] in top
        assert story(app).article == expected


async def test_matches_are_counted_through_the_whole_story(
    long_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_worker(monkeypatch)
    app = NewsApp(head_first(long_md))
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        story(app).set_matches(
            lambda text: [(m.start(), m.end()) for m in ZEBRAFISH.finditer(text)]
        )
        await pilot.pause()
        assert story(app).match_count == 1
        assert LAST in screen_text(app)
