"""Instructions from process start to the first frame, counted by callgrind:
a figure that the machine's load does not change, for comparing two versions
of the reader (or the reader and the smallest Textual app) on a busy machine.

    python bench/first_frame_instructions.py [--before TREE] [--min] -- ARGS
    python bench/first_frame_instructions.py --before /tmp/old-checkout --min -- /tmp/long.md

Runs `news ARGS` headless at 120x40 (Textual's test harness, as
tests/tui/test_startup_imports.py does) under `valgrind --tool=callgrind`,
and ends the process when Textual hands its first frame to the terminal
(`App._display`): what is counted is the whole start, interpreter included.
PYTHONHASHSEED is fixed, so two counts of the same code agree within about
0.05%. --before TREE counts another checkout's reader too (PYTHONPATH=TREE);
--min counts ../shared/bench/minapp.py the same way. Each run takes 20-40 s
(valgrind is some 50 times slower than the program). The reader is
byte-compiled first, as `pip install` leaves it; a figure is instructions,
not time (an instruction of the regex engine is cheaper than one of the
parser), so check a change with the timed benchmarks too.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tui_common import MINAPP, compile_reader

HARNESS = """
import asyncio, os, runpy, sys
from textual.app import App

display = App._display

def first_frame(self, screen, renderable):
    if renderable is not None and not self._batch_count:
        os._exit(0)
    return display(self, screen, renderable)

async def headless(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

App._display = first_frame
App.run = lambda self, *args, **kwargs: asyncio.run(headless(self))
if sys.argv[1] == "--min":
    runpy.run_path(sys.argv[2], run_name="__main__")
else:
    sys.argv[1:2] = []
    from reader.cli import main
    main(sys.argv[1:])
"""
COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(args: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            HARNESS,
            *args,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONHASHSEED": "0"},
        check=False,
    )
    found = COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"callgrind counted nothing:\n{done.stderr[-2000:]}")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="TREE", help="also count the reader in TREE")
    parser.add_argument("--min", action="store_true", help="also count the smallest Textual app")
    parser.add_argument("news_args", nargs="*", help="arguments for news (after --)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-home-")
    env = {"NEWS_DATA_DIR": home + "/data", "NEWS_CONFIG_DIR": home + "/config"}
    compile_reader()
    # The first start seeds the library (with no file given) outside the count.
    subprocess.run(
        [sys.executable, "-m", "reader", "list"],
        env={**os.environ, **env},
        capture_output=True,
        check=False,
    )
    ours = instructions(["news", *args.news_args], env)
    print(f"news {' '.join(args.news_args)}: {ours / 1e6:,.0f} M instructions to the first frame")
    if args.before:
        tree = Path(args.before).resolve()
        compileall.compile_dir(tree / "reader", quiet=1)  # as compile_reader does for ours
        theirs = instructions(["news", *args.news_args], {**env, "PYTHONPATH": str(tree)})
        print(f"--before's reader: {theirs / 1e6:,.0f} M (this one {ours / theirs:.3f}x it)")
    if args.min:
        floor = instructions(["--min", str(MINAPP)], env)
        print(f"smallest Textual app: {floor / 1e6:,.0f} M (news {ours / floor:.3f}x it)")


if __name__ == "__main__":
    main()
