"""The TUI on libraries of 10,000 and 100,000 articles: start-up beside the
smallest Textual app, key-to-screen for j and Enter, and peak memory.

    /work/venv/bin/python bench/tui_library.py [--articles 10000,100000] [--runs 9]
        [--presses 20] [--size 120x40] [--workdir DIR] [--reuse /tmp/lib{n}.sqlite]
        [--baseline CHECKOUT] [--rounds 1]

For each size, in a real tmux pane and from the same virtual environment:

- start-up: process start to the first story painted ("Generated story number
  0." in the reading pane), taking turns with ../shared/bench/minapp.py
  (process start to READY-MARKER) so machine load affects both alike; medians
  over --runs, and their ratio. Goals: 1.5x at 10,000, 2x at 100,000.
- keys, in one session with a fresh data directory: `j` in the sidebar (first
  ANSI screen change after the key: only colours change), then Enter on the
  next story (`h` back to the list and `j` first, untimed) until the reading
  pane shows another "Generated story number N."; median and p95 over
  --presses. Goal under 50 ms. Each key is sent once the screen has been still
  for 150 ms, so that each press is timed on its own.
- memory: `G` (sidebar to its last story), then VmHWM of the python process
  running news (the pane shell's child), just before q. Goal under 150 MB at
  100,000.

Libraries are kept in --workdir (default: a new temp dir) as library-N.sqlite:
copied from --reuse if that exists (SQLite backup; the app would seed the
original with the bundled stories on first open), else imported from a corpus
made by ../shared/bench/corpus.py. A first, untimed run of each program warms
the file cache (and seeds the library).

--baseline CHECKOUT: the keys are measured for another checkout of the reader
too (say `git worktree add --detach /tmp/before main`), run from the same
virtual environment with PYTHONPATH=CHECKOUT, taking turns with this one for
--rounds sessions each, so that machine load weighs on before and after alike.
--runs 0 leaves out the start-ups.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import textual
from tui_common import (
    MINAPP,
    Timeout,
    Tui,
    compile_reader,
    ensure_library,
    fresh_env,
    median,
    news_cmd,
    p95,
    pane_python_pid,
    quit_app,
    revision,
    scratch,
    settle,
    story_number,
    vm_kb,
    wait_change,
    wait_for,
)

FIRST_STORY = r"Generated story number 0\."
GOAL_RATIO = {10_000: 1.5, 100_000: 2.0}
GOAL_KEY_MS = 50
GOAL_HWM_MB = 150


def start_news(cmd: str, size: tuple[int, int], env: dict[str, str], problems: list[str]) -> float:
    with Tui(cmd, size=size, env=env) as tui:
        seconds = tui.wait(FIRST_STORY, timeout=60)
        code, traceback = quit_app(tui)
        if code != 0 or traceback:
            problems.append(f"start-up run: exit status {code}, traceback on screen: {traceback}")
    return seconds


def start_floor(cmd: str, size: tuple[int, int], env: dict[str, str]) -> float:
    with Tui(cmd, size=size, env=env) as tui:
        return tui.wait("READY-MARKER", timeout=60)  # the session is killed on leaving


def keys_and_memory(
    cmd: str, size: tuple[int, int], env: dict[str, str], presses: int, problems: list[str]
) -> dict[str, object]:
    j_ms: list[float] = []
    enter_ms: list[float] = []
    out: dict[str, object] = {"j": j_ms, "enter": enter_ms}
    with Tui(cmd, size=size, env=env) as tui:
        tui.wait(FIRST_STORY, timeout=60)
        pid = pane_python_pid(tui)
        try:
            before = settle(tui)
            for _ in range(presses):
                key = tui.send("j")
                j_ms.append(wait_change(tui, before, key) * 1000)
                before = settle(tui)
            failed = 0
            for _ in range(presses):
                tui.send("h")  # back to the list (nothing happens if it has the focus)
                before = settle(tui)
                key = tui.send("j")
                wait_change(tui, before, key)
                settle(tui)
                shown = story_number(tui.screen())
                key = tui.send("Enter")
                try:
                    seconds, _ = wait_for(
                        tui,
                        lambda s, shown=shown: story_number(s) not in (None, shown),
                        key,
                        timeout=5,
                    )
                except Timeout:
                    failed += 1
                    continue
                enter_ms.append(seconds * 1000)
                settle(tui)  # the app is done with the Enter
            if failed:
                problems.append(
                    f"Enter: {failed} of {presses} presses opened no other story in 5 s"
                )
            tui.send("h")
            before = settle(tui)
            key = tui.send("G")
            out["G"] = wait_change(tui, before, key, timeout=30) * 1000
            settle(tui, quiet=0.3, timeout=30)
            out["hwm_mb"] = vm_kb(pid, "VmHWM") / 1024
            out["rss_mb"] = vm_kb(pid, "VmRSS") / 1024
        except Timeout as exc:
            problems.append(f"keys: {exc}")
        code, traceback = quit_app(tui)
        if code != 0 or traceback:
            problems.append(f"key session: exit status {code}, traceback: {traceback}")
    return out


def keys_in_turns(
    cmd: str,
    size: tuple[int, int],
    homes: Path,
    args: argparse.Namespace,
    problems: list[str],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The key sessions of this checkout and of --baseline, taking turns."""
    ours: dict[str, Any] = {}
    base: dict[str, Any] | None = {} if args.baseline else None
    for _ in range(args.rounds):
        sessions: list[tuple[dict[str, Any], dict[str, str]]] = [(ours, {})]
        if base is not None:
            sessions.append((base, {"PYTHONPATH": str(args.baseline.resolve())}))
        for into, extra in sessions:
            env = {**fresh_env(homes), **extra}
            got = keys_and_memory(cmd, size, env, args.presses, problems)
            for key, value in got.items():
                if isinstance(value, list):
                    into.setdefault(key, []).extend(value)
                else:
                    into[key] = value  # the last session's figure
    return ours, base


