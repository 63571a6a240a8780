"""The two programs `search_tui.py` measures the reader against, driven in the
same tmux pane size and taking turns with it, so that the machine's load falls
on all three alike (single times here vary by a third; ratios hold better).

- `../shared/bench/minsearch.py` with TEXTUAL_FPS=240: the least a Textual
  search can cost (an Input over a plain FTS5 table, queried in a thread
  worker). Timed from the last key of the word, typed in one go, to "N hits"
  painted with the whole word in the input.
- newsboat 2.21 over the same corpus as an RSS file (`corpus.py --format rss`,
  read into its cache once with `newsboat -x reload`): `/`, the word, then
  timed from Enter to "Search results (N unread, N total)".

Both are run from ../shared/bench, never copied. Both pages are kept apart from
the reader's code: this module imports nothing of `reader`.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tui_common import SHARED, TMUX, Timeout, Tui, settle, wait_for

MINSEARCH = SHARED / "minsearch.py"
FLOOR_FPS = "240"  # the floor: Textual's frame wait mostly out of the way
NEWSBOAT = shutil.which("newsboat")


def cpu_ms(pid: int) -> float:
    """CPU time of every thread of process `pid` so far (/proc/PID/task/*/schedstat,
    nanoseconds): on a machine shared with other work the time to an answer is
    mostly waiting for a core; this says what the program itself spent."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that just ended
    return total / 1e6


def pane_pid(tui: Tui, marker: bytes) -> int:
    """The process in the pane whose command line holds `marker`."""
    out = subprocess.run(
        [*TMUX, "display-message", "-p", "-t", tui.name, "#{pane_pid}"],
        capture_output=True,
        text=True,
        check=True,
    )
    pending = [int(out.stdout.strip())]
    while pending:  # the pane's shell, its children, theirs
        parent = pending.pop()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == parent:
                if marker in cmdline:
                    return int(stat.parent.name)
                pending.append(int(stat.parent.name))
    raise RuntimeError(f"no process with {marker!r} in the pane")


def build_floor(dump: Path, workdir: Path) -> Path:
    """minsearch's FTS5 table over corpus.py's text dump, made once."""
    fts = workdir / f"{dump.stem}.minsearch.sqlite"
    if not fts.exists():
        subprocess.run([sys.executable, str(MINSEARCH), "build", str(dump), str(fts)], check=True)
    return fts


def floor_cmd(fts: Path) -> tuple[str, dict[str, str]]:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(MINSEARCH))} {shlex.quote(str(fts))}", {
        "TEXTUAL_FPS": FLOOR_FPS
    }


def floor_session(
    fts: Path,
    size: tuple[int, int],
    words: list[str],
    totals: dict[str, int],
    problems: list[str],
    cpu: dict[str, list[float]] | None = None,
) -> list[tuple[str, float]]:
    """One minsearch process: each word typed into the cleared input; ms from
    the last key to its count painted, in the order asked (and into `cpu`, the
    CPU ms the process spent meanwhile, by word)."""
    cmd, env = floor_cmd(fts)
    got: list[tuple[str, float]] = []
    with Tui(cmd, size=size, env=env) as tui:
        tui.wait("MINSEARCH-READY", timeout=60)
        settle(tui)
        pid = pane_pid(tui, b"minsearch")
        for word in words:
            tui.send("C-u")
            wait_for(
                tui, lambda s: _input_line(s).split() == ["▊", "search", "▎"], time.perf_counter()
            )
            settle(tui, quiet=0.1, timeout=1)
            hits = re.compile(rf"(?<![\d,]){totals[word]:,} hits:")

            def counted(screen: str, word: str = word, hits: re.Pattern[str] = hits) -> bool:
                return _input_line(screen).split()[1:2] == [word] and bool(hits.search(screen))

            spent = cpu_ms(pid)
            key = tui.type(word)
            try:
                got.append((word, wait_for(tui, counted, key, timeout=15)[0] * 1000))
                if cpu is not None:
                    cpu.setdefault(word, []).append(cpu_ms(pid) - spent)
            except Timeout as exc:
                problems.append(f"minsearch {word}: {str(exc)[:300]}")
            settle(tui, quiet=0.1, timeout=1)
        tui.send("C-c")
    return got


def _input_line(screen: str) -> str:
    """minsearch's input: the second line of the screen (the first is its border)."""
    lines = screen.splitlines()
    return lines[1] if len(lines) > 1 else ""


def newsboat_home(dump_rss: Path, workdir: Path) -> Path | None:
    """A newsboat directory (urls, config, cache) whose cache holds the feed."""
    if NEWSBOAT is None:
        return None
    home = workdir / f"newsboat-{dump_rss.stem}"
    cache = home / "cache.db"
    if not cache.exists():
        home.mkdir(parents=True, exist_ok=True)
        (home / "urls").write_text(f"file://{dump_rss}\n")
        (home / "config").write_text("show-read-feeds yes\n")
        subprocess.run([*_newsboat_args(home), "-x", "reload"], check=True)
    return home


def _newsboat_args(home: Path) -> list[str]:
    assert NEWSBOAT is not None
    return [
        NEWSBOAT,
        "-u",
        str(home / "urls"),
        "-c",
        str(home / "cache.db"),
        "-C",
        str(home / "config"),
    ]


def newsboat_session(
    home: Path,
    size: tuple[int, int],
    words: list[str],
    totals: dict[str, int],
    problems: list[str],
    cpu: dict[str, list[float]] | None = None,
) -> list[tuple[str, float]]:
    """One newsboat process: for each word `/`, the word, Enter; ms from Enter
    to the search results' title with the word's count (and its CPU ms into
    `cpu`); `q` back to the feeds."""
    cmd = " ".join(shlex.quote(a) for a in _newsboat_args(home))
    got: list[tuple[str, float]] = []
    with Tui(cmd, size=size) as tui:
        tui.wait(r"Your feeds \(", timeout=60)
        settle(tui)
        pid = pane_pid(tui, b"newsboat")
        for word in words:
            tui.send("/")
            tui.wait("Search for:", timeout=10)
            tui.type(word)
            tui.wait(f"Search for: {word}", timeout=10)
            settle(tui, quiet=0.1, timeout=1)
            total = totals[word]
            title = re.compile(rf"Search results? \({total} unread, {total} total\)")
            spent = cpu_ms(pid)
            key = tui.send("Enter")
            try:
                seconds = wait_for(tui, title.search, key, timeout=30)[0]
                got.append((word, seconds * 1000))
                if cpu is not None:
                    cpu.setdefault(word, []).append(cpu_ms(pid) - spent)
            except Timeout as exc:
                problems.append(f"newsboat {word}: {str(exc)[:300]}")
            settle(tui, quiet=0.1, timeout=1)
            tui.send("q")
            tui.wait(r"Your feeds \(", timeout=10)
            settle(tui, quiet=0.1, timeout=1)
        tui.send("q")
        deadline = time.perf_counter() + 10
        while tui.exited() is None and time.perf_counter() < deadline:
            time.sleep(0.02)
    return got
