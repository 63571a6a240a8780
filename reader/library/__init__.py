"""The local library: sources, articles and their full-text index in one SQLite file.

    articles.py     the door: `Library` (sources, the stories as read), `Source`
    store.py        storing stories: the upsert, indexing new rows, their ids
    bodies.py       how a body is stored (Markdown, plain text, outline) and read back
    synced.py       sync accounts' sources and the queue of changes for the server
    listing.py      the sidebar's rows, a page at a time
    db.py           opening the file: connections, transactions, running migrations
    schema.py       the schema and every migration to it (never edited once shipped)
    search.py       a page of hits: ranking, snippets and spans, cancellation
    search_plan.py  which rows a `Query` matches: the MATCH, the filters, the marks
    doctor.py       checks and repairs

Nothing here imports Textual; the TUI and the command line both use it. Import
from the modules themselves: this package imports none of them, so that opening
the library for the first screen does not load the search and its query language.
"""
