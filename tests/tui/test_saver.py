"""An error while saving reaches the person, as a toast of plain text."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp

from .shown import toasts
from .waiting import painted, until

SIZE = (120, 40)


async def settle(app: NewsApp) -> None:
    app.saver.submit(lambda: None).result(timeout=10)


async def test_a_keyword_that_cannot_be_saved_says_so(
    seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder name that reads as markup: a toast that parsed it would lose it.
    config_dir = tmp_path / "cfg [on red] [link=x]x"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('highlight = "not a table"\n')
    monkeypatch.setenv("NEWS_CONFIG_DIR", str(config_dir))
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await pilot.press(*"Starfall", "enter")
        await settle(app)
        await until(pilot, lambda: any("Not saved" in t for t in toasts(app)), "a toast")
        shown = " ".join(" ".join(t.split()) for t in toasts(app))
        assert "highlight is not a table" in shown and "Not saved" in shown
        assert "cfg [on red] [link=x]x" in shown
        assert app.saver.lost


async def test_an_unexpected_error_on_the_saver_thread_is_shown(seed: Path) -> None:
    def broken() -> None:
        raise RuntimeError("disk [/] gremlins")

    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await painted(pilot)
        app.saver.submit(broken)
        await settle(app)
        await until(pilot, lambda: any("RuntimeError" in t for t in toasts(app)), "a toast")
        shown = " ".join(" ".join(t.split()) for t in toasts(app))
        assert "RuntimeError: disk [/] gremlins" in shown
