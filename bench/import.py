"""Importing a big local feed: `news add big.xml` into a fresh library, end to
end, taking turns with `newsboat -x reload` of the same file.

    python bench/import.py [--articles 10000] [--runs 5] [--workdir DIR] [--before TREE]

The corpus is ../shared/bench/corpus.py's RSS (made once per --workdir). Each
run is a new process, `python -m reader add FILE`, with its own empty data
directory, timed from start to exit: start-up, parsing, HTML to Markdown, the
plain text, storing and indexing, seeding the bundled dump included.

newsboat, when on PATH, reads the same file the way it reads any feed: a urls
file naming it as a `file://` address (curl reads it; no network), a fresh
cache file each run, `newsboat -x reload`, which fetches, parses and stores
every item and exits. Both programs' stored counts are checked (10,000 stories
in the library, 10,000 rows in newsboat's `rss_item`), so neither is timed
doing less. They take turns, the first of each pair alternating, so a change
in the machine's load falls on both; on a busy machine a single run varies by
a third, so compare the medians and the median of the per-run ratios.

`--before TREE` (another checkout, e.g. `git worktree add /tmp/before main`)
adds its `news add` to each turn, with the same Python, so a change is
measured beside the code before it under the same load.

The reader is byte-compiled first, as `pip install` leaves it (this machine
sets PYTHONDONTWRITEBYTECODE, so each run would compile every module it
imports: 0.12 s of CPU a run).

Each program's CPU time (user + system) comes from `os.wait4`, which counts
the process and the processes it waited for (`news add` reads a big file in a
process of its own). Peak memory is the largest sum, sampled every 10 ms, of
the resident memory of the process and its children, so two processes are
not counted as the larger one alone. Prints each run, the medians and the load
average (`os.getloadavg`) before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "corpus.py"


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mb: float  # peak resident memory
    stored: int  # stories (or items) the program holds afterwards


def make_corpus(articles: int, workdir: Path) -> Path:
    out = workdir / f"corpus-{articles}.xml"
    if not out.exists():
        command = [sys.executable, str(CORPUS), "--articles", str(articles), "--format", "rss"]
        subprocess.run([*command, "--out", str(out)], check=True)
    return out


def compile_reader(root: Path) -> None:
    """Byte-compile a tree's reader as `pip install` would (see the docstring)."""
    code = f"import compileall; compileall.compile_dir({str(root / 'reader')!r}, quiet=1)"
    subprocess.run([sys.executable, "-c", code], check=True)


