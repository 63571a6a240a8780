"""The local library: sources, articles and their full-text index in one SQLite file.

    db.py        opening the file, schema and migrations
    articles.py  sources, bulk upserts, the sidebar listing, one story's body
    search.py    FTS5 queries from `reader.query`, snippets and spans, cancellation

Nothing here imports Textual; the TUI and the command line both use it. Import
from the modules themselves: this package imports none of them, so that opening
the library for the first screen does not load the search and its query language.
"""
