"""Marks on the reader screen: read and unread, bookmarks and their notes, bulk
marks and `z`, each said in a toast and drawn at once.

What the person has done lives in `reader.reading` (no Textual); this module
is the screen's side of it: it asks `Reading` for the change a key makes and
redraws only what changed (the read marks and counts, the bookmarks list, the
open story's note), in the same frame, while the stores follow behind on the
saver thread. A sync or a rule that changes marks behind the screen comes
through here too (`changed_behind`, `show`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from reader.reading import Change, Marked, about, ids_of
from reader.tui.toast import notify
from reader.wording import counted, first_up

if TYPE_CHECKING:
    from reader.bookmarks import Bookmark
    from reader.model import Article
    from reader.tui.screens.reader import ReaderScreen
    from reader.tui.widgets.article_list import ArticleList


class MarksController:
    """The u, b, B, e, a, A, C and z keys of one reader screen."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen

    # -- drawing what changed ---------------------------------------------------------

    def update_sidebar(self, sidebar: ArticleList | None = None) -> None:
        """The bookmarks list and the read marks, as `Reading` has them."""
        sidebar = sidebar or self.screen.sidebar
        reading = self.screen.reading
        sidebar.set_pinned(reading.pinned(), reading.missing)
        self.update_marks(sidebar)

    def update_marks(self, sidebar: ArticleList | None = None) -> None:
        """The read marks and the sections' counts (the saved sections' too)."""
        screen = self.screen
        reading = screen.reading
        (sidebar or screen.sidebar).set_marks(reading.read, set(reading.pins), reading.read_counts)
        if screen.is_mounted:
            screen.rules.counts_changed()

    def show(self, change: Change | Marked | None) -> None:
        """Redraw what an action of the screen's `Reading` changed."""
        screen = self.screen
        if change is None:
            return
        if isinstance(change, Marked) and screen.unread_only:
            screen.panes.relist()  # the stories marked read leave the list (and come back on undo)
        elif isinstance(change, Change) and change.pins:
            self.update_sidebar()
            if screen.story.article is not None and screen.story.article.id == change.article_id:
                screen.story.set_note(screen.reading.note_for(change.article_id))
        elif change.marks:
            self.update_marks()

    def changed_behind(self, pins: Collection[str] = ()) -> None:
        """Read marks and bookmarks changed behind the screen (a sync took in the
        server's; `pins`: the stories whose bookmark came or went): the sidebar
        and the open story's note show them, the cursor staying where it is."""
        screen = self.screen
        self.update_sidebar()
        if (article := screen.story.article) is not None and article.id in pins:
            screen.story.set_note(screen.reading.note_for(article.id))

    def take_in_bookmarks(self, bookmarks: Mapping[str, Bookmark]) -> None:
        """The bookmarks file changed by another `news` (`news bookmarks
        import`, another reader): listed, drawn and said."""
        taken = self.screen.reading.take_in_bookmarks(bookmarks)
        if not taken.ids:
            return
        self.changed_behind(taken.ids)
        said = ", ".join(
            said
            for ids, said in (
                (taken.added, f"{len(taken.added)} added"),
                (taken.removed, f"{len(taken.removed)} removed"),
                (taken.noted, counted(len(taken.noted), "note") + " changed"),
            )
            if ids
        )
        notify(self.screen, f"Bookmarks changed by another news: {said}", timeout=4)

    def take_in_read(self, read: Collection[str]) -> bool:
        """The read marks another `news` saved (`news rules apply` with a
        mark-read rule, another reader): drawn, the counts too, and said. The
        list stays as it is, as after a sync: a story read elsewhere is dimmed,
        not taken out from under the cursor. False: not now (`Reading.take_in_read`)."""
        if (taken := self.screen.reading.take_in_read(read)) is None:
            return False
        now_read, now_unread = taken
        if not now_read and not now_unread:
            return True
        self.update_marks()
        said = [
            f"{counted(len(ids), 'story', 'stories')} marked {what}"
            for ids, what in ((now_read, "read"), (now_unread, "unread"))
            if ids
        ]
        notify(self.screen, f"{', '.join(said)} by another news", timeout=4)
        return True

    def problem(self, problem: str) -> None:
        """An undo.json that could not be read, said (`Reading.on_problem`)."""
        notify(self.screen, problem, title="Could not load", severity="warning", timeout=15)

    # -- one story ----------------------------------------------------------------------

    def _toggle(self, toggle: Callable[[Article], Change]) -> Change | None:
        """One of `Reading`'s toggles, on the story the keys act on, drawn."""
        article = self.screen.navigation.current()
        if article is None:
            return None
        change = toggle(article)
        self.show(change)
        return change

    def toggle_read(self) -> None:
        article = self.screen.navigation.current()
        if (change := self._toggle(self.screen.reading.toggle_read)) is not None:
            label = "read" if change.read else "unread"
            # The highlighted row's story, when it is not the one on screen: named.
            if article is not None and article.id != self.screen.sidebar.open_id:
                label = about(article, label)
            notify(self.screen, f"Marked {label} · z to undo", timeout=2)

    def toggle_bookmark(self) -> None:
        if (change := self._toggle(self.screen.reading.toggle_bookmark)) is None:
            return
        if change.bookmarked:
            notify(self.screen, "Bookmarked · B lists bookmarks · e adds a note", timeout=2)
        else:
            notify(self.screen, "Bookmark removed", timeout=1.5)

    def bookmarks(self) -> None:
        """The sidebar open at its Bookmarks section."""
        screen = self.screen
        if not screen.reading.pins:
            notify(screen, "No bookmarks yet: b bookmarks a story", timeout=2)
            return
        screen.sidebar_open = True
        screen.sidebar.jump_to_bookmarks()
        screen.focus_now(screen.sidebar)

    def edit_note(self) -> None:
        from reader.tui.dialogs.note import NoteDialog

        screen = self.screen
        article = screen.navigation.current()
        if article is None:
            return
        note = screen.reading.note_for(article.id) or ""

        def done(new: str | None) -> None:
            if new is None:
                return
            self.show(screen.reading.set_note(article, new))
            notify(screen, "Note saved" if new else "Note cleared", timeout=1.5)

        screen.app.push_screen(NoteDialog(article.title, note), done)

    # -- bulk marks and undo -------------------------------------------------------------

    def _here(self) -> int | None:
        """The sidebar row a bulk mark starts from: the cursor's when the
        sidebar has the focus, else the open story's."""
        sidebar = self.screen.sidebar
        if sidebar.has_focus:
            return sidebar.cursor
        article = self.screen.story.article
        return sidebar.rows.index_of(article.id) if article is not None else None

    def mark_above(self) -> None:
        """The story and every one above it in its section, read."""
        here = self._here()
        if here is None or (found := self.screen.sidebar.rows.section_at(here)) is None:
            return
        _, entries, place = found
        self.mark_many(ids_of(entries, place + 1), "Nothing above to mark read")

    def mark_section(self) -> None:
        here = self._here()
        if here is None or (found := self.screen.sidebar.rows.section_at(here)) is None:
            return
        name, entries, _ = found
        self.mark_many(ids_of(entries), f"Everything in {name} is read already")

    def mark_all(self) -> None:
        ids = [i for _, entries in self.screen.catalog.sections() for i in ids_of(entries)]
        self.mark_many(ids, "Everything is read already")

    def mark_many(self, ids: Sequence[str], none: str) -> None:
        """Mark these stories read as one step, and say how many (or `none`)."""
        marked = self.screen.reading.mark_many(ids)
        if marked is None:
            notify(self.screen, none, timeout=2)
            return
        self.show(marked)
        notify(self.screen, f"{first_up(marked.label)} · z to undo", timeout=4)

    def undo(self) -> None:
        screen = self.screen
        undone = screen.reading.undo()
        if undone is None:
            notify(screen, "Nothing to undo", timeout=2)
            return
        if screen.unread_only and isinstance(undone.change, Change) and undone.change.marks:
            screen.panes.relist()  # a story marked unread again is listed again
        self.show(undone.change)
        if not undone.known:
            notify(screen, f"Cannot undo {undone.label} here; dropped it", severity="warning")
        else:
            notify(screen, f"Undone: {undone.label}", timeout=3)
