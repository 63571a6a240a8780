"""What could not be saved shows in the reader and in its exit status."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import pytest

from .test_terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def test_a_keyword_that_cannot_be_saved_shows_and_fails_the_exit_status(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "config.toml").write_text('highlight = "not a table"\n')
    env = {"NEWS_DATA_DIR": str(tmp_path / "data"), "NEWS_CONFIG_DIR": str(config)}
    command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "reader"))
    term = Terminal(command, tmp_path, env)
    try:
        term.wait("Tesla China is poised to focus")
        term.send("w")
        term.wait("Followed keywords")
        term.send("Starfall", "Enter")
        term.wait("Not saved.")  # the toast (its long path wraps the rest)
        term.send("Escape")
        term.wait_gone("Followed keywords")
        term.send("q")
        screen = term.wait("__EXIT=")
        assert "__EXIT=1__" in screen and "Traceback" not in screen
        assert "Not saved." in screen  # said again once the reader has gone
    finally:
        term.close()
