"""Another terminal's `news` while the reader runs: sources removed, stories
hidden by `news rules apply`, bookmarks imported. Each is run as a person
runs it (the command line, in-process) beside a reader started before it,
and the reader shows it without a restart."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.atomic import Document, file_stamp
from reader.cli import main
from reader.cli.common import open_catalog
from reader.config import load_config, seed_paths
from reader.sources.dump import read_dump
from reader.state import ReadingState
from reader.triage.rules import HIDE_STEP
from reader.triage.undo import UndoStack
from reader.tui import outside_watch
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .shown import Said
from .waiting import painted, until

SIZE = (120, 40)
FEED = (
    '<rss version="2.0"><channel><title>Orbit Weekly</title>'
    "<item><title>Capsule splashes down</title><guid>1</guid><description>Text.</description>"
    "</item><item><title>Booster lands</title><guid>2</guid><description>More.</description>"
    "</item></channel></rss>"
)


@pytest.fixture(autouse=True)
def quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outside_watch, "LIBRARY_EVERY", 0.05)
    monkeypatch.setattr(outside_watch, "CONFIG_EVERY", 0.05)


@pytest.fixture
def library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The bundled news and a feed, added by `news add`; the reader's library."""
    feed = tmp_path / "orbit.xml"
    feed.write_text(FEED, encoding="utf-8")
    path = tmp_path / "library.sqlite"
    monkeypatch.setenv("NEWS_LIBRARY", str(path))
    assert main(["add", str(feed)]) == 0
    capsys.readouterr()
    return path


def saved_bookmarks() -> int:
    """How many bookmarks bookmarks.json holds now."""
    path = Path(os.environ["NEWS_DATA_DIR"]) / "bookmarks.json"
    return len(json.loads(path.read_text())["bookmarks"]) if path.exists() else 0


