"""Where the milliseconds of a search go, from the last key to the results painted.

    python bench/search_trace.py --library LIB.sqlite [--runs 3] [--timeline]
        [--enter] [--checkout DIR]

Runs the reader in a tmux pane (120x40) under probes: timing wrappers put
around Textual's and the reader's functions by this file, in the reader's own
process (`--serve`), before it starts; nothing of them is in the reader. Then
types each of corpus.py's three words as search_tui.py does (`/`, Ctrl+U, the
word in one go, wait for its count), quits, and reads the trace back. For each
word typed it prints, from the moment the last key reached the app (the
driver's thread) to the end of the write of the frame that showed its answer:
the time spent in each probe (clipped to that span, main thread unless marked),
the number of layouts and paints, and the time nothing probed ran (waiting for
the frame timer or for the query thread, or code outside the probes).
Medians over the runs. `--enter` opens the first result after each word (Enter,
"match 1 of"), as search_tui.py does, instead of closing the bar (Escape), and
lists for each Enter the frames written up to the first with "match 1 of" (the
story's number and the count, each as Textual's writer thread wrote it): the
story and its count in one frame, or one after the other (with `--timeline`,
every event in between, the repaints asked of the screen by widget). `--timeline`
prints the events of the last run's words. `--checkout DIR` runs another
checkout's reader (PYTHONPATH=DIR) under the same probes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from tui_common import (
    ROOT,
    Tui,
    bar_line,
    compile_reader,
    fresh_env,
    quit_app,
    scratch,
    settle,
    time_frames,
    wait_for,
)

WORDS = ["quokkapolis", "wallabyville", "dingotown"]
STORY = re.compile(r"Generated story number (\d+)\.")
MATCH_1 = "match 1 of"
Event = tuple[str, str, float, float]  # probe, thread ("main" or "worker"), start, end
EVENTS: list[Event] = []
MAIN = threading.main_thread()


def _record(name: str, start: float, end: float) -> None:
    thread = "main" if threading.current_thread() is MAIN else "worker"
    EVENTS.append((name, thread, start, end))


def _wrap(owner: type, attribute: str, name: str) -> None:
    """Time every call of owner.attribute (sync or async) as `name`."""
    import inspect

    original = getattr(owner, attribute)
    if inspect.iscoroutinefunction(original):

        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                _record(name, start, time.perf_counter())

        setattr(owner, attribute, timed_async)
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _record(name, start, time.perf_counter())

    setattr(owner, attribute, timed)


def install_probes() -> None:
    from textual import events
    from textual._compositor import Compositor
    from textual.app import App
    from textual.css.stylesheet import Stylesheet
    from textual.driver import Driver
    from textual.screen import Screen
    from textual.widget import Widget

    from reader.library.search import Searcher
    from reader.tui.search_controller import SearchController
    from reader.tui.widgets.result_list import ResultList

    process = Driver.process_message

    def key_arrives(self: Driver, message: Any) -> None:
        if isinstance(message, events.Key):
            now = time.perf_counter()
            EVENTS.append((f"key {message.key}", "driver", now, now))
        process(self, message)

    Driver.process_message = key_arrives  # type: ignore[method-assign]
    render_lines = Widget.render_lines

    def lines_of(self: Widget, crop: Any) -> Any:  # by class: which widget's lines cost
        start = time.perf_counter()
        try:
            return render_lines(self, crop)
        finally:
            name = type(self).__name__
            if name == "ScrollBar":  # whose: each scrolling view has its own
                name = f"ScrollBar of {type(self.parent).__name__}"
            _record(f"lines {name}", start, time.perf_counter())

    Widget.render_lines = lines_of  # type: ignore[method-assign]
    _probe_frames_and_enter()
    for owner, attribute, name in [
        (Screen, "_on_timer_update", "frame"),
        (Screen, "_refresh_layout", "layout"),
        (Compositor, "render_update", "render_update"),
        (App, "_display", "display"),
        (Stylesheet, "update_nodes", "restyle"),
        (Widget, "_refresh_scrollbars", "scrollbars"),
        (Widget, "recompose", "recompose"),
        (Widget, "get_component_rich_style", "component_style"),
        (ResultList, "render_line", "result_line"),
        (SearchController, "search_for", "search_for"),
        (SearchController, "answered", "search_done"),
        (Searcher, "search", "query"),
    ]:
        _wrap(owner, attribute, name)
    gc_start: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start.append(time.perf_counter())
        elif gc_start:
            _record(f"gc{info['generation']}", gc_start.pop(), time.perf_counter())

    gc.callbacks.append(on_gc)


def _probe_frames_and_enter() -> None:
    """Each frame written to the terminal, with what it shows of an Enter's
    answer (the story, "match 1 of"); and, for each result opened, whether
    its matches were counted by the end of the handler (the count said then)."""
    from reader.tui.search_controller import SearchController

    def shows(text: str) -> str:
        said = [f"story {m[1]}" for m in STORY.finditer(text)][:1]
        said += ["match 1 of"] if MATCH_1 in text else []
        return " + ".join(said) or "-"

    time_frames(_record, shows)
    open_result = SearchController.open_result

    def opened(self: SearchController, *args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        open_result(self, *args, **kwargs)
        said = "counted" if self.screen.story.matches_counted else "not counted"
        _record(f"open_result ({said})", start, time.perf_counter())

    SearchController.open_result = opened  # type: ignore[method-assign]
    from textual.screen import Screen

    for attribute in ("_on_update", "_on_layout"):
        original = getattr(Screen, attribute)

        def asked(
            self: Screen, message: Any, _original: Any = original, _what: str = attribute
        ) -> Any:
            widget = message.widget
            now = time.perf_counter()
            _record(f"{_what[4:]} asked by {type(widget).__name__}#{widget.id}", now, now)
            return _original(self, message)

        setattr(Screen, attribute, asked)


def serve(trace: Path, argv: list[str]) -> int:
    """The reader under probes; the trace written when it ends."""
    install_probes()
    from reader.cli import main

    try:
        return main(argv)
    finally:
        trace.write_text("\n".join(json.dumps(event) for event in EVENTS))


# -- driving and reading the trace --------------------------------------------------


def drive(
    library: Path, trace: Path, homes: Path, enter: bool, checkout: Path | None = None
) -> dict[str, float]:
    """One session: the three words; the driver's own last-key-to-count ms."""
    cmd = f"{sys.executable} {Path(__file__).resolve()} --serve {trace} -- --library {library}"
    env = fresh_env(homes)
    if checkout is not None:  # that checkout's reader, under the same probes
        env["PYTHONPATH"] = str(checkout.resolve())
    seen: dict[str, float] = {}
    with Tui(cmd, size=(120, 40), env=env, cwd=str(ROOT)) as tui:
        tui.wait(r"Generated story number 0\.", timeout=60)
        settle(tui)
        for word in WORDS:
            tui.send("/")
            tui.send("C-u")
            wait_for(tui, lambda s: "Search: words" in bar_line(s), time.perf_counter())
            settle(tui, quiet=0.1, timeout=1)
            typed = re.compile(rf"^\s*/\s+{word}\b.*\bstor(y|ies)\b")
            key = tui.type(word)
            seconds, _ = wait_for(tui, lambda s, t=typed: bool(t.match(bar_line(s))), key, 15)
            seen[word] = seconds * 1000
            settle(tui, quiet=0.1, timeout=1)
            if enter:  # as search_tui.py does: the story opened before the next search
                tui.send("Enter")
                wait_for(tui, lambda s: "match 1 of" in bar_line(s), time.perf_counter(), 10)
                settle(tui, quiet=0.1, timeout=1)
            else:
                tui.send("Escape")
                time.sleep(0.3)
        quit_app(tui)
    return seen


