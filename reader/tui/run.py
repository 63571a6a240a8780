"""Start the TUI: the only place the command line reaches into Textual."""

from __future__ import annotations

from reader.model import Article
from reader.tui.app import NewsApp


def run_tui(articles: list[Article]) -> int:
    app = NewsApp(articles)
    app.run()
    # Textual returns normally after an unhandled exception; its return code tells.
    return app.return_code or 0
