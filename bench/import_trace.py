"""Where the seconds of `news add big.xml` go, phase by phase, on one thread.

    python bench/import_trace.py FILE [--profile]

`news add` overlaps parsing (a thread of its own) with storing, so a profile of
the command shows waiting, not work. This runs the same steps one after the
other in this process and times each with the thread's CPU clock (a busy
machine stretches the wall clock, not this): the seeding of a fresh library
with the bundled news, the strict XML check, lxml's stream of entries, each
entry made a story (HTML to Markdown, its plain text, the rest), and storing
the batches (rows, then the FTS5 index, then the commit). `--profile` prints
the top of a cProfile of the making of stories.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

T = TypeVar("T")


def cpu(label: str, job: Callable[[], T], totals: dict[str, float]) -> T:
    started = time.thread_time()
    result = job()
    totals[label] = totals.get(label, 0.0) + time.thread_time() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feed", type=Path)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    totals: dict[str, float] = {}

    started = time.thread_time()
    from reader.config import seed_paths
    from reader.library.articles import Library
    from reader.seeding import ensure_seeded
    from reader.sources.feed import BATCH_ARTICLES, CHUNK_BYTES, _Chunks
    from reader.sources.feed_articles import Articles
    from reader.sources.feed_stream import Header, check_document, iter_entries

    totals["imports"] = time.thread_time() - started

    with tempfile.TemporaryDirectory(prefix="import-trace-") as tmp:
        library = Library.open(Path(tmp) / "library.sqlite")
        cpu("seed the bundled news", lambda: ensure_seeded(library, seed_paths()), totals)
        with args.feed.open("rb") as handle:
            cpu(
                "strict XML check",
                lambda: check_document(_Chunks(handle, False), CHUNK_BYTES),
                totals,
            )
        header = Header()
        with args.feed.open("rb") as handle:
            entries = cpu(
                "lxml: entries", lambda: list(iter_entries(_Chunks(handle, False), header)), totals
            )
        source = str(args.feed)
        maker = Articles(source, None, None, header)
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        stories = cpu("entries made stories", lambda: [maker.make(e) for e in entries], totals)
        if profile:
            profile.disable()
        source_id = library.add_source("feed", source)
        store = [a for a in stories if a is not None]
        # With the settings `news add` stores a stream with (`library/bulk.py`);
        # the checkpoints' own thread is not counted here.
        with library.bulk_writes():
            for batch in _batches(store, BATCH_ARTICLES):
                cpu("store: resolve ids", lambda b=batch: library.resolve_ids(source_id, b), totals)
                store_batch = lambda b=batch: library.upsert_articles(source_id, b)  # noqa: E731
                cpu("store: upsert and index", store_batch, totals)
        library.close()

    total = sum(totals.values())
    print(f"{args.feed.name}: {len(store):,} stories, {total:.2f} s CPU in all")
    for label, seconds in totals.items():
        print(f"  {label:<28} {seconds:6.2f} s  {seconds / total:5.1%}")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


if __name__ == "__main__":
    main()