def spans(events: list[Event]) -> list[dict[str, Any]]:
    """For each word typed: its events from the last key to the paint after
    the last search_done (the answer that stayed)."""
    keys = [e for e in events if e[0].startswith("key ")]
    # A word's keys: a run of printable keys with no other key between.
    words: list[list[Event]] = []
    run: list[Event] = []
    for key in keys:
        if len(key[0]) == len("key x"):
            run.append(key)
        else:
            if len(run) > 3:
                words.append(run)
            run = []
    if len(run) > 3:
        words.append(run)
    out = []
    for run in words:
        last = run[-1][2]
        following = [e for e in keys if e[2] > last]
        until = following[0][2] if following else float("inf")
        done = [e for e in events if e[0] == "search_done" and last < e[2] < until]
        if not done:
            continue
        answer = done[-1][3]
        paints = [e for e in events if e[0] == "display" and e[3] > answer and e[2] < until]
        if not paints:
            continue
        end = paints[0][3]
        inside = [e for e in events if e[3] > last and e[2] < end and not e[0].startswith("key")]
        out.append({"start": last, "end": end, "first": run[0][2], "events": inside})
    return out


def breakdown(span: dict[str, Any]) -> dict[str, float]:
    start, end = span["start"], span["end"]
    totals: dict[str, float] = defaultdict(float)
    busy: list[tuple[float, float]] = []
    for name, thread, a, b in span["events"]:
        if " asked by " in name or name.startswith("output"):
            continue  # moments, not spans: for the timelines
        a, b = max(a, start), min(b, end)
        label = name if thread == "main" else f"{name} ({thread})"
        totals[label] += (b - a) * 1000
        outer = name in ("layout", "display", "frame", "search_for", "search_done")
        if thread == "main" and (outer or name.startswith("gc")):
            busy.append((a, b))
        if thread == "main" and name in ("layout", "display", "search_done"):
            totals[f"# {name}"] += 1 / 1000  # shown as counts below
    busy.sort()
    covered, reach = 0.0, start
    for a, b in busy:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    totals["total"] = (end - start) * 1000
    totals["unprobed or waiting"] = totals["total"] - covered * 1000
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeline", action="store_true")
    parser.add_argument("--enter", action="store_true", help="open the first result after each")
    parser.add_argument("--checkout", type=Path, help="another checkout's reader (PYTHONPATH)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        sys.exit(serve(args.serve, args.rest))
    if args.library is None:
        parser.error("--library is needed")
    compile_reader()
    homes = scratch("bench-trace-")
    per_word: dict[str, list[dict[str, float]]] = defaultdict(list)
    driver_ms: dict[str, list[float]] = defaultdict(list)
    last_spans: list[dict[str, Any]] = []
    entered: list[dict[str, Any]] = []
    print(f"load {os.getloadavg()[0]:.1f}; library {args.library}")
    for _ in range(args.runs):
        trace = homes / "trace.jsonl"
        seen = drive(args.library, trace, homes, args.enter, args.checkout)
        events = [tuple(json.loads(line)) for line in trace.read_text().splitlines()]
        found = spans(events)  # type: ignore[arg-type]
        for word, span in zip(WORDS, found, strict=False):
            per_word[word].append(breakdown(span))
            driver_ms[word].append(seen[word])
        last_spans = found
        entered += enters(events)  # type: ignore[arg-type]
    report(per_word, driver_ms)
    if args.enter:
        report_enters(entered, args.timeline)
    if args.timeline:
        for word, span in zip(WORDS, last_spans, strict=False):
            timeline(word, span)


def enters(events: list[Event]) -> list[dict[str, Any]]:
    """For each Enter: from the key reaching the app to the first frame
    written with "match 1 of", the frames written (what each showed) and
    the result opened (its count said in the handler or not)."""
    out = []
    keys = [e for e in events if e[0].startswith("key ")]
    for key in (k for k in keys if k[0] == "key enter"):
        start = key[2]
        after = [e for e in events if e[2] >= start]
        frames = [e for e in after if e[0].startswith("output")]
        end = next((e for e in frames if MATCH_1 in e[0]), None)
        if end is None:
            continue
        frames = [e for e in frames if e[2] <= end[2] and e[0] != "output -"]
        opened = [e for e in after if e[0].startswith("open_result") and e[2] <= end[2]]
        story = next((e for e in frames if "story" in e[0]), None)
        out.append(
            {
                "story ms": (story[3] - start) * 1000 if story else float("nan"),
                "match ms": (end[3] - start) * 1000,
                "frames": [(f"{(e[3] - start) * 1000:.1f}", e[0][7:]) for e in frames],
                "opened": [e[0] for e in opened],
                "together": story is end,
                "events": [
                    (f"{(e[2] - start) * 1000:.1f}", e[0], f"{(e[3] - e[2]) * 1000:.1f}")
                    for e in after
                    if e[2] <= end[3] and not e[0].startswith(("lines", "component", "result_line"))
                ],
            }
        )
    return out


def report_enters(rows: list[dict[str, Any]], timeline: bool) -> None:
    """Enter on a result, in-process: the frames that showed the story and its count."""
    together = sum(1 for row in rows if row["together"])
    print("\nEnter on a result: frames written up to 'match 1 of' (ms from the key at the app)")
    print(f"  the story and its count in one frame: {together} of {len(rows)} Enters")
    for row in rows:
        frames = ", ".join(f"{ms} {what}" for ms, what in row["frames"])
        opened = "; ".join(row["opened"])
        print(f"  story {row['story ms']:5.1f}  match {row['match ms']:5.1f}  {opened}: {frames}")
        if timeline:
            for at, name, took in row["events"]:
                print(f"      {at:>7} {took:>6}  {name}")


def report(per_word: dict[str, list[dict[str, float]]], driver_ms: dict[str, list[float]]) -> None:
    labels = sorted({k for rows in per_word.values() for row in rows for k in row})
    first = ["total", "unprobed or waiting"]
    labels = first + [k for k in labels if k not in first]
    print("\nms from the last key to the answer's frame written, median of runs")
    print(f"  {'':28}" + "".join(f"{w:>14}" for w in per_word))
    print(
        f"  {'(tmux driver: key to count)':28}"
        + "".join(f"{statistics.median(driver_ms[w]):14.1f}" for w in per_word)
    )
    for label in labels:
        cells = []
        for word in per_word:
            values = [row.get(label, 0.0) for row in per_word[word]]
            value = statistics.median(values)
            cells.append(f"{value * 1000:14.0f}" if label.startswith("#") else f"{value:14.1f}")
        print(f"  {label:28}" + "".join(cells))


def timeline(word: str, span: dict[str, Any]) -> None:
    began = (span["start"] - span["first"]) * 1000
    print(f"\n{word}: typing began {began:.0f} ms before the last key")
    for name, thread, a, b in sorted(span["events"], key=lambda e: e[2]):
        if name in ("component_style", "result_line", "scrollbars") or name.startswith("lines"):
            continue  # too many: their sums are in the table
        at = (a - span["start"]) * 1000
        print(f"  {at:8.1f} ms  {(b - a) * 1000:6.1f}  {name} ({thread})")
    print(f"  {(span['end'] - span['start']) * 1000:8.1f} ms  the answer's frame written")


if __name__ == "__main__":
    main()
