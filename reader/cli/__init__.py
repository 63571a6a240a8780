"""The `news` command: the TUI, and subcommands that use the core directly.

Textual is imported only when the TUI starts, so the other commands stay quick
and work where no terminal UI can run. One module per group of commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from reader.atomic import StoreError
from reader.cli.bookmarks import cmd_bookmarks
from reader.cli.common import USAGE_ERROR, UserError
from reader.cli.reading import cmd_list, cmd_search, cmd_show, cmd_tui
from reader.config import Config, ConfigError, load_config

COMMANDS_HELP = """\
commands:
  news [PATH ...]                  read in the TUI: the library, or the dump files given
  news list [PATH ...] [--json]    sections and titles, in reading order
  news show ID [PATH ...]          one story, rendered to standard output
  news search QUERY [PATH ...] [--json]
                                   search: words, "a phrase", -not, OR, section:Name
  news bookmarks [--json]          the bookmarks, newest first
  news bookmarks export --format markdown|json
  news bookmarks import FILE       merge bookmarks from an exported file

Run `news COMMAND --help` for a command's options.
"""

COMMANDS: dict[str, Callable[[list[str], Config], int]] = {
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "bookmarks": cmd_bookmarks,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0]) if args else None
    try:
        config = load_config()
        if command is not None:
            return command(args[1:], config)
        return cmd_tui(args, config, COMMANDS_HELP)
    except (UserError, ConfigError, StoreError) as exc:
        print(f"news: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # `news list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
