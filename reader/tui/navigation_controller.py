"""Moving between stories on the reader screen: which story is open, which one
a key means, ] [ and . to the next, `o` to its web page.

Opening a story leaves the one before at its place (`Reading.left`), shows the
new one where it was left, highlights it in the sidebar and marks it read; the
steps follow the sidebar as it is listed (sections, order, unread only), so
`]` goes where the eye goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.tui.toast import notify
from reader.urls import clickable

if TYPE_CHECKING:
    from reader.model import Article, Entry
    from reader.tui.screens.reader import ReaderScreen


class NavigationController:
    """The ], [, . and o keys of one reader screen, and the story it opens."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen

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

    def open(self, entry: Entry) -> None:
        """Show this story where it was left, and mark it read."""
        screen = self.screen
        reading, story = screen.reading, screen.story
        article = reading.load(entry)
        if article is None:
            notify(screen, "That story is no longer in the library", severity="warning")
            return
        if story.article is not None and story.article.id != article.id:
            self.leave()
        place, line = reading.where_left(article.id)
        story.show(
            article,
            place=place,
            scroll_y=line,
            note=reading.note_for(article.id),
            origin=reading.origin(article),
        )
        screen.sidebar.open_id = article.id
        screen.sidebar.highlight(article.id)
        reading.opened(article.id)
        screen.marks.show(reading.mark_read(article, True))

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
