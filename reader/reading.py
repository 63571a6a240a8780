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

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, NamedTuple, Protocol

from reader.bookmarks import Bookmark, Bookmarks, Changes
from reader.catalog import Catalog, Origin, source_name
from reader.model import Article, Entry, EntryRef
from reader.state import ReadingState
from reader.triage.undo import BOOKMARK, NOTE, READ, UNBOOKMARK, UNREAD, Step, UndoStack, trimmed

Place = tuple[int, int]  # a block and a line in it (see StoryView.place)
Later = Callable[[Callable[[], object]], object]  # runs a write after the first frame
# The sync queue (reader/sync): told each change: "read", "unread", "star" or "unstar".
Journal = Callable[[Sequence[str], str], object]


class Save(Protocol):
    """Runs a store's write, now or on a thread (`Saver.submit`)."""

    def __call__(self, fn: Callable[..., Any], /, *args: Any) -> object: ...


class Change(NamedTuple):
    """What an action changed: the screen redraws the read marks (`marks`), or
    the bookmarks list and the story's note (`pins`)."""

    article_id: str
    marks: bool = False
    pins: bool = False
    read: bool | None = None  # now read (or unread); None: untouched
    bookmarked: bool | None = None  # now bookmarked (or not); None: untouched


class Marked(NamedTuple):
    """Many stories marked read (or unread) at once: the screen redraws the read
    marks and the counts, and says `label` ("143 marked read")."""

    ids: tuple[str, ...]
    read: bool
    label: str
    marks: bool = True
    pins: bool = False


class Undone(NamedTuple):
    """A step taken back, and what that changed (None: nothing was left to change)."""

    step: Step
    change: Change | Marked | None
    known: bool = True  # False: no one here could undo its kind; it was dropped

    @property
    def label(self) -> str:
        return self.step.label


def about(article: Article, what: str) -> str:
    """A one-story step's label, naming the story: `z` may undo it after a
    restart, when "Undone: marked unread" alone would not say which."""
    title = article.title if len(article.title) <= 40 else article.title[:39].rstrip() + "…"
    return f"{what} ({title})"


def _marked(count: int, read: bool) -> str:
    return f"{count:,} marked {'read' if read else 'unread'}"


def ids_of(entries: Sequence[Entry], stop: int | None = None) -> list[str]:
    """The ids of a sidebar section's stories (the first `stop` of them), from
    the library's index in one query when the section is a library listing."""
    ids = getattr(entries, "ids", None)
    if callable(ids):
        return list(ids(stop))
    return [entry.id for entry in entries[:stop]]


