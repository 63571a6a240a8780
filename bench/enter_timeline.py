"""Where the wall-clock milliseconds of an Enter in the sidebar go, press by press.

    python bench/enter_timeline.py --library LIB.sqlite [--presses 30] [--floor]
        [--checkout DIR] [--timeline slow|all|none]

`tui_library.py` times Enter from the key sent to tmux to the next story seen
on the pane; `trace_enter.py` counts the app thread's CPU. Neither says why one
press in twenty takes twice the median. This runs the reader in a tmux pane
(120x40) as `tui_library.py` does, under probes put around Textual's and the
reader's functions by this file, in the reader's own process (`--serve`),
before it starts; nothing of them is in the reader. Both processes read the
same clock (`time.perf_counter`, CLOCK_MONOTONIC), so the driver's "sent" and
"seen" sit on the app's own timeline. For each press it prints:

- the steps: key sent -> bytes read by Textual's input thread -> the Key
  dispatched on the app's thread -> the Enter handled -> the frame that shows
  the story painted (`render_update`) -> written to the terminal by Textual's
  output thread -> seen by the driver (`tmux capture-pane`, every 4 ms);
- what else ran inside the press: garbage collections (`gc.callbacks`, with
  their generation), the saver thread's writes, timers, layouts, other paints;
- from /proc (`schedstat`), per thread of the reader and for the tmux server:
  the CPU each used during the press and the time each waited for a core.

`--checkout DIR` runs another checkout's reader (PYTHONPATH=DIR) under the
same probes, to set a change beside the code before it. `--floor` also
presses `down` in `../shared/bench/minapp.py`'s tree, taking turns press by
press in a second pane: the driver's floor and its spread.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tui_common import (
    MINAPP,
    ROOT,
    STORY,
    TMUX,
    Tui,
    compile_reader,
    fresh_env,
    p95,
    quit_app,
    scratch,
    settle,
    story_number,
    time_frames,
    wait_change,
    wait_for,
)

# (what, thread name, start, end, CPU ms of that thread in between)
Event = tuple[str, str, float, float, float]
EVENTS: list[Event] = []


def _record(name: str, start: float, end: float, cpu: float = 0.0) -> None:
    EVENTS.append((name, threading.current_thread().name, start, end, cpu))


def _wrap(owner: Any, attribute: str, name: Any) -> None:
    """Time every call of owner.attribute (sync or async); `name` may be a
    function of the call's arguments."""
    import inspect

    original = getattr(owner, attribute)
    label = name if callable(name) else (lambda *a, **k: name)

    if inspect.iscoroutinefunction(original):

        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return await original(*args, **kwargs)
            finally:
                took = (time.thread_time() - cpu) * 1000
                _record(label(*args, **kwargs), start, time.perf_counter(), took)

        setattr(owner, attribute, timed_async)
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            took = (time.thread_time() - cpu) * 1000
            _record(label(*args, **kwargs), start, time.perf_counter(), took)

    setattr(owner, attribute, timed)


def install_probes() -> None:
    from textual import events
    from textual._compositor import Compositor
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.timer import Timer

    from reader.tui.navigation_controller import NavigationController
    from reader.tui.saver import Saver

    read = os.read

    def read_input(fd: int, n: int) -> bytes:  # Textual's input thread reads fd 0
        data = read(fd, n)
        if fd == 0:
            now = time.perf_counter()
            _record(f"input {data!r}", now, now)
        return data

    os.read = read_input

    def shows(text: str) -> str:
        story = STORY.search(text)  # which story this frame shows, if it shows one
        return f"{len(text)} story {story[1]}" if story else str(len(text))

    time_frames(_record, shows)

    def message(pump: Any, message: Any) -> str:
        what = type(message).__name__
        if isinstance(message, events.Key):
            what = f"Key {message.key}"
        return f"message {type(pump).__name__}.{what}"

    def saved(saver: Any, fn: Any, *args: Any) -> str:
        return f"save {getattr(fn, '__qualname__', fn)}"

    def paint(compositor: Any, *args: Any, **kwargs: Any) -> str:
        return "paint"

    for owner, attribute, name in [
        (MessagePump, "_dispatch_message", message),
        (Screen, "_on_timer_update", "frame"),
        (Screen, "_refresh_layout", "layout"),
        (Screen, "_invoke_and_clear_callbacks", "after-refresh callbacks"),
        (Compositor, "render_update", paint),
        (Timer, "_tick", lambda timer, **k: f"timer {timer.name}"),
        (Saver, "_run", saved),
        (NavigationController, "selected", "enter handled"),
    ]:
        _wrap(owner, attribute, name)
    gc_start: list[tuple[float, float]] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start.append((time.perf_counter(), time.thread_time()))
        elif gc_start:
            start, cpu = gc_start.pop()
            took = (time.thread_time() - cpu) * 1000
            _record(f"gc{info['generation']}", start, time.perf_counter(), took)

    gc.callbacks.append(on_gc)


