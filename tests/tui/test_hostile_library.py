"""A library file made elsewhere, in the reader: what it holds is cleaned
again on its way to the screen."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tampered import tamper

from reader.catalog import LibraryCatalog
from reader.library.articles import Library
from reader.seeding import ensure_seeded
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .waiting import painted

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


async def test_escapes_in_a_library_never_reach_the_screen(seed: Path) -> None:
    path = Path(os.environ["NEWS_DATA_DIR"]) / "library.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    library = Library.open(path)
    ensure_seeded(library, [seed])
    library.close()
    tamper(path)
    app = NewsApp(LibraryCatalog(Library.open(path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await painted(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        sidebar = "".join(seg.text for y in range(8) for seg in screen.sidebar.render_line(y))
        story_text = "".join(seg.text for strip in screen.story.lines for seg in strip)
        assert "Evil title x" in sidebar and "News" in sidebar
        assert "Tesla China is poised" in story_text
        assert not FORBIDDEN.search(sidebar) and not FORBIDDEN.search(story_text)
