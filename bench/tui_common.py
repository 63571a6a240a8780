"""What the TUI benchmarks share: libraries of N corpus articles, fresh user
directories, the pane's python process, and waits on the screen.

Not a benchmark itself: `tui_library.py` and `search_tui.py` import it. Drives
the app through ../shared/bench/tui.py (a real tmux pane).
"""

from __future__ import annotations

import atexit
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
ROOT = Path(__file__).resolve().parents[1]
CORPUS = SHARED / "corpus.py"
MINAPP = SHARED / "minapp.py"
sys.path.insert(0, str(SHARED))

from tui import TMUX, Timeout, Tui  # noqa: E402

__all__ = [
    "MINAPP",
    "STORY",
    "Timeout",
    "Tui",
    "bar_line",
    "compile_reader",
    "ensure_library",
    "footer",
    "fresh_env",
    "news_cmd",
    "p95",
    "pane_python_pid",
    "quit_app",
    "revision",
    "scratch",
    "settle",
    "story_number",
    "vm_kb",
    "wait_change",
    "wait_for",
]

# Every corpus story's body starts with this; the reading pane is the only place it shows.
STORY = re.compile(r"Generated story number (\d+)\.")
POLL = 0.004  # seconds between screen captures (a capture itself takes 2-4 ms)


def time_frames(record: Callable[[str, float, float], None], shows: Callable[[str], str]) -> None:
    """Inside the reader (a probe): each frame Textual's writer thread writes to
    the terminal, timed, and recorded as `output ` + `shows(text)` (which story
    the frame shows, and so on); the writes themselves are Textual's own."""
    from typing import Any

    from textual.drivers import _writer_thread

    def write_out(self: Any) -> None:  # WriterThread.run, each write timed
        write, flush, get = self._file.write, self._file.flush, self._queue.get
        while (text := get()) is not None:
            start = time.perf_counter()
            write(text)
            if self._queue.qsize() == 0:
                flush()
            record(f"output {shows(text)}", start, time.perf_counter())
        flush()

    _writer_thread.WriterThread.run = write_out  # type: ignore[method-assign]


def corpus_file(n: int, workdir: Path, fmt: str = "text") -> Path:
    """corpus.py's n stories as a dump (`text`) or a feed (`rss`), made once per workdir."""
    out = workdir / f"corpus-{n}.{'xml' if fmt == 'rss' else 'txt'}"
    if not out.exists():
        command = [sys.executable, str(CORPUS), "--articles", str(n), "--format", fmt]
        subprocess.run([*command, "--out", str(out)], check=True)
    return out


def ensure_library(n: int, workdir: Path, reuse: str | None = None) -> Path:
    """workdir/library-N.sqlite, made if missing: copied from `reuse` (a path
    with {n}, read with SQLite's backup API so the original is never opened by
    the app, which seeds a library on first open), else imported from a corpus
    made by corpus.py (workdir/corpus-N.txt, kept too)."""
    library = workdir / f"library-{n}.sqlite"
    if library.exists():
        return library
    started = time.perf_counter()
    source = Path(reuse.format(n=n)) if reuse else None
    if source is not None and source.exists():
        src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(library)
        src.backup(dst)
        dst.close()
        src.close()
        print(f"  library of {n:,} copied from {source} in {time.perf_counter() - started:.1f} s")
        return library
    dump = corpus_file(n, workdir)
    # In a process of its own, so that the import's memory is not this one's.
    code = (
        "import sys; from reader.library.articles import Library; "
        "from reader.seeding import import_dump; "
        "lib = Library.open(sys.argv[1]); [import_dump(lib, p) for p in sys.argv[2:]]; lib.close()"
    )
    parts = [str(part) for part in dump_parts(dump)]
    subprocess.run([sys.executable, "-c", code, str(library), *parts], check=True, cwd=ROOT)
    print(f"  library of {n:,} made in {time.perf_counter() - started:.1f} s")
    return library


STORIES_PER_PART = 25_000
_TITLE_NUMBER = re.compile(r" #(\d+)$")  # corpus.py ends every title so


def dump_parts(dump: Path) -> list[Path]:
    """corpus.py's dump in files of `STORIES_PER_PART` stories, made beside it
    once: the reader reads a dump whole and refuses one over 256 MB, and
    100,000 corpus stories take 350 MB. A story is its section line, then its
    title (ending " #N"), then its paragraphs; a part starts at a section line."""
    if dump.stat().st_size < 200 * 2**20:
        return [dump]
    parts: list[Path] = []
    out = None
    previous: str | None = None  # a line is written once the next shows where it belongs
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            found = _TITLE_NUMBER.search(line.rstrip("\n"))
            if found and int(found[1]) % STORIES_PER_PART == 0:
                if out is not None:
                    out.close()
                parts.append(dump.with_name(f"{dump.stem}.part{len(parts)}.txt"))
                out = parts[-1].open("w", encoding="utf-8")
            if previous is not None and out is not None:
                out.write(previous)
            previous = line
    if out is not None and previous is not None:
        out.write(previous)
        out.close()
    return parts


