"""The library at 10,000 and 100,000 articles: import, sidebar listing, opening a
story, search latency, memory.

    python bench/library.py [--articles 10000,100000] [--runs 20] [--workdir DIR]

Corpora come from ../shared/bench/corpus.py (the dump layout). Each phase runs in
a process of its own so that its peak RSS is its own: importing holds the parsed
dump in memory, reading the library (what the app does) does not. Searches ask
for a first page of 50 plus the total, as the search bar will; times are medians
and 95th percentiles over --runs, with a warm page cache. `--workdir` keeps the
corpora and libraries for the next run (they are made again only if missing).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "corpus.py"
sys.path.insert(0, str(ROOT))

PAGE = 50
# (label, query text, typed as a prefix, order)
QUERIES = [
    ("word, ~1 in 1,000", "quokkapolis", False, "rank"),
    ("word, ~1 in 30", "wallabyville", False, "rank"),
    ("word, 9 in 10", "dingotown", False, "rank"),
    ("word, 9 in 10, newest first", "dingotown", False, "recent"),
    ("phrase, ~1 in 30", '"wallabyville plant"', False, "rank"),
    ("phrase, 9 in 10", '"plant was mentioned"', False, "rank"),
    ("prefix", "wallab", True, "rank"),
    ("prefix, 1 letter (typing)", "d", True, "rank"),
    ("prefix, 1 letter, newest first", "d", True, "recent"),
    ("section filter", "section:SpaceX dingotown", False, "rank"),
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker_import(dump: Path, library: Path) -> dict[str, object]:
    from reader.library.articles import Library
    from reader.sources.dump import read_dump

    started = time.perf_counter()
    lib = Library.open(library)
    parsed = read_dump(dump)
    parse_s = time.perf_counter() - started
    source = lib.add_source("dump", str(dump.resolve()), title=dump.stem)
    lib.upsert_articles(source, parsed.articles)
    total_s = time.perf_counter() - started
    lib.close()
    return {"parse_s": parse_s, "store_s": total_s - parse_s, "rss_mb": peak_rss_mb()}


def timed(fn, runs: int) -> tuple[float, float, object]:
    """Median and 95th percentile in ms, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, result


