"""Moving between stories on the reader screen: which story is open, which one
a key means, ] [ and . to the next, `o` to its web page.

Opening a story leaves the one before at its place (`Reading.left`), shows the
new one where it was left, highlights it in the sidebar and marks it read; the
steps follow the sidebar as it is listed (sections, order, unread only), so
`]` goes where the eye goes.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from reader.tui.toast import notify
from reader.urls import clickable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reader.model import Article, Entry
    from reader.tui.screens.reader import ReaderScreen
    from reader.tui.widgets.article_list import ArticleList
    from reader.tui.widgets.story_view import StoryView


class NavigationController:
    """The ], [, . and o keys of one reader screen, and the story it opens."""

    def __init__(self, screen: ReaderScreen, recent: Sequence[str]) -> None:
        self.screen = screen
        catalog = screen.catalog
        # The story open last that these sources hold (files read with `news
        # PATH` in between leave the library's), else the sidebar's first
        # (newest first: not necessarily the library's first).
        first = next((i for i in recent if catalog.has(i)), None)
        if first is None:
            sections = screen.panes.sections
            first = next((items[0].id for _, items in sections if len(items)), None)
        self.first = catalog.article(first) if first else None  # the story shown at start

    def show_first(self, sidebar: ArticleList, story: StoryView) -> None:
        """The story shown at start, in the first frame (from `compose`)."""
        first, reading = self.first, self.screen.reading
        if first is None:
            return
        sidebar.highlight(first.id)
        sidebar.open_id = first.id
        place, line = reading.where_left(first.id)
        note, origin = reading.note_for(first.id), self.screen.catalog.origin(first.id)
        story.show(first, place=place, scroll_y=line, note=note, origin=origin)

    def first_read(self) -> None:
        """The story shown at start is being read, as one opened is: marked so
        (its write after the first frame), and `.` does not come back to it."""
        if self.first is not None:
            screen = self.screen
            change = screen.reading.mark_read(self.first, True, later=screen.call_after_refresh)
            screen.marks.show(change)

    def complete_stories(self) -> None:
        """After the first screen: the rest of each story read in part (a long
        Markdown file, its head shown first) parsed on a worker, and the open
        one grown where it stands (`StoryView.grow_story`)."""
        if self.screen.catalog.in_part():
            self.screen.run_worker(self._complete, thread=True, group="complete-stories")
        else:  # made whole already (the keywords' count or the search needs every word)
            self.screen.story.grow_story()

    def _complete(self) -> None:
        """In a thread: parse; then, on the app's thread, grow the open story."""
        self.screen.catalog.complete()
        with suppress(RuntimeError):  # the app closed meanwhile
            self.screen.app.call_from_thread(self.screen.story.grow_story)

    def current(self) -> Article | None:
        """The story a key means: the highlighted one in the sidebar, else the open one."""
        screen = self.screen
        if screen.sidebar.has_focus and (entry := screen.sidebar.highlighted) is not None:
            return screen.reading.load(entry)
        return screen.story.article

    def leave(self) -> None:
        """Remember where the open story was left, and write it down."""
        story = self.screen.story
        if story.article is not None:
            self.screen.reading.left(story.article.id, story.place())

    def open(self, entry: Entry, *, sidebar_after: bool = False) -> None:
        """Show this story where it was left, and mark it read. The story open
        already (Enter on it again) stays where it is being read: it used to go
        back to where it was last left, and the keys typed behind Enter with it.
        What that changes in the state file is written after the frame that
        shows the story (`Reading.opened`).

        `sidebar_after`: the sidebar's cursor goes to the story after that
        frame too (a search result, most often far from the cursor: finding
        its row among 100,000 and drawing the rows round it took that frame
        4-11 ms of CPU, more than rendering the story at its match)."""
        screen = self.screen
        story = screen.story
        article, left = story.article, None
        if article is None or article.id != entry.id:
            if article is not None:
                left = (article.id, story.place())
            article = self._show(entry)
            if article is None:
                return
        if sidebar_after:
            story.call_after_refresh(self._follow, article.id)
        else:
            self._follow(article.id)
        # After the frame, asked of the story, not of the screen: a callback
        # asked of the screen woke it within the key, ahead of the widgets the
        # key changes after this (the search bar's "match 1 of"), and it painted
        # the story a frame before their repaints reached it.
        later = story.call_after_refresh
        screen.marks.show(screen.reading.opened(article, left, later=later))

    def _follow(self, article_id: str) -> None:
        """The sidebar's cursor on the story open, and its row marked open;
        unless another story has been opened since this was asked."""
        screen = self.screen
        open_now = screen.story.article
        if open_now is None or open_now.id != article_id:
            return
        screen.sidebar.open_id = article_id
        screen.sidebar.highlight(article_id)

    def _show(self, entry: Entry) -> Article | None:
        """The story in the reading pane where it was left; None (and said)
        when the library no longer has it."""
        screen = self.screen
        reading, story = screen.reading, screen.story
        article = reading.load(entry)
        if article is None:
            notify(screen, "That story is no longer in the library", severity="warning")
            return None
        place, line = reading.where_left(article.id)
        story.show(
            article,
            place=place,
            scroll_y=line,
            note=reading.note_for(article.id),
            origin=reading.origin(article),
        )
        return article

    def selected(self, entry: Entry) -> None:
        """Enter on a story in the sidebar: open it and read it (the sidebar
        folding away in a narrow terminal)."""
        screen = self.screen
        self.open(entry)
        if screen.narrow:
            screen.sidebar_open = False
        screen.focus_now(screen.story)

    def choose(self, where: str) -> None:
        """Enter (l, →) in the sidebar, the results or the search bar: their keys
        name this screen action, so that the story opens and takes the focus
        within the key. A message from the list (as a click still sends) came
        after the keys typed right behind Enter, and the list took those."""
        screen = self.screen
        if where == "sidebar":
            if (entry := screen.sidebar.highlighted) is not None:
                self.selected(entry)
            else:
                screen.sidebar.action_select()  # a folded section's header opens
        elif where == "results":
            if (item := screen.results.highlighted) is not None:
                screen.search_control.open_result(item)
        else:
            screen.search_control.submitted()

    def step(self, step: int) -> None:
        """The story `step` rows from the open one in the sidebar."""
        current = self.screen.story.article
        target = self.screen.sidebar.step_from(current.id if current else None, step)
        if target is None:
            notify(self.screen, "No more stories this way", timeout=2)
        else:
            self.open(target)

    def next_unread(self) -> None:
        target = self.screen.sidebar.next_unread()
        if target is None:
            notify(self.screen, "Everything is read", timeout=2)
        else:
            self.open(target)

    def open_link(self) -> None:
        """The story's own web page, in the browser."""
        from reader.tui.dialogs.links import open_url  # not on the way to the first screen

        article = self.current()
        url = clickable(article.url) if article is not None else ""
        if not url:
            notify(self.screen, "This story has no web link", timeout=2)
            return
        open_url(self.screen, url)
