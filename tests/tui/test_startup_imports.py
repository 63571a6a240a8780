"""What `news` does before its first story is painted: it imports only what
that screen needs (each module left out here was measured as start-up time;
bench/startup_imports.py lists what the reader imports beyond Textual), and
runs without the cycle collector, which is on again once the screen is up."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import NamedTuple

import news_process
import pytest

from reader.cli import main

# One worker runs them all, so each process below is started once (see `starts`).
pytestmark = pytest.mark.xdist_group("startup-imports")

# The real start (`news`, through reader.cli.main) run headless: App.run is
# Textual's test harness, and the modules loaded are noted when the reading
# pane first paints a story. Each of the starts given (a JSON list of
# argument lists) runs in turn in the one process: what a later one imports
# is what the earlier ones did not, and each start's tests say what that was.
FIRST_PAINT = """
import asyncio, json, sys
from textual.app import App
from reader.tui.widgets.story_view import StoryView

import gc
seen = []
collector = {}
paint = StoryView.render_lines

def first_paint(self, crop):
    if self.article is not None and not seen:
        seen.append(sorted(sys.modules))
        collector["at first paint"] = gc.isenabled()
    return paint(self, crop)

async def headless(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        collector["once shown"] = gc.isenabled()

StoryView.render_lines = first_paint
App.run = lambda self, *args, **kwargs: asyncio.run(headless(self))
from reader.cli import main
for args in json.loads(sys.argv[1]):
    seen.clear()
    collector.clear()
    main(args)
    print(json.dumps(collector))
    print(json.dumps(seen[0]))
"""

# Not needed to show the bundled news: keyword matching (`regex`, about 14 ms,
# only once a keyword is set), Markdown parsing (the bundled stories are read
# from their outline), the dump parser (only the first run stores the bundled
# news), the query language and the search (only once / is pressed, or after
# the first paint for saved searches), hashing (ids are computed when stories
# are stored, and loading `hashlib` loads OpenSSL's digests), the TOML parser
# (only when there is a config file to read), the telling of new stories
# (`[notify]` is read into `notify_settings`), the checking of `[keys]` (only
# with some, or for the help screen), and argparse (`news` alone has nothing to
# parse).
NOT_AT_START = (
    "argparse",
    "hashlib",
    "tomllib",
    "regex",
    "markdown_it",
    "reader.sources.dump",
    "reader.query",
    "reader.library.search",
    "reader.markdown.read",
    "reader.triage.notify",
    "reader.tui.keymap",
)
# Not needed to show a Markdown file given on the command line: the library
# (and SQLite: the file is read into memory), the Markdown writer, hashlib
# (its id is made with CPython's own BLAKE2), argparse (paths alone are
# nothing to parse), markdown-it while the file's head is plain prose
# (`markdown.plain_head` reads it; markdown-it parses the rest after), and
# `html`'s table of entities (its words are counted without it).
NOT_FOR_A_FILE = (
    "argparse",
    "html.entities",
    "markdown_it",
    "reader.markdown.read",
    "sqlite3",
    "reader.library",
    "reader.markdown.write",
    "hashlib",
    "reader.triage.notify",
    "reader.tui.keymap",
)


class Start(NamedTuple):
    """One start: the modules loaded at its first paint, and whether the cycle
    collector was on then and once the screen was up."""

    modules: set[str]
    collector: dict[str, bool]


def first_paints(env: dict[str, str], *starts: list[str]) -> list[Start]:
    """The starts given, one after the other in one process (see FIRST_PAINT)."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, json.dumps(starts)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()[-2 * len(starts) :]
    return [
        Start(set(json.loads(modules)), json.loads(collector))
        for collector, modules in zip(lines[::2], lines[1::2], strict=True)
    ]


class Starts(NamedTuple):
    bundled: Start  # `news` with the bundled news stored by an earlier run
    keyword: Start  # then `news --highlight Tesla`, in the same process
    prose: Start  # `news long.md`, a file whose head is plain prose
    listed: Start  # then `news list.md`, whose head has a list, in the same process


@pytest.fixture(scope="module")
def starts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Starts]:
    """Two processes, not one a start: starting Textual and the reader costs
    some 0.7 s of CPU. A start that must not import a module comes first, and
    the one that must comes after it in the same process, so what the second
    imports is its own (the first's tests say the module was not loaded)."""
    folder = tmp_path_factory.mktemp("starts")
    env = {
        **{k: v for k, v in os.environ.items() if k != "NEWS_LIBRARY"},
        "NEWS_CONFIG_DIR": str(folder / "config"),
        "NEWS_DATA_DIR": str(folder / "data"),
        "COLORTERM": "truecolor",
        "TEXTUAL_ANIMATIONS": "none",
    }
    seeding = news_process.news("list", env=env)
    assert seeding.returncode == 0, seeding.stderr  # the first run stores the bundled news
    bundled, keyword = first_paints(env, [], ["--highlight", "Tesla"])
    prose, listed = folder / "long.md", folder / "list.md"
    paragraphs = [
        f"Paragraph {n}, with *emphasis* and [a link](https://example.com/{n}), long"
        " enough to need more than one line."
        for n in range(600)
    ]  # about 70 KB: a head is read only from a file over twice its 16 KB
    prose.write_text("\n\n".join(["# A long story", *paragraphs]), encoding="utf-8")
    paragraphs = [f"Paragraph {n}, long enough to need more than one line." for n in range(900)]
    # About 50 KB, long enough to be read as its head (over twice its 16 KB).
    listed.write_text("\n\n".join(["- a list item", *paragraphs]), encoding="utf-8")
    read_prose, read_listed = first_paints(env, [str(prose)], [str(listed)])
    yield Starts(bundled, keyword, read_prose, read_listed)


def test_the_first_screen_imports_only_what_it_shows(starts: Starts) -> None:
    loaded = starts.bundled.modules
    assert "reader.tui.widgets.story_view" in loaded  # the check ran at the real first paint
    assert sorted(loaded & set(NOT_AT_START)) == []


def test_a_markdown_file_opens_no_library(starts: Starts) -> None:
    loaded = starts.prose.modules
    # The check ran at the first paint of the file's story, its head read plain.
    assert "reader.markdown.head" in loaded
    assert sorted(loaded & set(NOT_FOR_A_FILE)) == []


def test_a_markdown_file_that_is_not_plain_prose_is_read_by_markdown_it(starts: Starts) -> None:
    """The other side of the check above: a head with a list in it is parsed
    by markdown-it before the first paint."""
    assert "markdown_it" not in starts.prose.modules
    assert "markdown_it" in starts.listed.modules


def test_a_keyword_given_loads_the_matcher(starts: Starts) -> None:
    """The other side of the check above: the same start with a keyword does
    import `regex`, so its absence there is not an accident of the harness."""
    assert "regex" not in starts.bundled.modules
    assert "regex" in starts.keyword.modules


def test_start_up_runs_without_the_cycle_collector_until_the_screen_is_up(starts: Starts) -> None:
    for start in starts:
        assert start.collector == {"at first paint": False, "once shown": True}


def test_a_command_runs_with_the_cycle_collector(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the reader's start goes without it: `news add` may make cycles by the million."""
    import reader.cli.reading as reading

    seen = []
    listing = reading.cmd_list

    def watched(*args: object) -> int:
        seen.append(gc.isenabled())
        return listing(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "cmd_list", watched)
    assert main(["list"]) == 0  # `main` turns the collector off first
    assert seen == [True] and gc.isenabled()
    capsys.readouterr()
