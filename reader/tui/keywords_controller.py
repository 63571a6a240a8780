"""Keywords on the reader screen: lit up in the story and the sidebar, counted.

Counting a keyword's hits in every story reads the whole catalog, so it runs in
a thread worker that a newer count cancels (keywords changed, or a refresh
brought new stories); a keyword too slow to match is turned off by
`reader.highlight` and said so here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.highlight import Highlighter, Keyword
from reader.tui.toast import notify

if TYPE_CHECKING:
    from reader.tui.screens.reader import ReaderScreen


class KeywordsController:
    """The keywords of one reader screen. Its worker runs on the screen."""

    def __init__(self, screen: ReaderScreen, keywords: Sequence[Keyword]) -> None:
        self.screen = screen
        self.keywords = list(keywords)
        self.highlighter: Highlighter | None = None

    def start(self) -> None:
        """The keywords given at start, lit up once the screen is mounted, and
        counted once it is painted: counting reads every story (a long
        Markdown file's rest is parsed for it), on a thread that would take
        turns with the first paint."""
        if self.keywords:
            self._light_up(self.keywords)
            self.screen.call_after_refresh(self.count)

    def set(self, keywords: Sequence[Keyword]) -> None:
        """Light up these keywords in the story and the sidebar, and count them."""
        self._light_up(keywords)
        self.count()

    def _light_up(self, keywords: Sequence[Keyword]) -> None:
        self.keywords = list(keywords)
        highlighter = Highlighter(self.keywords) if self.keywords else None
        self.highlighter = highlighter
        self.screen.story.set_highlighters(*([highlighter.styled] if highlighter else []))
        self.screen.sidebar.set_keywords(highlighter)

    def count(self) -> None:
        """Count the hits again (the stories changed); nothing without keywords."""
        if self.highlighter is not None:
            self.screen.run_worker(
                partial(self._count_hits, self.highlighter),
                thread=True,
                exclusive=True,
                group="keyword-hits",
            )

    def _count_hits(self, highlighter: Highlighter) -> None:
        """In a thread: hits per story, for the sidebar."""
        screen = self.screen
        worker = get_current_worker()
        hits: dict[str, int] = {}
        for article_id, text in screen.catalog.texts():
            if worker.is_cancelled:
                return
            if count := highlighter.count(text):
                hits[article_id] = count
        screen.app.call_from_thread(screen.sidebar.set_hits, hits)
        if highlighter.too_slow:
            screen.app.call_from_thread(self._tell_too_slow, highlighter)

    def _tell_too_slow(self, highlighter: Highlighter) -> None:
        """Say which keywords were turned off (see `reader.highlight`)."""
        for keyword in highlighter.too_slow:
            message = f"Keyword {keyword.word!r} took too long to match and is off; w changes it"
            notify(self.screen, message, severity="warning", timeout=10)
