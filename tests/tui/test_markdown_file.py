"""`news FILE.md` in the reader: the story's header names the file, not the
folder it happens to sit in."""

from __future__ import annotations

from pathlib import Path

from reader.cli.common import load_articles
from reader.config import Config
from reader.tui.app import NewsApp

from .shown import screen_text
from .test_app import SIZE
from .waiting import until


async def test_a_markdown_file_is_filed_under_files_from_its_name(tmp_path: Path) -> None:
    path = tmp_path / "x" / "long.md"
    path.parent.mkdir()
    path.write_text("# The long road\n\nWe walked all day.\n", encoding="utf-8")
    app = NewsApp(load_articles([str(path)], Config()))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "We walked all day." in screen_text(app), "the story shown")
        text = screen_text(app)
        assert "FILES  ·  from long.md  ·" in text
        sidebar_head = next(line for line in text.splitlines() if "FILES" in line)
        assert sidebar_head.split()[0] == "Files"  # the sidebar's section
        assert "X  ·" not in text and "from long " not in text


async def test_a_bookmark_made_on_a_files_old_id_is_listed_and_moved(tmp_path: Path) -> None:
    # Made by `news FILE.md` before a file's id was its place: its section and
    # title salted with its whole path. Listed now under the id it has.
    import json
    import os

    from reader.model import article_id

    path = tmp_path / "trip.md"
    path.write_text("# A trip\n\nWe walked all day.\n", encoding="utf-8")
    old = article_id("Files", "A trip", path.resolve().as_posix())
    data = Path(os.environ["NEWS_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    mark = {"article_id": old, "title": "A trip", "section": "Files", "note": "kept"}
    (data / "bookmarks.json").write_text(json.dumps({"version": 1, "bookmarks": [mark]}))
    stories = load_articles([str(path)], Config())
    app = NewsApp(stories)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "We walked all day." in screen_text(app), "the story shown")
        text = screen_text(app)
        assert "Bookmarks" in text and "★ A trip" in text  # listed: not missing
        assert "kept" in text  # its note, over the story
    saved = json.loads((data / "bookmarks.json").read_text())["bookmarks"]
    assert [(b["article_id"], b["note"]) for b in saved] == [(stories[0].id, "kept")]
