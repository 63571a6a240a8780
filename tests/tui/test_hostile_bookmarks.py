"""A bookmarks file from someone else, in the reader: its titles, notes and
links are shown as harmless text, and a link that is not http(s) is no link."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from reader.catalog import LibraryCatalog
from reader.library.articles import Library
from reader.library.db import open_library
from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .waiting import until

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


async def test_a_hostile_bookmark_is_shown_as_plain_text(seed: Path) -> None:
    data = Path(os.environ["NEWS_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    bookmark = {
        "article_id": "0badc0ffee00",
        "title": "Re\x1b]0;pwned\x07titled \u202eGNP.exe \ud800",
        "section": "Sec\x9dtion",
        "url": "javascript:alert(1)\x1b]8;;http://x\x07",
        "added": "2026-11-27T12:00:00Z",
    }
    raw = json.dumps({"version": 1, "bookmarks": [bookmark]})
    (data / "bookmarks.json").write_text(raw, encoding="utf-8")
    # The library: a bookmark whose story no source holds is shown from the
    # bookmark's own fields (reading files, it would not be listed at all).
    library = Library(open_library(":memory:"))
    library.upsert_articles(library.add_source("dump", "seed"), read_dump(seed).articles)
    app = NewsApp(LibraryCatalog(library))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("B")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        rows = [screen.sidebar.render_line(y) for y in range(6)]
        titles = "".join(segment.text for row in rows for segment in row)
        assert "Retitled" in titles and not FORBIDDEN.search(titles)
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is screen.story, "the bookmark open")
        segments = [segment for strip in screen.story.lines for segment in strip]
        text = "".join(segment.text for segment in segments)
        assert "Retitled GNP.exe" in text and "javascript:alert(1)" in text
        assert not FORBIDDEN.search(text)
        links = {s.style.link for s in segments if s.style is not None and s.style.link}
        assert not any("javascript" in link for link in links)
