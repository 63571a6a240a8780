"""What `news` does before its first story is painted: it imports only what
that screen needs (each module left out here was measured as start-up time;
bench/startup_imports.py lists what the reader imports beyond Textual), and
runs without the cycle collector, which is on again once the screen is up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# The real start (`news`, through reader.cli.main) run headless: App.run is
# Textual's test harness, and the modules loaded are noted when the reading
# pane first paints a story.
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
main(sys.argv[1:])
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


def first_paint(*args: str) -> tuple[set[str], dict[str, bool]]:
    """The modules loaded at the first paint, and whether the cycle collector
    was on then and once the screen was up."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    *_, collector, modules = done.stdout.splitlines()
    return set(json.loads(modules)), json.loads(collector)


def modules_at_first_paint(*args: str) -> set[str]:
    return first_paint(*args)[0]


def test_the_first_screen_imports_only_what_it_shows() -> None:
    seeding = subprocess.run(
        [sys.executable, "-m", "reader", "list"], capture_output=True, text=True, check=False
    )
    assert seeding.returncode == 0, seeding.stderr  # the first run stores the bundled news
    loaded = modules_at_first_paint()
    assert "reader.tui.widgets.story_view" in loaded  # the check ran at the real first paint
    assert sorted(loaded & set(NOT_AT_START)) == []


def test_a_markdown_file_opens_no_library(tmp_path: Path) -> None:
    story = tmp_path / "long.md"
    paragraphs = [
        f"Paragraph {n}, with *emphasis* and [a link](https://example.com/{n}), long"
        " enough to need more than one line."
        for n in range(600)
    ]  # about 70 KB: a head is read only from a file over twice its 16 KB
    story.write_text("\n\n".join(["# A long story", *paragraphs]), encoding="utf-8")
    loaded = modules_at_first_paint(str(story))
    # The check ran at the first paint of the file's story, its head read plain.
    assert "reader.markdown.head" in loaded
    assert sorted(loaded & set(NOT_FOR_A_FILE)) == []


def test_a_markdown_file_that_is_not_plain_prose_is_read_by_markdown_it(tmp_path: Path) -> None:
    """The other side of the check above: a head with a list in it is parsed
    by markdown-it before the first paint."""
    story = tmp_path / "long.md"
    paragraphs = [f"Paragraph {n}, long enough to need more than one line." for n in range(900)]
    # About 50 KB, long enough to be read as its head (over twice its 16 KB).
    story.write_text("\n\n".join(["- a list item", *paragraphs]), encoding="utf-8")
    assert "markdown_it" in modules_at_first_paint(str(story))


def test_a_keyword_given_loads_the_matcher() -> None:
    """The other side of the check above: the same start with a keyword does
    import `regex`, so its absence there is not an accident of the harness."""
    assert "regex" in modules_at_first_paint("--highlight", "Tesla")


def test_start_up_runs_without_the_cycle_collector_until_the_screen_is_up() -> None:
    _, collector = first_paint()
    assert collector == {"at first paint": False, "once shown": True}


def test_a_command_runs_with_the_cycle_collector() -> None:
    """Only the reader's start goes without it: `news add` may make cycles by the million."""
    code = (
        "import gc, reader.cli.reading as reading\n"
        "from reader.cli import main\n"
        "seen = []\n"
        "listing = reading.cmd_list\n"
        "def watched(*args):\n"
        "    seen.append(gc.isenabled())\n"
        "    return listing(*args)\n"
        "reading.cmd_list = watched\n"
        "assert main(['list']) == 0\n"
        "print(seen, gc.isenabled())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[True] True"
