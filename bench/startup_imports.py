"""What the reader imports at start that the smallest Textual app does not, and
what each costs: where start-up goes beyond Textual's own.

    python bench/startup_imports.py [--runs 5] [--top 40] [--pattern TEXT] [-- extra news args]

Runs `python -X importtime -m reader` (until the first story is painted, then
q) and ../shared/bench/minapp.py the same way, in a real tmux pane, --runs
times each, and takes each module's smallest self time over the runs (the
least the machine's load added). Prints the modules only the reader imports,
costliest first, with their importer, and the total. The reader is
byte-compiled first, as `pip install` leaves it.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import tempfile
from pathlib import Path

from startup import FIRST_STORY
from tui_common import MINAPP, Tui, compile_reader

LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


# -X importtime writes to file descriptor 2, and so does Textual (the screen
# goes to sys.__stderr__): the report is sent to a file, the screen to the
# terminal by another descriptor, then the program is run.
LAUNCH = (
    "import os, sys; screen = os.dup(2);"
    " os.dup2(os.open(sys.argv.pop(1), os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2);"
    " sys.stderr = sys.__stderr__ = os.fdopen(screen, 'w'); import runpy;"
)


def imports(cmd: str, ready: str, env: dict[str, str]) -> list[tuple[str, int, int]]:
    """(module, self µs, depth) in the order -X importtime reports them."""
    log = Path(tempfile.mkstemp(prefix="importtime-", suffix=".txt")[1])
    with Tui(cmd.format(log=shlex.quote(str(log))), size=(120, 40), env=env) as tui:
        tui.wait(ready, timeout=60)
        tui.send("q")
    found = []
    for line in log.read_text().splitlines():
        if match := LINE.match(line):
            found.append((match[4], int(match[1]), len(match[3]) // 2))
    log.unlink()
    return found


def least(runs: list[list[tuple[str, int, int]]]) -> dict[str, int]:
    best: dict[str, int] = {}
    for run in runs:
        for module, micros, _ in run:
            best[module] = min(micros, best.get(module, micros))
    return best


def importers(run: list[tuple[str, int, int]]) -> dict[str, str]:
    """Each module's importer: -X importtime lists a module after the ones it
    imports, one level deeper than it."""
    parent: dict[str, str] = {}
    pending: list[tuple[str, int]] = []
    for module, _, depth in run:
        while pending and pending[-1][1] > depth:
            child, _ = pending.pop()
            parent[child] = module
        pending.append((module, depth))
    return parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--pattern", default=FIRST_STORY, help="text that marks the first story")
    parser.add_argument("news_args", nargs="*", help="arguments for news (after --)")
    args = parser.parse_args()
    python = shlex.quote(sys.executable)
    run_news = shlex.quote(LAUNCH + " runpy.run_module('reader', run_name='__main__')")
    run_floor = shlex.quote(LAUNCH + " runpy.run_path(sys.argv[1], run_name='__main__')")
    extra = " ".join(map(shlex.quote, args.news_args))
    news = f"{python} -X importtime -c {run_news} {{log}} {extra}"
    floor = f"{python} -X importtime -c {run_floor} {{log}} {shlex.quote(str(MINAPP))}"
    home = tempfile.mkdtemp(prefix="bench-home-")
    env = {"NEWS_DATA_DIR": home + "/data", "NEWS_CONFIG_DIR": home + "/config"}
    compile_reader()
    imports(news, args.pattern, env)  # the first run seeds the library
    ours, base = [], []
    for _ in range(args.runs):
        ours.append(imports(news, args.pattern, env))
        base.append(imports(floor, "READY-MARKER", env))
    mine, floors = least(ours), least(base)
    parent = importers(ours[-1])
    only = sorted(
        ((micros, module) for module, micros in mine.items() if module not in floors),
        reverse=True,
    )
    total = sum(micros for micros, _ in only)
    print(f"{len(only)} modules only the reader imports: {total / 1000:.1f} ms", end="")
    print(f" (each the least of {args.runs} runs)")
    for micros, module in only[: args.top]:
        print(f"{micros / 1000:7.2f} ms  {module:40} from {parent.get(module, '?')}")


if __name__ == "__main__":
    main()
