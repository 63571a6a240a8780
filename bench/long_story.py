"""A 32,000-word story: Enter to it painted in the reader, and its first screen
as a Markdown file beside Frogmouth 0.9.2's on the same file.

    python bench/long_story.py [--runs 7] [--presses 9] [--words 32000] [--size 120x40]
        [--frogmouth /work/venvs/frogmouth/bin/frogmouth] [--keep DIR] [--first-screen-only]
        [--before TREE]

It writes two Markdown files into a scratch folder: `long.md`, a story of
--words words drawn from the seed's vocabulary (../shared/bench/corpus.py's
words, a fixed random seed), with a heading every dozen paragraphs, links and
emphasis, and the word "Quokkapolis" only in its last paragraph; and
`short.md`, a short story dated a day later, so it is listed first. Then, in a
real tmux pane (../shared/bench/tui.py), from the same virtual environment:

- Enter: `news short.md long.md`, and a library holding the two (`news add`
  of their folder, the bundled news removed: there a body is stored as
  Markdown and parsed when the story is opened); `j` moves to the long story,
  Enter opens it; timed from Enter until its first paragraph is on the screen,
  --presses times (`h`, `k`, Enter back on the short story between, timed
  too: the same key on a 9-word story, the baseline). Goal under 50 ms.
- first screen: `news long.md` (the first story is painted at start) and
  `frogmouth long.md`, taking turns --runs times, each from process start
  until the story's first paragraph is on the screen; medians and their ratio.
  Goal at most 0.2x.
- End and a match: in the reader, `G` in the long story until the last of
  the links under it is on the screen (pressed as soon as the story shows,
  and again 2 s after opening it, once the rest is laid out while idle),
  and `/quokkapolis`, Enter until the match deep in it is shown in the
  reading pane (printed, not goals: they must work at once, not eventually).

The reader is byte-compiled first, as `pip install` leaves it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "bench"))
from corpus import words as corpus_words
from startup import cpu_seconds
from tui_common import Timeout, Tui, compile_reader, fresh_env, scratch, settle

FIRST = "Long story number one begins here"  # the long story's first paragraph only
LAST = "The long story ends here"  # its last paragraph only
END = "https://example.com/the-end"  # the last of the links under the story
SHORT = "A short story to start from"
DEEP_WORD = "Quokkapolis"
FROGMOUTH = "/work/venvs/frogmouth/bin/frogmouth"


def long_story(words: int, seed: int = 15) -> str:
    """A Markdown story of about `words` words, deterministic."""
    vocab = corpus_words()
    rng = random.Random(seed)
    lines = ["---", "date: 2026-01-01", "---", "# A very long story", ""]
    lines += [f"{FIRST}, and it goes on for a while.", ""]
    count, paragraph = 0, 0
    while count < words:
        paragraph += 1
        if paragraph % 12 == 0:
            lines += [f"## Part {paragraph // 12} of the story", ""]
        sentences = []
        for _ in range(rng.randint(2, 5)):
            n = rng.randint(8, 28)
            count += n
            sentences.append(" ".join(rng.choice(vocab) for _ in range(n)).capitalize() + ".")
        if paragraph % 7 == 0:
            link = f"[source {paragraph}](https://example.com/{paragraph})"
            sentences[0] = f"See the {link} and *this* too. {sentences[0]}"
        lines += [" ".join(sentences), ""]
    lines += [f"{LAST}, with the word {DEEP_WORD} in it and [a link]({END}).", ""]
    return "\n".join(lines)


def short_story() -> str:
    return f"---\ndate: 2026-01-02\n---\n# A short story\n\n{SHORT}.\n"


def make_library(folder: Path) -> Path:
    """A library holding the two stories only (the bundled news removed), as
    `news add FOLDER` stores them: bodies as Markdown, parsed when opened."""
    library = folder / "library.sqlite"
    library.unlink(missing_ok=True)
    stories = folder / "stories"
    stories.mkdir(exist_ok=True)
    for name in ("short.md", "long.md"):
        (stories / name).write_bytes((folder / name).read_bytes())
    env = {**os.environ, **fresh_env(folder)}
    news = [sys.executable, "-m", "reader", "--library", str(library)]
    for args in (["remove", "teslarati", "--yes"], ["add", str(stories)]):
        subprocess.run([*news, *args], check=True, env=env, capture_output=True)
    return library


def enter_times(cmd: str, folder: Path, size: tuple[int, int], presses: int) -> dict[str, object]:
    """Enter on the long story, --presses times; then G and a search in it."""
    enter: list[float] = []
    short: list[float] = []  # Enter on the short story: the same key's cost without length
    out: dict[str, object] = {"enter": enter, "short": short}
    with Tui(cmd, size=size, env=fresh_env(folder)) as tui:
        tui.wait(SHORT, timeout=60)
        for _ in range(presses):
            tui.send("h")  # back to the list (nothing happens if it has the focus)
            settle(tui)
            tui.send("j")
            settle(tui)
            key = tui.send("Enter")
            enter.append(tui.wait(FIRST, since=key, timeout=10) * 1000)
            settle(tui)
            tui.send("h")
            settle(tui)
            tui.send("k")
            settle(tui)
            key = tui.send("Enter")
            short.append(tui.wait(f"▕  {SHORT}", since=key, timeout=10) * 1000)
            settle(tui)
        tui.send("h")
        settle(tui)
        tui.send("j")
        settle(tui)
        tui.send("Enter")
        tui.wait(FIRST, timeout=10)
        key = tui.send("G")  # at once: the rest of the story is laid out first
        out["G"] = tui.wait(END, since=key, timeout=10) * 1000
        settle(tui)
        tui.send("g")
        settle(tui)
        time.sleep(2)  # long enough for the rest to be laid out while idle
        key = tui.send("G")
        out["G later"] = tui.wait(END, since=key, timeout=10) * 1000
        settle(tui)
        tui.send("g")
        settle(tui)
        tui.send("/")
        settle(tui)
        tui.type(DEEP_WORD.lower())
        settle(tui)
        key = tui.send("Enter")
        # In the reading pane (a result's snippet shows the same words after "…").
        out["match"] = tui.wait(f"▕  {LAST}", since=key, timeout=10) * 1000
        tui.send("Escape")
        time.sleep(0.3)
        tui.send("q")
    return out


def first_screen(cmd: str, size: tuple[int, int], env: dict[str, str]) -> float:
    """Milliseconds to the story's first paragraph; the CPU the program had
    used by then goes into CPU_MS (on a busy machine the time is mostly
    waiting for a core: the CPU says what the program itself spent)."""
    with Tui(cmd, size=size, env=env) as tui:
        seconds = tui.wait(FIRST, timeout=60)
        CPU_MS.setdefault(cmd, []).append(cpu_seconds(tui) * 1000)
        tui.send("q")
    return seconds * 1000


CPU_MS: dict[str, list[float]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=9)
    parser.add_argument("--words", type=int, default=32000)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--frogmouth", default=FROGMOUTH)
    parser.add_argument("--keep", help="write the stories into this folder and keep them")
    parser.add_argument(
        "--before",
        metavar="TREE",
        help="also time the first screen of the reader in TREE (a checkout), taking turns",
    )
    parser.add_argument(
        "--first-screen-only",
        action="store_true",
        help="time only the first screen beside Frogmouth's",
    )
    args = parser.parse_args()
    size = (int(args.size.split("x")[0]), int(args.size.split("x")[1]))
    folder = Path(args.keep) if args.keep else scratch("long-story-")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "long.md").write_text(long_story(args.words), encoding="utf-8")
    (folder / "short.md").write_text(short_story(), encoding="utf-8")
    news = f"{shlex.quote(sys.executable)} -m reader"
    compile_reader()

    print(f"terminal {args.size}, {args.words:,} words")
    files = " ".join(shlex.quote(str(folder / name)) for name in ("short.md", "long.md"))
    library = shlex.quote(str(make_library(folder)))
    sessions = (("FILE.md", f"{news} {files}"), ("library", f"{news} --library {library}"))
    for where, cmd in () if args.first_screen_only else sessions:
        keys = enter_times(cmd, folder, size, args.presses)
        enter, short = keys["enter"], keys["short"]
        assert isinstance(enter, list) and isinstance(short, list)
        print(
            f"{where:8} Enter -> long story painted: median {statistics.median(enter):.0f} ms, "
            f"slowest {max(enter):.0f} ms ({len(enter)} presses; goal < 50)"
        )
        print(
            f"{where:8} Enter -> short story, same run: median {statistics.median(short):.0f} ms, "
            f"slowest {max(short):.0f} ms"
        )
        print(f"{where:8} G at once -> the last line:   {keys['G']:.0f} ms")
        print(f"{where:8} G 2 s later -> the last line: {keys['G later']:.0f} ms")
        print(f"{where:8} search Enter -> deep match:   {keys['match']:.0f} ms")

    long_md = shlex.quote(str(folder / "long.md"))
    ours_cmd = f"{news} {long_md}"
    theirs_cmd = f"{shlex.quote(args.frogmouth)} {long_md}"
    env = fresh_env(folder)
    first_screen(ours_cmd, size, env)  # warm the file cache for both
    first_screen(theirs_cmd, size, env)
    before_cmd = ""
    if args.before:  # another checkout's reader, run by the same interpreter
        tree = Path(args.before).resolve()
        compileall.compile_dir(tree / "reader", quiet=1)  # as compile_reader does for ours
        before_cmd = f"env PYTHONPATH={shlex.quote(str(tree))} {ours_cmd}"
        first_screen(before_cmd, size, env)
    ours, theirs, before, ratios = [], [], [], []
    for _ in range(args.runs):
        try:
            ours.append(first_screen(ours_cmd, size, env))
            theirs.append(first_screen(theirs_cmd, size, env))
            if before_cmd:
                before.append(first_screen(before_cmd, size, env))
        except Timeout as exc:
            print(f"  a run failed: {exc}", file=sys.stderr)
            continue
        ratios.append(ours[-1] / theirs[-1])
    m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
    c_ours, c_theirs = (statistics.median(CPU_MS[cmd][1:]) for cmd in (ours_cmd, theirs_cmd))
    print(f"first screen, news FILE.md:      {m_ours:6.0f} ms (CPU {c_ours:.0f} ms)")
    print(f"first screen, frogmouth FILE.md: {m_theirs:6.0f} ms (CPU {c_theirs:.0f} ms)")
    print(
        f"ratio of medians:                {m_ours / m_theirs:6.2f} (goal <= 0.2; "
        f"run by run {min(ratios):.2f}-{max(ratios):.2f}; CPU {c_ours / c_theirs:.2f})"
    )
    if before:
        m_before, c_before = statistics.median(before), statistics.median(CPU_MS[before_cmd][1:])
        print(
            f"first screen, --before's reader: {m_before:6.0f} ms (CPU {c_before:.0f} ms; ratio"
            f" {m_before / m_theirs:.2f}; this one {m_ours / m_before:.2f}x it, CPU"
            f" {c_ours / c_before:.2f}x)"
        )


if __name__ == "__main__":
    main()
