"""The search bar: a query, where to look, and what was found.

It only reports what the person types and chooses (messages up); the screen
runs the search and tells the bar what to show (`set_status`).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Region, Size
from textual.reactive import Reactive, reactive
from textual.widgets import Input, Label

from reader.tui.dialogs.opener import TypeAhead
from reader.tui.widgets import search_messages

ALL, STORY = "all", "story"
SCOPE_LABELS = {ALL: "all stories", STORY: "this story"}


class QueryInput(Input):
    """The bar's input, which runs its own key bindings and the bar's as each
    key arrives, in the order typed, and lays out nothing as the text grows.

    Textual inserts a letter as soon as the focused input sees it, but runs a
    key's *binding* only once the key has bubbled up to the app, through the
    message queue of every widget on the way: while the screen was busy with
    the keystroke before (starting a search, drawing results), a burst of
    Backspace x4 then `xy` came out as `xy` then four deletes, so `dingotown`
    became `dingoto`. Handled here, a key cannot be overtaken by the next one.

    Textual's Input sets its `virtual_size` (the text's width, for scrolling
    it sideways) on every change, and that reactive lays out the whole screen:
    a layout and a full repaint for every letter typed, which the results of
    the last letter then waited behind. The input's own size is fixed here
    (`width: 1fr; height: 1` in app.tcss), so the text's width needs only a
    repaint; scrolling reads `virtual_size` directly.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    type_ahead: TypeAhead | None = None

    # Enter opens the chosen result (or goes into the story's matches) within
    # the key: see `NavigationController.choose`.
    BINDINGS = [Binding("enter", "screen.choose('search')", "Open result", show=False)]

    def on_resize(self) -> None:
        """Narrowed (a message at the bar's right, a smaller terminal): the
        cursor, where the person is typing, kept in sight. Textual's input
        scrolls to it only when it moves."""
        cursor = cell_len(self.value[: self.cursor_position]) + self.cursor_at_end
        self.scroll_to_region(Region(cursor, 0, 1, 1), force=True, animate=False)

    async def _on_key(self, event: events.Key) -> None:
        if (ahead := self.type_ahead) is not None and not ahead.done:
            ahead.add(event)  # typed behind Ctrl+S: the name's
            event.stop()
            event.prevent_default()
            return
        if self.screen.focused is not self:
            # Typed right behind Enter, which took the focus to the story before
            # this key came off the input's queue: handed back to the app, as
            # if typed now, it goes to the story (n to the next match), not
            # into the query.
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if not event.is_printable:
            # As the app would, once the key reached it: the first binding whose
            # action does not skip (an input's scroll keys skip), nearest first.
            for owner in (self, self.parent):
                if owner is None:
                    continue
                for binding in owner._bindings.key_to_bindings.get(event.key, ()):
                    if not binding.priority and await self.app.run_action(binding.action, owner):
                        event.stop()
                        event.prevent_default()
                        return
        await super()._on_key(event)


class SearchBar(Horizontal):
    """Component of the reader screen, docked at the bottom, hidden until `/`."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="search.close"),
        Binding("ctrl+t", "toggle_scope", "All/this story", id="search.scope"),
        Binding("down", "move(1)", "Next result", id="search.down"),
        Binding("up", "move(-1)", "Previous result", id="search.up"),
        Binding(
            "pagedown", "move(1, True)", "Results page down", show=False, id="search.page_down"
        ),
        Binding("pageup", "move(-1, True)", "Results page up", show=False, id="search.page_up"),
        Binding("ctrl+s", "save", "Save", id="search.save"),
        # As mutt's Ctrl+R marks a thread read: here, everything found.
        Binding("ctrl+r", "mark_read", "Mark read", id="search.mark_read"),
    ]

    scope: reactive[str] = reactive(ALL, init=False)
    _status = ""

    # Defined apart (see search_messages), named here as the bar's own.
    Changed = search_messages.Changed
    Move = search_messages.Move
    Closed = search_messages.Closed
    MarkRead = search_messages.MarkRead
    SaveAsked = search_messages.SaveAsked

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-prompt")
        yield QueryInput(
            placeholder='Search: words, "a phrase", -not, OR, section:News, is:unread, after:7d',
            id="search-input",
        )
        yield Label(Text(SCOPE_LABELS[ALL]), id="search-scope", markup=False)
        yield Label("", id="search-status", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value

    def set_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#search-status", Label)
        status.set_class(error, "-error")
        if message == self._status:
            return
        # The label is as wide as its text, or its min-width: the bar is laid
        # out again only when that width changes, so "searching…" and "323
        # stories", or "match 1 of 9" and "match 2 of 9", are a repaint only.
        # A message longer than the label's max-width is cut to it (search.tcss).
        width = cell_len(message) + status.styles.gutter.width
        wide = max(width, int(status.styles.min_width.value) if status.styles.min_width else 0)
        if status.styles.max_width is not None:
            most = status.styles.max_width.resolve(self.size, self.app.size)
            wide = min(wide, int(most))
        resized = wide != status.outer_size.width
        self._status = message
        status.update(Text(message), layout=resized)

    def watch_scope(self, scope: str) -> None:
        self.query_one("#search-scope", Label).update(Text(SCOPE_LABELS[scope]))
        self.post_message(self.Changed(self, self.text, scope))

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value, self.scope))

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed(self))

    def action_save(self) -> None:
        typed = self.query_one(QueryInput).type_ahead = TypeAhead()
        self.post_message(self.SaveAsked(self, self.text, typed))

    def action_toggle_scope(self) -> None:
        self.scope = STORY if self.scope == ALL else ALL

    def action_mark_read(self) -> None:
        self.post_message(self.MarkRead(self))

    def action_move(self, step: int, page: bool = False) -> None:
        self.post_message(self.Move(self, step, page))