def ms(values: list[float] | float | None, fmt: str = "{:.0f}") -> str:
    if values is None or values == []:
        return "-"
    if isinstance(values, list):
        return f"{fmt.format(median(values))} / {fmt.format(p95(values))}"
    return fmt.format(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="10000,100000")
    parser.add_argument("--runs", type=int, default=9, help="start-ups of each program")
    parser.add_argument("--presses", type=int, default=20, help="presses of j and of Enter")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--workdir", type=Path, help="keep libraries here (default: a temp dir)")
    parser.add_argument("--reuse", help="a ready library to copy, with {n}: /tmp/lib{n}.sqlite")
    parser.add_argument("--baseline", type=Path, help="another checkout: its keys beside these")
    parser.add_argument("--rounds", type=int, default=1, help="key sessions of each, in turns")
    args = parser.parse_args()
    size = (int(args.size.split("x")[0]), int(args.size.split("x")[1]))
    sizes = [int(n) for n in args.articles.split(",")]
    workdir = args.workdir or scratch("bench-tui-library-")
    workdir.mkdir(parents=True, exist_ok=True)
    homes = scratch("bench-homes-")
    floor = f"{shlex.quote(sys.executable)} {shlex.quote(str(MINAPP))}"
    started = time.perf_counter()
    compile_reader()
    print(
        f"news TUI on corpus libraries: tmux {args.size}, Python {platform.python_version()},"
        f" textual {textual.__version__}; workdir {workdir}; news at {revision()}"
    )
    print(f"  minapp:  {floor}")
    if args.baseline:
        print(f"  baseline: PYTHONPATH={args.baseline} (at {revision(args.baseline)})")
    results: dict[int, dict[str, object]] = {}
    for n in sizes:
        library = ensure_library(n, workdir, args.reuse)
        cmd = news_cmd(library)
        print(f"  news:    {cmd}   (NEWS_DATA_DIR, NEWS_CONFIG_DIR in {homes})")
        problems: list[str] = []
        env = fresh_env(homes)
        start_news(cmd, size, env, problems)  # warms the cache; seeds the library the first time
        start_floor(floor, size, env)
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(start_news(cmd, size, env, problems) * 1000)
            base.append(start_floor(floor, size, env) * 1000)
        keys, before = keys_in_turns(cmd, size, homes, args, problems)
        results[n] = {"ours": ours, "base": base, "problems": problems, **keys}
        if before is not None:
            results[n]["before"] = before

    width = 17
    head = "".join(f"{n:>{width},}" for n in sizes)
    print(f"\n{args.runs} start-ups each (alternating), {args.presses} presses of each key; ms")
    print(f"{'':34}{head}   goal")
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("minapp, READY-MARKER (median)", lambda r: ms(median(r["base"]))),
        ("news, story 0 painted (median)", lambda r: ms(median(r["ours"]))),
        ("  ratio", lambda r: f"{median(r['ours']) / median(r['base']):.2f}x"),
        ("j -> repaint (median / p95)", lambda r: ms(r["j"])),
        ("Enter -> story (median / p95)", lambda r: ms(r["enter"])),
        ("G -> repaint (once)", lambda r: ms(r.get("G"))),
        ("VmHWM at quit, MB", lambda r: ms(r.get("hwm_mb"))),
        ("VmRSS at quit, MB", lambda r: ms(r.get("rss_mb"))),
    ]
    goals = [
        "",
        "",
        " / ".join(f"<={GOAL_RATIO.get(n, 2.0)}x" for n in sizes),
        f"< {GOAL_KEY_MS}",
        f"< {GOAL_KEY_MS}",
        "",
        f"< {GOAL_HWM_MB} at 100,000",
        "",
    ]
    if not args.runs:  # no start-ups measured
        rows, goals = rows[3:], goals[3:]
    if args.baseline:  # after the Enter row
        rows[-3:-3] = [
            ("  baseline: j", lambda r: ms(r["before"]["j"])),
            ("  baseline: Enter", lambda r: ms(r["before"]["enter"])),
        ]
        goals[-3:-3] = ["", ""]
    for (label, cell), goal in zip(rows, goals, strict=True):
        print(
            f"  {label:32}" + "".join(f"{cell(results[n]):>{width}}" for n in sizes) + f"   {goal}"
        )
    for n in sizes:
        for problem in results[n]["problems"]:  # type: ignore[attr-defined]
            print(f"\nPROBLEM at {n:,}: {problem}")
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
