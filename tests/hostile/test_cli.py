"""The hostile corpus through every command, as a person runs them.

Each command runs as its own process (`tests/news_process.py`: a fork of a
process that imported the command line once), on the corpus served from
127.0.0.1, and the test reads the raw bytes it wrote: nothing that can drive a terminal
(ESC, BEL, C1, bidi controls), no traceback, the exit status the README
documents (0 done, 1 nothing found or a feed failed, 2 a command that cannot
be done), the printable words of every payload kept, markup shown literally.
The servers record every request: nothing is fetched from the address a feed
chose on another local port, and the Markdown folder's link out of it is
never read.
"""

from __future__ import annotations

import json
import os
import pty
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import news_process
import pytest
from unit.feed_server import FeedServer, running

from hostile.corpus import MARKERS, Corpus, forbidden, write

TIMEOUT = 60
# Its tests share one run of every command (the module's `session`): they go to one
# xdist worker together (`--dist loadgroup`), and first, for the run is long.
pytestmark = [pytest.mark.xdist_group("hostile-cli"), pytest.mark.long]
_RICH_DRAWING = re.compile(rb"\x1b\[(?:\?25[lh]|2K|1A|[0-9;]*m)|\r")


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    status: int
    out: bytes
    err: bytes
    seconds: float = 0.0
    terminal: bool = False  # run on a pseudo-terminal, where Rich draws

    def outputs(self) -> list[tuple[str, bytes]]:
        """Standard output and error as a person's terminal gets them. On a
        terminal Rich's own drawing (colours, erasing the progress line, the
        cursor hidden and shown) is taken out first; an escape from the data
        (CSI 2J, any OSC) is not one of these, and is caught."""
        if self.terminal:
            return [("terminal", _RICH_DRAWING.sub(b"", self.out))]
        return [("stdout", self.out), ("stderr", self.err)]

    def __str__(self) -> str:
        return (
            f"news {' '.join(map(repr, self.args))} -> {self.status} ({self.seconds:.1f} s)\n"
            f"stdout: {self.out[:600]!r}\nstderr: {self.err[:600]!r}"
        )


class Commands:
    """Runs `news` on one library and data folder, remembering every run."""

    def __init__(self, home: Path) -> None:
        self.library = home / "library.sqlite"
        self.data = home / "data"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.lower().endswith("_proxy") and not key.startswith("NEWS_")
        }
        self.env.update(
            NEWS_CONFIG_DIR=str(home / "config"),
            COLUMNS="100",
        )
        self.runs: list[Run] = []

    def args(self, args: Sequence[str]) -> list[str]:
        """What follows `news`: this library and data folder, then `args`."""
        return ["--library", str(self.library), "--data-dir", str(self.data), *args]

    def __call__(self, *args: str) -> Run:
        started = time.monotonic()
        done = news_process.news(*self.args(args), env=self.env, timeout=TIMEOUT)
        run = Run(
            tuple(args), done.returncode, done.stdout, done.stderr, time.monotonic() - started
        )
        self.runs.append(run)
        return run

    def many(self, commands: Sequence[Sequence[str]]) -> list[Run]:
        return [self(*args) for args in commands]

    def on_terminal(self, *args: str) -> Run:
        """A run on a pseudo-terminal, where Rich draws (the refresh's progress bar)."""
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            env = {**self.env, "TERM": "xterm-256color"}
            os.execve(sys.executable, [sys.executable, "-m", "reader", *self.args(args)], env)
        started = time.monotonic()
        output = bytearray()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        run = Run(
            tuple(args),
            os.waitstatus_to_exitcode(status),
            bytes(output),
            b"",
            time.monotonic() - started,
            terminal=True,
        )
        self.runs.append(run)
        return run


@dataclass
class Session:
    corpus: Corpus
    news: Commands
    allowed: FeedServer
    elsewhere: FeedServer
    expected: dict[tuple[str, ...], int]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    home = tmp_path_factory.mktemp("hostile")
    # Two servers: the feeds' own, and another local port that nothing may reach.
    with contextmanager(running)() as allowed, contextmanager(running)() as elsewhere:
        yield _run_everything(home, allowed, elsewhere)


