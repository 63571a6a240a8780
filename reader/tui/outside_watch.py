"""What other programs change while the reader runs, taken in as it happens.

- config.toml edited (`news rules add` or `news rules remove` in another
  terminal, an editor): its rules and keywords are taken in as a restart
  would read them, within `CONFIG_EVERY` seconds. Other settings ([refresh],
  [notify], [keys]) still take a restart. The reader's own writes (saving a
  search, removing a rule, the keywords dialog) change the file too: taking
  those in finds nothing new.
- Stories another `news` stored (`news refresh --due` from cron, `news add`):
  listed and told of as a refresh's are (those a hide rule hid not counted),
  within `LIBRARY_EVERY` seconds; what its rules hid of them (hidden.json) is
  taken in first, so this reader's rules do not hide them again as a second
  step for `z`. Its
  fetches took the feeds' news, so this reader's next fetch hears "not
  modified": only the library can tell.
- Sources another `news` removed (`news remove`): their stories leave the
  lists, a bookmark of one says "missing", within `LIBRARY_EVERY` seconds.
- bookmarks.json, state.json, hidden.json and undo.json saved by another
  `news` (`news bookmarks import`, `news rules apply` with a hide or
  mark-read rule, `news refresh` hiding new stories, a second reader): the
  bookmarks, the read marks, the hidden stories and the steps `z` takes back
  as the file has them, within `CONFIG_EVERY` seconds. Not while a write of this
  reader's is on its way (the saver is busy, or a store holds a change it
  could not save, or a story opened is not written yet): the file is behind
  the screen then, and is looked at again on the next tick. This reader
  saves state.json at every story opened, so it is read only when another
  process saved it since (`Document.known`, `Document.merges`): 100,000 read
  stories take 40 ms to read. Nor while this reader syncs: a sync takes in
  the marks it wrote itself (a refresh writes none but through the screen).

Each look is cheap enough for the event loop, so not worth a worker: a `stat`
of each file (read only when its size, modification time or inode changed),
and for the library SQLite's `PRAGMA data_version`, which changes only when
another connection committed; only then one indexed query for the newest row
and one over the few rows of `sources`. Skipped while this reader syncs,
whose stories list themselves; while it refreshes, what other sources gain
is listed and told of (a slow feed holds a refresh up for a minute), and
the feeds it fetches list themselves. Nothing rescans the stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual.message import Message

from reader.atomic import Stamp, file_stamp
from reader.catalog import LibraryCatalog
from reader.config import ConfigError, config_path, load_config
from reader.tui.screens.reader import ReaderScreen
from reader.tui.toast import notify
from reader.wording import counted

if TYPE_CHECKING:  # sqlite3 not on the way to a file's first screen (`news FILE.md`)
    import sqlite3

    from reader.tui.app import NewsApp

CONFIG_EVERY = 2.0  # seconds, for the config, bookmarks.json, state.json and hidden.json
LIBRARY_EVERY = 5.0

def stamp() -> Stamp | None:
    """The config's `file_stamp`."""
    return file_stamp(config_path())


class LibraryListed(Message):
    """A reader screen has listed its library and its rules know the newest
    story (`RulesController.start`): what another `news` removes or stores
    from now on is news to it. The watch takes its first look then, not a
    tick of its timer later, when a source removed meanwhile was never seen."""


@dataclass
class LibrarySeen:
    """What a reader screen last saw of its library: SQLite's count of other
    connections' commits, and the sources by id."""

    version: int
    sources: dict[int, str]


def data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def source_names(conn: sqlite3.Connection) -> dict[int, str]:
    """Each source's id and the name a person knows it by (its title, else
    its address); a library has tens of sources, not thousands."""
    from reader.catalog import source_name

    rows = conn.execute("SELECT id, title, location FROM sources")
    return {int(i): title or source_name(location) for i, title, location in rows}


