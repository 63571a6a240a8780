"""The hostile corpus in the reader, driven with Pilot.

A library made from every hostile source (the command line adds them, as a
person would), the hostile bookmarks file imported, and a feed that fails
under a title that is markup. The test opens every story in turn, the
Bookmarks section, a search and its result, and a refresh, and after each
reads the composed screen cell by cell: no segment carries a control
character, an escape or a bidi control, no link style points anywhere but
http(s), the markup shows as the characters it is made of, and clicking a
toast whose text is an action does nothing (the app is still running).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.events import Paste
from textual.widget import Widget
from textual.widgets import Input
from tui.shown import screen_lines, screen_text, toasts, where_shown
from tui.waiting import until
from unit.feed_server import FeedServer, running

from hostile.corpus import HOSTILE, Corpus, forbidden, h, write
from reader.catalog import LibraryCatalog
from reader.cli import main
from reader.cli.common import open_catalog
from reader.config import data_dir, load_config
from reader.library.articles import Library
from reader.tui.app import NewsApp
from reader.tui.dialogs.note import NoteDialog
from reader.tui.screens.reader import ReaderScreen

SIZE = (120, 40)
FAILING_TITLE = h("failing feed")


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[tuple[Corpus, Path, FeedServer, FeedServer]]:
    with contextmanager(running)() as allowed, contextmanager(running)() as elsewhere:
        (tmp_path / "corpus").mkdir()
        corpus = write(tmp_path / "corpus", allowed, elsewhere.base)
        library = tmp_path / "library.sqlite"
        for source in (corpus.rss, corpus.atom, corpus.json_feed, corpus.dump, corpus.markdown):
            assert main(["--library", str(library), "add", str(source)]) == 0
        assert main(["bookmarks", "import", str(corpus.bookmarks)]) == 0
        opened = Library.open(library)
        opened.add_source("feed", allowed.url("/failing.xml"), title=FAILING_TITLE)
        opened.close()
        # A state file from elsewhere: hostile ids, theme and places far off.
        ids = [row.id for row in Library.open(library).rows()]
        (data_dir() / "state.json").write_text(
            json.dumps(
                {
                    "version": 1,
                    "read": [h("read"), *ids[::2]],
                    "positions": {ids[1]: 10**15, h("id"): 3},
                    "places": {ids[3]: [10**9, -5], ids[5]: [-1, 10**12]},
                    "last": ids[-1],
                    "theme": h("theme"),
                    "other_theme": "[@click=app.quit]",
                }
            )
        )
        yield corpus, library, allowed, elsewhere


async def test_files_given_to_news_and_their_warnings_show_as_text(
    corpus: tuple[Corpus, Path, FeedServer, FeedServer],
) -> None:
    """`news DUMP`: the dump's file name (escapes, markup, bidi) in the toast
    that warns of its bytes that are not UTF-8, and its stories."""
    hostile, *_ = corpus
    warnings: list[str] = []
    catalog = open_catalog([str(hostile.dump)], load_config(), warnings)
    assert any("UTF-8" in w or "\ufffd" in w for w in warnings), warnings
    app = NewsApp(catalog, warnings=warnings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: toasts(app), "the warning's toast")
        shown = " ".join(toasts(app))
        assert "[bold]dump[link=x]" in shown, shown
        problems = screen_problems(app, "warning")
        await pilot.press("g", "enter", "escape")
        for n in range(4):  # each of the dump's stories, with its file's name
            await pilot.pause()
            problems += screen_problems(app, f"story {n}")
            await pilot.press("right_square_bracket")
        assert app.is_running
    assert problems == [], "\n".join(problems)


async def test_full_text_a_note_and_a_pasted_query_show_text_and_fetch_nothing_elsewhere(
    corpus: tuple[Corpus, Path, FeedServer, FeedServer],
) -> None:
    """`f` on a story whose page is on another local port (refused, named in a
    toast), `e` on a hostile bookmark (its title in the dialog), and a hostile
    query pasted into the search bar."""
    _, library, _, elsewhere = corpus
    opened = Library.open(library)
    target = next(row for row in opened.rows() if row.title.startswith("rss item 1"))
    app = NewsApp(LibraryCatalog(opened))
    problems: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.pause()
        screen.sidebar.highlight(target.id)
        await pilot.press("enter", "f")
        await app.screen.workers.wait_for_complete()
        await until(pilot, lambda: any("refused" in t for t in toasts(app)), "a toast")
        problems += screen_problems(app, "full text refused")

        await pilot.press("escape", "B", "e")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog), "the note dialog")
        problems += screen_problems(app, "note dialog")
        assert "[@click=app.quit]quitter[/]" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the dialog closed")

        await pilot.press("slash")
        await pilot.pause()
        assert app.focused is not None
        app.post_message(Paste(HOSTILE + " OR"))  # as the terminal sends it
        await until(pilot, lambda: app.query_one("#search-input", Input).value, "the paste")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        problems += screen_problems(app, "pasted query")
        pasted = app.query_one("#search-input", Input).value
        assert "[@click=app.quit]quitter[/]" in pasted and not forbidden(pasted.encode())
        assert app.is_running
    assert problems == [], "\n".join(problems[:20])
    assert elsewhere.requests == []


def screen_problems(app: NewsApp, where: str) -> list[str]:
    """Every segment on screen: no control character in its text, no action
    to run on a click, no link that is not http(s) or that carries one."""
    found = []
    for y, strip in enumerate(screen_lines(app)):
        for segment in strip:
            if bad := forbidden(segment.text.encode("utf-8", "surrogatepass")):
                found.append(f"{where}, row {y}: {bad}")
            meta = segment.style.meta if segment.style else {}
            if meta.get("@click"):  # the reader makes no text an action
                found.append(f"{where}, row {y}: {segment.text!r} is an action {meta}")
            link = segment.style.link if segment.style else None
            if link and (forbidden(link.encode()) or not re.match(r"https?://", link)):
                found.append(f"{where}, row {y}: link {link!r}")
    return found


def toast_widgets(app: NewsApp) -> list[Widget]:
    return list(app.screen.query("Toast"))


async def test_every_story_bookmark_search_and_refresh_shows_text_not_escapes_or_actions(
    corpus: tuple[Corpus, Path, FeedServer, FeedServer],
) -> None:
    _, library, _, elsewhere = corpus
    opened = Library.open(library)
    every_id = {row.id for row in opened.rows()}
    app = NewsApp(LibraryCatalog(opened))
    problems: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.pause()
        problems += screen_problems(app, "start")
        await pilot.press("g", "enter", "escape")  # the first story, the sidebar focused
        await pilot.pause()

        # Every story, one after another (] opens the next without moving focus).
        seen: set[str] = set()
        literal = False
        for _ in range(80):
            story = screen.story.article
            if story is None or story.id in seen:
                break
            seen.add(story.id)
            problems += screen_problems(app, f"story {story.title[:30]!r}")
            literal |= "[@click=app.quit]quitter[/]" in screen_text(app)
            await pilot.press("right_square_bracket")
            await pilot.pause()
        assert every_id <= seen, "every story was opened"
        assert literal, "the markup in a story shows as text"

        # The Bookmarks section and the hostile bookmarks in it.
        await pilot.press("B")
        await pilot.pause()
        problems += screen_problems(app, "bookmarks")
        assert "bookmark title" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        problems += screen_problems(app, "a bookmark opened")

        # A search, its results and one opened.
        await pilot.press("slash", *"bolded")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        problems += screen_problems(app, "search results")
        assert "[link=file:///etc/passwd]" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        problems += screen_problems(app, "a result opened")
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.query_one("#search").display, "the bar closed")

        # A refresh, with the feed whose name is markup failing.
        await pilot.press("r")
        await app.screen.workers.wait_for_complete()
        await until(pilot, lambda: any("failing feed" in t for t in toasts(app)), "a toast")
        failed = [t for t in toast_widgets(app) if "failing feed" in str(t.render())]
        problems += screen_problems(app, "refresh toasts")
        shown = str(failed[0].render())
        assert "[@click=app.quit]quitter[/]" in shown and "[/]" in shown
        # Click the word the markup would have made the quit action (a click
        # on a toast also closes it: one click, on that word).
        await until(pilot, lambda: where_shown(app, failed[0], "quitter"), "the toast shown")
        x, y = where_shown(app, failed[0], "quitter") or (0, 0)
        await pilot.click(offset=(x + 3, y))
        await until(pilot, lambda: not failed[0].is_attached, "the toast closed by the click")
        assert app.is_running and app.return_code is None
    assert problems == [], "\n".join(problems[:20])
    assert elsewhere.requests == []
    assert HOSTILE  # the corpus carried the payload this test looked for
