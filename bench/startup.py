"""Time from process start to the first story painted, beside the smallest Textual app.

    python bench/startup.py [--runs 15] [--size 120x40] [--fps N] [-- extra news args]

Both programs run in a real tmux pane from the same virtual environment, taking
turns so that machine load affects them alike. Reports medians and the ratio.
The reader is byte-compiled first, as `pip install` leaves it.
Needs ../shared/bench (tui.py, minapp.py) beside the project.

Beside the time, the CPU time the program had used when its first screen was
seen (from /proc/PID/schedstat, in nanoseconds): on a machine shared with
other work the time to the first screen is mostly waiting for a core, and the
CPU time says what the program itself spent (a little of what it does just
after that screen is counted too, since the screen is polled every few ms).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
sys.path.insert(0, str(SHARED))

from tui import TMUX, Tui  # noqa: E402
from tui_common import compile_reader  # noqa: E402

# Text that only the reading pane shows once the first seed story is painted.
FIRST_STORY = r"Tesla China is poised to focus"


def time_to(
    cmd: str, pattern: str, size: tuple[int, int], env: dict[str, str]
) -> tuple[float, float]:
    """Seconds from start to `pattern` on the screen, and the CPU seconds the
    program had used by then."""
    with Tui(cmd, size=size, env=env) as tui:
        seconds = tui.wait(pattern, timeout=30)
        cpu = cpu_seconds(tui)
        tui.send("q")
    return seconds, cpu


def cpu_seconds(tui: Tui) -> float:
    """CPU time of the python process in the pane (the pane shell's child)."""
    out = subprocess.run(
        [*TMUX, "display-message", "-p", "-t", tui.name, "#{pane_pid}"],
        capture_output=True,
        text=True,
        check=True,
    )
    shell = out.stdout.strip()
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    for pid in children:
        if b"python" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--pattern", default=FIRST_STORY, help="text that marks the first story")
    parser.add_argument(
        "--fps",
        type=int,
        help="TEXTUAL_FPS for news (default: its own setting, 240 frames a second);"
        " the smallest app keeps Textual's 60",
    )
    parser.add_argument("news_args", nargs="*", help="arguments for news (after --)")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    python = shlex.quote(sys.executable)
    news = f"{python} -m reader " + " ".join(shlex.quote(a) for a in args.news_args)
    if args.fps:
        news = f"env TEXTUAL_FPS={args.fps} {news}"
    floor = f"{python} {shlex.quote(str(SHARED / 'minapp.py'))}"
    home = tempfile.mkdtemp(prefix="bench-home-")
    env = {"NEWS_DATA_DIR": home + "/data", "NEWS_CONFIG_DIR": home + "/config"}
    compile_reader()
    time_to(news, args.pattern, size, env)  # warm the file cache for both
    time_to(floor, "READY-MARKER", size, env)
    ours, base = [], []
    for _ in range(args.runs):
        ours.append(time_to(news, args.pattern, size, env))
        base.append(time_to(floor, "READY-MARKER", size, env))
    m_ours, m_base = (statistics.median(t for t, _ in runs) for runs in (ours, base))
    c_ours, c_base = (statistics.median(c for _, c in runs) for runs in (ours, base))
    print(f"terminal {args.size}, {args.runs} runs each, medians (time / CPU time)")
    print(f"smallest Textual app (minapp.py): {m_base * 1000:6.0f} ms / {c_base * 1000:4.0f} ms")
    print(f"news, first story painted:        {m_ours * 1000:6.0f} ms / {c_ours * 1000:4.0f} ms")
    print(f"ratio:                            {m_ours / m_base:6.2f} / {c_ours / c_base:.2f}")


if __name__ == "__main__":
    main()