def sidebar_lines(app: NewsApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    sidebar = screen.sidebar
    return [sidebar.render_line(y).text.rstrip() for y in range(len(sidebar.rows))]


def reader_screen(app: NewsApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


async def started(app: NewsApp, pilot: object) -> None:
    await painted(pilot)  # type: ignore[arg-type]
    await until(pilot, lambda: reader_screen(app).rules.newest_seen is not None)  # type: ignore[arg-type]


async def test_a_source_another_news_removed_leaves_the_running_reader(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = NewsApp(open_catalog([], load_config()))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await started(app, pilot)
        lines = sidebar_lines(app)
        assert any("Booster lands" in line for line in lines)
        # The feed's first story bookmarked: it will be gone from the library.
        screen = reader_screen(app)
        capsule = next(n for n, line in enumerate(lines) if "Capsule splashes" in line)
        screen.sidebar.cursor = capsule
        await pilot.press("b")
        await until(pilot, lambda: saved_bookmarks() == 1)

        assert main(["remove", "Orbit Weekly", "--yes"]) == 0  # as from another terminal
        await until(pilot, lambda: not any("Booster lands" in line for line in sidebar_lines(app)))
        # The toast: its message is taken in after the sidebar changed.
        told = "1 source removed by another news: Orbit Weekly"
        await until(pilot, lambda: told in said.messages())
        assert not any(line.startswith("Orbit Weekly") for line in sidebar_lines(app))
        # The bookmark stays, and says what happened to its story.
        [pinned] = [line for line in sidebar_lines(app) if "Capsule splashes" in line]
        assert "missing" in pinned
        # The bundled news is as it was.
        assert any("Tesla Semi" in line for line in sidebar_lines(app))


async def test_a_source_removed_as_the_reader_starts_is_seen_gone(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Removed before the watch's timer first ticks: the library as the screen
    # listed it is what the watch compares with, not the library at that tick.
    monkeypatch.setattr(outside_watch, "LIBRARY_EVERY", 1.0)
    app = NewsApp(open_catalog([], load_config()))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert any("Booster lands" in line for line in sidebar_lines(app))
        assert main(["remove", "Orbit Weekly", "--yes"]) == 0
        await until(pilot, lambda: not any("Booster lands" in line for line in sidebar_lines(app)))


async def test_a_story_read_before_another_news_stored_it_is_counted_read(
    library: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # `news harbour.txt` read its story; then `news add harbour.txt` stored it.
    dump = tmp_path / "harbour.txt"
    dump.write_text("Harbour\nFerry returns to the old pier\nIt docked at noon.\n")
    app = NewsApp(open_catalog([], load_config()))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        state = ReadingState()
        state.load()
        state.mark_read(read_dump(dump).articles[0].id)
        await until(pilot, lambda: reader_screen(app).reading.read >= state.story_ids())
        assert main(["add", str(dump)]) == 0
        await until(pilot, lambda: any("Ferry returns" in line for line in sidebar_lines(app)))
        harbour = next(line for line in sidebar_lines(app) if line.startswith("Harbour"))
        assert harbour.split() == ["Harbour", "1"]  # no "1/1": none unread


async def test_stories_news_rules_apply_hid_or_marked_read_change_in_the_running_reader(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = NewsApp(open_catalog([], load_config()))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await started(app, pilot)
        assert any("Booster lands" in line for line in sidebar_lines(app))
        # From another terminal: a hide rule, a mark-read rule, then `news
        # rules apply`. The rules reach the reader through the config; what
        # they hid and marked so far, through hidden.json and state.json.
        assert main(["rules", "add", "No boosters", "booster", "--action", "hide"]) == 0
        assert main(["rules", "add", "Seen", "title:capsule", "--action", "mark-read"]) == 0
        assert main(["rules", "apply"]) == 0
        await until(pilot, lambda: not any("Booster" in line for line in sidebar_lines(app)))
        assert sidebar_lines(app)[0] == "1 hidden · H shows them"
        # The toasts: their messages are taken in after the sidebar changed.
        await until(pilot, lambda: "1 story hidden by another news" in said.messages())
        assert any("Capsule splashes" in line for line in sidebar_lines(app))
        await until(pilot, lambda: "1 story marked read by another news" in said.messages())
        # Read: its section counts no unread story (it said 2/2 at first).
        orbit = next(line for line in sidebar_lines(app) if line.startswith("Orbit Weekly"))
        assert orbit.split() == ["Orbit", "Weekly", "1"]
        # Its own saves are not read back (a stat tells them): `u` on the open
        # story saves state.json, which the watch then finds unchanged.
        store, peeks = app.state, []

        def counted_peek() -> object:
            peeks.append(1)
            return Document.peek(store)

        setattr(store, "peek", counted_peek)  # noqa: B010  (this one store's reads, counted)
        opened = reader_screen(app).story.article
        assert opened is not None
        await pilot.press("u")
        path = store.path
        await until(pilot, lambda: opened.id not in json.loads(path.read_text())["read"])
        await until(pilot, lambda: app.outside.state_seen[0] == file_stamp(path), "looked at")
        assert peeks == []
        # `news add` stores two booster stories and its rules hide them, with a
        # step of its own in undo.json. The reader's next look at the library
        # takes that in first: its own rules do not hide them a second time,
        # which gave `z` two steps for one hide (the second changing nothing).
        dump = tmp_path / "more.txt"
        dump.write_text("Launches\nBooster one flies\nIt flew.\nRockets\nBooster two\nIt too.\n")
        assert main(["add", str(dump)]) == 0  # on the loop's thread: no look meanwhile
        app.outside.look_at_library()
        ids = {story.id for story in read_dump(dump).articles}
        saved = UndoStack()
        saved.load()
        assert [set(s.ids) for s in saved.steps() if s.kind == HIDE_STEP][-1] == ids
        await until(pilot, lambda: "2 stories hidden by another news" in said.messages())
        assert not any("new stories hidden" in m for m in said.messages())
        # That step reaches this reader's undo (undo.json, looked at as the
        # other files are): `z` shows the two stories again, as after a restart.
        reading = reader_screen(app).reading
        await until(pilot, lambda: any(set(s.ids) == ids for s in reading.history()), "the step")
        [step] = [s for s in reading.history() if set(s.ids) & ids]  # one step, not two
        assert step.kind == HIDE_STEP
        await pilot.press("z")
        await until(pilot, lambda: any("Booster one" in ln for ln in sidebar_lines(app)), "shown")
        assert any("Booster two" in line for line in sidebar_lines(app))


async def test_z_on_another_news_hide_is_not_undone_by_the_next_look_at_the_library(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outside_watch, "LIBRARY_EVERY", 3600.0)  # looked at by hand below
    assert main(["rules", "add", "No boosters", "booster", "--action", "hide"]) == 0
    app = NewsApp(open_catalog([], load_config()))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await started(app, pilot)
        dump = tmp_path / "more.txt"
        dump.write_text("Launches\nBooster one flies\nIt flew.\n")
        assert main(["add", str(dump)]) == 0  # its rules hide the story: a step in undo.json
        reading = reader_screen(app).reading
        await until(pilot, lambda: any(s.kind == HIDE_STEP for s in reading.history()), "step")
        await pilot.press("z")  # before the library's next look
        await until(pilot, lambda: any("Booster one" in ln for ln in sidebar_lines(app)), "shown")
        app.outside.look_at_library()  # the library timer's next tick
        await reader_screen(app).workers.wait_for_complete()
        await pilot.pause()
        assert any("Booster one" in line for line in sidebar_lines(app))
        assert not any("new story hidden" in m for m in said.messages())


def bookmark_file(path: Path, ids: list[str]) -> Path:
    marks = [
        {"article_id": i, "title": f"Title {n}", "added": f"2026-11-0{n + 1}T00:00:00Z"}
        for n, i in enumerate(ids)
    ]
    path.write_text(json.dumps({"version": 1, "bookmarks": marks}), encoding="utf-8")
    return path


async def test_bookmarks_another_news_imported_are_listed_and_kept_by_the_next_b(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stories = read_dump(seed_paths()[0]).articles
    app = NewsApp(open_catalog([], load_config()))
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await started(app, pilot)
        assert not any(line.startswith("Bookmarks") for line in sidebar_lines(app))
        path = bookmark_file(tmp_path / "bm.json", [s.id for s in stories[:3]])
        assert main(["bookmarks", "import", str(path)]) == 0
        await until(pilot, lambda: any(line.startswith("Bookmarks") for line in sidebar_lines(app)))
        # The toast: its message is taken in after the sidebar changed.
        await until(pilot, lambda: "Bookmarks changed by another news: 3 added" in said.messages())
        lines = sidebar_lines(app)
        top = next(n for n, line in enumerate(lines) if line.startswith("Bookmarks"))
        # The stories' own titles (the library holds them), not the file's.
        listed = lines[top + 1 : top + 4]
        for story in stories[:3]:
            assert any(story.title[:30] in line for line in listed), (story.title, listed)
        assert not any("Title" in line for line in lines)
        # `b` on a fourth story: saved with the three, none lost.
        screen = reader_screen(app)
        screen.sidebar.cursor = next(
            n for n, line in enumerate(sidebar_lines(app)) if n > top + 3 and "Capsule" in line
        )
        await pilot.press("b")
        await until(pilot, lambda: saved_bookmarks() == 4)
        await until(pilot, lambda: sum("★" in line for line in sidebar_lines(app)) >= 8)


async def test_a_bookmarks_file_half_way_through_an_edit_is_left_alone(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.atomic import Document

    stories = read_dump(seed_paths()[0]).articles
    path = Path(os.environ["NEWS_DATA_DIR"]) / "bookmarks.json"
    peeks: list[object] = []
    app = NewsApp(open_catalog([], load_config()))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        bookmark_file(path, [stories[0].id])
        await until(pilot, lambda: any(line.startswith("Bookmarks") for line in sidebar_lines(app)))
        store = app.bookmarks

        def counted_peek() -> object:
            peeks.append(1)
            return Document.peek(store)

        setattr(store, "peek", counted_peek)  # noqa: B010  (this one store's reads, counted)
        # An editor's save under way, put in place at once: written in place, the
        # watcher could look between the truncation and the write and rightly
        # read the file twice (empty, then cut short).
        half = path.with_name("half.json")
        half.write_text('{"version": 1, "bookm', encoding="utf-8")
        os.replace(half, path)
        await until(pilot, lambda: len(peeks) == 1)
        for _ in range(10):  # ticks go by: read once, not again and again
            await pilot.pause(0.06)
        assert len(peeks) == 1
        assert any(line.startswith("Bookmarks") for line in sidebar_lines(app))
        assert path.read_text(encoding="utf-8") == '{"version": 1, "bookm'  # not set aside
        bookmark_file(path, [stories[0].id, stories[1].id])  # the edit done
        await until(pilot, lambda: sum("★" in line for line in sidebar_lines(app)) == 4)