def timed(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, float, float]:
    """Wall and CPU seconds and peak memory (MB) of one process and its
    children, from its `wait4` accounting (not its siblings', not this
    process's) and `TreeMemory`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    memory = TreeMemory(process.pid)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    peak = max(memory.stop(), usage.ru_maxrss * 1024)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{command[0]} failed ({process.returncode}): {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, peak / 2**20


class TreeMemory:
    """The largest sum of resident memory of a process and its descendants,
    read from /proc every 10 ms on a thread (`wait4` gives only the largest
    single process's peak)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._done = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))


def _tree(pid: int) -> list[int]:
    """The process and its descendants (each thread's children: a process
    started from a thread is that thread's child)."""
    pids, at = [pid], 0
    while at < len(pids):
        for task in Path(f"/proc/{pids[at]}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pids += [int(child) for child in task.read_text().split()]
        at += 1
    return pids


def _rss(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


def news_env(data: Path, root: Path = ROOT) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWS_LIBRARY"}
    env.update(
        NEWS_DATA_DIR=str(data / "data"),
        NEWS_CONFIG_DIR=str(data / "config"),
        PYTHONPATH=str(root),
    )
    return env


def run_news(feed: Path, workdir: Path, root: Path = ROOT) -> Run:
    """`news add FEED` of the reader in `root`, run from there: `python -m`
    puts the current folder first on the path, so run from another checkout
    (this one, for `--before`) it imported that checkout's reader."""
    data = workdir / "news-run"
    shutil.rmtree(data, ignore_errors=True)
    env = news_env(data, root)
    feed = feed.resolve()
    wall, cpu, peak = timed([sys.executable, "-m", "reader", "add", str(feed)], env, root)
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "sources", "--json"],
        check=True,
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
    )
    stored = sum(s["stories"] for s in json.loads(listed.stdout) if s["kind"] == "feed")
    shutil.rmtree(data, ignore_errors=True)
    return Run(wall, cpu, peak, stored)


def run_newsboat(newsboat: str, feed: Path, workdir: Path) -> Run:
    home = workdir / "newsboat-run"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    (home / "urls").write_text(feed.resolve().as_uri() + "\n")
    (home / "config").write_text("")
    cache = home / "cache.db"
    files = ["-u", str(home / "urls"), "-c", str(cache), "-C", str(home / "config")]
    wall, cpu, peak = timed([newsboat, *files, "-x", "reload"])
    with sqlite3.connect(cache) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM rss_item").fetchone()
    shutil.rmtree(home, ignore_errors=True)
    return Run(wall, cpu, peak, int(stored))


def show(name: str, run: Run) -> str:
    return f"{name} {run.wall:5.2f} s ({run.cpu:.2f} s CPU, {run.peak_mb:.0f} MB)"


def medians(name: str, runs: list[Run]) -> str:
    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    peak = max(r.peak_mb for r in runs)
    return f"  {name:<9} median {wall:.2f} s wall, {cpu:.2f} s CPU; peak memory {peak:.0f} MB"


def bench(articles: int, runs: int, workdir: Path, before: Path | None = None) -> None:
    feed = make_corpus(articles, workdir)
    for tree in (ROOT, *([before] if before else [])):
        compile_reader(tree)
    newsboat = shutil.which("newsboat")
    size = feed.stat().st_size / 1e6
    print(f"news add {feed.name}: {articles:,} articles, {size:.1f} MB, fresh library each run")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    names = ["news", *(["before"] if before else []), *(["newsboat"] if newsboat else [])]
    results: dict[str, list[Run]] = {name: [] for name in names}
    for turn in range(runs):
        pair: dict[str, Run] = {}
        # Each takes its turn first: a change in the machine's load falls on all.
        order = names[turn % len(names) :] + names[: turn % len(names)]
        for name in order:
            if name == "news":
                pair[name] = run_news(feed, workdir)
            elif name == "before" and before is not None:
                pair[name] = run_news(feed, workdir, before)
            elif newsboat is not None:
                pair[name] = run_newsboat(newsboat, feed, workdir)
        for name, run in pair.items():
            if run.stored != articles:
                sys.exit(f"{name}: expected {articles:,} stored, found {run.stored:,}")
            results[name].append(run)
        line = f"  run {turn + 1}: " + "; ".join(show(name, pair[name]) for name in names)
        if "newsboat" in pair:
            line += f"; ratio {pair['news'].wall / pair['newsboat'].wall:.2f}"
        print(line)
    for name in names:
        print(medians(name, results[name]))
    for name, against in (("news", "newsboat"), ("before", "newsboat"), ("news", "before")):
        if name in results and against in results:
            ours, theirs = results[name], results[against]
            ratios = [a.wall / b.wall for a, b in zip(ours, theirs, strict=True)]
            cpu_ratios = [a.cpu / b.cpu for a, b in zip(ours, theirs, strict=True)]
            goal = " (goal: at most 1.00 wall)" if against == "newsboat" else ""
            print(
                f"  {name} / {against}: median ratio {statistics.median(ratios):.2f} wall,"
                f" {statistics.median(cpu_ratios):.2f} CPU{goal}"
            )
    if newsboat is None:
        print("  newsboat is not on PATH: no comparison")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep the corpus here for the next run")
    parser.add_argument("--before", type=Path, help="another checkout, timed in the same turns")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"needs {CORPUS}")
    # Absolute: each `news` runs from its own checkout (see `run_news`).
    before = args.before.resolve() if args.before else None
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        bench(args.articles, args.runs, args.workdir.resolve(), before)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            bench(args.articles, args.runs, Path(tmp), before)


if __name__ == "__main__":
    main()
