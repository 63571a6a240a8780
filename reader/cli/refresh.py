"""`refresh` fetches the feeds and reads the Markdown folders again (all, or
those due, for cron) with a line for each that brought news or failed;
`fulltext` fetches one story's web page.

Its own module because these are the commands that go to the network for
sources already added; `reader.refresh` does the work and is imported only
when they run.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reader.cli.common import (
    UserError,
    apply_paths,
    console,
    find_story_id,
    open_library,
    parser,
    rules_after,
    shown,
)
from reader.config import Config
from reader.sanitize import clean_line

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console
    from rich.text import Text

    from reader.library.articles import Library
    from reader.refresh import FeedOutcome


def cmd_refresh(argv: list[str], config: Config) -> int:
    p = parser(
        "news refresh",
        "Fetch every feed, read the Markdown folders again; exit status 1 if one failed.",
    )
    p.add_argument(
        "--due",
        action="store_true",
        help="only the feeds and folders whose time has come: their interval ([refresh]"
        " every, or a feed's own) passed, and what the server asked for (ttl, max-age,"
        " Retry-After) met; for cron",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.library.articles import REFRESHED_KINDS
    from reader.refresh import due_feeds, next_feed_due, refresh

    out = console()
    for problem in config.problems:
        print(f"news: {clean_line(problem)}", file=sys.stderr)
    with open_library(config) as library:
        kinds = [s.kind for s in library.sources() if s.kind in REFRESHED_KINDS]
        total = len(kinds)
        if not total:
            _say(out, "No feeds to refresh. Add one with `news add URL`.")
            return 0
        chosen: set[int] | None = None
        if args.due:
            chosen = set(due_feeds(library, config.refresh_every))
            if not chosen:
                when = next_feed_due(library, config.refresh_every)
                _say(out, _nothing_due(when, "feed" in kinds, "markdown" in kinds))
                return 0
            total = len(chosen)
        allow = config.allow_private
        with rules_after(library, config):
            if out.is_terminal:
                outcomes = _refresh_with_bar(library, out, total, allow, chosen)
            else:
                outcomes = refresh(
                    library,
                    on_progress=lambda o: out.print(_line(o), soft_wrap=True),
                    allow_private=allow,
                    source_ids=chosen,
                )
            _summary(out, outcomes)
    return 0 if all(o.ok for o in outcomes) else 1


def _say(out: Console, line: str | Text) -> None:
    """A line of the report: on a terminal wrapped between words at its width;
    piped, whole, as cron's mail or a log keeps it (Rich would wrap it at 80)."""
    out.print(line, soft_wrap=not out.is_terminal)


def _nothing_due(when: datetime | None, feeds: bool, folders: bool) -> str:
    """Why `--due` fetched nothing, named for what the library holds: a
    library of folders alone is told of folders, which only the config's
    interval times (`--every` is a feed's)."""
    what = "feed or folder" if feeds and folders else "feed" if feeds else "folder"
    if when is not None:
        return f"No {what} is due; the next is due at {when:%Y-%m-%d %H:%M:%S} UTC."
    if not feeds:
        return "No folder is on a timer: set [refresh] every in the config."
    one = "a feed" if folders else "one"
    return (
        f"No {what} is on a timer: set [refresh] every in the config, or give {one}"
        " its own with `news add URL --every 30m`."
    )


def _refresh_with_bar(
    library: Library,
    out: Console,
    total: int,
    allow_private: bool,
    source_ids: set[int] | None = None,
) -> list[FeedOutcome]:
    """A progress bar while it runs; each feed that brought news or failed is
    printed above the bar as it is done."""
    from reader.cli.progress import plain_progress
    from reader.refresh import refresh

    with plain_progress(out, "Refreshing") as progress:
        task = progress.add_task("", total=total)

        def advance(outcome: FeedOutcome) -> None:
            progress.update(task, advance=1, description=outcome.name)
            if outcome.status != "unchanged":
                progress.console.print(_line(outcome), soft_wrap=True)
            progress.refresh()  # else the bar shows the count of its last tick

        return refresh(
            library, on_progress=advance, allow_private=allow_private, source_ids=source_ids
        )


def _line(outcome: FeedOutcome) -> Text:
    from rich.text import Text

    line = Text()
    if outcome.status == "failed":
        line.append("failed     ", style="bold red")
        line.append(shown(outcome.name))
        line.append(f": {shown(outcome.reason)}", style="red")
        return line
    line.append(f"{outcome.status:<11}", style="green" if outcome.status == "new" else "dim")
    line.append(shown(outcome.name))
    if outcome.status == "new":
        parts = [f"{outcome.new:,} new"]
        if outcome.updated:
            parts.append(f"{outcome.updated:,} updated")
        if outcome.full_texts:
            parts.append(f"{outcome.full_texts:,} with full text")
        line.append(": " + ", ".join(parts), style="dim")
    for warning in outcome.warnings:
        line.append(f"\n           {shown(warning)}", style="yellow")
    return line


def _summary(out: Console, outcomes: list[FeedOutcome]) -> None:
    from rich.text import Text

    from reader.wording import refresh_summary

    _say(out, Text(refresh_summary(outcomes)))
    for outcome in outcomes:
        if not outcome.ok:
            _say(out, Text(f"  {shown(outcome.name)}: {shown(outcome.reason)}", style="red"))


def cmd_fulltext(argv: list[str], config: Config) -> int:
    p = parser(
        "news fulltext",
        "Fetch a story's web page and keep the article from it as the story's body;"
        " `news show ID` prints it.",
    )
    p.add_argument("id", metavar="ID", help="the story's id (or its start), as `news list` shows")
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.refresh import FulltextError, fetch_fulltext

    with open_library(config) as library:
        story_id = find_story_id((row.id for row in library.rows()), args.id)
        try:
            text = fetch_fulltext(library, story_id, allow_private=config.allow_private)
        except FulltextError as exc:
            raise UserError(str(exc)) from None
        article = library.article(story_id)
    title = shown(article.title) if article else story_id
    words = len(text.split())
    print(f"Stored the full text of “{title}”: {words:,} words. `news show {story_id}` prints it.")
    return 0
