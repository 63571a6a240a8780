"""The local library: sources, articles and their full-text index in one SQLite file.

    db.py        opening the file, schema and migrations
    articles.py  sources, bulk upserts, the sidebar listing, one story's body
    search.py    FTS5 queries from `reader.query`, snippets and spans, cancellation

Nothing here imports Textual; the TUI and the command line both use it. The
`search` function is not re-exported here: it would hide the `search` module.
"""

from reader.library.articles import ImportResult, Library, Row, Source, plain_text
from reader.library.db import LibraryError, default_path, open_library
from reader.library.search import Hit, SearchCancelled, Searcher, SearchResult

__all__ = [
    "Hit",
    "ImportResult",
    "Library",
    "LibraryError",
    "Row",
    "SearchCancelled",
    "SearchResult",
    "Searcher",
    "Source",
    "default_path",
    "open_library",
    "plain_text",
]
