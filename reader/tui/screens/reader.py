"""The main screen: the sidebar of stories beside the reading pane.

The screen wires: what the person has done (read, bookmarked, where they left
each story) is `reader.reading`, which the screen asks and redraws from at once
while the stores on disk follow behind through the `Saver`; search is
`reader.tui.search_controller`; refresh and full text are
`reader.tui.feeds_controller`; keywords `reader.tui.keywords_controller`; rules
and saved searches `reader.tui.rules_controller`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input

from reader.bookmarks import Bookmarks
from reader.catalog import Catalog
from reader.highlight import Keyword
from reader.notify import Settings
from reader.reading import Reading
from reader.state import ReadingState
from reader.tui.feeds_controller import FeedsController
from reader.tui.keywords_controller import KeywordsController
from reader.tui.marks_controller import MarksController
from reader.tui.navigation_controller import NavigationController
from reader.tui.panes_controller import PanesController
from reader.tui.rules_controller import RulesController
from reader.tui.saver import Saver
from reader.tui.search_controller import SearchController
from reader.tui.toast import notify
from reader.tui.widgets import search_messages as messages
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.story_view import StoryView
from reader.undo import UndoStack

if TYPE_CHECKING:  # imported where first used, to keep them off the way to the first screen
    from reader.tui.widgets.activity import Activity
    from reader.tui.widgets.result_list import ResultList
    from reader.tui.widgets.search_bar import SearchBar

class ReaderScreen(Screen[None]):
    """Wires the sidebar to the reading pane: messages come up from the
    widgets, and the screen calls their methods to change them."""

    BINDINGS = [
        Binding(
            "right_square_bracket", "next_story", "Next story", key_display="]", id="reader.next"
        ),
        Binding(
            "left_square_bracket",
            "previous_story",
            "Prev story",
            show=False,
            key_display="[",
            id="reader.previous",
        ),
        Binding(
            "full_stop",
            "next_unread",
            "Next unread",
            show=False,
            key_display=".",
            id="reader.next_unread",
        ),
        Binding("b", "toggle_bookmark", "Bookmark", id="reader.bookmark"),
        Binding("B", "bookmarks", "Bookmarks", show=False, id="reader.bookmarks"),
        Binding("e", "edit_note", "Note", show=False, id="reader.note"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="reader.read"),
        # Bulk marks, as newsboat has them: A its feed (here the section), C all.
        Binding("a", "mark_above", "Mark read to here", show=False, id="reader.mark_above"),
        Binding("A", "mark_section", "Mark section read", show=False, id="reader.mark_section"),
        Binding("C", "mark_all", "Mark all read", show=False, id="reader.mark_all"),
        Binding("z", "undo", "Undo", show=False, id="reader.undo"),
        Binding(
            "U", "toggle_unread_only", "Unread only/all", show=False, id="reader.unread_only"
        ),
        Binding("s", "toggle_sidebar", "Sidebar", show=False, id="reader.sidebar"),
        Binding("o", "open_link", "Open in browser", show=False, id="reader.open_link"),
        Binding("r", "refresh", "Refresh feeds", show=False, id="reader.refresh"),
        Binding("H", "toggle_hidden", "Show/hide hidden", show=False, id="reader.hidden"),
        Binding("R", "rules", "Rules", show=False, id="reader.rules"),
        Binding("f", "full_text", "Full text", show=False, id="reader.full_text"),
        # A priority binding: Textual offers keys to the focused widget first, so
        # without it letters typed right after / could land in the sidebar.
        Binding("slash", "search", "Search", key_display="/", priority=True, id="reader.search"),
        Binding("n", "next_match", "Next match", show=False, id="reader.next_match"),
        Binding("N", "previous_match", "Prev match", show=False, id="reader.previous_match"),
    ]

    narrow: reactive[bool] = reactive(False)
    sidebar_open: reactive[bool] = reactive(True)
    # The sidebar lists only unread stories (and the open one); kept in state.json.
    unread_only: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        catalog: Catalog,
        bookmarks: Bookmarks,
        state: ReadingState,
        saver: Saver,
        keywords: Sequence[Keyword] = (),
        undo: UndoStack | None = None,
        refresh_every: int | None = None,
        alerts: Settings | None = None,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.search_control = SearchController(self)
        # r and f, the refresh timer ([refresh] every) and notifications ([notify]).
        self.feeds = FeedsController(self, refresh_every, alerts)
        self.extras: asyncio.Event | None = None  # set once they are mounted
        self.keyword_control = KeywordsController(self, keywords)
        # What the person has done, as the UI sees it; the stores follow behind.
        self.reading = Reading(
            catalog, bookmarks, state, saver.submit, undo=undo, journal=self.feeds.journal(saver)
        )
        self.marks = MarksController(self)  # u, b, B, e, a, A, C, z
        self.panes = PanesController(self)  # U, s, Escape: what is listed, and folding
        self.navigation = NavigationController(self)  # ], [, ., o: the story open
        self.reading.on_problem = self.marks.problem
        self.rules = RulesController(self)
        self.set_reactive(ReaderScreen.unread_only, state.unread_only)
        # The story open last, else the sidebar's first (newest first: not
        # necessarily the library's first).
        first = state.last if state.last and catalog.has(state.last) else None
        if first is None:
            first = next((items[0].id for _, items in self.panes.sections if len(items)), None)
        self.first = catalog.article(first) if first else None

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            sections, locate, totals = self.panes.listed()
            self._sidebar = sidebar = ArticleList(
                sections, locate=locate, totals=totals, id="sidebar"
            )
            self.marks.update_sidebar(sidebar)
            if self.first is not None:
                sidebar.highlight(self.first.id)
                sidebar.open_id = self.first.id
            yield sidebar
            self._story = story = StoryView(id="story")
            if self.first is not None:
                place, line = self.reading.where_left(self.first.id)
                story.show(
                    self.first,
                    place=place,
                    scroll_y=line,
                    note=self.reading.note_for(self.first.id),
                    origin=self.catalog.origin(self.first.id),
                )
            with Container(id="reading") as self.reading_pane:
                yield story
        yield KeyFooter()

    @property
    def sidebar(self) -> ArticleList:
        return self._sidebar

    @property
    def story(self) -> StoryView:
        return self._story

    def on_mount(self) -> None:
        (self.sidebar if self.sidebar_open else self.story).focus()
        if self.first is not None:
            # The story shown at start is being read, as one opened is: marked
            # so, and `.` does not come back to it.
            later = self.call_after_refresh
            self.marks.show(self.reading.mark_read(self.first, True, later=later))
        # Not needed for the first screen: mounted right after it is painted.
        self.call_after_refresh(self.mount_extras)
        self.call_after_refresh(self.reading.read_history)
        self.call_after_refresh(self.rules.start)
        self.call_after_refresh(self.feeds.start_timer)
        if self.keywords:
            self.keyword_control.set(self.keywords)

    @property
    def keywords(self) -> list[Keyword]:
        """The keywords lit up now."""
        return self.keyword_control.keywords

    def set_keywords(self, keywords: Sequence[Keyword]) -> None:
        """Light up these keywords in the story and the sidebar, and count them."""
        self.keyword_control.set(keywords)

    def on_unmount(self) -> None:
        self.navigation.leave()

    def on_resize(self) -> None:
        self.panes.resized()

    def watch_narrow(self, narrow: bool) -> None:
        self.panes.narrow_changed(narrow)

    def watch_sidebar_open(self, shown: bool) -> None:
        self.panes.sidebar_shown(shown)

    def watch_unread_only(self, on: bool) -> None:
        self.panes.unread_only_changed(on)

    # -- what the person has done -------------------------------------------------

    # -- messages from the widgets --------------------------------------------------

    @on(ArticleList.Selected, "#sidebar")
    def _selected(self, event: ArticleList.Selected) -> None:
        self.navigation.open(event.article)
        if self.narrow:
            self.sidebar_open = False
        self.story.focus()

    @on(ArticleList.OrderChanged, "#sidebar")
    def _order_changed(self, event: ArticleList.OrderChanged) -> None:
        self.catalog.set_newest_first(event.newest_first)
        self.panes.show_sections()
        order = "newest first" if event.newest_first else "in feed order"
        notify(self, f"Stories {order} in each section", timeout=2)

    def action_leave_story(self) -> None:
        self.panes.back_to_list()

    # -- search -----------------------------------------------------------------------

    # The search bar, the result list and the activity line are mounted just
    # after the first paint (`mount_extras`), and their modules imported then;
    # their messages are defined apart (search_messages), light to import.

    @property
    def search_bar(self) -> SearchBar:
        return cast("SearchBar", self.query_one("#search"))

    @property
    def results(self) -> ResultList:
        return cast("ResultList", self.query_one("#results"))

    @property
    def activity(self) -> Activity:
        return cast("Activity", self.query_one("#activity"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A "/" typed into the search bar (or any input) is text.
        return not (action == "search" and isinstance(self.focused, Input))

    async def mount_extras(self) -> None:
        """The search results over the story, the search bar and the activity
        line below the panes (the footer is docked, so they sit above it)."""
        if self.extras is None:
            if not self.is_attached:  # the app is closing before they were needed
                return
            from reader.tui.widgets.activity import Activity
            from reader.tui.widgets.result_list import ResultList
            from reader.tui.widgets.search_bar import SearchBar

            self.extras = asyncio.Event()
            await self.query_one("#reading").mount(ResultList(id="results"))
            await self.mount(SearchBar(id="search"), Activity(id="activity"))
            self.extras.set()
        await self.extras.wait()

    async def action_search(self) -> None:
        # `/` right at start may come before the bar is mounted: keys that follow
        # wait in the queue until this returns with the bar focused.
        await self.mount_extras()
        bar = self.search_bar
        bar.display = True
        # Focus at once, in this same key event, so the very next key lands in it.
        self.set_focus(bar.input)
        if bar.text:
            # The last query, selected (typing replaces it), and its answer again.
            bar.input.select_all()
            self.search_control.search_for(bar.text, bar.scope)

    @on(messages.Changed, "#search")
    def _search_changed(self, event: messages.Changed) -> None:
        self.search_control.search_for(event.text, event.scope)

    @on(messages.Move, "#search")
    def _search_move(self, event: messages.Move) -> None:
        self.search_control.move(event)

    @on(messages.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.search_control.submitted()

    @on(messages.Closed, "#search")
    def _search_closed(self) -> None:
        self.search_control.close()

    @on(messages.MarkRead, "#search")
    @on(messages.MarkResultsRead, "#results")
    def _mark_results_read(self) -> None:
        self.search_control.mark_results_read()

    @on(messages.SaveAsked, "#search")
    def _search_save(self, event: messages.SaveAsked) -> None:
        self.rules.save_search(event.text)

    @on(messages.NeedMore, "#results")
    def _results_need_more(self, event: messages.NeedMore) -> None:
        self.search_control.need_more(event.offset)

    @on(messages.Selected, "#results")
    def _result_selected(self, event: messages.Selected) -> None:
        self.search_control.open_result(event.item)

    @on(StoryView.MatchMoved, "#story")
    def _match_moved(self, event: StoryView.MatchMoved) -> None:
        self.search_control.match_moved(event)

    def action_next_match(self) -> None:
        self._walk_matches(1)

    def action_previous_match(self) -> None:
        self._walk_matches(-1)

    def _walk_matches(self, step: int) -> None:
        if self.search_control.query is None:  # a silent key looks like a broken one
            notify(self, "No search yet: / searches, then n and N walk its matches", timeout=3)
        else:
            self.search_control.walk_matches(step)

    # -- actions ----------------------------------------------------------------------

    def action_next_story(self) -> None:
        self.navigation.step(1)

    def action_previous_story(self) -> None:
        self.navigation.step(-1)

    def action_next_unread(self) -> None:
        self.navigation.next_unread()

    def action_open_link(self) -> None:
        self.navigation.open_link()

    def action_toggle_read(self) -> None:
        self.marks.toggle_read()

    def action_toggle_bookmark(self) -> None:
        self.marks.toggle_bookmark()

    def action_bookmarks(self) -> None:
        self.marks.bookmarks()

    def action_edit_note(self) -> None:
        self.marks.edit_note()

    def action_mark_above(self) -> None:
        self.marks.mark_above()

    def action_mark_section(self) -> None:
        self.marks.mark_section()

    def action_mark_all(self) -> None:
        self.marks.mark_all()

    def action_undo(self) -> None:
        self.marks.undo()

    def action_toggle_unread_only(self) -> None:
        self.panes.toggle_unread_only()

    def action_refresh(self) -> None:
        self.feeds.refresh()

    def action_full_text(self) -> None:
        self.feeds.full_text()

    def stories_changed(self) -> None:
        """The catalog holds new stories (a refresh): the rules run over them,
        and the sidebar shows them."""
        self.rules.new_stories()
        self.catalog.reload()
        self.panes.show_sections()
        self.rules.show()
        self.keyword_control.count()

    def action_toggle_hidden(self) -> None:
        self.rules.toggle_revealed()

    def action_rules(self) -> None:
        self.rules.open_dialog()

    def action_toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open
