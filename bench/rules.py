"""Rules on the 100,000-story library: applying them to 1,000 new stories (goal
under 100 ms) and opening a saved search in the sidebar (goal under 50 ms).

    python bench/rules.py [--articles 100000] [--new 1000] [--runs 7]
        [--workdir DIR] [--reuse PATH-WITH-{n}]

Applying: 1,000 stories from corpus.py (another seed, so all are new) are
stored as a refresh stores them, then five acting rules run over the rows
just stored (`rules.apply_rules` with `since`, FTS5 over those rows only):
"matched" is the search and the rows' details, "saved" adds what the command
line does with them (hidden.json, state.json and undo.json written, locked,
fsynced). Beside it, the same rules over the whole library, the scan the
`since` spares. The stories are removed again after each run.

Opening: the reader on the library, headless (`App.run_test`), a saved search
whose query matches 90% of the library (`dingotown`) and one that matches
1 in 1,000 (`quokkapolis`) folded below the bookmarks as the reader lists
them. "unfold and draw" is the work Enter on its header does: the sidebar's
rows made again with the saved search open, and every visible row drawn
(its first page of stories read from the library); "Enter, key to drawn" is
the same through the test harness's key press, beside "j, the harness", the
harness's cost for a key that only moves the cursor. The stories are found
on a worker when the reader starts: "start to found". In-process, so without
the terminal's own write: `bench/tui_library.py` measures that part.

Times are medians and the slowest over --runs; the 1-minute load average is
printed, since the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui_common import CORPUS, ensure_library  # noqa: E402

from reader.library.articles import Library  # noqa: E402
from reader.sources.dump import read_dump  # noqa: E402
from reader.triage.rules import Matched, Rule, apply_rules, watermark  # noqa: E402

APPLY_GOAL_MS = 100
OPEN_GOAL_MS = 50
RULES = [
    Rule("Quokkas", "quokkapolis", "hide"),
    Rule("Wallabies", "wallabyville", "mark-read"),
    Rule("Rockets", '"falcon 9" OR starship', "notify"),
    Rule("SpaceX launches", "section:SpaceX launch", "hide"),
    Rule("Musk", "musk -tesla", "mark-read", source="new stories"),
]


class Counted:
    """Effects that only count: the time of the search alone."""

    def hide(self, rule: Rule, stories: Sequence[Matched]) -> int:
        return len(stories)

    mark_read = notify = hide


def new_stories(workdir: Path, count: int) -> Path:
    dump = workdir / f"new-{count}.txt"
    if not dump.exists():
        subprocess.run(
            [sys.executable, str(CORPUS), "--articles", str(count), "--format", "text",
             "--seed", "99", "--out", str(dump)],
            check=True,
        )  # fmt: skip
    return dump


def apply_run(library: Library, dump: Path) -> dict[str, float]:
    from reader.cli.rules import StoreEffects
    from reader.state import ReadingState
    from reader.triage.hidden import Hidden
    from reader.triage.undo import UndoStack

    articles = read_dump(dump).articles
    source = library.add_source("dump", str(dump), title="new stories")
    since = watermark(library.conn)
    library.upsert_articles(source, articles)
    assert watermark(library.conn) - since == len(articles)
    times: dict[str, float] = {}
    try:
        started = time.perf_counter()
        outcomes = apply_rules(library.conn, RULES, Counted(), since=since)
        times["matched"] = time.perf_counter() - started
        times["stories matched"] = sum(len(o.matched) for o in outcomes)
        data = Path(tempfile.mkdtemp(prefix="news-rules-"))
        try:
            effects = StoreEffects(
                Hidden(data / "hidden.json"), ReadingState(data / "state.json"),
                UndoStack(data / "undo.json"),
            )  # fmt: skip
            started = time.perf_counter()
            apply_rules(library.conn, RULES, effects, since=since)
            effects.save()
            times["saved"] = time.perf_counter() - started
        finally:
            shutil.rmtree(data)
        started = time.perf_counter()
        apply_rules(library.conn, RULES, Counted())
        times["whole library"] = time.perf_counter() - started
    finally:
        library.remove_source(source)
    return times


async def open_run(library_path: Path, data: Path, query: str) -> dict[str, float]:
    """The reader on the library with one saved search; Enter on its header."""
    from reader.catalog import LibraryCatalog
    from reader.config import add_rule
    from reader.tui.app import NewsApp
    from reader.tui.screens.reader import ReaderScreen

    config = data / "config"
    os.environ["NEWS_CONFIG_DIR"] = str(config)
    os.environ["NEWS_DATA_DIR"] = str(data / "data")
    add_rule(Rule("Saved", query), config / "config.toml")
    app = NewsApp(LibraryCatalog(Library.open(library_path)))
    times: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        started = time.perf_counter()
        await pilot.pause()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        times["start to found"] = time.perf_counter() - started
        sidebar = screen.sidebar
        rows = sidebar.rows
        header = next(i for i in range(len(rows)) if rows[i].saved and rows[i].article is None)
        # The harness's own cost of a key: j, which moves the cursor a row.
        started = time.perf_counter()
        await pilot.press("j")
        times["j, the harness"] = time.perf_counter() - started
        sidebar.cursor = header
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        lines = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        times["Enter, key to drawn"] = time.perf_counter() - started
        assert sidebar.rows[header + 1].saved and any("#" in line for line in lines)
        # The work alone: fold it back, then unfold and draw every visible row.
        sidebar.action_fold()
        sidebar.cursor = header
        started = time.perf_counter()
        sidebar.action_fold()
        lines = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        times["unfold and draw"] = time.perf_counter() - started
        times["stories listed"] = len(screen.rules.saved["Saved"])
    return times


def report(title: str, results: list[dict[str, float]], goals: dict[str, float]) -> bool:
    print(f"\n{title}")
    failed = False
    for key in results[0]:
        values = [r[key] for r in results]
        if key.startswith("stories"):
            print(f"  {key:<20} {int(values[0]):,}")
            continue
        median, worst = statistics.median(values) * 1000, max(values) * 1000
        goal = goals.get(key)
        verdict = "" if goal is None else ("ok" if median < goal else f"OVER {goal:.0f} ms")
        failed |= goal is not None and median >= goal
        print(f"  {key:<20} {median:7.1f} ms median, {worst:7.1f} ms slowest  {verdict}")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/news-bench"))
    parser.add_argument("--reuse", help="a library of N stories to copy, a path with {n}")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    library_path = ensure_library(args.articles, args.workdir, args.reuse)
    dump = new_stories(args.workdir, args.new)
    library = Library.open(library_path)
    print(f"library: {library.count():,} stories; load {os.getloadavg()[0]:.1f} (1-minute)")
    applied = [apply_run(library, dump) for _ in range(args.runs)]
    library.close()
    failed = report(
        f"{len(RULES)} rules applied to {args.new:,} new stories:",
        applied,
        {"matched": APPLY_GOAL_MS, "saved": APPLY_GOAL_MS},
    )
    for query in ("dingotown", "quokkapolis"):
        opened = []
        for _ in range(args.runs):
            data = Path(tempfile.mkdtemp(prefix="news-rules-open-"))
            try:
                opened.append(asyncio.run(open_run(library_path, data, query)))
            finally:
                shutil.rmtree(data)
        failed |= report(
            f"a saved search for {query} opened:", opened, {"unfold and draw": OPEN_GOAL_MS}
        )
    print(f"\nload {os.getloadavg()[0]:.1f} (1-minute) at the end")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
