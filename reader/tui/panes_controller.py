"""The reader screen's panes: what the sidebar lists, and whether it is shown.

The sidebar lists the catalog's sections, or (`U`, kept in state.json) only
their unread stories and the open one; a story read while listed stays listed
until the list is built again, so it does not vanish under the cursor. Under
`NARROW_BELOW` columns the sidebar folds away and the story takes the width;
`s` and Escape bring it back. The view state itself is the screen's reactives
(`narrow`, `sidebar_open`, `unread_only`); their watchers call this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.reading import ids_of
from reader.triage.unread import unread_sections
from reader.tui.toast import notify

if TYPE_CHECKING:
    from reader.model import Entry
    from reader.tui.screens.reader import ReaderScreen
    from reader.tui.widgets.article_list import Locate

NARROW_BELOW = 70  # columns under which the sidebar folds away

Listed = tuple[list[tuple[str, Sequence["Entry"]]], "Locate", dict[str, int] | None]


class PanesController:
    """The U, s and Escape keys of one reader screen, and the sidebar's listing."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self.sections = screen.catalog.sections()

    # -- what the sidebar lists -------------------------------------------------------

    def listed(self, keep_listed: bool = False) -> Listed:
        """What the sidebar lists: every section, or (unread only) their unread
        stories and the open one (and, with `keep_listed`, every story listed
        now), with each section's total for its header."""
        screen = self.screen
        if not screen.unread_only:
            return self.sections, screen.catalog.locate, None
        opened = screen.story.article if screen.is_mounted else screen.navigation.first
        keep = {opened.id} if opened is not None else set()
        if keep_listed:
            groups = screen.sidebar.rows.groups
            keep.update(i for _, entries, pinned in groups if not pinned for i in ids_of(entries))
        shown, locate = unread_sections(
            self.sections, screen.reading.read, keep, screen.catalog.locate
        )
        return shown, locate, {name: len(entries) for name, entries in self.sections}

    def show_sections(self) -> None:
        """The catalog's sections (again, after a refresh or a new order), as
        listed: unread only, the stories listed before stay listed."""
        self.sections = self.screen.catalog.sections()
        self.relist(keep_listed=True)

    def relist(self, keep_listed: bool = False) -> None:
        self.screen.sidebar.set_sections(*self.listed(keep_listed))
        self.screen.rules.show()  # the saved searches, listed the same way
        self.screen.marks.update_marks()

    def unread_only_changed(self, on: bool) -> None:
        self.relist()
        reading = self.screen.reading
        reading.save(reading.state.set_unread_only, on)

    def toggle_unread_only(self) -> None:
        screen = self.screen
        screen.unread_only = not screen.unread_only
        if screen.unread_only:
            notify(screen, "Unread stories only · U lists all", timeout=2)
        else:
            notify(screen, "All stories listed", timeout=2)

    def order_changed(self, newest_first: bool) -> None:
        """`O` in the sidebar: each section newest first, or in feed order."""
        self.screen.catalog.set_newest_first(newest_first)
        self.show_sections()
        order = "newest first" if newest_first else "in feed order"
        notify(self.screen, f"Stories {order} in each section", timeout=2)

    # -- folding --------------------------------------------------------------------------

    def resized(self) -> None:
        self.screen.narrow = self.screen.size.width < NARROW_BELOW

    def narrow_changed(self, narrow: bool) -> None:
        screen = self.screen
        screen.set_class(narrow, "-narrow")
        # Folding away when the terminal gets narrow; coming back when it widens.
        screen.sidebar_open = not narrow

    def sidebar_shown(self, shown: bool) -> None:
        screen = self.screen
        screen.set_class(not shown, "-sidebar-hidden")
        if shown and screen.narrow:
            screen.focus_now(screen.sidebar)
        elif not shown and screen.focused in (screen.sidebar, None):
            screen.focus_now(screen.story)

    def back_to_list(self) -> None:
        """Escape, h or ← in the story: first out of a search, then back to the list."""
        screen = self.screen
        if screen.search_control.query is not None or screen.search_control.bar_shown:
            screen.search_control.close()  # the first Escape leaves the search, the next the story
            return
        screen.sidebar_open = True
        screen.focus_now(screen.sidebar)