class OutsideWatch:
    """Looks for the app: its keywords, and each reader screen's rules, stories,
    bookmarks and hidden stories."""

    def __init__(self, app: NewsApp) -> None:
        self.app = app
        self.seen = stamp()  # made as the app is, right after the config was read
        # Not known yet: the first look reads the files and finds nothing new
        # unless something changed since they were loaded.
        self.bookmarks_seen: Stamp | bool | None = False
        self.hidden_seen: Stamp | bool | None = False
        # state.json and undo.json as last looked at, and the saves that merged another's in.
        self.state_seen = (app.state.known, app.state.merges)
        self.undo_seen = (app.undo.known, app.undo.merges)
        self.library_seen: WeakKeyDictionary[ReaderScreen, LibrarySeen] = WeakKeyDictionary()

    def start(self) -> None:
        # One timer for the files (a third would wake an idle reader more often).
        self.app.set_interval(CONFIG_EVERY, self.look_at_files, name="files-watch")
        self.app.set_interval(LIBRARY_EVERY, self.look_at_library, name="library-watch")

    def _screens(self) -> list[ReaderScreen]:
        return [s for s in self.app.screen_stack if isinstance(s, ReaderScreen)]

    def look_at_config(self) -> None:
        now = stamp()
        if now == self.seen:
            return
        self.seen = now
        try:
            config = load_config()
        except ConfigError as exc:  # half-way through an edit, perhaps: said once
            notify(self.app, f"{exc} (the reader keeps what it read before)", severity="warning")
            return
        self.app.take_keywords(config.keywords)
        for screen in self._screens():
            screen.rules.take_in(config.rules, config.rule_problems)

    def look_at_library(self) -> None:
        from reader.triage.rules import stored_since, watermark

        for screen in self._screens():
            seen, catalog = screen.rules.newest_seen, screen.catalog
            if seen is None or not isinstance(catalog, LibraryCatalog):
                continue  # files, or the rules not started yet
            if any(w.group == "sync" and w.is_running for w in screen.workers):
                continue
            conn = catalog.library.conn
            version = data_version(conn)
            before = self.library_seen.get(screen)
            if before is None:  # the first look: what the screen lists now
                self.library_seen[screen] = LibrarySeen(version, source_names(conn))
            elif version == before.version:
                continue  # no other connection has committed since
            else:
                sources = source_names(conn)
                self.library_seen[screen] = LibrarySeen(version, sources)
                gone = [name for i, name in before.sources.items() if i not in sources]
                if gone:
                    screen.stories_removed()
                    names = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if gone[3:] else "")
                    said = counted(len(gone), "source")
                    notify(screen, f"{said} removed by another news: {names}", timeout=4)
            if watermark(conn) <= seen:
                continue
            # What another `news` hid of these stories first: its rules ran as it
            # stored them, and this reader's running them again over the same
            # stories made a second hide step for `z` (and a second toast).
            self.look_at_hidden()
            screen.stories_changed()  # the rules' newest seen moves on with it
            # Counted once the rules have run: those a hide rule hid are not seen.
            # A refresh of this reader's may be storing too: its feeds' stories
            # are its own to tell of.
            hidden = catalog.hidden if catalog.hiding else ()
            shown = stored_since(conn, seen, hidden, not_from=screen.feeds.fetching)
            if shown:
                new = counted(shown, "new story", "new stories")
                notify(screen, f"{new} (stored by another news)", timeout=4)

    def look_at_state(self) -> None:
        """state.json, when another `news` saved it: its read marks."""
        state, screens = self.app.state, self._screens()
        syncing = any(w.group == "sync" and w.is_running for s in screens for w in s.workers)
        if state.pending or syncing:
            return
        now = (file_stamp(state.path), state.merges)
        before, self.state_seen = self.state_seen, now
        if now == before or (now[0] == state.known and now[1] == before[1]):
            return  # unchanged, or saved by this reader alone
        found = state.peek()
        if found is None:  # unusable as it is: read again when it changes again
            return
        if not all([screen.marks.take_in_read(found.read) for screen in screens]):
            self.state_seen = before  # not now: looked at again on the next tick

    def look_at_files(self) -> None:
        """The config, then bookmarks.json, state.json and hidden.json."""
        self.look_at_config()
        if self.app.saver.busy:  # this reader's own writes first
            return
        bookmarks = self.app.bookmarks
        now = file_stamp(bookmarks.path)
        if now != self.bookmarks_seen and not bookmarks.pending:
            # Read once a change: a file unusable as it is (an edit by hand
            # under way) is read again when it changes again, not every tick.
            self.bookmarks_seen = now
            found = bookmarks.peek() if now is not None else {}
            if found is not None:
                for screen in self._screens():
                    screen.marks.take_in_bookmarks(found)
        self.look_at_state()
        self.look_at_hidden()
        self.look_at_undo()

    def look_at_undo(self) -> None:
        """undo.json, when another `news` saved it (a hide its rules made, a
        second reader's marks): `z` takes its steps back, as after a restart."""
        undo = self.app.undo
        if undo.pending:
            return
        now = (file_stamp(undo.path), undo.merges)
        before, self.undo_seen = self.undo_seen, now
        if now == before or (now[0] == undo.known and now[1] == before[1]):
            return  # unchanged, or saved by this reader alone
        # The stories stored with its steps are taken in first: `z` showing
        # them again before the library's next look left them new to this
        # reader, whose rules then hid them again.
        self.look_at_library()
        for screen in self._screens():
            screen.reading.take_in_history()

    def look_at_hidden(self) -> None:
        """hidden.json, when another `news` saved it: the stories it hid."""
        if self.app.saver.busy:  # this reader's own writes first
            return
        # Files given on the command line have no hidden stories, and a screen
        # reads hidden.json when its rules start: until then there is nothing to compare.
        screens = [s for s in self._screens() if s.rules.newest_seen is not None]
        if not screens or any(s.rules.store.pending for s in screens):
            return
        path = screens[0].rules.store.path
        now = file_stamp(path)
        if now == self.hidden_seen:
            return
        self.hidden_seen = now
        hidden = screens[0].rules.store.peek() if now is not None else {}
        if hidden is None:
            return
        for screen in screens:
            hid, shown = screen.rules.take_in_hidden(hidden)
            said = [
                f"{counted(count, 'story', 'stories')} {what}"
                for count, what in ((hid, "hidden"), (shown, "shown again"))
                if count
            ]
            if said:
                notify(screen, f"{', '.join(said)} by another news", timeout=4)
