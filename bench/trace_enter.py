"""Where the CPU of an Enter goes, in-process: the reader headless at 120x40 on a
library, `h`, `j`, then Enter on the next story, --presses times.

    NEWS_LIBRARY=/tmp/lib100000.sqlite python bench/trace_enter.py [--presses 12]
        [--baseline CHECKOUT]

For each Enter, in CPU milliseconds of the app's thread (`time.thread_time`,
which machine load inflates far less than the wall clock): the handler
(opening the story, marking it read), each paint after it and which widgets
drew in the first one (the one that shows the story), and how many sidebar
rows were drawn afresh (`RowPainter`). Medians over the presses. The
terminal's side (tmux, the frame timer) is `tui_library.py`'s to measure.

--baseline CHECKOUT runs the same in another checkout of the reader (in a
child process with PYTHONPATH=CHECKOUT), before this one.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def trace(presses: int) -> None:
    from textual._compositor import Compositor
    from textual.widget import Widget

    from reader.cli.common import open_catalog
    from reader.config import load_config
    from reader.tui import navigation_controller
    from reader.tui.app import NewsApp
    from reader.tui.widgets import sidebar_paint

    timing = [False]
    paints: list[tuple[str, float, collections.Counter[str]]] = []
    drawing: list[collections.Counter[str] | None] = [None]
    handler: list[float] = []
    rows = [0]

    def wrap(cls: Any, name: str, around: Any) -> None:
        made = getattr(cls, name)
        setattr(cls, name, lambda self, *a, **k: around(made, self, *a, **k))

    def paint(made: Any, self: Any, *a: Any, **k: Any) -> Any:
        drawing[0] = collections.Counter()
        start = time.thread_time()
        update = made(self, *a, **k)
        if timing[0] and update is not None:
            took = (time.thread_time() - start) * 1000
            paints.append((type(update).__name__, took, drawing[0]))
        drawing[0] = None
        return update

    def draw(made: Any, self: Any, *a: Any, **k: Any) -> Any:
        start = time.thread_time()
        lines = made(self, *a, **k)
        if (counter := drawing[0]) is not None:
            name = type(self).__name__
            if name == "ScrollBar":
                name += f" of {self.parent.id or type(self.parent).__name__}"
            counter[name] += (time.thread_time() - start) * 1000
        return lines

    def select(made: Any, self: Any, *a: Any, **k: Any) -> Any:
        start = time.thread_time()
        done = made(self, *a, **k)
        if timing[0]:
            handler.append((time.thread_time() - start) * 1000)
        return done

    def painter(made: Any, self: Any, *a: Any, **k: Any) -> Any:
        if timing[0]:
            rows[0] += 1
        return made(self, *a, **k)

    wrap(Compositor, "render_update", paint)
    wrap(Widget, "render_lines", draw)
    wrap(navigation_controller.NavigationController, "selected", select)
    for kind in ("story", "header", "note"):
        wrap(sidebar_paint.RowPainter, kind, painter)

    config = load_config()
    app = NewsApp(open_catalog([], config), keywords=list(config.keywords))
    firsts: list[float] = []
    totals: list[float] = []
    counts: list[int] = []
    widgets: collections.Counter[str] = collections.Counter()

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(1.0)
            for _ in range(presses):
                for key in ("h", "j"):
                    await pilot.press(key)
                    await pilot.pause(0.15)
                paints.clear()
                rows[0] = 0
                timing[0] = True
                await pilot.press("enter")
                await pilot.pause(0.3)
                timing[0] = False
                if paints:
                    firsts.append(paints[0][1])
                    widgets.update(paints[0][2])
                totals.append(sum(took for _, took, _ in paints))
                counts.append(rows[0])

    asyncio.run(run())
    print(f"  handler (open, mark read)   {statistics.median(handler):6.1f}")
    print(f"  first paint (the story)     {statistics.median(firsts):6.1f}")
    print(f"  all paints of the Enter     {statistics.median(totals):6.1f}")
    print(f"  sidebar rows drawn afresh   {statistics.median(counts):6.0f}")
    top = ", ".join(f"{name} {ms / presses:.1f}" for name, ms in widgets.most_common(5))
    print(f"  first paint by widget: {top}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=12)
    parser.add_argument("--baseline", type=Path, help="another checkout, traced first")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        trace(args.presses)
        return
    if "NEWS_LIBRARY" not in os.environ:
        parser.error("set NEWS_LIBRARY to the library to trace (see tui_library.py)")
    runs = [("this checkout", {})]
    if args.baseline:
        runs.insert(0, (f"baseline {args.baseline}", {"PYTHONPATH": str(args.baseline.resolve())}))
    print(f"CPU ms per Enter (median of {args.presses}), headless 120x40")
    script = str(Path(__file__).resolve())
    for label, extra in runs:
        print(label, flush=True)
        with tempfile.TemporaryDirectory(prefix="trace-enter-") as home:
            # Enter marks stories read: never in the developer's own files.
            dirs = {"NEWS_DATA_DIR": f"{home}/data", "NEWS_CONFIG_DIR": f"{home}/config"}
            command = [sys.executable, script, "--inner", "--presses", str(args.presses)]
            env = {**os.environ, **dirs, **extra}
            subprocess.run(command, env=env, check=True, cwd=home)


if __name__ == "__main__":
    main()
