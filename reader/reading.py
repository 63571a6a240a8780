"""What the person has done while reading, as the reader shows it at once.

The stores on disk (`ReadingState`, `Bookmarks`) are written on another thread
so a keypress never waits for a file; the screen still has to draw the new read
mark or bookmark in the same frame. This module is that copy: the read set, the
bookmarks and their notes, where each story was left this run, read counts per
section and the bookmarks whose story is gone. Each action changes the copy,
hands the store's write to the injected `save` (the TUI's saver thread; in tests
a plain call) and returns what changed, so the screen redraws only that. No
Textual here: it is tested over an in-memory catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from reader.bookmarks import Bookmark, Bookmarks
from reader.catalog import Catalog, LibraryCatalog, Origin, source_name
from reader.model import Article, Entry, EntryRef
from reader.state import ReadingState

Place = tuple[int, int]  # a block and a line in it (see StoryView.place)


class Save(Protocol):
    """Runs a store's write, now or on a thread (`Saver.submit`)."""

    def __call__(self, fn: Callable[..., Any], /, *args: Any) -> object: ...


@dataclass(frozen=True, slots=True)
class Change:
    """What an action changed: the screen redraws the read marks (`marks`), or
    the bookmarks list and the story's note (`pins`)."""

    article_id: str
    marks: bool = False
    pins: bool = False
    read: bool | None = None  # now read (or unread); None: untouched
    bookmarked: bool | None = None  # now bookmarked (or not); None: untouched


class Reading:
    """The reading state of one reader screen, ahead of the stores behind it."""

    def __init__(
        self, catalog: Catalog, bookmarks: Bookmarks, state: ReadingState, save: Save
    ) -> None:
        self.catalog = catalog
        self.bookmarks = bookmarks
        self.state = state
        self.save = save
        self.read: set[str] = set(state.read_ids())
        self.pins: dict[str, Bookmark] = {b.article_id: b for b in bookmarks.all()}
        # Bookmarked stories no source holds now: shown from the bookmark.
        self.missing = frozenset(i for i in self.pins if not catalog.has(i))
        self.read_counts: dict[str, int] = {}
        self.count_read()
        # Where each story was left this run (None: the top), ahead of the store.
        self.places: dict[str, Place | None] = {}

    # -- what is known ------------------------------------------------------------

    def count_read(self) -> None:
        """Read stories per section (casefolded), counted once (by the library for
        a large one), then kept up to date as stories are read and unread."""
        counts: dict[str, int] = {}
        for section, count in self.catalog.read_counts(self.read).items():
            key = section.casefold()
            counts[key] = counts.get(key, 0) + count
        self.read_counts = counts

    def note_for(self, article_id: str) -> str | None:
        """The note of a bookmarked story ("" for none); None if not bookmarked."""
        pin = self.pins.get(article_id)
        return pin.note if pin is not None else None

    def pinned(self) -> list[EntryRef]:
        """The bookmarks as sidebar entries, the newest first."""
        pins = sorted(self.pins.values(), key=lambda b: b.added, reverse=True)
        return [EntryRef(b.article_id, b.section, b.title or b.article_id) for b in pins]

    def load(self, entry: Entry) -> Article | None:
        """The whole story for a sidebar entry; a bookmarked story that is gone
        is told from its bookmark. A library read by primary key and a Markdown
        parse: well under a millisecond, fine on the event loop."""
        if isinstance(entry, Article):
            return entry
        pin = self.pins.get(entry.id)
        if entry.id in self.missing and pin is not None:
            return pin.missing_story(reading_files=not isinstance(self.catalog, LibraryCatalog))
        return self.catalog.article(entry.id)

    def origin(self, article: Article) -> Origin:
        """Where a story came from, for its header."""
        if article.id in self.missing:  # its source is gone: the bookmark's word for it
            return Origin(source_name(article.source))
        return self.catalog.origin(article.id)

    def where_left(self, article_id: str) -> tuple[Place | None, int]:
        """Where a story was left: a place in its text, else (a state file from
        before places were kept) a line; the top when neither is known."""
        if article_id in self.places:
            return self.places[article_id], 0
        place = self.state.place(article_id)
        return place, 0 if place else self.state.position(article_id)

    # -- actions ------------------------------------------------------------------

    def mark_read(
        self,
        article: Article,
        read: bool,
        *,
        later: Callable[[Callable[[], object]], object] | None = None,
    ) -> Change | None:
        """Mark a story read or unread; None if it already was. The write goes
        through `later` when given (at start-up, after the first frame)."""
        if (article.id in self.read) == read:
            return None
        (self.read.add if read else self.read.discard)(article.id)
        key = article.section.casefold()
        self.read_counts[key] = self.read_counts.get(key, 0) + (1 if read else -1)
        if later is None:
            self.save(self.state.mark_read, article.id, read)
        else:
            later(lambda: self.save(self.state.mark_read, article.id, read))
        return Change(article.id, marks=True, read=read)

    def toggle_read(self, article: Article) -> Change:
        change = self.mark_read(article, article.id not in self.read)
        assert change is not None  # the opposite of what it was always changes
        return change

    def toggle_bookmark(self, article: Article) -> Change:
        """Bookmark the story, or drop its bookmark."""
        if article.id in self.pins:
            del self.pins[article.id]
            self.save(self.bookmarks.remove, article.id)
            return Change(article.id, marks=True, pins=True, bookmarked=False)
        source = self.origin(article).source  # its name, not where it was read from
        self.pins[article.id] = Bookmark.of(article, source=source)
        self.save(self.bookmarks.add, article, "", source)
        return Change(article.id, marks=True, pins=True, bookmarked=True)

    def set_note(self, article: Article, note: str) -> Change:
        """Write a story's note, bookmarking it if it was not."""
        if article.id not in self.pins:
            source = self.origin(article).source
            self.pins[article.id] = Bookmark.of(article, note, source)
            self.save(self.bookmarks.add, article, note, source)
            return Change(article.id, marks=True, pins=True, bookmarked=True)
        self.pins[article.id] = replace(self.pins[article.id], note=note)
        self.save(self.bookmarks.set_note, article.id, note)
        return Change(article.id, marks=True, pins=True)

    def opened(self, article_id: str) -> None:
        """A story was opened: the one to open at the next start."""
        self.save(self.state.set_last, article_id)

    def left(self, article_id: str, place: Place | None) -> None:
        """A story was left here: remembered, written down, and the state flushed."""
        self.places[article_id] = place
        self.save(self.state.set_place, article_id, place)
        self.save(self.state.flush)
