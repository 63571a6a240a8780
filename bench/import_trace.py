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

    python bench/import_trace.py FILE --processes

runs `news add FILE` itself, as `bench/import.py` does, into a fresh data
directory, and says how its two processes shared the work: when the reader
process started, its first message came and the first and last batches were
stored (seconds from the start), the CPU this process spent in all, in
storing and on each of its other threads (the XML check, the thread that
reads the pipe, the checkpoints), the time it waited between batches for the
reader and for checkpoints, and the reader process's CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

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
    parser.add_argument("--processes", action="store_true", help="trace news add itself")
    args = parser.parse_args()
    if args.processes:
        processes(args.feed.resolve())
        return
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


def processes(feed: Path) -> None:
    """`news add FILE` in this process, its stores timed (see the docstring)."""
    import os
    import resource

    started = time.perf_counter()
    from reader.library import bulk, store
    from reader.library.db import LibraryConnection
    from reader.sources import feed_process
    from reader.sources.feed_process import FeedProcess

    asked: list[float] = []
    stores: list[tuple[float, float, float]] = []  # start, end, thread CPU
    threads: dict[str, tuple[float, float, float]] = {}  # name: start, end, thread CPU
    messages: list[float] = []
    checkpointers: list[bulk.Checkpointer] = []
    start_reader, upsert = FeedProcess.__init__, store.StoryStore.upsert_articles
    message, start_checkpoints = feed_process._message, bulk.Checkpointer.__init__

    def on_thread(name: str, job: Callable[..., T]) -> Callable[..., T]:
        def timed(*args: Any) -> T:
            begun, cpu_begun = time.perf_counter() - started, time.thread_time()
            try:
                return job(*args)
            finally:
                spent = time.thread_time() - cpu_begun
                threads[name] = (begun, time.perf_counter() - started, spent)

        return timed

    def timed_message(data: bytes) -> tuple[Any, ...]:
        messages.append(time.perf_counter() - started)
        return message(data)

    def counted(self: bulk.Checkpointer, conn: LibraryConnection) -> None:
        start_checkpoints(self, conn)
        checkpointers.append(self)

    def timed_start(self: FeedProcess, *args: Any, **kwargs: Any) -> None:
        asked.append(time.perf_counter() - started)
        start_reader(self, *args, **kwargs)

    def timed_upsert(self: store.StoryStore, *args: Any, **kwargs: Any) -> int:
        begun, cpu_begun = time.perf_counter() - started, time.thread_time()
        changed = upsert(self, *args, **kwargs)
        stores.append((begun, time.perf_counter() - started, time.thread_time() - cpu_begun))
        return changed

    FeedProcess.__init__ = timed_start  # type: ignore[method-assign]
    store.StoryStore.upsert_articles = timed_upsert  # type: ignore[method-assign]
    check = on_thread("XML check", feed_process.check_feed_file)  # type: ignore[attr-defined]
    feed_process.check_feed_file = check  # type: ignore[attr-defined]
    FeedProcess._receive = on_thread("pipe reader", FeedProcess._receive)  # type: ignore[method-assign]
    bulk.Checkpointer._run = on_thread("checkpoints", bulk.Checkpointer._run)  # type: ignore[method-assign]
    bulk.Checkpointer.__init__ = counted  # type: ignore[method-assign]
    feed_process._message = timed_message
    from reader.cli import main as news

    with tempfile.TemporaryDirectory(prefix="import-trace-") as tmp:
        os.environ.update(NEWS_DATA_DIR=f"{tmp}/data", NEWS_CONFIG_DIR=f"{tmp}/config")
        os.environ.pop("NEWS_LIBRARY", None)
        news(["add", str(feed)])
    wall = time.perf_counter() - started
    ours = resource.getrusage(resource.RUSAGE_SELF)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    batches = stores[1:]  # the first stores the bundled news
    waited = sum(b[0] - a[1] for a, b in itertools.pairwise(batches))
    print(f"wall {wall:.2f} s; the reader process started at {asked[0]:.2f} s,", end=" ")
    print(f"its first message came at {messages[0]:.2f} s;", end=" ")
    print(f"{len(batches)} batches stored from {batches[0][0]:.2f} to {batches[-1][1]:.2f} s")
    print(f"  this process: {ours.ru_utime + ours.ru_stime:.2f} s CPU, of which storing", end=" ")
    print(f"{sum(b[2] for b in batches):.2f} s; waited {waited:.2f} s between batches", end="")
    print(f" and {sum(c.waits for c in checkpointers)} times for a checkpoint")
    for name, (begun, ended, spent) in threads.items():
        print(f"    its {name} thread: {spent:.2f} s CPU, from {begun:.2f} to {ended:.2f} s")
    print(f"  the reader process: {child.ru_utime + child.ru_stime:.2f} s CPU")
    print(f"  load average {os.getloadavg()[0]:.1f}")


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


if __name__ == "__main__":
    main()
