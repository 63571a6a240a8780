"""The `news` command: the TUI, and subcommands that use the core directly.

Textual is imported only when the TUI starts, so the other commands stay quick
and work where no terminal UI can run. One module per group of commands.
"""

from __future__ import annotations

import difflib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reader.atomic import StoreError
from reader.cli.common import USAGE_ERROR, UserError, split_global_options
from reader.config import Config, ConfigError, load_config
from reader.sanitize import clean

if TYPE_CHECKING:
    import sqlite3

COMMANDS_HELP = """\
commands:
  news [PATH ...]                  read in the TUI: the library, or the files
                                   given (dumps, Markdown files: FILE.md, a
                                   story each, or folders of them)
  news list [PATH ...] [--json]    sections and titles, newest first in each
  news show ID [PATH ...]          one story, rendered to standard output
  news search QUERY [PATH ...] [--json] [--limit N]
                                   search: words, "a phrase", -not, OR,
                                   section:Name
  news unread [--count] [--json]   the unread stories by section (or how many)
  news bookmarks [--json]          the bookmarks, newest first
  news bookmarks export --format markdown|json
  news bookmarks import FILE       merge bookmarks from an exported file
  news add SOURCE [--section NAME] [--fulltext] [--every INTERVAL]
                                   add a feed (http, https or file URL), a feed
                                   file, a dump or a folder of Markdown files
  news add URL --account NAME [--section FOLDER]
                                   subscribe on a sync account's server
  news sources [--json]            the sources, their story counts and errors
  news remove SOURCE [--yes]       remove a source (id, address or title) and
                                   its stories
  news refresh [--due]             fetch every feed (or those due on the
                                   timer); exit 1 if any failed
  news fulltext ID                 fetch a story's web page, keep its full text
  news import-opml FILE            subscribe to the feeds in an OPML file
  news export-opml                 the subscriptions as OPML, to standard output
  news doctor                      check the library, repair its search index
  news account add API_URL --user NAME [--name N]
                   [--password-stdin | --password-command CMD]
                                   add a sync account (FreshRSS, Miniflux, ...)
  news accounts [--json]           the sync accounts
  news account remove NAME [--yes] [--keep-stories | --drop-stories]
                                   remove a sync account and its stored password
  news sync [--account NAME] [--json]
                                   sync the accounts with their servers; exit 1
                                   if any failed
  news rules [list|add|remove|apply]
                                   saved searches and mute rules ([[rules]] in
                                   the config)

Run `news COMMAND --help` for a command's options.
"""

# Command name -> "module:function", imported only when that command runs, so
# starting the reader does not pay for the feed and bookmark commands.
COMMANDS: dict[str, str] = {
    "list": "reading:cmd_list",
    "show": "reading:cmd_show",
    "search": "reading:cmd_search",
    "unread": "reading:cmd_unread",
    "bookmarks": "bookmarks:cmd_bookmarks",
    "add": "adding:cmd_add",
    "sources": "sources:cmd_sources",
    "remove": "sources:cmd_remove",
    "refresh": "refresh:cmd_refresh",
    "fulltext": "refresh:cmd_fulltext",
    "import-opml": "opml:cmd_import_opml",
    "export-opml": "opml:cmd_export_opml",
    "doctor": "doctor:cmd_doctor",
    "account": "accounts:cmd_account",
    "accounts": "accounts:cmd_accounts",
    "sync": "sync:cmd_sync",
    "rules": "rules:cmd_rules",
}


def _command(name: str) -> Callable[[list[str], Config], int]:
    module, function = COMMANDS[name].split(":")
    return getattr(importlib.import_module(f"reader.cli.{module}"), function)  # type: ignore[no-any-return]


def _command_tui() -> Callable[[list[str], Config, str], int]:
    from reader.cli.reading import cmd_tui

    return cmd_tui


def _meant_command(word: str) -> str | None:
    """The command a first argument that is not a file looks like a typo of
    (`news bookmark`), so the answer is not "no such file"; None when it is a
    file, an option, or close to no command."""
    if word.startswith("-") or os.path.lexists(word):
        return None
    close = difflib.get_close_matches(word, COMMANDS, n=1)
    return close[0] if close else None


def _database_error() -> type[sqlite3.DatabaseError]:
    """SQLite's error, for the `except` that names it: an `except` clause's
    class is looked up only when an exception reaches it, so files given on
    the command line (which open no library) never import sqlite3."""
    import sqlite3

    return sqlite3.DatabaseError


def main(argv: Sequence[str] | None = None) -> int:
    # Until the reader's first screen is up (tui/app.py turns it on again):
    # start-up makes hundreds of thousands of objects that live as long as the
    # app, and the cycle collector walked them some hundred times on the way.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    options, args = split_global_options(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "help" and not os.path.lexists("help"):
        # `news help` and `news help add`, as git and cargo take them.
        args = [args[1], "--help"] if args[1:2] and args[1] in COMMANDS else ["--help"]
    name = args[0] if args and args[0] in COMMANDS else None
    try:
        config = load_config()
        if name is not None:
            gc.enable()  # a command may make cycles by the million (`news add`)
            return _command(name)([*options, *args[1:]], config)
        if args and (meant := _meant_command(args[0])):
            raise UserError(f"no command or file '{args[0]}'; did you mean '{meant}'?")
        return _command_tui()([*options, *args], config, COMMANDS_HELP)
    except (UserError, ConfigError, StoreError) as exc:
        # Messages quote file names, addresses and what was typed: cleaned.
        print(f"news: {clean(str(exc))}", file=sys.stderr)
        return USAGE_ERROR
    except _database_error() as exc:  # a library with a damaged page
        from reader.library.db import damaged, default_path

        print(f"news: {damaged(default_path(), exc)}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # `news list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
