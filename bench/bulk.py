"""Bulk mark-read and undo on the 100,000-story library: the goal is 10,000
stories marked read in under 1 s, and undone as fast.

    python bench/bulk.py [--articles 100000] [--count 10000] [--runs 7]
        [--already-read 0,50000] [--workdir DIR]

What `a` (the story and everything above it) does with the cursor on the
10,000th story of a section (`C`, every section, for a count larger than the
largest section), without the screen: the section's ids from the
library (`reading.ids_of`), `Reading.mark_many` (the read set, the sections'
counts, the undo step), then the writes the saver thread runs behind it
(state.json and undo.json, each locked, re-read, merged, fsynced and renamed).
Then `z`: `Reading.undo` and its writes. "U relisted" is the unread-only
view made again after the mark (the ids of every section, filtered), which
the screen adds to "shown" while that view is on. Times are medians (and the slowest)
over --runs, each on a fresh data directory holding --already-read stories
read before (a long-time reader's state.json is larger, and every write
rewrites it whole). "shown" is what the screen waits for before it redraws;
"saved" adds the disk writes, which the reader does off the event loop.

The library is made by ../shared/bench/corpus.py (see tui_common.ensure_library)
and kept in --workdir (default /tmp/news-bench) for the next run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui_common import ensure_library  # noqa: E402

from reader.bookmarks import Bookmarks  # noqa: E402
from reader.catalog import LibraryCatalog  # noqa: E402
from reader.library.articles import Library  # noqa: E402
from reader.reading import Reading, ids_of  # noqa: E402
from reader.state import ReadingState  # noqa: E402
from reader.triage.undo import UndoStack  # noqa: E402
from reader.triage.unread import unread_sections  # noqa: E402

GOAL_S = 1.0


class Held:
    """The saver thread's queue, run when told: so the time the screen waits
    and the time the writes take are measured apart."""

    def __init__(self) -> None:
        self.calls: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    def __call__(self, fn: Callable[..., Any], /, *args: Any) -> object:
        self.calls.append((fn, args))
        return None

    def run(self) -> None:
        calls, self.calls = self.calls, []
        for fn, args in calls:
            fn(*args)


def one_run(
    catalog: LibraryCatalog, data: Path, count: int, before: list[str]
) -> dict[str, float]:
    state = ReadingState(data / "state.json")
    state.load()
    if before:
        state.mark_many(before)
    bookmarks = Bookmarks(data / "bookmarks.json")
    bookmarks.load()
    held = Held()
    reading = Reading(catalog, bookmarks, state, held, undo=UndoStack(data / "undo.json"))
    reading.history()  # undo.json read as the first undoable key would

    times: dict[str, float] = {}
    started = time.perf_counter()
    # `a` on the count-th story of the largest section, as the screen does it;
    # more than a section holds: `C`, every section's ids (then the first count).
    sections = catalog.sections()
    _, entries = max(sections, key=lambda section: len(section[1]))
    if count <= len(entries):
        ids = ids_of(entries, count)
    else:
        ids = [i for _, entries in sections for i in ids_of(entries)][:count]
    marked = reading.mark_many(ids)
    times["mark shown"] = time.perf_counter() - started
    held.run()
    times["mark saved"] = time.perf_counter() - started
    size = (data / "state.json").stat().st_size
    # The unread-only view (U) lists afresh after a bulk mark: its cost too.
    started = time.perf_counter()
    unread_sections(catalog.sections(), reading.read, (), catalog.locate)
    times["U relisted"] = time.perf_counter() - started
    assert marked is not None and len(marked.ids) == len(set(ids) - set(before))

    started = time.perf_counter()
    undone = reading.undo()
    times["undo shown"] = time.perf_counter() - started
    held.run()
    times["undo saved"] = time.perf_counter() - started
    assert undone is not None and undone.change is not None

    check = ReadingState(data / "state.json")
    check.load()
    assert check.read_ids() == frozenset(before), "undo did not restore the read set"
    times["state.json MB"] = size / 2**20  # with the count marked
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--already-read", default="0,50000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/news-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    library_path = ensure_library(args.articles, args.workdir)
    catalog = LibraryCatalog(Library.open(library_path))
    every = ids_of(catalog.library.rows())
    print(f"library: {len(every):,} stories; load: {os.getloadavg()[0]:.1f} (1-minute average)")
    failed = False
    for already in (int(n) for n in args.already_read.split(",")):
        # Read before: stories from the far end, so none of the count marked.
        before = every[-already:] if already else []
        results: list[dict[str, float]] = []
        for _ in range(args.runs):
            data = Path(tempfile.mkdtemp(prefix="news-bulk-"))
            try:
                results.append(one_run(catalog, data, args.count, before))
            finally:
                shutil.rmtree(data)
        print(f"\n{args.count:,} marked read, then undone; {already:,} read before:")
        for key in results[0]:
            values = [r[key] for r in results]
            if key.endswith("MB"):
                print(f"  {key:<14} {statistics.median(values):.1f}")
                continue
            median, worst = statistics.median(values), max(values)
            verdict = "ok" if worst < GOAL_S else "OVER 1 s"
            failed |= worst >= GOAL_S
            print(
                f"  {key:<14} {median * 1000:6.0f} ms median,"
                f" {worst * 1000:6.0f} ms slowest  {verdict}"
            )
    catalog.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
