"""config.toml edited while the reader runs (`news rules add` or `news rules
remove` in another terminal, an editor): the reader takes in its rules and
its keywords as a restart would, within a couple of seconds.

A look is one `stat` of the file every `LOOK_EVERY` seconds on the event loop
(microseconds, so not worth a worker); the file is read only when its size or
modification time changed. The reader's own writes (saving a search, removing
a rule, the keywords dialog) change it too: taking those in finds nothing new.
Other settings ([refresh], [notify], [keys]) still take a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.config import ConfigError, config_path, load_config
from reader.tui.screens.reader import ReaderScreen
from reader.tui.toast import notify

if TYPE_CHECKING:
    from reader.tui.app import NewsApp

LOOK_EVERY = 2.0  # seconds


def stamp() -> tuple[int, int] | None:
    """What tells a changed config from the one read: size and modification
    time; None when there is no file."""
    try:
        stat = config_path().stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class ConfigWatch:
    """Watches the config for the app: its keywords, each reader screen's rules."""

    def __init__(self, app: NewsApp) -> None:
        self.app = app
        self.seen = stamp()  # made as the app is, right after the config was read

    def start(self) -> None:
        self.app.set_interval(LOOK_EVERY, self.look, name="config-watch")

    def look(self) -> None:
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
        for screen in self.app.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.rules.take_in(config.rules, config.rule_problems)
