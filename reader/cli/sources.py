"""Sources: `add`, `sources`, `remove`, `import-opml`, `export-opml`, `refresh`
and `fulltext`.

Each opens the library (seeded on first use, as `news list` does, so the seed
stays first in the reading order), does one thing and says what it did. The
network and feed modules are imported inside the commands that need them:
they cost a few hundred milliseconds that `news list` should not pay.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reader.cli.common import (
    UserError,
    apply_paths,
    console,
    find_story_id,
    parser,
    print_json,
    shown,
)
from reader.config import Config, seed_paths
from reader.sanitize import clean_line
from reader.urls import FETCH_SCHEMES, GIVEN_SCHEMES, URLRefused, check_fetchable, scheme
from reader.wording import counted

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console
    from rich.text import Text

    from reader.library.articles import Library, Source
    from reader.model import Article
    from reader.refresh import FeedOutcome

_SNIFF_BYTES = 4096


@contextmanager
def _library(config: Config) -> Iterator[Library]:
    from reader.library.db import LibraryError
    from reader.seeding import open_seeded

    try:
        library = open_seeded(seed_paths(), config.sections)
    except LibraryError as exc:
        raise UserError(str(exc)) from None
    try:
        yield library
    finally:
        library.close()


def _stories(count: int) -> str:
    return counted(count, "story")


def _warn(warnings: list[str] | tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"news: warning: {shown(warning)}", file=sys.stderr)


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


# add -------------------------------------------------------------------------------


def cmd_add(argv: list[str], config: Config) -> int:
    p = parser(
        "news add",
        "Add a source and read it now: a feed's http(s) address, a feed file (RSS or"
        " Atom), a dump file, or a folder of Markdown files.",
    )
    p.add_argument("source", metavar="SOURCE", help="a URL (http, https, file) or a path")
    p.add_argument(
        "--section", metavar="NAME", help="put all its stories in this section (not empty)"
    )
    p.add_argument(
        "--fulltext",
        action="store_true",
        help="for a feed: fetch each new story's web page and keep the story from it",
    )
    p.add_argument(
        "--every",
        metavar="INTERVAL",
        type=_interval,
        help='for a feed: refresh it on this interval ("45s", "15m", "2h") when the reader'
        " or `news refresh --due` runs, instead of [refresh] every",
    )
    p.add_argument(
        "--account",
        metavar="NAME",
        help="subscribe on this sync account's server (--section: its folder there)",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    # A section is shown in the sidebar and by `news sources`: no control
    # characters or escape sequences get into the library with it.
    section = clean_line(args.section or "")
    if args.section is not None and not section:
        raise UserError("--section needs a name")
    if args.account is not None:
        from reader.cli.sync import subscribe

        if args.fulltext:
            raise UserError("--fulltext is for feeds fetched here, not on an account's server")
        with _library(config) as library:
            return subscribe(library, args.account, args.source, section, config)
    kind, location = _classify(args.source)
    if args.every is not None and kind != "feed":
        raise UserError(f"--every is for feeds; a {kind} is read once, when added")
    with _library(config) as library, _rules_after(library, config):
        if kind == "feed":
            return _add_feed(
                library, location, section, args.fulltext, config.allow_private, args.every
            )
        if kind == "markdown":
            return _add_markdown(library, Path(location), section)
        return _add_dump(library, Path(location), section, config)


@contextmanager
def _rules_after(library: Library, config: Config, *, say: bool = True) -> Iterator[None]:
    """Run the config's rules over the stories stored inside the block, and
    only those (`reader.rules`: FTS5 over the new rows, not the library);
    what they did is said unless `say` is false (output that is JSON)."""
    if not any(rule.action != "section" for rule in config.rules):
        yield
        return
    from reader.cli.rules import apply_to_new
    from reader.rules import watermark

    since = watermark(library.conn)
    yield
    apply_to_new(library.conn, config, since, say=say)


def _classify(source: str) -> tuple[str, str]:
    """("feed" | "markdown" | "dump", location): a URL as given, a path made
    absolute. Anything but http, https and file URLs is refused."""
    text = source.strip()
    if not text:  # Path("") is the current folder, which nobody means by ''
        raise UserError("nothing to add: give a feed's URL, a file or a folder")
    name = scheme(text)
    if len(name) > 1 and not Path(text).expanduser().exists():
        if name in FETCH_SCHEMES:
            try:
                return "feed", check_fetchable(text)
            except URLRefused as exc:
                raise UserError(f"cannot add {text!r}: {exc.reason}") from None
        if name not in GIVEN_SCHEMES:  # file: only from the person, as here
            raise UserError(
                f"cannot add {text!r}: only http, https and file URLs are accepted"
                f" (or a local path), not {name}:"
            )
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise UserError(f"cannot add {text!r}: a file: URL must name a file on this machine")
        text = unquote(parts.path)
    path = Path(text).expanduser()
    if not path.exists():
        raise UserError(f"{source}: no such file or folder")
    path = path.resolve()
    if path.is_dir():
        return "markdown", str(path)
    from reader.sources.local import read_head

    try:
        head = read_head(path, _SNIFF_BYTES)  # a FIFO or a device is refused, not waited on
    except OSError as exc:
        raise UserError(f"{source}: {exc.strerror or exc}") from None
    # Feeds are XML (or JSON Feed); a dump is plain text, which never starts so.
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"<", b"{") or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "feed", str(path)
    if b"\x00" in head:
        raise UserError(f"{source}: a binary file, not a feed, a dump or a folder of Markdown")
    return "dump", str(path)


def _read_with_bar(
    library: Library, source_id: int, location: str, allow_private: bool
) -> list[FeedOutcome]:
    """Refresh one new source; a feed file on disk is read and stored in
    batches, with a bar of the megabytes read when standard output is a terminal."""
    from reader.cli.progress import plain_progress
    from reader.refresh import local_feed_path, refresh

    out, path = console(), local_feed_path(location)
    if not out.is_terminal or path is None:
        return refresh(library, source_ids={source_id}, allow_private=allow_private)
    with plain_progress(out, "Reading", in_bytes=True) as progress:
        size = 0
        with suppress(OSError):
            size = path.stat().st_size
        task = progress.add_task(path.name, total=size or None)

        def read(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return refresh(library, source_ids={source_id}, allow_private=allow_private, on_read=read)


def _interval(text: str) -> int:
    """``--every``: an interval as the config writes one."""
    from reader.schedule import IntervalError, parse_interval

    try:
        return parse_interval(text)
    except IntervalError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_feed(
    library: Library,
    location: str,
    section: str,
    fulltext: bool,
    allow_private: bool,
    every: int | None = None,
) -> int:

    before = {s.location: s for s in library.sources() if s.kind == "feed"}
    source_id = library.add_source("feed", location, section_override=section, fulltext=fulltext)
    if (old := before.get(location)) is not None:
        changes: dict[str, str | bool] = {}
        if section and section != old.section_override:
            # Read the feed in full again, or a "not modified" would leave its
            # stories in the old section.
            changes.update(section_override=section, etag="", last_modified="")
        if fulltext:
            changes["fulltext"] = True
        library.update_source(source_id, **changes)
    [outcome] = _read_with_bar(library, source_id, location, allow_private)
    found_on = ""
    if not outcome.ok and outcome.found_feeds and location not in before:
        library.remove_source(source_id)  # the page is not a feed; the one it names may be
        found_on = location
        outcome, location = _add_found(library, outcome, section, fulltext, allow_private)
    elif not outcome.ok:
        if location not in before:
            library.remove_source(source_id)  # a feed that cannot be read is not kept
        raise UserError(f"cannot add {location}: {outcome.reason}")
    _warn(outcome.warnings)
    if every is not None:
        library.set_every(outcome.source_id, every)
    again = " (already added)" if location in before else ""
    if found_on:
        again += f", the feed {shown(location)} that the web page names"
    details = f"{outcome.new:,} new" + (
        f", {outcome.full_texts:,} with full text" if outcome.full_texts else ""
    )
    if every is not None:
        from reader.schedule import format_interval

        details += f"; refreshed every {format_interval(every)}"
    print(f"Added feed {shown(outcome.name)}{again}: {_stories(outcome.stories)} ({details}).")
    return 0


def _add_found(
    library: Library, page: FeedOutcome, section: str, fulltext: bool, allow_private: bool
) -> tuple[FeedOutcome, str]:
    """Add the first feed a web page announces that can be read (autodiscovery).

    The page chose these addresses, so they are held to its origin: a feed on
    another site must be at a public address unless ``allow_private``."""
    from reader.refresh import refresh

    failures = []
    for url in page.found_feeds:
        known = {s.location for s in library.sources() if s.kind == "feed"}
        source_id = library.add_source("feed", url, section_override=section, fulltext=fulltext)
        [outcome] = refresh(
            library,
            source_ids={source_id},
            allow_private=allow_private,
            homes={source_id: page.location},
        )
        if outcome.ok:
            return outcome, url
        if url not in known:
            library.remove_source(source_id)
        failures.append(f"{shown(url)}: {shown(outcome.reason)}")
    raise UserError(
        f"cannot add {page.location}: a web page, and the feeds it names failed: "
        + "; ".join(failures)
    )


def _add_markdown(library: Library, folder: Path, section: str) -> int:
    from reader.markdown import markdown_to_blocks
    from reader.sources.markdown_dir import MarkdownDirError, read_markdown_dir

    try:
        result = read_markdown_dir(folder, to_blocks=markdown_to_blocks)
    except MarkdownDirError as exc:
        raise UserError(str(exc)) from None
    if not result.articles:
        raise UserError(f"{folder}: no Markdown files (*.md) in it")
    _warn(result.warnings)
    # The location stays exact (it names the folder); the title shown for it
    # is the folder's name, cleaned.
    title = clean_line(folder.name)
    source_id = library.add_source("markdown", str(folder), title=title, section_override=section)
    return _store(library, source_id, result.articles, section, f"folder {title}")


def _add_dump(library: Library, path: Path, section: str, config: Config) -> int:
    from reader.sources.dump import DumpError, read_dump

    try:
        result = read_dump(path, sections=config.sections)
    except DumpError as exc:
        raise UserError(str(exc)) from None
    if not result.articles:
        raise UserError(f"{path}: no stories found (not a feed, nor a dump in the seed layout)")
    _warn(result.warnings)
    title = clean_line(path.stem)
    source_id = library.add_source("dump", str(path), title=title, section_override=section)
    return _store(library, source_id, result.articles, section, f"dump {title}")


def _store(
    library: Library, source_id: int, articles: list[Article], section: str, what: str
) -> int:
    import dataclasses

    if section:
        library.update_source(source_id, section_override=section)
        articles = [dataclasses.replace(a, section=section) for a in articles]
    known = library.known_ids(a.id for a in articles)
    library.upsert_articles(source_id, articles)
    new = sum(a.id not in known for a in articles)
    print(f"Added {what}: {_stories(len(articles))} ({new:,} new).")
    return 0


# sources, remove -------------------------------------------------------------------


def cmd_sources(argv: list[str], config: Config) -> int:
    p = parser("news sources", "List the library's sources: feeds, dumps and folders.")
    p.add_argument("--json", action="store_true", help="one JSON list of sources")
    args = p.parse_args(argv)
    apply_paths(args)
    with _library(config) as library:
        sources = library.sources()
        counts = library.counts_by_source()
        timings = library.timings()
    from reader.schedule import format_interval

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
        out.print(line, soft_wrap=True)
        where = "bundled with news" if _bundled(s) else shown(s.location) if s.title else ""
        if s.account is not None:  # a subscription on a sync account's server
            where = f"{shown(s.location)} on account {shown(s.account)}"
        if where:
            out.print(Text(f"     {where}", style="dim"), soft_wrap=True)
        if s.last_error:
            out.print(Text(f"     last error: {shown(s.last_error)}", style="red"), soft_wrap=True)
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
    with _library(config) as library:
        source = _find_source(library.sources(), args.source)
        what = f"{source.kind} {_name(source)}"
        count = library.counts_by_source().get(source.id, 0)
        if count and not args.yes and not _confirm(what, count):
            print(f"Kept {what}.")
            return 1
        if source.kind == "synced":  # unsubscribed on its server first, or kept
            from reader.cli.sync import unsubscribe

            if not unsubscribe(source):
                return 1
        removed = library.remove_source(source.id)
    print(f"Removed {what} and its {_stories(removed)}.")
    return 0


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
    file: URL), or by title, ignoring case, when only one has it."""
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
    found = [s for s in sources if s.location in locations]
    if not found:
        found = [s for s in sources if s.title and s.title.casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UserError(f"no source {text!r}; `news sources` lists them")
    ids = ", ".join(str(s.id) for s in found)
    raise UserError(f"{len(found)} sources match {text!r} (ids {ids}): give the id")


# OPML ---------------------------------------------------------------------------


def cmd_import_opml(argv: list[str], config: Config) -> int:
    p = parser(
        "news import-opml",
        "Subscribe to the feeds in an OPML file (folders become sections). Nothing is"
        " fetched: run `news refresh` next.",
    )
    p.add_argument("file", metavar="FILE", type=Path, help="an OPML file from another reader")
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.sources.opml import OpmlError, read_opml_file

    try:
        subscriptions = read_opml_file(args.file)
    except OpmlError as exc:
        raise UserError(str(exc)) from None
    with _library(config) as library:
        before = {s.location for s in library.sources() if s.kind == "feed"}
        for sub in subscriptions:
            library.add_source("feed", sub.xml_url, title=sub.title, section_override=sub.folder)
    added = sum(sub.xml_url not in before for sub in subscriptions)
    if not subscriptions:
        print(f"No http or https feeds in {shown(str(args.file))}.")
        return 0
    had = len(subscriptions) - added
    already = f" ({had:,} already subscribed)" if had else ""
    feeds = "feed" if added == 1 else "feeds"
    print(f"Subscribed to {added:,} {feeds} from {shown(str(args.file))}{already}.")
    print("Nothing fetched yet: run `news refresh` to fetch them.")
    return 0


def cmd_export_opml(argv: list[str], config: Config) -> int:
    p = parser("news export-opml", "Write the feed subscriptions as OPML to standard output.")
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.sources.opml import Subscription, write_opml

    with _library(config) as library:
        feeds = [s for s in library.sources() if s.kind == "feed"]
    web = [s for s in feeds if scheme(s.location) in FETCH_SCHEMES]
    sys.stdout.write(
        write_opml(
            Subscription(s.title or s.location, s.location, folder=s.section_override) for s in web
        )
    )
    if len(web) < len(feeds):
        left = len(feeds) - len(web)
        print(
            f"news: {counted(left, 'feed file')} on this machine left out"
            " (OPML lists web feeds)",
            file=sys.stderr,
        )
    return 0


# refresh, fulltext --------------------------------------------------------------


def cmd_refresh(argv: list[str], config: Config) -> int:
    p = parser(
        "news refresh",
        "Fetch every feed now; exit status 1 if any failed (each is named, with why).",
    )
    p.add_argument(
        "--due",
        action="store_true",
        help="only the feeds whose time has come: their interval ([refresh] every, or"
        " their own) passed, and what the server asked for (ttl, max-age, Retry-After)"
        " met; for cron",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.refresh import due_feeds, next_feed_due, refresh

    out = console()
    for problem in config.problems:
        print(f"news: {clean_line(problem)}", file=sys.stderr)
    with _library(config) as library:
        total = sum(s.kind == "feed" for s in library.sources())
        if not total:
            out.print("No feeds to refresh. Add one with `news add URL`.")
            return 0
        chosen: set[int] | None = None
        if args.due:
            chosen = set(due_feeds(library, config.refresh_every))
            if not chosen:
                out.print(_nothing_due(next_feed_due(library, config.refresh_every)))
                return 0
            total = len(chosen)
        allow = config.allow_private
        with _rules_after(library, config):
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


def _nothing_due(when: datetime | None) -> str:
    if when is None:
        return (
            "No feed is on a timer: set [refresh] every in the config, or give one"
            " its own with `news add URL --every 30m`."
        )
    return f"No feed is due; the next is due at {when:%Y-%m-%d %H:%M:%S} UTC."


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

    failed = [o for o in outcomes if not o.ok]
    new = sum(o.new for o in outcomes)
    feeds = "feed" if len(outcomes) == 1 else "feeds"
    updated = sum(o.updated for o in outcomes)
    text = Text(
        f"{len(outcomes):,} {feeds}: {new:,} new stor{'y' if new == 1 else 'ies'},"
        + (f" {updated:,} updated," if updated else "")
        + f" {sum(o.status == 'unchanged' for o in outcomes):,} unchanged,"
        f" {len(failed):,} failed."
    )
    out.print(text)
    for outcome in failed:
        out.print(Text(f"  {shown(outcome.name)}: {shown(outcome.reason)}", style="red"))


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

    with _library(config) as library:
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