def _run_everything(home: Path, allowed: FeedServer, elsewhere: FeedServer) -> Session:
    (home / "corpus").mkdir()
    corpus = write(home / "corpus", allowed, elsewhere.base)
    news = Commands(home)
    expected: dict[tuple[str, ...], int] = {}

    def each(commands: Sequence[tuple[int, tuple[str, ...]]]) -> list[Run]:
        for status, args in commands:
            expected[args] = status
        return news.many([args for _, args in commands])

    each([(0, ("add", corpus.rss))])  # alone: it makes the library
    each(
        [
            (0, ("add", corpus.atom)),
            (0, ("add", corpus.json_feed)),
            *((0, ("add", url)) for url in corpus.encoded),
            (0, ("add", str(corpus.dump))),
            (0, ("add", str(corpus.markdown))),
            *(
                (0, ("add", str(path), "--section", f"file {n}"))
                for n, path in enumerate(corpus.feed_files)
            ),
            (2, ("add", allowed.url("/failing.xml"))),
            (2, ("add", allowed.url("/redirect-away.xml"))),
            (2, ("add", "http://x:abc/\x1b]0;t\x07")),
            (0, ("import-opml", str(corpus.opml))),
            (0, ("bookmarks", "import", str(corpus.bookmarks))),
        ]
    )
    each([(0, ("add", corpus.atom, "--section", "\x1b]0;s\x07[@click=app.quit]moved\u202e"))])
    each([(1, ("refresh",))])
    # Again, on a terminal where the progress bar draws the feeds' names; the
    # hostile ETag and Last-Modified are sent back.
    expected[("refresh",)] = 1
    news.on_terminal("refresh")

    [listing] = each([(0, ("list", "--json"))])
    stories = [s for s in json.loads(listing.out) if s["source"] != "teslarati"]

    def story_id(title: str) -> str:
        return str(next(s["id"] for s in stories if s["title"].startswith(title)))

    each(
        [
            (0, ("fulltext", story_id("rss item 0"))),
            (2, ("fulltext", story_id("rss item 1"))),  # its page is on another local port
            (2, ("fulltext", story_id("json item 1"))),  # javascript:
            (0, ("sources",)),
            (0, ("sources", "--json")),
            (0, ("list",)),
            (0, ("search", "bolded")),
            (0, ("search", "quitter")),
            (1, ("search", corpus.secret)),
            (2, ("search", "\x1b]0;q\x07 [/] OR")),
            (0, ("bookmarks",)),
            (0, ("bookmarks", "--json")),
            (0, ("bookmarks", "export", "--format", "markdown")),
            (0, ("bookmarks", "export", "--format", "json")),
            (0, ("export-opml",)),
            (0, ("doctor",)),
            (0, ("list", str(corpus.dump))),
            (0, ("search", "bolded", str(corpus.dump))),
            *(
                (0, ("show", s["id"], str(corpus.dump)))
                for s in stories
                if s["title"].startswith("dump ")
            ),
            (2, ("import-opml", str(corpus.folder / "broken \x1b]0;t\x07.opml"))),
            (2, ("show", "\x1b]0;no such id\x07[/]")),
            *((0, ("show", story["id"])) for story in stories),
        ]
    )
    return Session(corpus, news, allowed, elsewhere, expected)


def test_no_output_byte_can_drive_a_terminal(session: Session) -> None:
    problems = [
        f"{run}\n  {where}: {found}"
        for run in session.news.runs
        for where, data in run.outputs()
        if (found := forbidden(data))
    ]
    assert not problems, "\n\n".join(problems)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            # `news sources --json` names a file exactly, so a script can find
            # it; JSON writes its control characters as escapes.
            if key != "location":
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_json_output_carries_no_control_character_even_escaped(session: Session) -> None:
    """JSON writes ESC as `\\u001b`, which the byte check cannot see: the
    decoded strings must be clean too (a script may print them)."""
    outputs = [r for r in session.news.runs if "--json" in r.args or "json" in r.args]
    assert len(outputs) >= 3
    problems = [
        f"{run.args}: {text!r}"
        for run in outputs
        for text in _strings(json.loads(run.out))
        if forbidden(text.encode("utf-8", "surrogatepass"))
    ]
    assert problems == [], "\n".join(problems[:10])


def test_no_traceback_and_each_exit_status_as_documented(session: Session) -> None:
    wrong = [
        f"{run}\n  expected exit {session.expected[run.args]}"
        for run in session.news.runs
        if run.status != session.expected[run.args] or b"Traceback" in run.err + run.out
    ]
    assert not wrong, "\n\n".join(wrong)


def test_markup_is_shown_literally_and_no_printable_word_is_lost(session: Session) -> None:
    shown = b"".join(run.out for run in session.news.runs if run.args[0] in ("list", "show"))
    for marker in MARKERS:
        assert marker.encode() in shown, marker
    for name in ("rss", "utf-16", "utf-7", "atom", "json", "dump", "front", "markdown"):
        assert f"{name} ".encode() in shown, f"the {name} source's stories are listed"
    show = [run for run in session.news.runs if run.args[0] == "show" and run.status == 0]
    assert show and all(b"bolded" in run.out for run in show if b"Plain" not in run.out)


def test_nothing_is_fetched_or_read_outside_the_allowed_places(session: Session) -> None:
    assert session.elsewhere.requests == []
    served = set(session.allowed.routes)
    assert {r.path for r in session.allowed.requests} <= served
    everything = b"".join(run.out + run.err for run in session.news.runs)
    assert session.corpus.secret.encode() not in everything
