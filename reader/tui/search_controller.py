"""Search while typing, for the reader screen: the query, the results, the matches.

The screen only wires the search bar's and the result list's messages here. This
module owns what makes search feel instant and never wrong: a generation counter
bumped by every keystroke (an answer from an older one is dropped; the searches
themselves run on their own thread, `search_runner`), the results fetched a page
at a time, Enter acting on what it was pressed on, and walking the matches in a
story (n, N) on to the next result, with the place ("match 3 of 12") said in the
bar.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from textual.widgets import Input

from reader.catalog import LibraryCatalog
from reader.model import EntryRef
from reader.tui import styles
from reader.tui.search_runner import SearchRunner
from reader.tui.widgets.story_view import StoryView
from reader.wording import counted

if TYPE_CHECKING:  # imported where first used, to keep them off the way to the first screen
    from textual.timer import Timer

    from reader.library.search import Hit, SearchResult
    from reader.query import Context, Query
    from reader.tui.screens.reader import ReaderScreen
    from reader.tui.widgets.search_messages import Move

# Hits fetched at once after the first page: a few screens of results. The list
# asks for the next page as the person nears the end; most searches never need
# one, and cutting snippets for 500 hits took most of the time a search for a
# common word took.
SEARCH_PAGE = 40
# The first page is what the results pane shows, and this many hits more: the
# snippets and highlights of hits below the screen cost a search typed at
# 10,000 stories 1-4 ms before its answer could be painted (40 hits against 15:
# 3.6 ms against 1.7 for 323 matches, 14 against 10.5 for 9,000). Moving the
# cursor asks for the next page (`ResultList.AHEAD`) long before it is reached.
FIRST_PAGE_BELOW = 2
# Seconds a search may run before the bar says "searching…". Said at every key,
# it was a frame of its own before each answer, which the answer waited behind.
SLOW_SEARCH = 0.25


class SearchController:
    """The search of one reader screen. Its workers run on the screen (they
    end with it); it changes the widgets through their methods."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self.runner = SearchRunner(self)  # the searches, on their own thread
        self.query: Query | None = None  # the search whose matches are shown
        # Searching the open story: the top line where the person was reading,
        # matches looked for from there, and gone back to on Escape (not after Enter).
        self._reading_at: int | None = None
        # Enter pressed before the answer to the query in the bar came: the
        # generation it waits for, and the n / N pressed meanwhile (steps).
        self._enter_waits: int | None = None
        self._typed: tuple[str, str] | None = None  # the bar's text and scope last answered
        self._walks_waiting = 0
        self._results_query: Query | None = None  # the search the result list answers
        self._results_context: Context | None = None  # the marks it was asked with
        self._ranked = True  # False while the newest page stands in for the ranked one
        self._opened = -1  # the generation a result was last opened at (Enter)
        # The story, top line and match the last search was closed at.
        self._left: tuple[str, int, int] = ("", 0, 0)
        self._generation = 0  # bumped by every keystroke; older answers are dropped
        self._answered = 0  # the generation last answered (or failed)
        self._slow: Timer | None = None  # says "searching…" if the answer is slow
        self._asked = (0, 0.0)  # the generation of the last search asked, and when
        self.extras: asyncio.Event | None = None  # set once `mount_extras` has mounted them

    async def mount_extras(self) -> None:
        """The search results over the story and the search bar below the panes
        (the footer is docked, so it sits above it): not needed for the first
        screen, so mounted (and their modules imported) right after it is
        painted, or at once by `/` or `r`. The activity line below the bar
        waits for the first refresh (`FeedsController`)."""
        screen = self.screen
        if self.extras is None:
            if not screen.is_attached:  # the app is closing before they were needed
                return
            from reader.tui.widgets.result_list import ResultList
            from reader.tui.widgets.search_bar import SearchBar

            self.extras = asyncio.Event()
            styles.load(screen.app, "search.tcss")
            await screen.query_one("#reading").mount(ResultList(id="results"))
            # A `q` at once may have closed the screen meanwhile: a mount asked
            # of a closed screen is an error.
            if not screen.is_attached:
                return
            await screen.mount(SearchBar(id="search"))
            self.extras.set()
        await self.extras.wait()

    # -- asking -------------------------------------------------------------------

    async def open_bar(self) -> None:
        """`/`: the bar shown and focused; the last query selected (typing
        replaces it) and answered again."""
        screen = self.screen
        # `/` right at start may come before the bar is mounted: keys that follow
        # wait in the queue until this returns with the bar focused.
        await self.mount_extras()
        bar = screen.search_bar
        bar.display = True
        # Focus at once, in this same key event, so the very next key lands in it.
        screen.set_focus(bar.input)
        self.runner.start()
        if bar.text:
            bar.input.select_all()
            self.changed()

    def changed(self) -> None:
        """The bar's text or scope changed: answer what it holds now. Changes
        queued behind one another (a burst of keys) ask once, for the last;
        Enter asks at once for what it was pressed on (`submitted`)."""
        bar = self.screen.search_bar
        now = (bar.text, bar.scope)
        if now != self._typed:
            self._typed = now
            self.search_for(*now)

    @property
    def bar_shown(self) -> bool:
        """The bar is up (it is mounted just after the first paint)."""
        extras = self.extras
        return extras is not None and extras.is_set() and bool(self.screen.search_bar.display)

    def search_for(self, text: str, scope: str) -> None:
        """Answer what is in the bar now: the results of the library, or the
        matches in the open story."""
        from reader.query import QueryError, parse
        from reader.tui.widgets.search_bar import STORY

        self._generation += 1
        bar = self.screen.search_bar
        if not text.strip():
            self._show_results(False)
            self._set_query(None)
            bar.set_status("")
            return
        try:
            query = parse(text, prefix_last=not text[-1:].isspace())
        except QueryError as exc:
            # The results of the query before would answer a question no longer asked.
            self.runner.interrupt()
            self._show_results(False)
            self._results_query = None
            self._set_query(None)
            bar.set_status(str(exc), error=True)
            return
        if scope == STORY:
            self._show_results(False)
            if self._reading_at is None:
                self._reading_at = round(self.screen.story.scroll_y)
            self._set_query(query, below=self._reading_at)
            return
        self._say_searching_later()
        first_page = self.screen.results.hits_fitting(self._pane_height()) + FIRST_PAGE_BELOW
        self.runner.ask(query, self._context(query), first_page, self._generation)

    def _say_searching_later(self) -> None:
        """"searching…" once the search just asked has waited SLOW_SEARCH. One
        timer at a time: when it fires it waits out the rest for a later search
        (a timer made and stopped at every key cost more than the search)."""
        self._asked = (self._generation, time.monotonic())
        if self._slow is None:
            self._slow = self.screen.set_timer(SLOW_SEARCH, self._still_searching)

    def _still_searching(self) -> None:
        self._slow = None
        generation, asked_at = self._asked
        if generation != self._generation or generation == self._answered:
            return  # answered, or no search asked since (the bar emptied, or an error)
        waited = time.monotonic() - asked_at
        if waited < SLOW_SEARCH:
            self._slow = self.screen.set_timer(SLOW_SEARCH - waited, self._still_searching)
        else:
            self.screen.search_bar.set_status("searching…")

    def _context(self, query: Query) -> Context:
        """The read set and bookmarks as they are now, for is: (copied here, on
        the screen's thread, since reading changes them as the search runs)."""
        from reader.query import Context

        catalog = self.screen.catalog
        # A hide rule's stories are out of the results too, unless H shows them.
        hidden = catalog.hidden if isinstance(catalog, LibraryCatalog) and catalog.hiding else ()
        if not query.needs_context:
            return Context(hidden=frozenset(hidden))
        reading = self.screen.reading
        return Context(
            read=frozenset(reading.read),
            bookmarked=frozenset(reading.pins),
            hidden=frozenset(hidden),
        )

    def _pane_height(self) -> int:
        """Rows the results will have: the reading pane's (they cover it), or,
        narrow, where the sidebar stands that they replace."""
        screen = self.screen
        return max(screen.query_one("#reading").size.height, screen.sidebar.size.height)

    @property
    def all_answered(self) -> bool:
        """Whether the bar and the results answer the last key typed: no search
        asked since is still out (what a test waits for before the next key)."""
        return self._answered == self._generation

    def current(self, generation: int) -> bool:
        """Whether an answer asked at `generation` still answers what is asked
        (safe from the search thread: a stale read only starts a search that
        is dropped)."""
        return generation == self._generation

    def failed(self, message: str, generation: int) -> None:
        if generation == self._generation:
            self._answered = generation
            self.screen.search_bar.set_status(message, error=True)

    def answered(
        self,
        query: Query,
        context: Context,
        result: SearchResult,
        generation: int,
        ranked: bool = True,
    ) -> None:
        if generation != self._generation:
            return  # a newer query is on its way: never show a stale answer
        if generation == self._opened:
            # The ranked page, after Enter on the newest one: the person chose
            # from what was shown, and the results would cover the story again.
            return
        self._answered = generation
        self._ranked = ranked
        self.screen.results.set_items(result.hits, result.total, room=SEARCH_PAGE)
        self._show_results(True)
        self._results_query = query
        # Later pages are asked with the same marks, so stories read meanwhile
        # (opening a result reads it) neither vanish from nor shift the list.
        self._results_context = context
        total = result.total
        found = counted(total, "story") if total else "nothing found"
        self.screen.search_bar.set_status(found, error=not total)
        if self._enter_waits == generation:
            self._enter_waits = None
            if (item := self.screen.results.highlighted) is not None:
                self.open_result(item)
                if steps := self._walks_waiting:
                    self.walk_matches(steps)

    def need_more(self, offset: int) -> None:
        """The result list nears its end: the next page, if it still answers
        (and is the ranked one: pages of the newest would not follow on)."""
        query, context = self._results_query, self._results_context
        if self._ranked and query is not None and context is not None:
            self.runner.more(query, context, offset, SEARCH_PAGE, self._generation)

    def more_answered(self, query: Query, result: SearchResult, generation: int) -> None:
        if generation == self._generation and query is self._results_query:
            self.screen.results.add_items(result.hits)

    # -- showing ------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """The results are shown (over the story)."""
        extras = self.extras
        return extras is not None and extras.is_set() and bool(self.screen.results.display)

    def _show_results(self, shown: bool) -> None:
        """The results over the story, which stays laid out behind them (see
        app.tcss) but out of the way of Tab while covered. Shown by their own
        `display`, not a class on the pane: a class re-applies the stylesheet
        to the pane and all in it (the story too), 2-13 ms of a search here."""
        screen = self.screen
        screen.results.display = shown
        screen.story.can_focus = not shown
        if shown and screen.narrow:
            screen.sidebar_open = False  # the results take the reading pane's place

    def _set_query(self, query: Query | None, go_to: int = 0, below: int | None = None) -> None:
        self.query = query
        spans = query.spans if query is not None else None
        self.screen.story.set_matches(spans, go_to=go_to, below=below)

    def move(self, event: Move) -> None:
        """An arrow or page key in the bar: through the results, else the story."""
        story = self.screen.story
        if self.searching:
            results = self.screen.results
            if not event.page:
                results.cursor += event.step
            elif event.step > 0:
                results.action_page_down()
            else:
                results.action_page_up()
        elif event.page:  # searching this story: a page of it
            (story.action_page_down if event.step > 0 else story.action_page_up)()
        elif self.query is not None:
            self.walk_matches(event.step)

    def submitted(self) -> None:
        """Enter in the bar: the highlighted result, else into the story's matches.
        Typed before the answer came (a burst: "ground⏎n"), Enter waits for it
        and opens its first result then; the focus leaves the bar at once, so
        the keys behind Enter are not typed into the query."""
        self.changed()  # the keys typed before Enter may not have been answered yet
        if self._asked[0] == self._generation != self._answered:
            self._enter_waits, self._walks_waiting = self._generation, 0
            screen = self.screen
            screen.focus_now(screen.results if self.searching else screen.story)
        elif self.searching and (item := self.screen.results.highlighted) is not None:
            self.open_result(item)
        elif self.query is not None:
            self._reading_at = None  # Enter: read on from the match
            self.screen.focus_now(self.screen.story)

    def open_result(self, item: Hit, last_match: bool = False) -> None:
        query = self._results_query
        if query is None:
            return
        self._opened = self._generation
        if not self._ranked:  # the ranking still under way is not wanted now
            self.runner.interrupt()
        self._show_results(False)
        self._reading_at = None  # another story, read from its match
        # Matches first: the story is then rendered once, with them, already at
        # its first (or last) match.
        self._set_query(query, go_to=-1 if last_match else 0)
        entry = EntryRef(item.id, item.section, item.title)
        self.screen.navigation.open(entry, sidebar_after=True)
        story = self.screen.story
        if story.matches_counted:  # rendered already: say so in the same frame
            self.show_match_position(story.current_match, story.match_count)
        # After the count: the focus leaving the bar restyles it, and a count
        # set after that was painted a frame later (Enter -> "match 1 of"
        # 38 -> 67 ms at 10,000 stories).
        self.screen.focus_now(story)

    def match_moved(self, event: StoryView.MatchMoved) -> None:
        self.show_match_position(event.current, event.count)

    def show_match_position(self, current: int, count: int, end: str = "") -> None:
        """The place in the bar ("match 3 of 12"); `end` says n (or N) went no further."""
        if self.query is None:
            return
        bar = self.screen.search_bar
        if count:
            where = f"match {current + 1} of {count}"
            bar.set_status(f"{where}, {end}" if end else where, error=bool(end))
        else:
            bar.set_status("no match in this story", error=True)

    def walk(self, step: int) -> None:
        """n or N: on through the matches, or say there is no search to walk."""
        if self._enter_waits == self._generation:  # walked once Enter has opened the result
            self._walks_waiting += step
        elif self.query is not None:
            self.walk_matches(step)
        elif not self._walk_again(step):
            from reader.tui.toast import notify  # a silent key looks like a broken one

            said = "No search yet: / searches, then n and N walk its matches"
            notify(self.screen, said, timeout=3)

    def _walk_again(self, step: int) -> bool:
        """n or N after the search was closed: its matches again, as vim's n
        and less's repeat the last search, from where the person is reading
        (n the first match from the top line on, N the one before it; unscrolled
        since, the match after or before the one it was left at), the bar
        back with the place in it and Escape closing it as before. False when
        no search was made (or the last could not be read)."""
        from reader.query import QueryError, parse

        if self.extras is None or not self.extras.is_set():
            return False
        bar = self.screen.search_bar
        text = bar.text
        if not text.strip():
            return False
        try:
            query = parse(text, prefix_last=not text[-1:].isspace())
        except QueryError:
            return False
        bar.display = True
        story = self.screen.story
        top = round(story.scroll_y)
        article = story.article
        if article is not None and self._left[:2] == (article.id, top):
            # Not scrolled since Escape: on from the match it was left at.
            self._set_query(query, go_to=self._left[2] + step)
        else:
            self._set_query(query, go_to=0 if step > 0 else -1, below=top)
        return True

    def walk_matches(self, step: int) -> None:
        """The next (previous) match, past the last on to the next result."""
        from reader.tui.widgets.search_bar import ALL

        story = self.screen.story
        if story.goto_match(story.current_match + step):
            # Said within the key, as the story moves: said from the story's
            # MatchMoved, it was painted a frame after the story.
            self.show_match_position(story.current_match, story.match_count)
            return
        # Past the last match (or before the first): on to the next result.
        results = self.screen.results
        if results.items and self.screen.search_bar.scope == ALL:
            index = results.cursor + step
            if 0 <= index < len(results.items):
                results.cursor = index
                self.open_result(results.items[index], last_match=step < 0)
                return
        # In the bar, not a toast: a toast would cover the bar, count and all.
        end = "no more" if step > 0 else "none before"
        self.show_match_position(story.current_match, story.match_count, end)

    def mark_results_read(self) -> None:
        """Ctrl+R in the bar, A in the results: every story found, read. The ids
        come from the searcher's thread (a common word finds 90,000)."""
        from reader.tui.toast import notify

        query, context = self._results_query, self._results_context
        if query is None or context is None or not self.searching or self.runner.searcher is None:
            notify(self.screen, "No search results to mark read", timeout=2)
            return
        self.runner.ids(query, context, self._generation)

    def ids_found(self, ids: list[str], generation: int) -> None:
        if generation == self._generation:  # typed over meanwhile: not what was asked
            self.screen.marks.mark_many(ids, "Every story found is read already")

    def close(self) -> None:
        """Out of the search: the bar hidden, the matches gone, the story back."""
        screen = self.screen
        self._generation += 1
        self._typed = self._enter_waits = None
        self.runner.interrupt()
        screen.search_bar.display = False
        screen.search_bar.set_status("")
        self._show_results(False)
        story = screen.story
        if self.query is not None and story.article is not None:  # for n after (`_walk_again`)
            self._left = (story.article.id, round(story.scroll_y), story.current_match)
        self._set_query(None)
        if (line := self._reading_at) is not None:  # back to where the search began
            self._reading_at = None
            self._left = ("", 0, 0)
            story.scroll_to(y=line, animate=False, force=True)
        if screen.focused is None or isinstance(screen.focused, Input):
            screen.focus_now(screen.story)
