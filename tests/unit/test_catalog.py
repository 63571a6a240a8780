"""The catalogs the reader shows: closing them from the thread that quits."""

from __future__ import annotations

import threading
from pathlib import Path

from reader.catalog import MemoryCatalog
from reader.sources.dump import read_dump


def test_memory_catalog_searched_on_a_worker_closes_from_the_main_thread(seed: Path) -> None:
    catalog = MemoryCatalog(read_dump(seed).articles)
    found: list[int] = []

    def search() -> None:  # as the reader's search worker does
        found.append(catalog.searcher().search("megapod").total)

    worker = threading.Thread(target=search)
    worker.start()
    worker.join()
    assert found and found[0] >= 1
    # On a later search the index is still there, from yet another thread.
    again = threading.Thread(target=lambda: found.append(catalog.searcher().search("tesla").total))
    again.start()
    again.join()
    assert found[1] > found[0]
    catalog.close()  # the main thread, at exit: no ProgrammingError


def test_memory_catalog_never_searched_closes(seed: Path) -> None:
    MemoryCatalog(read_dump(seed).articles).close()
