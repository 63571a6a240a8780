"""The main screen: the sidebar of stories beside the reading pane.

The screen wires; it does not implement. It composes the widgets, declares the
keys (with ids: the footer, help, palette and [keys] read them) and hands each
key and message to the controller that does that job: `marks_controller` (u b B
e a A C z), `navigation_controller` (the story open; ] [ . o), `panes_controller`
(what the sidebar lists; U s Escape), `search_controller`, `feeds_controller`
(r f), `keywords_controller`, `rules_controller`; what the person has done is
`reader.reading`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.reactive import reactive

from reader.bookmarks import Bookmarks
from reader.catalog import Catalog
from reader.highlight import Keyword
from reader.reading import Reading
from reader.state import ReadingState
from reader.triage.notify_settings import Settings
from reader.triage.undo import UndoStack
from reader.tui.dialogs.opener import opener, typing
from reader.tui.feeds_controller import FeedsController
from reader.tui.keywords_controller import KeywordsController
from reader.tui.marks_controller import MarksController
from reader.tui.navigation_controller import NavigationController
from reader.tui.panes_controller import PanesController
from reader.tui.rules_controller import RulesController
from reader.tui.saver import Saver
from reader.tui.screens.quiet_focus import QuietFocusScreen
from reader.tui.search_controller import SearchController
from reader.tui.widgets import search_messages as messages
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.story_view import StoryView

if TYPE_CHECKING:  # imported where first used, to keep them off the way to the first screen
    from reader.tui.widgets.activity import Activity
    from reader.tui.widgets.result_list import ResultList
    from reader.tui.widgets.search_bar import SearchBar


class ReaderScreen(QuietFocusScreen):
    """Wires the sidebar to the reading pane: messages up, methods down."""

    BINDINGS = [
        # Textual shows these keys as ] [ . and / (App.get_key_display).
        Binding("right_square_bracket", "step(1)", "Next story", id="reader.next"),
        Binding("left_square_bracket", "step(-1)", "Prev story", show=False, id="reader.previous"),
        Binding("full_stop", "next_unread", "Next unread", show=False, id="reader.next_unread"),
        Binding("b", "toggle_bookmark", "Bookmark", id="reader.bookmark"),
        Binding("B", "bookmarks", "Bookmarks", show=False, id="reader.bookmarks"),
        opener("e", "edit_note", "Note", id="reader.note"),  # the keys behind it are the note's
        Binding("u", "toggle_read", "Read/unread", show=False, id="reader.read"),
        # Bulk marks, as newsboat has them: A its feed (here the section), C all.
        Binding("a", "mark_above", "Mark read to here", show=False, id="reader.mark_above"),
        Binding("A", "mark_section", "Mark section read", show=False, id="reader.mark_section"),
        Binding("C", "mark_all", "Mark all read", show=False, id="reader.mark_all"),
        Binding("z", "undo", "Undo", show=False, id="reader.undo"),
        Binding("U", "toggle_unread_only", "Unread only/all", show=False, id="reader.unread_only"),
        Binding("s", "toggle_sidebar", "Sidebar", show=False, id="reader.sidebar"),
        Binding("o", "open_link", "Open in browser", show=False, id="reader.open_link"),
        Binding("r", "refresh", "Refresh feeds and folders", show=False, id="reader.refresh"),
        Binding("H", "toggle_hidden", "Show/hide hidden", show=False, id="reader.hidden"),
        Binding("R", "rules", "Rules", show=False, id="reader.rules"),
        Binding("f", "full_text", "Full text", show=False, id="reader.full_text"),
        # A priority binding: Textual offers keys to the focused widget first, so
        # without it letters typed right after / could land in the sidebar.
        Binding("slash", "search", "Search", priority=True, id="reader.search"),
        Binding("n", "walk(1)", "Next match", show=False, id="reader.next_match"),
        Binding("N", "walk(-1)", "Prev match", show=False, id="reader.previous_match"),
    ]

    narrow: reactive[bool] = reactive(False)
    sidebar_open: reactive[bool] = reactive(True)
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
        self.keyword_control = KeywordsController(self, keywords)
        # What the person has done, as the UI sees it; the stores follow behind.
        self.reading = Reading(
            catalog, bookmarks, state, saver.submit, undo=undo, journal=self.feeds.journal(saver)
        )
        self.marks = MarksController(self)  # u, b, B, e, a, A, C, z
        self.panes = PanesController(self)  # U, s, Escape: what is listed, and folding
        self.set_reactive(ReaderScreen.unread_only, state.unread_only)
        self.navigation = NavigationController(self, state.recent)  # ], [, ., o: the story open
        self.reading.on_problem = self.marks.problem
        self.rules = RulesController(self)

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            sections, locate, totals = self.panes.listed()
            self.sidebar = ArticleList(sections, locate=locate, totals=totals, id="sidebar")
            self.story = StoryView(id="story", whole=self.catalog.whole)
            self.marks.update_sidebar(self.sidebar)
            self.navigation.show_first(self.sidebar, self.story)
            yield self.sidebar
            with Container(id="reading") as self.reading_pane:
                yield self.story
        yield KeyFooter()

    def on_mount(self) -> None:
        (self.sidebar if self.sidebar_open else self.story).focus()
        self.navigation.first_read()
        # Not needed for the first screen: mounted right after it is painted.
        self.call_after_refresh(self.search_control.mount_extras)
        self.call_after_refresh(self.navigation.complete_stories)
        self.call_after_refresh(self.reading.read_history)
        self.call_after_refresh(self.rules.start)
        self.call_after_refresh(self.feeds.start_timer)
        self.keyword_control.start()

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

    # -- messages from the widgets --------------------------------------------------

    @on(ArticleList.Selected, "#sidebar")
    def _selected(self, event: ArticleList.Selected) -> None:
        self.navigation.selected(event.article)

    def action_choose(self, where: str) -> None:
        self.navigation.choose(where)

    @on(ArticleList.OrderChanged, "#sidebar")
    def _order_changed(self, event: ArticleList.OrderChanged) -> None:
        self.panes.order_changed(event.newest_first)

    def action_leave_story(self) -> None:
        self.panes.back_to_list()

    # -- mounted after the first paint: the search bar and results; the activity line at `r`

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
        # A "/" or "e" typed into the search bar (or any input) is text.
        return not (action in ("search", "edit_note") and typing(self.focused))

    async def action_search(self) -> None:
        await self.search_control.open_bar()

    @on(messages.Changed, "#search")
    def _search_changed(self) -> None:
        self.search_control.changed()

    @on(messages.Move, "#search")
    def _search_move(self, event: messages.Move) -> None:
        self.search_control.move(event)

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
        event.typed.follow(self.app.screen, self.search_bar.input)

    @on(messages.NeedMore, "#results")
    def _results_need_more(self, event: messages.NeedMore) -> None:
        self.search_control.need_more(event.offset)

    @on(messages.Selected, "#results")
    def _result_selected(self, event: messages.Selected) -> None:
        self.search_control.open_result(event.item)

    @on(StoryView.MatchMoved, "#story")
    def _match_moved(self, event: StoryView.MatchMoved) -> None:
        self.search_control.match_moved(event)

    def action_walk(self, step: int) -> None:
        self.search_control.walk(step)

    # -- actions ----------------------------------------------------------------------

    def action_step(self, step: int) -> None:
        self.navigation.step(step)

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
        """New stories in the catalog (a refresh): the rules run, the sidebar shows them."""
        self.reading.count_read(self.catalog.arrived())  # before the rules may count all
        self.rules.new_stories()
        self.catalog.reload()
        self.panes.show_sections()
        self.rules.show()
        self.keyword_control.count()

    def stories_removed(self) -> None:
        """Stories left the catalog (another `news` removed their source): the
        sidebar lists what is left, a bookmark of one gone says "missing"."""
        self.catalog.reload()
        self.reading.sources_changed()
        self.rules.stories_removed()
        self.panes.show_sections()
        self.marks.update_sidebar()
        self.keyword_control.count()

    def action_toggle_hidden(self) -> None:
        self.rules.toggle_revealed()

    def action_rules(self) -> None:
        self.rules.open_dialog()

    def action_toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open
