"""The installed command in a real terminal (tmux), as a person starts it."""

from __future__ import annotations

import random
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.library.articles import Library
from reader.model import Block, BlockKind, make_article

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Terminal:
    def __init__(
        self, command: str, cwd: Path, env: dict[str, str], size: tuple[int, int] = (120, 40)
    ) -> None:
        self.name = f"news-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        inner = (
            f"cd {shlex.quote(str(cwd))} && env -u COLUMNS -u LINES TERM=xterm-256color "
            f"{exports} {command}"
        )
        subprocess.run(
            ["tmux", "-L", self.name, "new-session", "-d", "-s", self.name,
             "-x", str(size[0]), "-y", str(size[1]),
             "sh", "-c", inner + "; echo __EXIT=$?__; sleep 30"],
            check=True,
        )  # fmt: skip

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "-L", self.name, "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
        ).stdout

    def wait(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in (screen := self.screen()):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never showed; screen:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 10) -> str:
        """Until `text` has left the screen (a lone Escape is acted on after a pause)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text not in (screen := self.screen()):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never went; screen:\n{self.screen()}")

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.name, "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


# Starts the reader in a tmux terminal: news arguments, then size= and library=.
Start = Callable[..., Terminal]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Start]:
    opened: list[Terminal] = []

    def start(
        *args: str, size: tuple[int, int] = (120, 40), library: Path | None = None
    ) -> Terminal:
        command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "reader", *args))
        env = {"NEWS_DATA_DIR": str(tmp_path / "data"), "NEWS_CONFIG_DIR": str(tmp_path / "cfg")}
        if library is not None:
            env["NEWS_LIBRARY"] = str(library)
        term = Terminal(command, tmp_path, env, size)
        opened.append(term)
        return term

    yield start
    for term in opened:
        term.close()


def test_starts_reads_and_quits_cleanly(terminal: Start) -> None:
    term = terminal()
    term.wait("Tesla China is poised to focus")
    term.send("j", "j", "Enter")
    term.wait("Robin (@xdNiBoR) June 19, 2026")
    term.send("b", "q")
    screen = term.wait("__EXIT=")
    assert "__EXIT=0__" in screen and "Traceback" not in screen


def test_other_dump_at_80x24(terminal: Start, tmp_path: Path) -> None:
    dump = tmp_path / "other.txt"
    dump.write_bytes(b"Sports\nHome side wins\nThe match ended late. Fans cheered.\n\xff bad\n")
    term = terminal(str(dump), size=(80, 24))
    screen = term.wait("The match ended late")
    assert "Sports" in screen
    term.wait("UTF-8")  # the warning reaches the person inside the TUI
    term.send("q")
    assert "__EXIT=0__" in term.wait("__EXIT=")


def test_search_in_files_given_then_quit_exits_cleanly(terminal: Start, seed: Path) -> None:
    """The in-memory index of files given to news is closed at exit without a
    traceback (it was made on the search worker's thread)."""
    term = terminal(str(seed))
    term.wait("Tesla China is poised to focus")
    term.send("/")
    term.send("-l", "megapod")
    term.wait("1 story")
    term.send("Escape")
    term.wait_gone("1 story")  # the Escape taken alone, not as the start of Alt+q
    term.send("q")
    screen = term.wait("__EXIT=")
    assert "Traceback" not in screen and "Error" not in screen
    assert "__EXIT=0__" in screen


def generated_library(path: Path, stories: int) -> Path:
    """A library of generated stories, nine in ten of them about Dingotown:
    enough that a search for it keeps the reader busy drawing results."""
    rng = random.Random(7)
    words = [
        "the",
        "plant",
        "car",
        "battery",
        "factory",
        "road",
        "cell",
        "line",
        "price",
        "market",
        "range",
        "charger",
    ]

    def sentence(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n)).capitalize()

    articles = []
    for i in range(stories):
        body = [Block(BlockKind.PARAGRAPH, sentence(40) + ".") for _ in range(4)]
        if i % 10:
            body.append(Block(BlockKind.PARAGRAPH, "The Dingotown plant was mentioned again."))
        section = ("News", "Energy", "Space")[i % 3]
        articles.append(make_article(section, f"{sentence(6)} #{i}", body, "generated"))
    library = Library.open(path)
    library.upsert_articles(library.add_source("dump", "generated.txt"), articles)
    library.close()
    return path