def serve(trace: Path, argv: list[str]) -> int:
    """The reader under probes; the trace written when it ends."""
    install_probes()
    from reader.cli import main

    try:
        return main(argv)
    finally:
        trace.write_text("\n".join(json.dumps(event) for event in EVENTS))


# -- the driver's side ---------------------------------------------------------------


def schedstat(pid: int) -> dict[str, tuple[int, int]]:
    """Per thread (by name, numbered when names repeat): ns on a CPU, ns waiting for one."""
    out: dict[str, tuple[int, int]] = {}
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            name = (task / "comm").read_text().strip()
            ran, waited = (int(v) for v in (task / "schedstat").read_text().split()[:2])
        except OSError:
            continue
        key, n = name, 2
        while key in out:
            key, n = f"{name}#{n}", n + 1
        out[key] = (ran, waited)
    return out


def app_pid(tui: Tui) -> int:
    """The pane's program: the child of the pane's shell (`pane_python_pid`
    looks for `reader` in the command line, which `--serve` has not)."""
    done = subprocess.run(
        [*TMUX, "display", "-p", "-t", tui.name, "#{pane_pid}"], capture_output=True, text=True
    )
    shell = done.stdout.strip()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] == shell:
                return int(stat.parent.name)
        except (OSError, IndexError):
            continue
    raise RuntimeError(f"no child of the pane's shell {shell}")


def tmux_server_pid() -> int:
    done = subprocess.run([*TMUX, "display", "-p", "#{pid}"], capture_output=True, text=True)
    return int(done.stdout.strip())