def compile_reader() -> None:
    """Byte-compile the reader as the measured interpreter imports it, as `pip
    install` does: where PYTHONDONTWRITEBYTECODE is set (this machine sets it),
    an editable install would otherwise compile every module on every start."""
    code = (
        "import compileall, pathlib, reader;"
        " compileall.compile_dir(pathlib.Path(reader.__file__).parent, quiet=1)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tempfile.gettempdir())


def revision(root: Path = ROOT) -> str:
    """The commit the app is measured at, and whether reader/ differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "reader", "styles")
    return commit + (
        f" + {len(changed.splitlines())} changed files in reader/, styles/" if changed else ""
    )


def news_cmd(library: Path) -> str:
    return f"{shlex.quote(sys.executable)} -m reader --library {shlex.quote(str(library))}"


def scratch(prefix: str) -> Path:
    """A temporary directory, removed when the benchmark ends."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def fresh_env(base: Path) -> dict[str, str]:
    """NEWS_DATA_DIR and NEWS_CONFIG_DIR in a new directory: no reading state
    (so the first story is story 0) and never the user's own files."""
    home = tempfile.mkdtemp(prefix="home-", dir=base)
    return {"NEWS_DATA_DIR": home + "/data", "NEWS_CONFIG_DIR": home + "/config"}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def wait_for(
    tui: Tui, test: Callable[[str], bool], since: float, timeout: float = 10.0, ansi: bool = False
) -> tuple[float, str]:
    """Seconds from `since` until test(screen) holds, and that screen."""
    deadline = time.perf_counter() + timeout
    while True:
        screen = tui.screen(ansi=ansi)
        if test(screen):
            return time.perf_counter() - since, screen
        if "Traceback" in screen or tui.exited() is not None:
            raise Timeout(f"the app stopped; screen was:\n{tui.screen()}")
        if time.perf_counter() > deadline:
            raise Timeout(f"nothing within {timeout}s; screen was:\n{tui.screen()}")
        time.sleep(POLL)


def wait_change(tui: Tui, before: str, since: float, timeout: float = 5.0) -> float:
    """Seconds from `since` to the first ANSI screen that differs from `before`."""
    return wait_for(tui, lambda s: s != before, since, timeout, ansi=True)[0]


def settle(tui: Tui, quiet: float = 0.15, timeout: float = 5.0) -> str:
    """The ANSI screen once it has not changed for `quiet` seconds."""
    deadline = time.perf_counter() + timeout
    last, since = tui.screen(ansi=True), time.perf_counter()
    while time.perf_counter() - since < quiet:
        if time.perf_counter() > deadline:
            break  # something keeps changing (a blinking cursor): good enough
        time.sleep(0.01)
        screen = tui.screen(ansi=True)
        if screen != last:
            last, since = screen, time.perf_counter()
    return last


def story_number(screen: str) -> int | None:
    match = STORY.search(screen)
    return int(match.group(1)) if match else None


def bar_line(screen: str) -> str:
    """The search bar's line ("/ query ... all stories  N stories"), or ""."""
    for line in screen.splitlines():
        if line.startswith(" / "):
            return line
    return ""


def footer(screen: str) -> str:
    lines = [line for line in screen.splitlines() if line.strip()]
    return lines[-1] if lines else ""


# The footer once showed each focused part's keys, and waiting for them was
# waiting until the app had finished with the last key. It now shows the same
# keys everywhere (it is no longer rebuilt on a focus change), so "done" is a
# screen that has stayed still for a moment.
def pane_python_pid(tui: Tui) -> int:
    """The python process running the app: the child of the pane's shell."""
    out = subprocess.run(
        [*TMUX, "display-message", "-p", "-t", tui.name, "#{pane_pid}"],
        capture_output=True,
        text=True,
        check=True,
    )
    shell = int(out.stdout.strip())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == shell:
            pid = int(stat.parent.name)
            cmdline = (stat.parent / "cmdline").read_bytes()
            if b"python" in cmdline and b"reader" in cmdline:
                return pid
    raise RuntimeError(f"no python child of the pane's shell {shell}")


def vm_kb(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def quit_app(tui: Tui, timeout: float = 10.0) -> tuple[int | None, bool]:
    """q, then the exit status and whether a traceback was on the screen."""
    tui.send("q")
    deadline = time.perf_counter() + timeout
    while (code := tui.exited()) is None and time.perf_counter() < deadline:
        time.sleep(0.02)
    return code, "Traceback" in tui.screen()
