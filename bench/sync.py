"""Syncing with a real FreshRSS on 127.0.0.1: a first sync of 5,000 items, then
one with nothing new.

    python bench/sync.py [--items 5000] [--runs 3] [--workdir DIR]

The feed is ../shared/bench/corpus.py's RSS, served on 127.0.0.1; FreshRSS
(../shared/servers/freshrss.py) subscribes to it and is refreshed once, until
it holds every item. Then, each run in a fresh config, data dir and library:
`news account add` (not timed), `news sync` (the first sync: every item's
id, contents, stored and indexed) and `news sync` again (the incremental
one: nothing new). Each is a new process timed from start to exit, the
reader byte-compiled first as `pip install` leaves it. Goals:
the first sync under 30 s, the empty one under 1 s. Prints the load average
first: on a machine shared with other work the figures mean little.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from reader.sync.greader import READING_LIST, GReader

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
CORPUS = SHARED / "bench" / "corpus.py"
FRESHRSS = Path(os.environ.get("NEWS_FRESHRSS_SCRIPT", SHARED / "servers" / "freshrss.py"))


def compile_reader() -> None:
    """Byte-compile the reader first, as `pip install` does (as tui_common.py
    does for the TUI benchmarks): this machine sets PYTHONDONTWRITEBYTECODE, so
    an editable install would compile every module at every start."""
    code = (
        "import compileall, pathlib, reader;"
        " compileall.compile_dir(pathlib.Path(reader.__file__).parent, quiet=1)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tempfile.gettempdir())


def make_corpus(items: int, workdir: Path) -> Path:
    """The feed, alone in a folder of its own (the one served)."""
    (workdir / "feeds").mkdir(exist_ok=True)
    out = workdir / "feeds" / f"corpus-{items}.xml"
    if not out.exists():
        subprocess.run(
            [
                sys.executable,
                str(CORPUS),
                "--articles",
                str(items),
                "--format",
                "rss",
                "--out",
                str(out),
            ],
            check=True,
        )
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def freshrss(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(FRESHRSS), *args], capture_output=True, text=True, timeout=900
    )


def fill(info: dict[str, Any], feed_url: str, items: int) -> None:
    """Subscribe the server to the feed and refresh it until it holds every item
    (FreshRSS stores a big feed's items a while after it answers)."""
    with httpx.Client(timeout=900) as http:
        server = GReader(info["api"], info["user"], info["api_password"], client=http, timeout=900)
        server.subscribe(feed_url)
        deadline = time.monotonic() + 900
        refreshed = False
        while (held := len(server.item_ids(READING_LIST))) < items:
            if time.monotonic() > deadline:
                sys.exit(f"FreshRSS holds {held:,} of {items:,} items after 15 minutes")
            if not refreshed:
                freshrss("refresh", "--dir", info["dir"])  # the server refreshed once
                refreshed = True
            time.sleep(2)


def news(env: dict[str, str], *args: str, stdin: str = "") -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"news {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, done.stdout


def one_run(info: dict[str, Any], workdir: Path, run: int, items: int) -> tuple[float, float]:
    home = workdir / f"run-{run}"
    shutil.rmtree(home, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "NEWS_LIBRARY"}
    env.update(
        NEWS_DATA_DIR=str(home / "data"), NEWS_CONFIG_DIR=str(home / "config"), PYTHONPATH=str(ROOT)
    )
    news(
        env,
        "account",
        "add",
        info["api"],
        "--user",
        info["user"],
        "--name",
        "bench",
        "--password-stdin",
        stdin=info["api_password"] + "\n",
    )
    first, _ = news(env, "sync")
    _, listed = news(env, "sources", "--json")
    stored = sum(s["stories"] for s in json.loads(listed) if s["kind"] == "synced")
    if stored != items:
        sys.exit(f"expected {items:,} synced stories, found {stored:,}")
    again, _ = news(env, "sync")
    shutil.rmtree(home, ignore_errors=True)
    return first, again


def bench(items: int, runs: int, workdir: Path) -> None:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    compile_reader()
    feed = make_corpus(items, workdir)
    server = serve(feed.parent)
    shutil.rmtree(workdir / "freshrss", ignore_errors=True)  # a new server, with no feeds
    started = freshrss("start", "--dir", str(workdir / "freshrss"))
    if started.returncode:
        sys.exit(f"FreshRSS did not start: {started.stderr.strip()}")
    info = json.loads(started.stdout)
    try:
        fill(info, f"http://127.0.0.1:{server.server_port}/{feed.name}", items)
        print(
            f"FreshRSS at {info['api']} holds {items:,} items ({feed.stat().st_size / 1e6:.1f} MB"
            " of RSS); a fresh library each run"
        )
        firsts, agains = [], []
        for run in range(runs):
            first, again = one_run(info, workdir, run, items)
            firsts.append(first)
            agains.append(again)
            print(f"  run {run + 1}: first sync {first:.2f} s, nothing new {again:.2f} s")
        print(
            f"  median: first sync {statistics.median(firsts):.2f} s (goal < 30 s),"
            f" nothing new {statistics.median(agains):.2f} s (goal < 1 s)"
        )
    finally:
        freshrss("stop", "--dir", info["dir"])
        server.shutdown()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep the corpus here for the next run")
    args = parser.parse_args()
    for needed in (CORPUS, FRESHRSS):
        if not needed.exists():
            sys.exit(f"needs {needed}")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        bench(args.items, args.runs, args.workdir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
            bench(args.items, args.runs, Path(tmp))


if __name__ == "__main__":
    main()