def used(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict:
    """ms on a CPU and ms waiting for one, per thread, between two schedstats."""
    out = {}
    for name, (ran, waited) in after.items():
        ran0, waited0 = before.get(name, (0, 0))
        out[name] = ((ran - ran0) / 1e6, (waited - waited0) / 1e6)
    return out


def press_enter(tui: Tui, pids: dict[str, int]) -> dict[str, Any]:
    """h, j, then Enter on the next story: sent, seen, and the threads' CPU."""
    tui.send("h")
    before = settle(tui)
    wait_change(tui, before, tui.send("j"))
    settle(tui)
    shown = story_number(tui.screen())
    stats = {label: schedstat(pid) for label, pid in pids.items()}
    driver = os.times()  # this process and the tmux clients it ran (send-keys, capture-pane)
    sent = tui.send("Enter")
    seconds, _ = wait_for(tui, lambda s: story_number(s) not in (None, shown), sent, timeout=5)
    seen = sent + seconds
    after = {label: schedstat(pid) for label, pid in pids.items()}
    done = os.times()
    threads = {
        "driver:self": ((done.user + done.system - driver.user - driver.system) * 1000, 0.0),
        "driver:tmux clients": (
            (
                done.children_user
                + done.children_system
                - driver.children_user
                - driver.children_system
            )
            * 1000,
            0.0,
        ),
    }
    for label in pids:
        for name, figures in used(stats[label], after[label]).items():
            threads[f"{label}:{name}"] = figures
    return {"sent": sent, "seen": seen, "threads": threads}


def press_floor(tui: Tui, key: str) -> float:
    before = settle(tui)
    sent = tui.send(key)
    return wait_change(tui, before, sent) * 1000


def drive(
    library: Path, trace: Path, homes: Path, presses: int, floor: bool, checkout: Path | None
) -> tuple[list[dict[str, Any]], list[float]]:
    cmd = f"{sys.executable} {Path(__file__).resolve()} --serve {trace} -- --library {library}"
    env = fresh_env(homes)
    if checkout is not None:  # that checkout's reader, under the same probes
        env["PYTHONPATH"] = str(checkout.resolve())
    floor_ms: list[float] = []
    results: list[dict[str, Any]] = []
    minapp = Tui(f"{sys.executable} {MINAPP}", size=(120, 40)) if floor else None
    with Tui(cmd, size=(120, 40), env=env, cwd=str(ROOT)) as tui:
        tui.wait(r"Generated story number 0\.", timeout=60)
        pids = {"news": app_pid(tui), "tmux": tmux_server_pid()}
        if minapp is not None:
            minapp.__enter__()
            minapp.wait("READY-MARKER", timeout=60)
        try:
            settle(tui, quiet=0.5)
            for i in range(presses):
                results.append(press_enter(tui, pids))
                settle(tui)
                if minapp is not None:
                    floor_ms.append(press_floor(minapp, "down" if i % 2 == 0 else "up"))
        finally:
            if minapp is not None:
                minapp.__exit__(None, None, None)
            quit_app(tui)
    return results, floor_ms


# -- reading the trace -----------------------------------------------------------------


def first(events: list[Event], test: Any, after: float) -> Event | None:
    return next((e for e in events if e[2] >= after and test(e)), None)


def steps(press: dict[str, Any], events: list[Event]) -> dict[str, Any]:
    """The press's milestones, and the events between its sending and its sight."""
    sent, seen = press["sent"], press["seen"]
    inside = [e for e in events if e[3] >= sent and e[2] <= seen]
    got = first(inside, lambda e: e[0].startswith("input") and "\\r" in e[0], sent)
    key = first(inside, lambda e: "Key enter" in e[0], got[2] if got else sent)
    handled = first(inside, lambda e: e[0] == "enter handled", sent)
    # The frame that showed the story: the last paint, and the write after it, before seen.
    paints = [e for e in inside if e[0] == "paint" and e[3] <= seen]
    shown = paints[-1] if paints else None
    written = None
    if shown is not None:
        outs = [e for e in inside if e[0].startswith("output") and shown[3] <= e[3] <= seen]
        written = outs[0] if outs else None
    marks = {
        "input": got[2] if got else None,
        "key": key[2] if key else None,
        "handled": handled[3] if handled else None,
        "paint start": shown[2] if shown else None,
        "paint end": shown[3] if shown else None,
        "written": written[3] if written else None,
    }
    return {"total": (seen - sent) * 1000, "marks": marks, "events": inside}


def segments(row: dict[str, Any], sent: float, seen: float) -> dict[str, float]:
    """ms between the milestones (None when one is missing)."""
    marks = row["marks"]
    names = ["input", "key", "handled", "paint start", "paint end", "written"]
    labels = [
        "sent->input",
        "input->Key",
        "Key->handled",
        "handled->paint",
        "paint",
        "paint->written",
        "written->seen",
    ]
    points = [sent, *(marks[n] for n in names), seen]
    out: dict[str, float] = {}
    for label, a, b in zip(labels, points, points[1:], strict=False):
        out[label] = (b - a) * 1000 if a is not None and b is not None else float("nan")
    return out


def nearest(event: Event, presses: list[dict[str, Any]]) -> float:
    """ms from the Enter sent closest to the event (negative: before it)."""
    return min(((event[2] - p["sent"]) * 1000 for p in presses), key=abs)


def busy_threads(press: dict[str, Any], least: float = 1.0) -> str:
    parts = []
    for name, (ran, waited) in sorted(press["threads"].items(), key=lambda kv: -kv[1][0]):
        if ran >= least or waited >= least:
            parts.append(f"{name} {ran:.1f} cpu/{waited:.1f} wait")
    return "; ".join(parts)


def show(index: int, press: dict[str, Any], row: dict[str, Any]) -> None:
    sent = press["sent"]
    print(f"\npress {index}: {row['total']:.1f} ms   threads (ms): {busy_threads(press)}")
    for name, thread, a, b, cpu in sorted(row["events"], key=lambda e: e[2]):
        if name.startswith("message") and (b - a) < 0.0005 and "Key" not in name:
            continue  # the many small messages: only those over 0.5 ms
        at = (a - sent) * 1000
        cpu_text = f" cpu {cpu:.1f}" if cpu else ""
        print(f"  {at:8.1f}  {(b - a) * 1000:6.1f}  {name} [{thread}]{cpu_text}")
    print(f"  {(press['seen'] - sent) * 1000:8.1f}          seen by the driver")


KINDS: dict[str, Any] = {  # what is summed per press, by event name
    "the Key, the handler inside": lambda e: e[0] == "message NewsApp.Key enter",
    "  the Enter handled": lambda e: e[0] == "enter handled",
    "Focus and Blur": lambda e: e[0].endswith((".Focus", ".Blur")),
    "frame (layout, paint)": lambda e: e[0] == "frame",
    "  layout": lambda e: e[0] == "layout",
    "    paint": lambda e: e[0] == "paint",
    "gc, all generations": lambda e: e[0].startswith("gc"),
}


def overlap(events: list[Event], test: Any, start: float, end: float) -> float:
    """ms of the events passing `test` that fall between start and end."""
    return sum(max(0.0, min(e[3], end) - max(e[2], start)) for e in events if test(e)) * 1000


def report(presses: list[dict[str, Any]], rows: list[dict[str, Any]], events: list[Event]) -> None:
    totals = [row["total"] for row in rows]
    cut = statistics.median(totals) * 1.4
    table = [segments(row, p["sent"], p["seen"]) for row, p in zip(rows, presses, strict=True)]
    print(f"\nms per step, medians: all presses / the slow ones (over {cut:.0f} ms)")
    for label in table[0]:
        every = [t[label] for t in table if t[label] == t[label]]
        slow = [t[label] for t, r in zip(table, rows, strict=True) if r["total"] > cut]
        slow = [v for v in slow if v == v]
        print(f"  {label:16} {median(every):7.1f} {median(slow):7.1f}")
    print("\nper press, medians (max): CPU ms of the app's thread (spans nest)")
    for label, test in KINDS.items():
        per = [sum(e[4] for e in row["events"] if test(e)) for row in rows]
        print(f"  {label:34} {median(per):6.1f}  ({max(per):.1f})")
    on_cpu = [p["threads"].get("news:python", (0.0, 0.0)) for p in presses]
    asleep = [t - c - w for t, (c, w) in zip(totals, on_cpu, strict=True)]
    waited = [w for _, w in on_cpu]
    print(f"  {'the app thread on a CPU (schedstat)':34} {median([c for c, _ in on_cpu]):6.1f}")
    print(f"  {'  waiting for a CPU':34} {median(waited):6.1f}  (p95 {p95(waited):.1f})")
    print(f"  {'  neither (idle, the GIL, timers)':34} {median(asleep):6.1f}")
    busy = []  # the saver at work between the key and the end of the paint that showed the story
    for press, row in zip(presses, rows, strict=True):
        end = row["marks"]["paint end"] or press["seen"]
        busy.append(overlap(row["events"], lambda e: e[0].startswith("save"), press["sent"], end))
    print(f"  {'saver writing until the paint, wall':34} {median(busy):6.1f}  ({max(busy):.1f})")
    full = [e for e in events if e[0] == "gc2"]
    inside = sum(1 for e in full if any(p["sent"] <= e[2] <= p["seen"] for p in presses))
    print(
        f"  full collections (gc2) in the session: {len(full)}, {inside} inside an Enter;"
        f" CPU ms each: {' '.join(f'{e[4]:.0f}' for e in full)};"
        f" ms from the nearest Enter: {' '.join(f'{nearest(e, presses):+.0f}' for e in full)}"
    )
    print("\nper press: ms, [steps as above], paints, frames written, gc1/gc2 ms; threads")
    for i, (row, press, seg) in enumerate(zip(rows, presses, table, strict=True)):
        gcs = [f"{e[0]} {(e[3] - e[2]) * 1000:.1f}" for e in row["events"] if e[0] in GC_SHOWN]
        paints = sum(1 for e in row["events"] if e[0] == "paint")
        shown = [e for e in row["events"] if e[0].startswith("output")]
        late = "" if not shown or "story" in shown[0][0] else " (the first without the story)"
        steps_text = " ".join(f"{v:.0f}" for v in seg.values())
        print(
            f"  {i:2} {row['total']:6.1f} [{steps_text}] paints {paints} frames {len(shown)}{late}"
            f" {' '.join(gcs)} | {busy_threads(press, 2.0)}"
        )


GC_SHOWN = ("gc1", "gc2")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--floor", action="store_true", help="minapp's `down`, taking turns")
    parser.add_argument("--timeline", choices=["slow", "all", "none"], default="slow")
    parser.add_argument("--checkout", type=Path, help="another checkout's reader (PYTHONPATH)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        sys.exit(serve(args.serve, args.rest))
    if args.library is None:
        parser.error("--library is needed")
    compile_reader()
    homes = scratch("bench-enter-timeline-")
    trace = homes / "trace.jsonl"
    print(f"load {' '.join(f'{v:.1f}' for v in os.getloadavg())}; library {args.library}")
    presses, floor_ms = drive(args.library, trace, homes, args.presses, args.floor, args.checkout)
    print(f"load {' '.join(f'{v:.1f}' for v in os.getloadavg())} at the end")
    events: list[Event] = [tuple(json.loads(line)) for line in trace.read_text().splitlines()]
    rows = [steps(press, events) for press in presses]
    totals = [row["total"] for row in rows]
    print(f"\nEnter -> story seen: median {median(totals):.1f}, p95 {p95(totals):.1f} ms")
    if floor_ms:
        print(f"minapp `down` -> seen: median {median(floor_ms):.1f}, p95 {p95(floor_ms):.1f} ms")
    report(presses, rows, events)
    if args.timeline != "none":
        cut = median(totals) * 1.4
        for i, (row, press) in enumerate(zip(rows, presses, strict=True)):
            if args.timeline == "all" or row["total"] > cut:
                show(i, press, row)


if __name__ == "__main__":
    main()
