"""What `news` imports before its first story is painted: only what that
screen needs. Each module left out here was measured as start-up time
(bench/startup_imports.py lists what the reader imports beyond Textual)."""

from __future__ import annotations

import json
import subprocess
import sys

# The real start (`news`, through reader.cli.main) run headless: App.run is
# Textual's test harness, and the modules loaded are noted when the reading
# pane first paints a story.
FIRST_PAINT = """
import asyncio, json, sys
from textual.app import App
from reader.tui.widgets.story_view import StoryView

seen = []
paint = StoryView.render_lines

def first_paint(self, crop):
    if self.article is not None and not seen:
        seen.append(sorted(sys.modules))
    return paint(self, crop)

async def headless(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

StoryView.render_lines = first_paint
App.run = lambda self, *args, **kwargs: asyncio.run(headless(self))
from reader.cli import main
main(sys.argv[1:])
print(json.dumps(seen[0]))
"""

# Not needed to show the bundled news: keyword matching (`regex`, about 14 ms,
# only once a keyword is set), Markdown parsing (the bundled stories are read
# from their outline), the dump parser (only the first run stores the bundled
# news), the query language and the search (only once / is pressed, or after
# the first paint for saved searches).
NOT_AT_START = (
    "regex",
    "markdown_it",
    "reader.sources.dump",
    "reader.query",
    "reader.library.search",
    "reader.markdown.read",
)


def modules_at_first_paint(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_first_screen_imports_only_what_it_shows() -> None:
    seeding = subprocess.run(
        [sys.executable, "-m", "reader", "list"], capture_output=True, text=True, check=False
    )
    assert seeding.returncode == 0, seeding.stderr  # the first run stores the bundled news
    loaded = modules_at_first_paint()
    assert "reader.tui.widgets.story_view" in loaded  # the check ran at the real first paint
    assert sorted(loaded & set(NOT_AT_START)) == []


def test_a_keyword_given_loads_the_matcher() -> None:
    """The other side of the check above: the same start with a keyword does
    import `regex`, so its absence there is not an accident of the harness."""
    assert "regex" in modules_at_first_paint("--highlight", "Tesla")
