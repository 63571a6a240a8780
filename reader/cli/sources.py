"""Sources: `add`, `sources`, `remove`, `import-opml`, `export-opml`, `refresh`
and `fulltext`.

Each opens the library (seeded on first use, as `news list` does, so the seed
stays first in the reading order), does one thing and says what it did. The
network and feed modules are imported inside the commands that need them:
they cost a few hundred milliseconds that `news list` should not pay.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reader.cli.common import UserError, add_library, apply_paths, parser, print_json
from reader.config import Config, seed_paths

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from reader.library.articles import Library, Source
    from reader.model import Article
    from reader.refresh import FeedOutcome

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_WEB_SCHEMES = ("http", "https")
_SNIFF_BYTES = 4096


@contextmanager
def _library(config: Config) -> Iterator[Library]:
    from reader.library.articles import Library
    from reader.library.db import LibraryError

    try:
        library = Library.open()
        library.ensure_seeded(seed_paths(), config.sections)
    except LibraryError as exc:
        raise UserError(str(exc)) from None
    try:
        yield library
    finally:
        library.close()


def _stories(count: int) -> str:
    return f"{count:,} stor{'y' if count == 1 else 'ies'}"


def _warn(warnings: list[str] | tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"news: warning: {warning}", file=sys.stderr)


# add -------------------------------------------------------------------------------


def cmd_add(argv: list[str], config: Config) -> int:
    p = parser(
        "news add",
        "Add a source and read it now: a feed's http(s) address, a feed file (RSS or"
        " Atom), a dump file, or a folder of Markdown files.",
    )
    p.add_argument("source", metavar="SOURCE", help="a URL (http, https, file) or a path")
    p.add_argument("--section", metavar="NAME", help="put all its stories in this section")
    p.add_argument(
        "--fulltext",
        action="store_true",
        help="for a feed: fetch each new story's web page and keep the story from it",
    )
    add_library(p)
    args = p.parse_args(argv)
    apply_paths(args)
    section = (args.section or "").strip()
    kind, location = _classify(args.source)
    with _library(config) as library:
        if kind == "feed":
            return _add_feed(library, location, section, args.fulltext)
        if kind == "markdown":
            return _add_markdown(library, Path(location), section)
        return _add_dump(library, Path(location), section, config)


def _classify(source: str) -> tuple[str, str]:
    """("feed" | "markdown" | "dump", location): a URL as given, a path made
    absolute. Anything but http, https and file URLs is refused."""
    text = source.strip()
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else ""
    if len(scheme) > 1 and not Path(text).expanduser().exists():
        if scheme in _WEB_SCHEMES:
            from reader.net import FetchError, check_url

            try:
                return "feed", check_url(text)
            except FetchError as exc:
                raise UserError(f"cannot add {text!r}: {exc.reason}") from None
        if scheme != "file":
            raise UserError(
                f"cannot add {text!r}: only http, https and file URLs are accepted"
                f" (or a local path), not {scheme}:"
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
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise UserError(f"{source}: cannot read: {exc.strerror or exc}") from None
    # Feeds are XML (or JSON Feed); a dump is plain text, which never starts so.
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"<", b"{") or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "feed", str(path)
    if b"\x00" in head:
        raise UserError(f"{source}: a binary file, not a feed, a dump or a folder of Markdown")
    return "dump", str(path)


def _add_feed(library: Library, location: str, section: str, fulltext: bool) -> int:
    from reader.refresh import refresh

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
    [outcome] = refresh(library, source_ids={source_id})
    if not outcome.ok:
        if location not in before:
            library.remove_source(source_id)  # a feed that cannot be read is not kept
        raise UserError(f"cannot add {location}: {outcome.reason}")
    _warn(outcome.warnings)
    again = " (already added)" if location in before else ""
    details = f"{outcome.new:,} new" + (
        f", {outcome.full_texts:,} with full text" if outcome.full_texts else ""
    )
    print(f"Added feed {outcome.name}{again}: {_stories(outcome.stories)} ({details}).")
    return 0


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
    source_id = library.add_source(
        "markdown", str(folder), title=folder.name, section_override=section
    )
    return _store(library, source_id, result.articles, section, f"folder {folder.name}")


def _add_dump(library: Library, path: Path, section: str, config: Config) -> int:
    from reader.sources.dump import DumpError, read_dump

    try:
        result = read_dump(path, sections=config.sections)
    except DumpError as exc:
        raise UserError(str(exc)) from None
    if not result.articles:
        raise UserError(f"{path}: no stories found (not a feed, nor a dump in the seed layout)")
    _warn(result.warnings)
    source_id = library.add_source("dump", str(path), title=path.stem, section_override=section)
    return _store(library, source_id, result.articles, section, f"dump {path.stem}")


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
    add_library(p)
    p.add_argument("--json", action="store_true", help="one JSON list of sources")
    args = p.parse_args(argv)
    apply_paths(args)
    with _library(config) as library:
        sources = library.sources()
        counts = library.counts_by_source()
    if args.json:
        rows = [
            {
                "id": s.id,
                "kind": s.kind,
                "location": s.location,
                "title": s.title,
                "section": s.section_override,
                "fulltext": s.fulltext,
                "stories": counts.get(s.id, 0),
                "added": s.added,
                "last_error": s.last_error,
            }
            for s in sources
        ]
        print_json(rows)
        return 0
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    if not sources:
        console.print("No sources. Add one with `news add URL-OR-PATH`.")
    for s in sources:
        line = Text(f"{s.id:>3}  ", style="dim")
        line.append(f"{s.kind:<8} ")
        line.append(f"{_stories(counts.get(s.id, 0)):>13}  ")
        line.append(s.title or s.location, style="bold")
        if s.section_override:
            line.append(f"  [section: {s.section_override}]", style="dim")
        if s.fulltext:
            line.append("  [full text]", style="dim")
        console.print(line)
        if s.title:
            console.print(Text(f"     {s.location}", style="dim"))
        if s.last_error:
            console.print(Text(f"     last error: {s.last_error}", style="red"))
    return 0


def cmd_remove(argv: list[str], config: Config) -> int:
    p = parser("news remove", "Remove a source and all its stories from the library.")
    p.add_argument(
        "source", metavar="SOURCE", help="its id, as `news sources` shows it, its address or title"
    )
    add_library(p)
    args = p.parse_args(argv)
    apply_paths(args)
    with _library(config) as library:
        source = _find_source(library.sources(), args.source)
        removed = library.remove_source(source.id)
    print(f"Removed {source.kind} {source.name} and its {_stories(removed)}.")
    return 0


def _find_source(sources: list[Source], wanted: str) -> Source:
    """A source by id, by location (a path may be given relative or as a
    file: URL), or by title, ignoring case, when only one has it."""
    text = wanted.strip()
    if text.isdigit():
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
    add_library(p)
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.sources.opml import OpmlError, parse_opml

    try:
        data = args.file.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{args.file}: no such file") from None
    except OSError as exc:
        raise UserError(f"{args.file}: cannot read: {exc.strerror or exc}") from None
    try:
        subscriptions = parse_opml(data, str(args.file))
    except OpmlError as exc:
        raise UserError(str(exc)) from None
    with _library(config) as library:
        before = {s.location for s in library.sources() if s.kind == "feed"}
        for sub in subscriptions:
            library.add_source("feed", sub.xml_url, title=sub.title, section_override=sub.folder)
    added = sum(sub.xml_url not in before for sub in subscriptions)
    if not subscriptions:
        print(f"No http or https feeds in {args.file}.")
        return 0
    had = len(subscriptions) - added
    already = f" ({had:,} already subscribed)" if had else ""
    feeds = "feed" if added == 1 else "feeds"
    print(f"Subscribed to {added:,} {feeds} from {args.file}{already}.")
    print("Nothing fetched yet: run `news refresh` to fetch them.")
    return 0


def cmd_export_opml(argv: list[str], config: Config) -> int:
    p = parser("news export-opml", "Write the feed subscriptions as OPML to standard output.")
    add_library(p)
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.sources.opml import Subscription, write_opml

    with _library(config) as library:
        feeds = [s for s in library.sources() if s.kind == "feed"]
    web = [s for s in feeds if urlsplit(s.location).scheme.lower() in _WEB_SCHEMES]
    sys.stdout.write(
        write_opml(
            Subscription(s.title or s.location, s.location, folder=s.section_override) for s in web
        )
    )
    if len(web) < len(feeds):
        left = len(feeds) - len(web)
        print(
            f"news: {left} feed file{'s' if left != 1 else ''} on this machine left out"
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
    add_library(p)
    args = p.parse_args(argv)
    apply_paths(args)
    from rich.console import Console

    from reader.refresh import refresh

    console = Console(highlight=False, soft_wrap=True)
    with _library(config) as library:
        total = sum(s.kind == "feed" for s in library.sources())
        if not total:
            console.print("No feeds to refresh. Add one with `news add URL`.")
            return 0
        if console.is_terminal:
            outcomes = _refresh_with_bar(library, console, total)
        else:
            outcomes = refresh(library, on_progress=lambda o: console.print(_line(o)))
    _summary(console, outcomes)
    return 0 if all(o.ok for o in outcomes) else 1


def _refresh_with_bar(library: Library, console: Console, total: int) -> list[FeedOutcome]:
    """A progress bar while it runs; each feed that brought news or failed is
    printed above the bar as it is done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from reader.refresh import refresh

    columns = (
        TextColumn("Refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(outcome: FeedOutcome) -> None:
            progress.update(task, advance=1, description=outcome.name[:40])
            if outcome.status != "unchanged":
                progress.console.print(_line(outcome))
            progress.refresh()  # else the bar shows the count of its last tick

        return refresh(library, on_progress=advance)


def _line(outcome: FeedOutcome) -> Text:
    from rich.text import Text

    line = Text()
    if outcome.status == "failed":
        line.append("failed     ", style="bold red")
        line.append(outcome.name)
        line.append(f": {outcome.reason}", style="red")
        return line
    line.append(f"{outcome.status:<11}", style="green" if outcome.status == "new" else "dim")
    line.append(outcome.name)
    if outcome.status == "new":
        parts = [f"{outcome.new:,} new"]
        if outcome.updated:
            parts.append(f"{outcome.updated:,} updated")
        if outcome.full_texts:
            parts.append(f"{outcome.full_texts:,} with full text")
        line.append(": " + ", ".join(parts), style="dim")
    for warning in outcome.warnings:
        line.append(f"\n           {warning}", style="yellow")
    return line


def _summary(console: Console, outcomes: list[FeedOutcome]) -> None:
    from rich.text import Text

    failed = [o for o in outcomes if not o.ok]
    new = sum(o.new for o in outcomes)
    feeds = "feed" if len(outcomes) == 1 else "feeds"
    text = Text(
        f"{len(outcomes):,} {feeds}: {new:,} new stor{'y' if new == 1 else 'ies'},"
        f" {sum(o.status == 'unchanged' for o in outcomes):,} unchanged,"
        f" {len(failed):,} failed."
    )
    console.print(text)
    for outcome in failed:
        console.print(Text(f"  {outcome.name}: {outcome.reason}", style="red"))


def cmd_fulltext(argv: list[str], config: Config) -> int:
    p = parser(
        "news fulltext",
        "Fetch a story's web page, keep the story from it as the body, and print it.",
    )
    p.add_argument("id", metavar="ID", help="the story's id (or its start), as `news list` shows")
    add_library(p)
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.refresh import FulltextError, fetch_fulltext

    with _library(config) as library:
        wanted = args.id.strip()
        found = [row.id for row in library.rows() if row.id.startswith(wanted)] if wanted else []
        if wanted in found:
            found = [wanted]
        if len(found) != 1:
            why = "no story" if not found else f"{len(found)} stories"
            raise UserError(f"{why} with id {wanted!r}; `news list` shows the ids")
        try:
            text = fetch_fulltext(library, found[0])
        except FulltextError as exc:
            raise UserError(str(exc)) from None
        article = library.article(found[0])
    title = article.title if article else found[0]
    print(f"Stored the full text of {title!r} ({len(text.split()):,} words):\n")
    print(text)
    return 0
