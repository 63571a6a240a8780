"""What the reader shows: the list of stories, each story on demand, and search.

Two kinds, one shape. A `MemoryCatalog` holds stories parsed from files given
on the command line: everything is in memory, and the search index is an
in-memory SQLite library built on first use. A `LibraryCatalog` is the user's
library on disk: the list comes without bodies, and a body is read and parsed
only when its story opens, so 100,000 stories cost little more than four.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol

from reader.library.articles import Library
from reader.library.db import reopen
from reader.library.search import Searcher
from reader.model import Article, Entry


class Catalog(Protocol):
    entries: Sequence[Entry]

    def article(self, article_id: str) -> Article | None: ...

    def searcher(self) -> Searcher:
        """Made on first use (from a worker thread): the index may take a moment."""
        ...

    def texts(self) -> Iterator[tuple[str, str]]:
        """(id, all the text of a story) for each story, for counting keywords."""
        ...

    def close(self) -> None: ...


def article_text(article: Article) -> str:
    return "\n".join((article.title, article.standfirst, *(b.text for b in article.blocks)))


class MemoryCatalog:
    def __init__(self, articles: Sequence[Article]) -> None:
        self.entries: Sequence[Entry] = list(articles)
        self._by_id = {a.id: a for a in articles}
        self._searcher: Searcher | None = None
        self._library: Library | None = None
        self._lock = threading.Lock()

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                library = Library.open(":memory:")
                source = library.add_source("dump", "<command line>", title="files")
                library.upsert_articles(source, self._by_id.values())
                self._library = library
                self._searcher = Searcher(library.conn)
            return self._searcher

    def texts(self) -> Iterator[tuple[str, str]]:
        for article in self._by_id.values():
            yield article.id, article_text(article)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._library is not None:
            self._library.close()


class LibraryCatalog:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.entries: Sequence[Entry] = library.listing()
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    def article(self, article_id: str) -> Article | None:
        return self.library.article(article_id)

    def searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                self._searcher = Searcher(self.library.conn)
            return self._searcher

    def texts(self) -> Iterator[tuple[str, str]]:
        # Called from a worker thread: it needs a connection of its own.
        conn = reopen(self.library.conn, check_same_thread=False)
        try:
            rows = conn.execute("SELECT id, title, standfirst, text FROM articles ORDER BY ordinal")
            for article_id, title, standfirst, text in rows:
                yield article_id, f"{title}\n{standfirst}\n{text}"
        finally:
            conn.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self.library.close()