class Reading:
    """The reading state of one reader screen, ahead of the stores behind it."""

    def __init__(
        self,
        catalog: Catalog,
        bookmarks: Bookmarks,
        state: ReadingState,
        save: Save,
        *,
        undo: UndoStack | None = None,
        journal: Journal | None = None,
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
        self.journal = journal
        # Undo: the steps (loaded when first needed), how to undo each kind, and
        # `undoers` other parts add (each says whether it changed anything: undo.py).
        self.undo_store = undo if undo is not None else UndoStack()
        self._steps: list[Step] | None = None
        self._reading_history: object = None  # what `read_history` handed to `save`
        self.undoers: dict[str, Callable[[Step], bool]] = {}
        self._undoers: dict[str, Callable[[Step], Change | Marked | None]] = {
            READ: self._undo_read,
            UNREAD: self._undo_read,
            BOOKMARK: self._undo_bookmark,
            UNBOOKMARK: self._undo_unbookmark,
            NOTE: self._undo_note,
        }
        self.on_problem: Callable[[str], object] | None = None  # told if undo.json was unusable
        self._held: list[Callable[[], object]] = []  # writes waiting for the frame (`opened`)

    # -- what is known ------------------------------------------------------------

    def count_read(self, arrived: Collection[str] | None = None) -> None:
        """Read stories per section (casefolded), counted once, then kept up to date;
        `arrived`: stories just stored, which may have been read before they came."""
        read = self.read if arrived is None else self.read.intersection(arrived)
        counts: dict[str, int] = {} if arrived is None else self.read_counts
        for section, count in self.catalog.read_counts(read).items():
            key = section.casefold()
            counts[key] = counts.get(key, 0) + count
        self.read_counts = counts

    def note_for(self, article_id: str) -> str | None:
        """The note of a bookmarked story ("" for none); None if not bookmarked."""
        return pin.note if (pin := self.pins.get(article_id)) is not None else None

    def pinned(self) -> list[EntryRef]:
        """The bookmarks as sidebar entries, the newest first. Reading files given
        on the command line, only those of their stories: the library's other
        bookmarks are not missing, only elsewhere, and would crowd the list."""
        pins = sorted(self.pins.values(), key=lambda b: b.added, reverse=True)
        if self.catalog.library_path() is None:
            pins = [b for b in pins if b.article_id not in self.missing]
        return [EntryRef(b.article_id, b.section, b.title or b.article_id) for b in pins]

    def load(self, entry: Entry) -> Article | None:
        """The whole story for a sidebar entry; a bookmarked story that is gone
        is told from its bookmark. A library read by primary key and a Markdown
        parse: well under a millisecond, fine on the event loop."""
        if isinstance(entry, Article):
            return entry
        if entry.id in self.missing and (pin := self.pins.get(entry.id)) is not None:
            return pin.missing_story(reading_files=self.catalog.library_path() is None)
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

    def _set_read(
        self,
        article_ids: Iterable[str],
        read: bool,
        *,
        section: str | None = None,
        later: Later | None = None,
        write: bool = True,
    ) -> list[str]:
        """The one place the read set changes: every mark, bulk mark and undo
        passes here, so the counts, the store and the sync journal never miss
        one. Returns the ids that changed (those not already so). `section`
        names the section of every id when the caller knows it (one story);
        else the catalog counts them (one query per 900 ids for a library).
        `write=False`: the caller writes the store and tells the journal
        itself (`opened`, after the frame)."""
        changed = [i for i in dict.fromkeys(article_ids) if (i in self.read) != read]
        if not changed:
            return []
        if read:
            self.read.update(changed)
        else:
            self.read.difference_update(changed)
        counts = (
            {section: len(changed)} if section is not None else self.catalog.read_counts(changed)
        )
        step = 1 if read else -1
        for name, count in counts.items():
            key = name.casefold()
            self.read_counts[key] = self.read_counts.get(key, 0) + step * count
        if write:
            self._store_read(changed, read, later)
            if self.journal is not None:
                self.journal(changed, "read" if read else "unread")
        return changed

    def _store_read(self, changed: list[str], read: bool, later: Later | None) -> None:
        # One story keeps its keyed write (repeated toggles keep only the newest);
        # many are one write.
        one = len(changed) == 1
        write: Callable[..., Any] = self.state.mark_read if one else self.state.mark_many
        args = (changed[0] if one else changed, read)
        if later is None:
            self.save(write, *args)
        else:
            later(lambda: self.save(write, *args))

    def mark_read(
        self,
        article: Article,
        read: bool,
        *,
        later: Later | None = None,
    ) -> Change | None:
        """Mark a story read or unread (opening it); None if it already was.
        The write goes through `later` when given (at start-up, after the first
        frame). Not an undo step: opening a story is not something to take back."""
        if not self._set_read((article.id,), read, section=article.section, later=later):
            return None
        return Change(article.id, marks=True, read=read)

    def toggle_read(self, article: Article) -> Change:
        """`u`: the story read or unread, as a step `z` undoes."""
        read = article.id not in self.read
        change = self.mark_read(article, read)
        assert change is not None  # the opposite of what it was always changes
        label = about(article, "marked read" if read else "marked unread")
        self.remember(Step(READ if read else UNREAD, label, (article.id,)))
        return change

    def mark_many(self, article_ids: Iterable[str], read: bool = True) -> Marked | None:
        """Mark many stories read (or unread) at once, as one step `z` undoes;
        None when every one already was."""
        changed = self._set_read(article_ids, read)
        if not changed:
            return None
        step = Step(READ if read else UNREAD, _marked(len(changed), read), tuple(changed))
        self.remember(step)
        return Marked(tuple(changed), read, step.label)

    def toggle_bookmark(self, article: Article) -> Change:
        """Bookmark the story, or drop its bookmark."""
        if (pin := self.pins.get(article.id)) is not None:
            self._unpin(article.id)
            label = about(article, "bookmark removed")
            self.remember(Step(UNBOOKMARK, label, (article.id,), pin.to_json()))
            return Change(article.id, marks=True, pins=True, bookmarked=False)
        source = self.origin(article).source  # its name, not where it was read from
        self._pin(Bookmark.of(article, source=source), article)
        self.remember(Step(BOOKMARK, about(article, "bookmarked"), (article.id,)))
        return Change(article.id, marks=True, pins=True, bookmarked=True)

    def set_note(self, article: Article, note: str) -> Change:
        """Write a story's note, bookmarking it if it was not."""
        if article.id not in self.pins:
            source = self.origin(article).source
            self._pin(Bookmark.of(article, note, source), article)
            self.remember(Step(BOOKMARK, about(article, "note added"), (article.id,)))
            return Change(article.id, marks=True, pins=True, bookmarked=True)
        before = self.pins[article.id].note
        self._set_note(article.id, note)
        self.remember(Step(NOTE, about(article, "note changed"), (article.id,), {"note": before}))
        return Change(article.id, marks=True, pins=True)

    def _pin(self, bookmark: Bookmark, article: Article | None = None) -> None:
        """A bookmark added, new (`article` given) or put back as it was."""
        self.pins[bookmark.article_id] = bookmark
        if article is not None:
            self.save(self.bookmarks.add, article, bookmark.note, bookmark.source)
        else:
            self.save(self.bookmarks.restore, bookmark)
        if self.journal is not None:
            self.journal([bookmark.article_id], "star")

    def _unpin(self, article_id: str) -> None:
        del self.pins[article_id]
        self.save(self.bookmarks.remove, article_id)
        if self.journal is not None:
            self.journal([article_id], "unstar")

    def _set_note(self, article_id: str, note: str) -> None:
        self.pins[article_id] = replace(self.pins[article_id], note=note)
        self.save(self.bookmarks.set_note, article_id, note)

    def take_in(
        self,
        read: Collection[str],
        unread: Collection[str],
        pinned: Sequence[Bookmark],
        unpinned: Collection[str],
    ) -> None:
        """Marks made elsewhere (a sync wrote them to the files on its own
        thread): shown from now on, and the stores read again behind them, so a
        change made here next is made on top of them. Not journaled: they came
        from the server."""
        self.read.update(read)
        self.read.difference_update(unread)
        for bookmark in pinned:
            self.pins.setdefault(bookmark.article_id, bookmark)
        for article_id in unpinned:
            self.pins.pop(article_id, None)
        self.count_read()
        self.save(self.state.load)
        self.save(self.bookmarks.load)

    def take_in_bookmarks(self, bookmarks: Mapping[str, Bookmark]) -> Changes:
        """The bookmarks file as another `news` left it (`news bookmarks import`,
        another reader), nothing of this reader's waiting to be written: shown
        from now on, the store read again behind it. Not journaled: not made here."""
        changes = Changes.between(self.pins, bookmarks)
        if changes.ids:
            self.pins = dict(bookmarks)
            came = {i for i in changes.added if not self.catalog.has(i)}
            self.missing = frozenset(i for i in self.missing if i in self.pins) | came
            self.save(self.bookmarks.follow)
        return changes

    def take_in_read(self, read: Collection[str]) -> tuple[list[str], list[str]] | None:
        """state.json's read set as another `news` (`news rules apply`, a second
        reader) left it: shown and counted; not journaled (its maker queued them)."""
        if self._held:  # not now: a story opened this frame is not in the file yet
            return None
        came = self._set_read(read, True, write=False)
        went = self._set_read(self.read.difference(read), False, write=False)
        self.save(self.state.follow)
        return came, went  # the stories now read, and now unread

    def sources_changed(self) -> None:
        """Another `news` removed a source: a bookmark of its stories is told
        from the bookmark now, the read counted again (a query a bookmark)."""
        self.missing = frozenset(i for i in self.pins if not self.catalog.has(i))
        self.count_read()

    # -- undo -----------------------------------------------------------------------

    def read_history(self) -> None:
        """Read `undo.json` through `save` (the saver's thread), so no `z` waits
        for it: a file holding two steps of 100,000 stories takes 0.2 s to read."""
        if self._steps is None and self._reading_history is None:
            self._reading_history = self.save(self._load_history)

    def history(self) -> list[Step]:
        """The steps `z` can undo, oldest first, from `undo.json` (`read_history`,
        or now), then kept here ahead of the file, which the saver writes behind."""
        if self._steps is None:
            if isinstance(self._reading_history, Future):
                self._reading_history.exception()  # an error, told by the saver: empty
            elif self._reading_history is None:
                self._load_history()
            self._steps = self.undo_store.steps()
        return self._steps

    def take_in_history(self) -> None:
        """undo.json saved by another `news`: read again behind, for `z`."""
        self._steps = self._reading_history = None
        self.read_history()

    def _load_history(self) -> None:
        """Read undo.json; `on_problem` (safe from any thread) hears if it was set aside."""
        self.undo_store.load()
        if self.undo_store.problem and self.on_problem is not None:
            self.on_problem(self.undo_store.problem)

    def remember(self, step: Step) -> None:
        """Put a step on the undo stack (shown at once, saved behind)."""
        self._steps = trimmed([*self.history(), step])
        self.save(self.undo_store.push, step)

    def undo(self) -> Undone | None:
        """Take back the newest step that still changes something; None when
        there is none. A step whose undoing would change nothing (the story was
        marked read again since, by opening it) is dropped on the way, so `z`
        never answers with a change no one can see. A step of a kind no one here
        knows how to undo (its part of the reader is not running) is dropped,
        and said so."""
        steps = self.history()
        while steps:
            step = steps.pop()
            self.save(self.undo_store.drop, step.id)
            if (theirs := self.undoers.get(step.kind)) is not None:
                if theirs(step):  # another part's: it redraws itself
                    return Undone(step, None)
                continue
            if (undoer := self._undoers.get(step.kind)) is None:
                return Undone(step, None, known=False)
            if (change := undoer(step)) is not None:
                return Undone(step, change)
        return None

    def _undo_read(self, step: Step) -> Change | Marked | None:
        read = step.kind == UNREAD  # undoing "marked unread" marks them read again
        changed = self._set_read(step.ids, read)
        if len(step.ids) == 1 and changed:
            return Change(changed[0], marks=True, read=read)
        return Marked(tuple(changed), read, _marked(len(changed), read)) if changed else None

    def _undo_bookmark(self, step: Step) -> Change | None:
        article_id = step.ids[0] if step.ids else ""
        if article_id not in self.pins:
            return None
        self._unpin(article_id)
        return Change(article_id, marks=True, pins=True, bookmarked=False)

    def _undo_unbookmark(self, step: Step) -> Change | None:
        bookmark = Bookmark.from_json(dict(step.data))
        if bookmark.article_id in self.pins:
            return None
        self._pin(bookmark)
        return Change(bookmark.article_id, marks=True, pins=True, bookmarked=True)

    def _undo_note(self, step: Step) -> Change | None:
        article_id = step.ids[0] if step.ids else ""
        if article_id not in self.pins:
            return None
        self._set_note(article_id, step.data.get("note", ""))
        return Change(article_id, marks=True, pins=True)

    def opened(
        self,
        article: Article,
        left: tuple[str, Place | None] | None = None,
        *,
        later: Later | None = None,
    ) -> Change | None:
        """A story was opened (Enter, ], [, a search result): it is read, it is
        the one to open at the next start, and the story before was `left`
        (its id and place) at that place. Returns the read mark's change (None
        if it was read already), as `mark_read` does.

        The state file is written once for all of it, and the sync journal
        told, through `later` when given (the TUI: after the frame that shows
        the story). It was two or three writes, each taking the lock, reading,
        merging and fsyncing the file, on the saver's thread while the app's
        thread was painting the story, waiting for Python's lock in turn."""
        if left is not None:
            self.places[left[0]] = left[1]
        changed = self._set_read((article.id,), True, section=article.section, write=False)

        def write() -> None:
            self.save(self._write_opened, article.id, bool(changed), left)
            if changed and self.journal is not None:
                self.journal(changed, "read")

        self._held.append(write)
        if later is None:
            self.write_held()
        else:
            later(self.write_held)
        return Change(article.id, marks=True, read=True) if changed else None

    def write_held(self) -> None:
        """Hand the writes held for the frame (`opened`) to `save`, oldest
        first: when the frame has been painted, or when the screen closes
        before it was (Enter, then q at once)."""
        held, self._held = self._held, []
        for write in held:
            write()

    def _write_opened(
        self, article_id: str, read: bool, left: tuple[str, Place | None] | None
    ) -> None:
        """`opened`'s one write, on the saver's thread."""
        state = self.state
        if left is not None:
            state.set_place(*left)
        state.set_last(article_id, save=False)
        if read:
            state.mark_read(article_id, True, save=False)
        state.flush()

    def left(self, article_id: str, place: Place | None) -> None:
        """A story was left here: remembered, written down, and the state flushed."""
        self.write_held()
        self.places[article_id] = place
        self.save(self.state.set_place, article_id, place)
        self.save(self.state.flush)
