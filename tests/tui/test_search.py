"""Searching as a person does: /, type, see results, open, walk matches, Escape."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.model import Article
from reader.sources.dump import parse, read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.search_bar import SearchBar

from .frames import Frames, quiet
from .shown import screen_lines, toasts
from .shown import search_status as status
from .waiting import until

SIZE = (120, 40)


@pytest.fixture
def app(seed: Path) -> NewsApp:
    return NewsApp(read_dump(seed).articles)


def screen(app: NewsApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def results_for(app: NewsApp, pilot: Pilot[None], *keys: str) -> list[str]:
    await pilot.press(*keys)
    await until(pilot, lambda: screen(app).search_control.all_answered, "the last key's answer")
    await pilot.pause()
    return [item.title for item in screen(app).results.items]


def rover_reports(count: int = 100) -> list[Article]:
    """A section of stories that all match "rover": more hits than one page."""
    body = "Every story here mentions the rover. Another sentence follows it."
    return parse("".join(f"Mars\nRover report {n:03}\n{body}\n" for n in range(count)))


async def test_letters_typed_right_after_slash_are_never_lost(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "s", "t", "a", "r")
        bar = app.screen.query_one(SearchBar)
        assert bar.display and bar.text == "star"
        assert screen(app).sidebar.highlighted.title.startswith("Tesla Giga")  # j/k not eaten


async def test_results_appear_while_typing_with_count(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        titles = await results_for(app, pilot, "slash", *"starf")
        assert titles == ["SpaceX is launching a secret spacecraft that could change how "
                          "things are made in space"]  # fmt: skip
        assert status(app) == "1 story"
        titles = await results_for(app, pilot, "backspace", "backspace", "backspace")
        assert len(titles) == 4  # "st" is a prefix of words in every story
        titles = await results_for(app, pilot, *"ZZZ")
        assert titles == [] and status(app) == "nothing found"


async def test_a_query_that_cannot_parse_says_why(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"-tesla")
        await pilot.pause()
        assert "exclude" in status(app)
        assert app.screen.query_one("#search-status").has_class("-error")
        # A trailing OR gets the answer `news search "tesla OR"` gets, until the
        # word after it is typed.
        await pilot.press("ctrl+u", *"tesla OR")
        await pilot.pause()
        assert status(app) == "OR needs a term on each side"
        await pilot.press(*" semi")
        await pilot.pause()
        assert not app.screen.query_one("#search-status").has_class("-error")


async def test_enter_opens_at_first_match_and_n_walks_them(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"starfall")
        await pilot.press("enter")
        story = screen(app).story
        await until(pilot, lambda: app.focused is story and story.match_count, "the story open")
        assert story.article.title.startswith("SpaceX is launching")
        assert app.focused is story
        count = story.match_count
        assert count >= 10
        assert status(app) == f"match 1 of {count}"
        first_line = story.match_lines[0]
        assert story.scroll_y <= first_line < story.scroll_y + story.size.height
        await pilot.press("n", "n")
        await pilot.pause()
        assert status(app) == f"match 3 of {count}"
        assert story.scroll_y <= story.match_lines[2] < story.scroll_y + story.size.height
        await pilot.press("N")
        await pilot.pause()
        assert status(app) == f"match 2 of {count}"


async def test_n_past_the_last_match_goes_to_the_next_result(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        titles = await results_for(app, pilot, "slash", *"semi")
        assert len(titles) >= 2
        await pilot.press("enter")
        story = screen(app).story
        await until(pilot, lambda: app.focused is story and story.match_count, "the story open")
        first = story.article.title
        for _ in range(story.match_count):
            await pilot.press("n")
            await pilot.pause()
        assert story.article.title != first
        assert story.article.title == titles[1]
        assert status(app).startswith("match 1 of")
        await pilot.press("N")  # back past the first match: the story before, at its last
        await pilot.pause()
        assert story.article.title == first
        assert status(app) == f"match {story.match_count} of {story.match_count}"


async def test_n_past_the_last_match_of_the_last_result_says_so() -> None:
    app = NewsApp(parse("News\nOnly story\nThe rover rolled. The rover stopped.\n"))
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"rover", "enter")
        await pilot.pause()
        await pilot.press("n", "n")
        await pilot.pause()
        assert status(app) == "match 2 of 2, no more"
        await pilot.press("N", "N")
        await pilot.pause()
        assert status(app) == "match 1 of 2, none before"


async def test_escape_closes_the_bar_and_clears_highlighting(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"starfall")
        await pilot.press("enter")
        story = screen(app).story
        await until(pilot, lambda: app.focused is story and story.match_count, "the story open")
        assert story.match_count
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.query_one(SearchBar).display, "the bar closed")
        # The matches are counted as the story is next painted, without them.
        await until(pilot, lambda: story.match_count == 0, "the highlighting gone")
        assert app.focused is story
        await pilot.press("escape")  # and then back to the list as usual
        await until(pilot, lambda: app.focused is screen(app).sidebar, "the list focused")


async def test_search_only_this_story(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "ctrl+t", *"giga")
        story = screen(app).story
        # The count of each letter's query comes in turn: "giga"'s is the last.
        await until(
            pilot, lambda: status(app) == f"match 1 of {story.match_count}", "the first match"
        )
        bar = app.screen.query_one(SearchBar)
        assert bar.scope == "story"
        assert "this story" in str(app.screen.query_one("#search-scope").render())
        assert story.article.title.startswith("Tesla Giga") and story.match_count >= 5
        await pilot.press("down")
        await pilot.pause()
        assert status(app) == f"match 2 of {story.match_count}"


async def test_case_and_accents_in_every_script() -> None:
    articles = parse(
        "Мир\nЖурнал о кафе\nВ ЖУРНАЛЕ пишут о Café Zürich. Second sentence.\n"
        "Welt\nÄrger in Köln\nDer Ärger über das Café wächst. Noch ein Satz.\n"
    )
    app = NewsApp(articles)
    async with app.run_test(size=SIZE) as pilot:
        assert await results_for(app, pilot, "slash", *"журнале") == ["Журнал о кафе"]
        await pilot.press("ctrl+u")
        assert await results_for(app, pilot, *"ärger") == ["Ärger in Köln"]
        await pilot.press("ctrl+u")
        assert len(await results_for(app, pilot, *"cafe ")) == 2
        await pilot.press("ctrl+u")
        assert await results_for(app, pilot, *"section:Welt cafe") == ["Ärger in Köln"]


async def test_hostile_query_text_is_shown_as_typed(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"[bold]x[/bold] NEAR( ^*")
        assert app.screen.query_one(SearchBar).text == "[bold]x[/bold] NEAR( ^*"


async def test_many_results_arrive_a_page_at_a_time_as_the_person_scrolls() -> None:
    app = NewsApp(rover_reports())
    async with app.run_test(size=SIZE) as pilot:
        first = await results_for(app, pilot, "slash", *"rover")
        assert status(app) == "100 stories"
        assert 0 < len(first) < 100  # only the first page is fetched
        await pilot.press("shift+tab")  # from the bar into the result list
        results = screen(app).results
        assert app.focused is results
        for _ in range(12):  # page down to the end: the list fetches as it goes
            await pilot.press("pagedown")
            await screen(app).workers.wait_for_complete()
            await pilot.pause()
        titles = [item.title for item in results.items]
        assert sorted(titles) == sorted(f"Rover report {n:03}" for n in range(100))
        assert results.highlighted is results.items[-1]


async def test_end_goes_to_the_last_result_and_pagedown_works_from_the_bar() -> None:
    app = NewsApp(rover_reports())
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"rover")
        results = screen(app).results
        await pilot.press("pagedown")  # typed in the bar: a page of results
        assert results.cursor > 5
        await pilot.press("shift+tab", "end")  # one End, however many pages are left
        # Each page asks for the next as it lands, and that page's worker (exclusive)
        # cancels the one before if it has not yet been marked done: wait for the
        # last result, not for the workers (waiting on a cancelled one raises).
        await until(
            pilot,
            lambda: len(results.items) == 100 and results.highlighted is results.items[-1],
            "the last of 100 results highlighted",
        )
        await pilot.press("home")
        assert results.cursor == 0


async def test_a_query_that_cannot_parse_leaves_no_results_to_open(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"falcon")
        assert screen(app).results.display
        story = screen(app).story.article
        await pilot.press("ctrl+u", *"-tesla")
        await pilot.pause()
        assert "exclude" in status(app)
        assert not screen(app).results.display
        await pilot.press("enter")
        await pilot.pause()
        assert screen(app).story.article is story  # nothing opened


async def test_slash_again_shows_the_last_query_and_its_answer(app: NewsApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"starfall")
        await pilot.press("enter")
        await pilot.pause()
        assert status(app).startswith("match 1 of")
        await pilot.press("escape")
        await until(pilot, lambda: status(app) == "", "the status cleared")
        titles = await results_for(app, pilot, "slash")
        assert status(app) == "1 story" and len(titles) == 1
        assert app.screen.query_one(SearchBar).text == "starfall"


async def test_a_snippet_shows_its_match_even_when_it_comes_late(app: NewsApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await results_for(app, pilot, "slash", *"tesla")
        results = screen(app).results
        for number, item in enumerate(results.items):
            assert item.snippet_spans
            snippet_line = results.render_line(number * 3 + 1).text
            assert "tesla" in snippet_line.lower(), snippet_line


async def test_results_show_in_a_narrow_terminal_with_the_sidebar_open(app: NewsApp) -> None:
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.press("s")  # the sidebar over the whole width
        await pilot.pause()
        assert screen(app).sidebar.region.width > 50
        assert len(await results_for(app, pilot, "slash", *"tesla")) == 3
        results = screen(app).results
        assert results.region.width > 50 and results.region.height > 10
        assert screen(app).sidebar.region.width == 0  # folded away for them


async def test_results_by_scrolling_and_click() -> None:
    app = NewsApp(rover_reports())
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"rover")
        results = screen(app).results
        first = len(results.items)
        for _ in range(4):  # scrolled (as the wheel does) to the end: more arrive
            results.scroll_to(y=results.max_scroll_y, animate=False)
            await pilot.pause()
            await screen(app).workers.wait_for_complete()
            await pilot.pause()
        assert first < len(results.items) == 100
        assert results.cursor == 0  # scrolling moves the view, not the choice
        # A click on a hit (over the story, which lies under the list) opens it.
        await pilot.click(results, offset=(5, 1))
        await pilot.pause()
        clicked = results.items[(1 + round(results.scroll_y)) // 3]
        assert not results.display
        assert screen(app).story.article.id == clicked.id


async def test_n_with_no_search_says_how_to_search(app: NewsApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        opened = screen(app).story.article
        await pilot.press("n")
        await until(pilot, lambda: toasts(app), "a toast")  # it mounts a few frames later
        shown = " ".join(" ".join(t.split()) for t in toasts(app))
        assert "No search yet: / searches" in shown
        assert screen(app).story.article is opened  # and nothing moved


async def test_a_snippet_cut_to_bring_its_match_into_view_starts_at_a_word() -> None:
    body = (
        "Teslas comprised of thousands of units were observed at the Shanghai South"
        " Port Terminal since the third quarter started, and the rover was there."
    )
    app = NewsApp(parse(f"News\nOnly story\n{body}\n"))
    async with app.run_test(size=(70, 20)) as pilot:
        await results_for(app, pilot, "slash", *"rover")
        row = next(line.text for line in screen_lines(app) if "rover" in line.text)
        snippet = row.split("▕", 1)[1].strip()
        assert snippet.startswith("…")  # cut: the match would not fit
        assert snippet[1:].split()[0] in body.split()  # from a whole word on


async def test_enter_on_a_result_paints_the_story_and_its_count_in_one_frame(app: NewsApp) -> None:
    # The frame that first shows the story opened shows "match 1 of" too: the
    # count used to come a frame (15-20 ms) after the story, since Enter's
    # held state write asked the screen for a callback before the bar's count
    # was set, and the screen painted before the count's repaint reached it.
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"starfall")
        # Enter a while after the results were painted, as a person presses it:
        # the screen's frame timer then paints at once when asked, not at its
        # next tick (which left the count time to catch up).
        await quiet(app)
        frames = Frames(app)
        await pilot.press("enter")
        story = screen(app).story
        await until(pilot, lambda: status(app).startswith("match 1 of"), "the count")
        await until(pilot, lambda: any("match 1 of" in shown for shown in frames.screens))
        assert story.article.title.startswith("SpaceX is launching")
        first = frames.first("SpaceX is launching")
        assert first is not None, "the story was never painted"
        assert f"match 1 of {story.match_count}" in first


async def test_the_sidebar_follows_a_result_opened_after_its_frame(app: NewsApp) -> None:
    # The sidebar's cursor goes to the story after the frame that shows it (a
    # frame later than the story), and stays on the story open: n past the
    # last match opens the next result at once, and the cursor follows it.
    async with app.run_test(size=SIZE) as pilot:
        titles = await results_for(app, pilot, "slash", *"semi")
        assert len(titles) >= 2
        sidebar, story = screen(app).sidebar, screen(app).story
        await pilot.press("enter")
        await until(pilot, lambda: status(app).startswith("match 1 of"), "the first result open")
        count = story.match_count
        await pilot.press(*"n" * count)  # past the last match: the next result
        await until(pilot, lambda: story.article.title == titles[1], "the second result open")
        await until(pilot, lambda: sidebar.highlighted.title == titles[1], "the sidebar following")
        await pilot.pause()
        assert sidebar.highlighted.title == titles[1] == story.article.title
        assert sidebar.open_id == story.article.id


async def test_n_paints_the_next_match_and_its_number_in_one_frame(app: NewsApp) -> None:
    # Each n moved the story to the next match in one frame and said "match 2
    # of" in the next: the number came from the story's message, after the
    # story's repaint had reached the screen.
    async with app.run_test(size=SIZE) as pilot:
        await results_for(app, pilot, "slash", *"starfall")
        await pilot.press("enter")
        story = screen(app).story
        await until(pilot, lambda: status(app).startswith("match 1 of"), "the first match")
        for number in (2, 3):
            await quiet(app)  # as a person presses n: a while after the last frame
            frames = Frames(app)
            await pilot.press("n")
            said = f"match {number} of {story.match_count}"
            await until(pilot, partial(frames.first, said), said)
            moved = frames.first("Starfall")  # the story's text (the bar holds "starfall")
            assert moved is not None and said in moved
