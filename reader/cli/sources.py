"""Sources: `sources` lists the library's sources, `remove` takes one out.

The commands that put sources in are `adding.py` (`add`) and `opml.py`
(`import-opml`, `export-opml`); `refresh.py` fetches them (`refresh`,
`fulltext`). Each opens the library with `common.open_library`, does one thing
and says what it did.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reader.cli.common import (
    UserError,
    apply_paths,
    console,
    open_library,
    parser,
    print_json,
    print_row,
    shown,
)
from reader.config import Config, seed_paths
from reader.wording import counted

if TYPE_CHECKING:
    from reader.library.articles import Source


def _stories(count: int) -> str:
    return counted(count, "story")


def _bundled(source: Source) -> bool:
    """The news that came with the reader. Its file lives inside the installed
    package, a path that means nothing to the person: it is shown by its name."""
    path = Path(source.location)
    return (
        source.kind == "dump"
        and path.parent.name == "seeds"
        and path.name in {seed.name for seed in seed_paths()}
    )


def _name(source: Source) -> str:
    """What a person calls a source: its title, else its address (cleaned)."""
    return shown(source.name)


# sources, remove -------------------------------------------------------------------


def cmd_sources(argv: list[str], config: Config) -> int:
    p = parser("news sources", "List the library's sources: feeds, dumps and folders.")
    p.add_argument("--json", action="store_true", help="one JSON list of sources")
    args = p.parse_args(argv)
    apply_paths(args)
    with open_library(config) as library:
        sources = library.sources()
        counts = library.counts_by_source()
        timings = library.timings()
    from reader.triage.schedule import format_interval

    everies = {i: format_interval(t.every) for i, t in timings.items() if t.every}
    if args.json:
        rows = [
            {
                "id": s.id,
                "kind": s.kind,
                "location": None if _bundled(s) else s.location,
                "bundled": _bundled(s),
                "title": s.title,
                "section": s.section_override,
                "fulltext": s.fulltext,
                "stories": counts.get(s.id, 0),
                "added": s.added,
                "last_error": s.last_error,
                "every": everies.get(s.id),
                "account": s.account,
            }
            for s in sources
        ]
        print_json(rows)
        return 0
    from rich.text import Text

    out = console()
    if not sources:
        out.print("No sources. Add one with `news add URL-OR-PATH`.")
    known = _account_names() if any(s.account is not None for s in sources) else None
    for s in sources:
        line = Text()
        line.append(f"{s.id:>3}  ", style="dim")
        line.append(f"{s.kind:<8} ")
        line.append(f"{_stories(counts.get(s.id, 0)):>13}  ")
        line.append(_name(s), style="bold")
        if s.section_override:
            line.append(f"  [section: {shown(s.section_override)}]", style="dim")
        if s.fulltext:
            line.append("  [full text]", style="dim")
        if s.id in everies:
            line.append(f"  [every {everies[s.id]}]", style="dim")
        print_row(out, line)
        where = "bundled with news" if _bundled(s) else shown(s.location) if s.title else ""
        if s.account is not None:  # a subscription on a sync account's server
            where = f"{shown(s.location)} on account {shown(s.account)}"
            if known is not None and s.account not in known:
                where = (
                    f"{shown(s.location)} from account {shown(s.account)}, removed:"
                    " `news remove` takes it away here"
                )
        if where:
            print_row(out, Text(f"     {where}", style="dim"))
        if s.last_error:
            print_row(out, Text(f"     last error: {shown(s.last_error)}", style="red"))
    return 0


def cmd_remove(argv: list[str], config: Config) -> int:
    p = parser(
        "news remove",
        "Remove a source and all its stories from the library. When it has stories,"
        " it asks first on a terminal; elsewhere pass --yes.",
    )
    p.add_argument(
        "source", metavar="SOURCE", help="its id, as `news sources` shows it, its address or title"
    )
    p.add_argument("-y", "--yes", action="store_true", help="remove without asking")
    p.epilog = "Exit status: 0 removed, 1 kept when the answer was no, 2 an error."
    args = p.parse_args(argv)
    apply_paths(args)
    with open_library(config) as library:
        source = _find_source(library.sources(), args.source)
        what = f"{source.kind} {_name(source)}"
        count = library.counts_by_source().get(source.id, 0)
        if count and not args.yes and not _confirm(what, count):
            print(f"Kept {what}.")
            return 1
        gone = ""
        if source.kind == "synced":  # unsubscribed on its server first, or kept
            from reader.cli.sync import unsubscribe

            known = _account_names()
            if known is not None and source.account not in known:
                # Its account was removed, keeping its stories: no server to ask.
                gone = (
                    f" (its account {shown(source.account or '')} is gone: nothing to unsubscribe)"
                )
            elif not unsubscribe(source):
                return 1
        removed = library.remove_source(source.id)
    print(f"Removed {what} and its {_stories(removed)}{gone}.")
    return 0


def _account_names() -> set[str] | None:
    """The sync accounts' names; None when the config cannot be read (then no
    account is taken for gone: `news sync` names what is wrong with it)."""
    from reader.accounts import accounts
    from reader.config import ConfigError

    try:
        return {a.name for a in accounts()}
    except ConfigError:
        return None


def _confirm(what: str, count: int) -> bool:
    """Yes only when a person at a terminal says so. A script gets an error
    naming --yes rather than a question nobody will answer."""
    if not sys.stdin.isatty():
        raise UserError(
            f"{what} has {_stories(count)}; pass --yes to remove it and them (nothing removed)"
        )
    print(f"Remove {what} and its {_stories(count)}? [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:  # end of input (Ctrl+D)
        print(file=sys.stderr)
    return answer.strip().casefold() in ("y", "yes")


def _find_source(sources: list[Source], wanted: str) -> Source:
    """A source by id, by location (a path may be given relative or as a
    file: URL), or by title, ignoring case, when only one has it. A location
    is also found as `news sources` shows it, control characters left out: a
    file named with an escape sequence in it is listed without it, and the
    name a person copies from the list must find it. Two locations that show
    alike are both found, so neither is taken for the other: the id tells."""
    text = wanted.strip()
    if text.isascii() and text.isdigit():  # "²" and "٣" are digits to str.isdigit
        for source in sources:
            if source.id == int(text):
                return source
        raise UserError(f"no source with id {text}; `news sources` lists them")
    locations = {text}
    path_text = unquote(urlsplit(text).path) if text.lower().startswith("file:") else text
    with suppress(OSError, RuntimeError):
        locations.add(str(Path(path_text).expanduser().resolve()))
    found = [s for s in sources if s.location in locations or shown(s.location) in locations]
    if not found:
        found = [s for s in sources if s.title and s.title.casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UserError(f"no source {text!r}; `news sources` lists them")
    ids = ", ".join(str(s.id) for s in found)
    raise UserError(f"{len(found)} sources match {text!r} (ids {ids}): give the id")
