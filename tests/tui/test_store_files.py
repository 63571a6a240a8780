"""A reading-state file that cannot be read: the reader starts and says so."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen

from .shown import toasts
from .waiting import painted, until


def data_dir() -> Path:
    path = Path(os.environ["NEWS_DATA_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"version": 1, "read": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"version": 1, "positions": {"a": ' + "7" * 5000 + "}}", "too many digits"),
        ('{"version": 1, "positions": {"a": "top"}}', "whole numbers"),
    ],
    ids=["deep", "digits", "types"],
)
async def test_a_state_file_that_cannot_be_read_is_set_aside(
    seed: Path, content: str, reason: str
) -> None:
    (data_dir() / "state.json").write_text(content)
    app = NewsApp(read_dump(seed).articles)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await until(pilot, lambda: any("moved to" in t for t in toasts(app)), "a toast")
        shown = " ".join(" ".join(t.split()) for t in toasts(app))
        assert reason in shown and "moved to" in shown
        assert isinstance(app.screen, ReaderScreen)
        assert "Tesla Giga Shanghai" in " ".join(s.text for s in app.screen.story.lines)
    assert len(list(data_dir().glob("state.json.corrupt-*"))) == 1


async def test_state_with_a_bom_and_hostile_strings_loads_clean(seed: Path) -> None:
    articles = read_dump(seed).articles
    state = {"version": 1, "read": [articles[1].id, "x\x1b]0;t\x07"], "theme": "\ud800"}
    raw = b"\xef\xbb\xbf" + json.dumps(state).encode()
    (data_dir() / "state.json").write_bytes(raw)
    app = NewsApp(articles)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await painted(pilot)  # what start-up has to say is said by now
        await pilot.pause()
        assert not toasts(app)  # nothing to report
        assert app.state.is_read(articles[1].id)
        assert all("\x1b" not in i for i in app.state.read_ids())
