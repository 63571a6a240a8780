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


def test_a_library_section_lists_newest_first_and_in_reading_order_on_request(
    tmp_path: Path,
) -> None:
    from reader.catalog import LibraryCatalog
    from reader.library.articles import Library
    from reader.model import Block, BlockKind, make_article

    dates = ["2026-03-01", "2026-03-05", "", "2025-12-30", "2026-03-05"]
    articles = [
        make_article("Markets", f"Story {n}", [Block(BlockKind.PARAGRAPH, "Text.")], "w",
                     published=date)
        for n, date in enumerate(dates)
    ]  # fmt: skip
    library = Library.open(tmp_path / "library.sqlite")
    library.upsert_articles(library.add_source("feed", "https://w.example/f", title="W"), articles)
    catalog = LibraryCatalog(library)
    ((_, rows),) = catalog.sections()
    newest = [row.title for row in rows]
    # Newest first; the two of the same date in reading order; the undated last.
    assert newest == ["Story 1", "Story 4", "Story 0", "Story 3", "Story 2"]
    assert [catalog.locate(a.id) for a in articles] == [(0, 2), (0, 0), (0, 4), (0, 3), (0, 1)]
    assert rows[1:3][0].title == "Story 4" and rows[-1].source == "W"
    catalog.set_newest_first(False)
    ((_, rows),) = catalog.sections()
    assert [row.title for row in rows] == [f"Story {n}" for n in range(5)]
    assert catalog.locate(articles[2].id) == (0, 2)
    catalog.close()


def test_a_long_markdown_file_read_as_its_head_is_whole_wherever_it_is_asked(
    tmp_path: Path,
) -> None:
    from reader.cli.common import open_catalog
    from reader.config import Config

    path = tmp_path / "long.md"
    paragraphs = [f"Paragraph {n} of a long story, about rockets and tides." for n in range(800)]
    path.write_text("\n\n".join(["# Long", *paragraphs, "The end, in Quokkapolis."]))
    whole = open_catalog([str(path)], Config())  # as `news list` and `news show` read it
    catalog = open_catalog([str(path)], Config(), heads=True)  # as the reader does
    assert isinstance(catalog, MemoryCatalog) and catalog.in_part()
    (entry,) = whole.entries()
    expected = whole.article(entry.id)
    head = catalog.article(entry.id)
    assert expected is not None and head is not None
    assert head.rest and head.blocks == expected.blocks[: len(head.blocks)]
    assert head.words == expected.words  # the reading time is the whole story's
    # The search index is made from the whole story, on a worker as the reader does.
    found: list[int] = []
    worker = threading.Thread(
        target=lambda: found.append(catalog.searcher().search("quokkapolis").total)
    )
    worker.start()
    worker.join()
    assert found == [1]
    assert not catalog.in_part()
    assert catalog.article(entry.id) == expected == catalog.whole(head)
    assert catalog.sections()[0][1][0] == expected
    catalog.close()
    whole.close()
