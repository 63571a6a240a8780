"""Keys of your own in a real terminal: what `news` says of a [keys] table."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import pytest

from .test_terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def test_refused_keys_are_told_in_the_reader_and_on_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "config.toml").write_text(
        '[keys]\n"sidebar.up" = "j"\n"app.quit" = "ctrl+x"\n"story.sideways" = "x"\n',
        encoding="utf-8",
    )
    env = {"NEWS_DATA_DIR": str(tmp_path / "data"), "NEWS_CONFIG_DIR": str(config)}
    command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "reader"))
    term = Terminal(command, tmp_path, env)
    try:
        term.wait("Tesla China is poised to focus")
        term.wait("Keys not changed")  # the toast
        assert "^x Quit" in term.screen()  # the footer: the remap that could apply did
        term.send("q", "?")  # q is given away to ctrl+x: the reader is still there for ?
        assert "__EXIT=" not in term.wait("Command palette")  # the help
        term.send("Escape")
        term.wait_gone("Command palette")
        term.send("C-x")
        screen = term.wait("__EXIT=")
        assert "__EXIT=0__" in screen
        # Still on the terminal once the reader has closed.
        lines = [line for line in screen.splitlines() if line.startswith("news: [keys]")]
        assert lines[0].startswith("news: [keys] 'story.sideways' is no binding id")
        assert lines[1].startswith("news: [keys] sidebar.up = 'j' refused: the sidebar")
        assert "sidebar.down" in " ".join(screen.split())
    finally:
        term.close()
