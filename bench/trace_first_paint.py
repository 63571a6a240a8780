"""Where the time to the first screen goes, in-process: `news ARGS` in a real
tmux pane, timed from the first line of Python the program runs to its first
frame, then quit.

    python bench/trace_first_paint.py [--runs 7] [--profile FILE] [--top 30]
        [--before TREE] -- ARGS
    python bench/trace_first_paint.py --runs 7 -- /tmp/long.md

Each run records, with `time.perf_counter` (wall) and `time.process_time`
(CPU, which the machine's load inflates far less), the moment each of these
was first imported: `reader.cli`, `textual`, `markdown_it`, `reader.tui.app`;
then the app's `on_mount` and its first frame (`NewsApp._first_frame_shown`,
called once that frame is out). Prints the medians over --runs, and the CPU
of each step. --profile FILE runs one more start under cProfile and prints
its --top functions by own time and by cumulative time (the stats stay in
FILE for `python -m pstats`). The reader is byte-compiled first, as `pip
install` leaves it. What happens before the first line of Python (the
interpreter's own start, about 15 ms) is the same for every Python program
and not counted. --before TREE runs another checkout's reader (PYTHONPATH=TREE)
in turn with this one, and prints its figures too.
"""

from __future__ import annotations

import argparse
import compileall
import json
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

from tui_common import Tui, compile_reader

# Runs in the pane: marks imports with a finder at the head of sys.meta_path,
# wraps the app's first-frame hook, and writes the marks to argv[1] as JSON.
PROBE = r"""
import sys, time, json, importlib.machinery as machinery
T0, C0 = time.perf_counter(), time.process_time()
out, profile_to = sys.argv.pop(1), sys.argv.pop(1)
marks = []
def mark(name):
    marks.append((name, (time.perf_counter() - T0) * 1000, (time.process_time() - C0) * 1000))
WATCH = {"reader.cli", "textual", "markdown_it", "reader.tui.app", "rich"}
class Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in WATCH:
            WATCH.discard(name)
            mark("import " + name)
            spec = machinery.PathFinder.find_spec(name, path)
            if name == "reader.tui.app" and spec is not None:
                run = spec.loader.exec_module
                def exec_module(module):
                    run(module)
                    patch(module.NewsApp)
                spec.loader.exec_module = exec_module
            return spec
        return None
def patch(app):
    mounted, shown = app.on_mount, app._first_frame_shown
    def on_mount(self):
        mark("on_mount")
        mounted(self)
    def first(self):
        mark("first frame")
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile_to)
        with open(out, "w") as f:
            json.dump(marks, f)
        shown(self)
        self.exit()
    app.on_mount, app._first_frame_shown = on_mount, first
sys.meta_path.insert(0, Finder)
profiler = None
if profile_to:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
import runpy
runpy.run_module("reader", run_name="__main__")
"""

STEPS = (
    "import reader.cli",
    "import rich",
    "import textual",
    "import markdown_it",
    "import reader.tui.app",
    "on_mount",
    "first frame",
)


Marks = dict[str, tuple[float, float]]


def one(news_args: list[str], env: dict[str, str], profile: str = "") -> Marks:
    log = Path(tempfile.mkstemp(prefix="first-paint-", suffix=".json")[1])
    cmd = " ".join(
        shlex.quote(part) for part in [sys.executable, "-c", PROBE, str(log), profile, *news_args]
    )
    with Tui(cmd, size=(120, 40), env=env) as tui:
        tui.wait("__EXIT=", timeout=60)
    marks = json.loads(log.read_text() or "[]")
    log.unlink()
    return {name: (wall, cpu) for name, wall, cpu in marks}


def report(title: str, runs: list[Marks]) -> None:
    print(f"{title}: medians of {len(runs)} starts, ms from the first line of Python")
    print("(wall, and CPU of the process; each step's own CPU after it)")
    medians = []
    for step in STEPS:
        found = [run[step] for run in runs if step in run]
        if found:
            wall = statistics.median(w for w, _ in found)
            medians.append((statistics.median(c for _, c in found), wall, step))
        else:
            print(f"  {step:24} (not reached)")
    before = 0.0
    for cpu, wall, step in sorted(medians):  # in the order they came
        print(f"  {step:24} {wall:7.1f} ms  CPU {cpu:7.1f} ms  (+{cpu - before:5.1f})")
        before = cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", metavar="FILE", help="one more start under cProfile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--before", metavar="TREE", help="also trace the reader in TREE, in turn")
    parser.add_argument("news_args", nargs="*", help="arguments for news (after --)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-home-")
    env = {"NEWS_DATA_DIR": home + "/data", "NEWS_CONFIG_DIR": home + "/config"}
    compile_reader()
    one(args.news_args, env)  # the first start seeds the library and warms the file cache
    other = {}
    if args.before:
        tree = Path(args.before).resolve()
        compileall.compile_dir(tree / "reader", quiet=1)  # as compile_reader does for ours
        other = {**env, "PYTHONPATH": str(tree)}
        one(args.news_args, other)
    runs, before = [], []
    for _ in range(args.runs):
        runs.append(one(args.news_args, env))
        if other:
            before.append(one(args.news_args, other))
    report(f"news {' '.join(args.news_args)}", runs)
    if before:
        report(f"--before's reader ({args.before})", before)
    if args.profile:
        import pstats

        one(args.news_args, env, profile=str(Path(args.profile).resolve()))
        stats = pstats.Stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
