"""Importing a big local feed: `news add big.xml` into a fresh library, end to end.

    python bench/import.py [--articles 10000] [--runs 3] [--workdir DIR]

The corpus is ../shared/bench/corpus.py's RSS (made once per --workdir). Each
run is a new process, `python -m reader add FILE`, with its own empty data
directory, timed from start to exit: start-up, parsing, HTML to Markdown, the
plain text, storing and indexing, seeding the bundled dump included. The goal
for 10,000 articles is under 5 s. Prints each run and the median, in seconds,
wall clock and CPU (user + system): on a busy machine the wall clock varies by
a third from run to run, the CPU time much less.
If `newsboat` is on PATH it imports the same file too, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "corpus.py"


def make_corpus(articles: int, workdir: Path) -> Path:
    out = workdir / f"corpus-{articles}.xml"
    if not out.exists():
        subprocess.run(
            [
                sys.executable,
                str(CORPUS),
                "--articles",
                str(articles),
                "--format",
                "rss",
                "--out",
                str(out),
            ],
            check=True,
        )
    return out


def news_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWS_LIBRARY"}
    env.update(
        NEWS_DATA_DIR=str(data / "data"),
        NEWS_CONFIG_DIR=str(data / "config"),
        PYTHONPATH=str(ROOT),
    )
    return env


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_news_add(feed: Path, workdir: Path, run: int) -> tuple[float, float, int]:
    """Wall and CPU seconds for `news add`, and how many stories the feed source
    holds after."""
    data = workdir / f"run-{run}"
    shutil.rmtree(data, ignore_errors=True)
    env = news_env(data)
    cpu = cpu_of_children()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reader", "add", str(feed)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    cpu = cpu_of_children() - cpu
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "sources", "--json"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    stories = sum(s["stories"] for s in json.loads(listed.stdout) if s["kind"] == "feed")
    shutil.rmtree(data, ignore_errors=True)
    return seconds, cpu, stories


def time_newsboat(feed: Path, workdir: Path) -> float | None:
    """newsboat reloading the same file into an empty cache, if it is installed."""
    newsboat = shutil.which("newsboat")
    if newsboat is None:
        return None
    home = workdir / "newsboat"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    (home / "urls").write_text(feed.resolve().as_uri() + "\n")
    (home / "config").write_text("")
    started = time.perf_counter()
    subprocess.run(
        [
            newsboat,
            "-u",
            str(home / "urls"),
            "-c",
            str(home / "cache.db"),
            "-C",
            str(home / "config"),
            "-x",
            "reload",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def bench(articles: int, runs: int, workdir: Path) -> None:
    feed = make_corpus(articles, workdir)
    size = feed.stat().st_size / 1e6
    print(f"news add {feed.name}: {articles:,} articles, {size:.1f} MB, fresh library each run")
    times, cpus = [], []
    for run in range(runs):
        seconds, cpu, stories = time_news_add(feed, workdir, run)
        if stories != articles:
            sys.exit(f"expected {articles:,} stories in the library, found {stories:,}")
        times.append(seconds)
        cpus.append(cpu)
        print(f"  run {run + 1}: {seconds:.2f} s ({cpu:.2f} s CPU)")
    print(
        f"  median: {statistics.median(times):.2f} s ({statistics.median(cpus):.2f} s CPU);"
        " goal: under 5 s for 10,000"
    )
    other = time_newsboat(feed, workdir)
    if other is not None:
        print(f"newsboat -x reload, same file: {other:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep the corpus here for the next run")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"needs {CORPUS}")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        bench(args.articles, args.runs, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            bench(args.articles, args.runs, Path(tmp))


if __name__ == "__main__":
    main()