def interrupt_latency(library: Path, runs: int) -> tuple[float, int, int]:
    """Median ms from `Searcher.interrupt()` to the search thread seeing
    SearchCancelled, for a query that runs long ('"plant was mentioned" d|'), and
    how many of the tries were still running when interrupted."""
    import threading

    from reader.library.search import SearchCancelled, Searcher

    searcher = Searcher(library)
    waits, cancelled, tries = [], 0, max(3, runs // 4)
    for _ in range(tries):
        done = threading.Event()
        outcome: list[bool] = []

        def run(done: threading.Event = done, outcome: list[bool] = outcome) -> None:
            try:
                searcher.search('"plant was mentioned" d', limit=PAGE)
                outcome.append(False)
            except SearchCancelled:
                outcome.append(True)
            done.set()

        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(0.005)  # let it get going
        start = time.perf_counter()
        searcher.interrupt()
        done.wait()
        waits.append((time.perf_counter() - start) * 1000)
        worker.join()
        cancelled += outcome == [True]
    searcher.close()
    return statistics.median(waits), cancelled, tries


def worker_read(library: Path, runs: int) -> dict[str, object]:
    started = time.perf_counter()
    from reader.library.articles import Library
    from reader.library.search import search
    from reader.query import parse

    import_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    lib = Library.open(library)
    open_ms = (time.perf_counter() - started) * 1000

    # What the app does first: the lazy listing, a story, searches.
    def first_screen() -> object:
        rows = lib.rows()
        return rows[:50], rows[len(rows) // 2]  # the top, then a jump to the middle

    screen_med, screen_p95, _ = timed(first_screen, runs)
    sections_med, _, _ = timed(lib.sections, max(3, runs // 4))
    total = lib.count()
    ids = [lib.rows()[i].id for i in random.Random(1).sample(range(total), min(total, 200))]
    start = time.perf_counter()
    lib.article(ids[0])  # a first one, on a cold page cache
    first_article_ms = (time.perf_counter() - start) * 1000
    it = iter(ids * runs)
    article_med, article_p95, _ = timed(lambda: lib.article(next(it)), min(len(ids), 100))
    searches = []
    for label, text, prefix, order in QUERIES:
        query = parse(text, prefix_last=prefix)
        med, p95, result = timed(lambda q=query, o=order: search(lib.conn, q, PAGE, order=o), runs)
        searches.append(
            {
                "label": label,
                "query": text,
                "prefix": prefix,
                "median": med,
                "p95": p95,
                "total": result.total,
                "hits": len(result.hits),
            }
        )
    interrupt = interrupt_latency(library, runs)
    app_rss = peak_rss_mb()
    # Then the whole listing at once.
    start = time.perf_counter()
    rows = lib.listing()
    first_listing_ms = (time.perf_counter() - start) * 1000
    listing_med, listing_p95, _ = timed(lib.listing, max(3, runs // 4))
    lib.close()
    return {
        "interrupt": interrupt,
        "app_rss_mb": app_rss,
        "rows": len(rows),
        "import_ms": import_ms,
        "open_ms": open_ms,
        "listing_first_ms": first_listing_ms,
        "listing_ms": listing_med,
        "listing_p95": listing_p95,
        "screen_ms": screen_med,
        "screen_p95": screen_p95,
        "sections_ms": sections_med,
        "article_first_ms": first_article_ms,
        "article_ms": article_med,
        "article_p95": article_p95,
        "searches": searches,
        "rss_mb": peak_rss_mb(),
    }


def run_worker(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"worker {args[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def bench_size(n: int, workdir: Path, runs: int) -> None:
    dump = workdir / f"corpus-{n}.txt"
    library = workdir / f"library-{n}.sqlite"
    if not dump.exists():
        start = time.perf_counter()
        command = [sys.executable, str(CORPUS), "--articles", str(n), "--format", "text"]
        subprocess.run([*command, "--out", str(dump)], check=True)
        print(f"corpus of {n:,} articles made in {time.perf_counter() - start:.1f} s")
    imported = None
    if not library.exists():
        imported = run_worker("import", str(dump), str(library))
    read = run_worker("read", str(library), str(runs))
    size_mb = sum(p.stat().st_size for p in workdir.glob(f"library-{n}.sqlite*")) / 1e6

    print(f"\n{n:,} articles ({read['rows']:,} rows), library {size_mb:,.0f} MB")
    if imported:
        total = imported["parse_s"] + imported["store_s"]
        print(
            f"  import          {total:8.1f} s   (dump parser {imported['parse_s']:.1f} s,"
            f" library {imported['store_s']:.1f} s; peak RSS {imported['rss_mb']:.0f} MB)"
        )
    print(
        f"  open library    {read['open_ms']:8.1f} ms   (importing it and the search before:"
        f" {read['import_ms']:.1f} ms)"
    )
    print(
        f"  listing()       {read['listing_ms']:8.1f} ms   (first {read['listing_first_ms']:.1f},"
        f" p95 {read['listing_p95']:.1f})"
    )
    print(
        f"  rows(): 50 + a jump {read['screen_ms']:6.1f} ms   (p95 {read['screen_p95']:.1f});"
        f" sections() with counts {read['sections_ms']:.1f} ms"
    )
    print(
        f"  article(id)     {read['article_ms']:8.2f} ms   (first:"
        f" {read['article_first_ms']:.1f}; p95 {read['article_p95']:.2f})"
    )
    print(
        f"  peak RSS: {read['app_rss_mb']:.0f} MB with rows(), a story and searches;"
        f" {read['rss_mb']:.0f} MB after listing() too"
    )
    wait, cancelled, tries = read["interrupt"]  # type: ignore[misc]
    print(
        f"  Searcher.interrupt() to SearchCancelled: {wait:.1f} ms (median;"
        f" {cancelled} of {tries} tries were still running)"
    )
    print(f"  search, first page of {PAGE} + total, {runs} runs:")
    print(f"    {'query':44} {'median':>8} {'p95':>8} {'total':>8}")
    for s in read["searches"]:  # type: ignore[union-attr]
        shown = s["query"] + ("|" if s["prefix"] else "")
        print(
            f"    {s['label'] + ': ' + shown:44} {s['median']:6.1f}ms {s['p95']:6.1f}ms"
            f" {s['total']:8,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workdir", type=Path, help="keep corpora and libraries here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.worker == "import":
        print(json.dumps(worker_import(Path(rest[0]), Path(rest[1]))))
        return
    if args.worker == "read":
        print(json.dumps(worker_read(Path(rest[0]), int(rest[1]))))
        return
    if not CORPUS.exists():
        sys.exit(f"needs {CORPUS}")
    sizes = [int(n) for n in args.articles.split(",")]
    started = time.perf_counter()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            bench_size(n, args.workdir, args.runs)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-library-") as tmp:
            for n in sizes:
                bench_size(n, Path(tmp), args.runs)
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
