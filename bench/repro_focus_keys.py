"""Reproduce: keys typed just after a story opens reach the reading pane, not the list.

    /work/venv/bin/python bench/repro_focus_keys.py [--library FILE] [--tries 20]
        [--gaps 0,100,300] [--workdir DIR]

In tmux (120x40): Enter on the highlighted story; as soon as its text is painted,
`h` (back to the list), a pause of --gaps ms, then `j` (next story). A person
doing "open, back, next" at a normal pace. Expected: the list's highlight moves
and the story stays where it was. What goes wrong: `j` scrolls the story a
line, because the focus moves back to the list only after the app is done with
the Enter (the footer rebuilds itself on each focus change, a few hundred ms).

Then, headless (Pilot), the event loop's CPU time per press of h, j and Enter,
as the app is and with `Footer.recompose` made a no-op in this process only (a
measurement, not a fix), to show how much of each press is the footer. Since
the reader's footer draws its keys itself (reader/tui/widgets/key_footer.py,
not a Textual Footer), the two measure the same: the footer costs no press.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from tui_common import (
    ROOT,
    STORY,
    Timeout,
    Tui,
    compile_reader,
    ensure_library,
    footer,
    fresh_env,
    news_cmd,
    quit_app,
    revision,
    scratch,
    settle,
    story_number,
    wait_for,
)


def story_row(screen: str) -> int | None:
    """The screen row of the story's first line ("Generated story number N.")."""
    for row, line in enumerate(screen.splitlines()):
        if STORY.search(line):
            return row
    return None


def tmux_tries(library: Path, tries: int, gap: float, homes: Path) -> tuple[int, int]:
    """(tries where j scrolled the story instead of moving the list, tries made)."""
    wrong = made = 0
    with Tui(news_cmd(library), size=(120, 40), env=fresh_env(homes)) as tui:
        tui.wait(r"Generated story number 0\.", timeout=60)
        settle(tui)
        tui.send("j")
        settle(tui)
        for _ in range(tries):
            shown = story_number(tui.screen())
            key = tui.send("Enter")
            try:
                _, screen = wait_for(
                    tui, lambda s, shown=shown: story_number(s) not in (None, shown), key, 3
                )
            except Timeout:
                print("    (Enter opened no other story; footer:", footer(tui.screen())[:40], ")")
                tui.send("h")
                settle(tui)
                tui.send("j")
                settle(tui)
                continue
            row = story_row(screen)
            tui.send("h")
            time.sleep(gap)
            tui.send("j")
            time.sleep(0.8)
            made += 1
            if story_row(tui.screen()) != row:
                wrong += 1
                tui.send("j")  # the list has the focus by now: move on
                settle(tui)
        quit_app(tui)
    return wrong, made


HEADLESS = """
import asyncio, statistics, sys, time
from textual.widgets import Footer
from reader.cli.common import open_catalog
from reader.config import load_config
from reader.tui.app import NewsApp

if sys.argv[1] == "no-footer-rebuild":
    async def _no_rebuild(self): pass
    Footer.recompose = _no_rebuild  # this process only: what the presses cost without it

config = load_config()
app = NewsApp(open_catalog([], config), keywords=list(config.keywords))

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        cpu = {"h": [], "j": [], "enter": []}
        for round in range(13):
            for key in cpu:
                start = time.process_time()
                await pilot.press(key)
                await pilot.pause(0.4)
                if round >= 3:
                    cpu[key].append((time.process_time() - start) * 1000)
        print(" ".join(f"{k}={statistics.median(v):.0f}" for k, v in cpu.items()))

asyncio.run(main())
"""


def headless(library: Path, mode: str, homes: Path) -> str:
    env = {**os.environ, **fresh_env(homes), "NEWS_LIBRARY": str(library)}
    done = subprocess.run(
        [sys.executable, "-c", HEADLESS, mode], capture_output=True, text=True, env=env, cwd=ROOT
    )
    return done.stdout.strip() or done.stderr.strip()[-500:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, help="a library (default: 10,000 corpus articles)")
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--gaps", default="0,100,300", help="ms between h and j")
    parser.add_argument("--workdir", type=Path, help="keep the library here (default: a temp dir)")
    args = parser.parse_args()
    workdir = args.workdir or scratch("bench-repro-")
    workdir.mkdir(parents=True, exist_ok=True)
    homes = scratch("bench-homes-")
    library = args.library or ensure_library(10_000, workdir)
    compile_reader()
    print(f"news at {revision()}; {news_cmd(library)}")
    print("Enter, then as soon as the story is painted: h, a pause, j")
    for gap in (int(g) / 1000 for g in args.gaps.split(",")):
        wrong, made = tmux_tries(library, args.tries, gap, homes)
        print(
            f"  h, {gap * 1000:3.0f} ms, j: the story scrolled instead of the list"
            f" in {wrong} of {made}"
        )
    print("CPU ms of the app per press, headless, median of 10 (h and Enter move the focus):")
    for mode in ("as-is", "no-footer-rebuild"):
        print(f"  {mode:18} {headless(library, mode, homes)}")


if __name__ == "__main__":
    main()
