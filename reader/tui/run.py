"""Start the TUI: the only place the command line reaches into Textual."""

from __future__ import annotations

import sys

from reader.atomic import StoreError
from reader.catalog import Catalog
from reader.highlight import Keyword
from reader.tui.app import NewsApp


def run_tui(
    catalog: Catalog,
    keywords: list[Keyword],
    extra_keywords: list[Keyword],
    warnings: list[str],
) -> int:
    app = NewsApp(catalog, keywords=keywords, extra_keywords=extra_keywords, warnings=warnings)
    app.run()
    # Every write asked for while the app ran, then one last try at anything
    # that could not be saved then (a disk that was full, say).
    app.saver.close()
    failed = bool(app.saver.lost)
    app.saver.print_lost()
    for store in (app.bookmarks, app.state):
        try:
            store.flush()
        except StoreError as exc:
            print(f"news: {exc}", file=sys.stderr)
            failed = True
    catalog.close()
    # Textual returns normally after an unhandled exception; its return code tells.
    # A change that could not be saved is a failure too, for scripts and for CI.
    return app.return_code or (1 if failed else 0)
