"""`news FILE.md` in the reader: the story's header names the file, not the
folder it happens to sit in."""

from __future__ import annotations

from pathlib import Path

from reader.cli.common import load_articles
from reader.config import Config
from reader.tui.app import NewsApp

from .test_app import SIZE, screen_text
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