def test_a_burst_of_keys_in_the_search_bar_loses_none(terminal: Start, tmp_path: Path) -> None:
    """Backspace x4 then xy, sent at once (a paste, key repeat, a slow link),
    while the reader is busy with 1,800 results: every key lands, in order."""
    library = generated_library(tmp_path / "library.sqlite", 2_000)
    term = terminal(library=library)
    term.wait("News")
    term.send("/")
    term.send("-l", "dingotown")
    term.wait("1,800 stories")
    for attempt in range(3):
        term.send("BSpace", "BSpace", "BSpace", "BSpace", "x", "y")
        screen = term.wait("nothing found")
        bar = next(line for line in screen.splitlines() if line.startswith(" / "))
        assert bar.split()[1] == "dingoxy", f"attempt {attempt}: {bar!r}"
        term.send("BSpace", "BSpace", "t", "o", "w", "n")
        term.wait("1,800 stories")
    term.send("Escape")
    term.wait_gone("1,800 stories")
    term.send("q")
    assert "__EXIT=0__" in term.wait("__EXIT=")


def test_a_keyword_pattern_that_backtracks_does_not_freeze_the_reader(
    terminal: Start, tmp_path: Path
) -> None:
    """(ab|abab)+$ passes the tries made when it is added, then backtracks
    exponentially on a run of "ab": it is turned off, the person is told, and
    the reader reads on and quits (with re it froze, ignoring q)."""
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "config.toml").write_text(
        '[highlight]\nkeywords = [{ word = "(ab|abab)+$", regex = true, whole_word = false }]\n'
    )
    dump = tmp_path / "ab.txt"
    dump.write_text("Letters\nA line of ab\n" + "ab" * 60 + "! That is all.\nA second line.\n")
    term = terminal(str(dump))
    term.wait("A second line.")
    term.wait("took too long to match")
    term.send("q")
    assert "__EXIT=0__" in term.wait("__EXIT=")


# The HTML converter's compiled core panics on this nesting (and prints a Rust
# panic message on descriptor 2 before the reader keeps the story's words).
PANICKING_HTML = "<p>Stars [and] brackets</p><ul><li><pre><code><table><tr><td>*<ul><li>"


def test_what_a_library_prints_on_stderr_stays_off_the_screen(
    terminal: Start, tmp_path: Path
) -> None:
    """A refresh whose story trips the converter: the reader's screen shows the
    story, never the panic message that used to land on top of it; the message
    is kept in the data directory's stderr.log."""
    import html

    from unit.feed_server import running

    for server in running():
        story = (
            "<item><title>Bracketed stars</title><link>https://example.org/2</link>"
            f"<description>{html.escape(PANICKING_HTML)}</description></item>"
        )
        url = server.serve(
            "/feed.xml",
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Motors</title>'
            b"<link>https://example.org/</link>" + story.encode() + b"</channel></rss>",
        )
        library = Library.open(tmp_path / "library.sqlite")
        library.add_source("feed", url, title="Motors")
        library.close()
        term = terminal(library=tmp_path / "library.sqlite")
        term.wait("Tesla China is poised to focus")
        term.send("r")
        # The message showed for a moment, until the frames after it painted
        # over it: every screen from the key to a moment after the story is in.
        screens: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (
            not screens or "Bracketed stars" not in screens[-1] or len(screens) < 50
        ):
            screens.append(term.screen())
        assert "Bracketed stars" in screens[-1]
        assert not [s for s in screens if "panicked" in s or "backtrace" in s]
        term.send("q")
        assert "__EXIT=0__" in term.wait("__EXIT=")
    assert "panicked" in (tmp_path / "data" / "stderr.log").read_text()
