"""The search controller's thread: where the searches run, apart from what
their answers show (`search_controller`).

One searcher, on a connection of its own, made as the search bar first opens
(`warm_up`), while the person types, so the first search typed does not wait
for it. Not at start: a session may never search, and for stories read from
files (`news FILE`, and every test's app) making it builds an index of them all,
about 15 ms of CPU for the bundled news. It runs only the
newest search asked: a word typed in one go asks a search at every key; the
first key starts the worker and the keys after only leave their search in its
place, so those overtaken before their turn never start, and a newer key
interrupts the query in flight. Later pages and the ids of every story found
run on workers of their own. Each answer goes back to the controller on the
screen's thread with the generation it was asked at, and one typed over since
is dropped there.
"""

from __future__ import annotations

import gc
import threading
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

if TYPE_CHECKING:
    from reader.library.search import Searcher
    from reader.query import Context, Query
    from reader.tui.search_controller import SearchController

# Past this many matches the newest page is shown first (FTS5 reads it straight
# off its index) and the ranked page swapped in when ready: ranking 90,000
# matches took 80 ms of a 158 ms search on 100,000 stories, the newest page 4.
# Not for 9,000 (dingotown at 10,000 stories): there the second page and paint
# cost 12 ms more CPU a search (48 ms against 36) than ranking at once.
RANK_LATER_OVER = 20_000


class SearchRunner:
    """Runs the searches of one controller, on its screen's workers."""

    def __init__(self, control: SearchController) -> None:
        self.control = control
        self.searcher: Searcher | None = None  # made by the search thread as it starts
        self._large = False  # holds more than RANK_LATER_OVER stories (known once warmed up)
        # The newest search asked and not yet started, for the search worker (`_serve`).
        self._wanted: tuple[Query, Context, int, int] | None = None
        self._serving = False  # a search worker is running, or about to
        self._wake = threading.Lock()  # guards the two above
        self._warming = False  # `start` has run

    def start(self) -> None:
        """The search bar opens: the searcher made ready, once."""
        if self._warming:
            return
        self._warming = True
        self.control.screen.run_worker(
            self._warm_up, thread=True, group="search-warm", exit_on_error=False
        )

    def _warm_up(self) -> None:
        """In a thread, as the bar opens: the query language imported and the
        searcher's connection opened (or the index of the files built), which
        the first search typed used to wait for."""
        import reader.query  # noqa: F401

        screen = self.control.screen
        searcher = screen.catalog.searcher()
        screen.app.call_from_thread(self._warmed, searcher)

    def _warmed(self, searcher: Searcher) -> None:
        if self.searcher is None:
            self.searcher = searcher
        # Only a library this large can find more than RANK_LATER_OVER: a smaller
        # one is spared the count asked before each search to know.
        self._large = len(self.control.screen.catalog.entries()) > RANK_LATER_OVER
        # What the search brought (its modules, widgets, connection) lives as
        # long as the app: frozen out of the full garbage collections, as the
        # app freezes what start-up made, so they do not walk it mid-search.
        gc.freeze()

    def ask(self, query: Query, context: Context, limit: int, generation: int) -> None:
        """The first page (`limit` hits) of `query`, in place of any search
        asked before and not started."""
        self.interrupt()  # a newer keystroke stops the query in flight
        with self._wake:
            self._wanted = (query, context, limit, generation)
            start, self._serving = not self._serving, True
        if start:
            self.control.screen.run_worker(self._serve, thread=True, group="search")

    def interrupt(self) -> None:
        if self.searcher is not None:
            self.searcher.interrupt()

    def _serve(self) -> None:
        """The search worker: the newest search asked, then the newest asked
        while it ran, until none is waiting. A worker for each key (what an
        `exclusive` worker does) cost the screen's thread about a third of a
        millisecond a key, its state messages included, while the keys after
        it waited (issue 15)."""
        worker = get_current_worker()
        while True:
            with self._wake:
                wanted, self._wanted = self._wanted, None
                if wanted is None or worker.is_cancelled:
                    self._serving = False
                    return
            self._run_search(*wanted)

    def _run_search(self, query: Query, context: Context, limit: int, generation: int) -> None:
        """On the search thread: the first page of results (`limit` hits)."""
        from reader.library.search import SearchCancelled
        from reader.query import QueryError

        control = self.control
        app = control.screen.app
        try:
            if self.searcher is None:  # the first search builds or opens the index
                self.searcher = control.screen.catalog.searcher()
            if not control.current(generation):
                return  # typed over while it waited its turn: a newer search is coming
            searcher = self.searcher
            many = self._large and query.has_text
            if many and searcher.count(query, context) > RANK_LATER_OVER:
                newest = searcher.search(query, limit=limit, context=context, order="recent")
                app.call_from_thread(control.answered, query, context, newest, generation, False)
            result = searcher.search(query, limit=limit, context=context)
        except SearchCancelled:
            return
        except QueryError as exc:
            app.call_from_thread(control.failed, str(exc), generation)
            return
        app.call_from_thread(control.answered, query, context, result, generation)

    def more(
        self, query: Query, context: Context, offset: int, limit: int, generation: int
    ) -> None:
        """The page of `query`'s results from `offset` on, on a worker."""
        self.control.screen.run_worker(
            partial(self._fetch_more, query, context, offset, limit, generation),
            thread=True,
            exclusive=True,
            group="search-more",
        )

    def _fetch_more(
        self, query: Query, context: Context, offset: int, limit: int, generation: int
    ) -> None:
        """In a thread: a keystroke meanwhile interrupts it."""
        from reader.library.search import SearchCancelled

        control = self.control
        if self.searcher is None or not control.current(generation):
            return
        try:
            result = self.searcher.search(query, limit=limit, offset=offset, context=context)
        except SearchCancelled:
            return
        control.screen.app.call_from_thread(control.more_answered, query, result, generation)

    def ids(self, query: Query, context: Context, generation: int) -> None:
        """The ids of every story `query` finds, on a worker."""
        self.control.screen.run_worker(
            partial(self._collect_ids, query, context, generation),
            thread=True,
            exclusive=True,
            group="search-mark",
        )

    def _collect_ids(self, query: Query, context: Context, generation: int) -> None:
        from reader.library.search import SearchCancelled

        control = self.control
        if self.searcher is None or not control.current(generation):
            return
        try:
            ids = self.searcher.ids(query, context)  # the results as they were shown
        except SearchCancelled:
            return
        control.screen.app.call_from_thread(control.ids_found, ids, generation)
