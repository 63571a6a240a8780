"""What other programs change while the reader runs, taken in as it happens.

- config.toml edited (`news rules add` or `news rules remove` in another
  terminal, an editor): its rules and keywords are taken in as a restart
  would read them, within `CONFIG_EVERY` seconds. Other settings ([refresh],
  [notify], [keys]) still take a restart. The reader's own writes (saving a
  search, removing a rule, the keywords dialog) change the file too: taking
  those in finds nothing new.
- Stories another `news` stored (`news refresh --due` from cron, `news add`):
  listed and told of as a refresh's are, within `LIBRARY_EVERY` seconds. Its
  fetches took the feeds' news, so this reader's next fetch hears "not
  modified": only the library can tell.

Each look is cheap enough for the event loop, so not worth a worker: a `stat`
of the config (read only when its size or modification time changed), and
one indexed query for the library's newest row, skipped while this reader
refreshes or syncs, whose stories list themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.catalog import LibraryCatalog
from reader.config import ConfigError, config_path, load_config
from reader.tui.screens.reader import ReaderScreen
from reader.tui.toast import notify
from reader.wording import counted

if TYPE_CHECKING:
    from reader.tui.app import NewsApp

CONFIG_EVERY = 2.0  # seconds
LIBRARY_EVERY = 5.0


def stamp() -> tuple[int, int] | None:
    """What tells a changed config from the one read: size and modification
    time; None when there is no file."""
    try:
        stat = config_path().stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class OutsideWatch:
    """Looks for the app: its keywords, and each reader screen's rules and stories."""

    def __init__(self, app: NewsApp) -> None:
        self.app = app
        self.seen = stamp()  # made as the app is, right after the config was read

    def start(self) -> None:
        self.app.set_interval(CONFIG_EVERY, self.look_at_config, name="config-watch")
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
            if any(w.group in ("refresh", "sync") and w.is_running for w in screen.workers):
                continue
            conn = catalog.library.conn
            if watermark(conn) <= seen:
                continue
            new = counted(stored_since(conn, seen), "new story", "new stories")
            screen.stories_changed()  # the rules' newest seen moves on with it
            notify(screen, f"{new} (stored by another news)", timeout=4)
