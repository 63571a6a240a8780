"""`add`: a feed's address, a feed file, a dump or a folder of Markdown, read
and stored now.

Its own module because it is most of what the source commands do: telling
what was given (a URL, a feed, a dump, a folder), autodiscovery when a web
page is given, a bar while a large feed file is read, and the config's rules
run over what came in. The network and feed modules are imported inside the
functions that need them: they cost a few hundred milliseconds that
`news list` should not pay.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reader.cli.common import (
    UserError,
    apply_paths,
    console,
    open_library,
    parser,
    rules_after,
    shown,
)
from reader.config import Config
from reader.sanitize import clean_line
from reader.urls import FETCH_SCHEMES, GIVEN_SCHEMES, URLRefused, check_fetchable, scheme
from reader.wording import counted

if TYPE_CHECKING:
    from reader.library.articles import Library, Source, SourceKind
    from reader.refresh import FeedOutcome


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
        with open_library(config) as library:
            return subscribe(library, args.account, args.source, section, config)
    kind, location = _classify(args.source)
    if args.every is not None and kind != "feed":
        if kind == "markdown":  # read again by every refresh, on [refresh] every's timer
            raise UserError("--every is for feeds; a folder is read again on [refresh] every")
        raise UserError(f"--every is for feeds; a {kind} is read once, when added")
    with (
        _reading_early(kind, location),
        open_library(config) as library,
        rules_after(library, config),
    ):
        if kind == "feed":
            return _add_feed(
                library, location, section, args.fulltext, config.allow_private, args.every
            )
        if kind == "markdown":
            return _add_markdown(library, Path(location), section)
        return _add_dump(library, Path(location), section, config)


def _reading_early(kind: str, location: str) -> AbstractContextManager[None]:
    """A big feed file starts being read (in a process of its own) while the
    library is opened, and made the first time: `feed_process.reading_early`."""
    if kind != "feed" or scheme(location) in FETCH_SCHEMES:
        return nullcontext()
    from reader.sources.feed_process import reading_early

    return reading_early(location)


def _warn(warnings: list[str] | tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"news: warning: {shown(warning)}", file=sys.stderr)


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
    if path.suffix.lower() in (".md", ".markdown"):  # the library keeps folders of them
        raise UserError(
            f"{shown(source)}: a Markdown file is read as it is (`news FILE.md`); the library"
            f" keeps it with its folder: `news add {shown(str(path.parent))}`"
        )
    from reader.sources.local import SNIFF_BYTES, looks_like_feed, read_head

    try:
        head = read_head(path, SNIFF_BYTES)  # a FIFO or a device is refused, not waited on
    except OSError as exc:
        raise UserError(f"{source}: {exc.strerror or exc}") from None
    if looks_like_feed(head):
        return "feed", str(path)
    if b"\x00" in head:
        raise UserError(f"{source}: a binary file, not a feed, a dump or a folder of Markdown")
    return "dump", str(path)


def _read_with_bar(library: Library, source: Source, allow_private: bool) -> list[FeedOutcome]:
    """Refresh one feed, or add it (``id`` 0: see `refresh`'s ``adding``); a
    feed file on disk is read and stored in batches, with a bar of the
    megabytes read when standard output is a terminal."""
    from reader.refresh import local_feed_path, refresh

    out, path = console(), local_feed_path(source.location)
    ids, adding = ({source.id}, None) if source.id else (None, source)
    if path is None:
        with fetching(source.location):
            return refresh(library, source_ids=ids, adding=adding, allow_private=allow_private)
    if not out.is_terminal:
        return refresh(library, source_ids=ids, adding=adding, allow_private=allow_private)
    # Only for a bar: Rich's progress module costs 30 ms of CPU to import,
    # which `news add big.xml > log` (or a script) has no use for.
    from reader.cli.progress import plain_progress

    with plain_progress(out, "Reading", in_bytes=True) as progress:
        size = 0
        with suppress(OSError):
            size = path.stat().st_size
        task = progress.add_task(path.name, total=size or None)

        def read(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return refresh(
            library, source_ids=ids, adding=adding, allow_private=allow_private, on_read=read
        )


@contextmanager
def fetching(url: str) -> Iterator[None]:
    """While a feed is fetched (up to the feed timeout), "Fetching URL…" on
    standard error when it is a terminal, one line cut to its width, erased
    when done (or interrupted) so the result or the error takes its place.
    Elsewhere nothing: a script's output is only the result."""
    from rich.text import Text

    err = console(stderr=True)
    if not err.is_terminal:
        yield
        return
    line = Text(f"Fetching {shown(url)}…")
    line.truncate(max(err.width - 1, 1), overflow="ellipsis")
    err.file.write(line.plain)
    err.file.flush()
    try:
        yield
    finally:
        err.file.write("\r\x1b[2K")  # back to the start of the line, and clear it
        err.file.flush()


def _interval(text: str) -> int:
    """``--every``: an interval as the config writes one."""
    from reader.triage.schedule import IntervalError, parse_interval

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
    """A feed new to the library is added with its first stories (see
    `refresh`'s ``adding``): one that cannot be read leaves nothing behind,
    and no other `news` (a reader's `r`) sees it before."""
    from reader.library.articles import Source

    before = {s.location: s for s in library.sources() if s.kind == "feed"}
    if (old := before.get(location)) is None:
        source = Source(0, "feed", location, section_override=section, fulltext=fulltext)
    else:
        changes: dict[str, str | bool] = {}
        if section and section != old.section_override:
            # Read the feed in full again, or a "not modified" would leave its
            # stories in the old section.
            changes.update(section_override=section, etag="", last_modified="")
        if fulltext:
            changes["fulltext"] = True
        library.update_source(old.id, **changes)
        source = library.source(old.id) or old
    [outcome] = _read_with_bar(library, source, allow_private)
    found_on = ""
    if not outcome.ok and outcome.found_feeds and old is None:
        # The page is not a feed; the one it names may be.
        found_on = location
        outcome, location = _add_found(library, outcome, section, fulltext, allow_private)
    elif not outcome.ok:
        if old is None:
            _forget(library, outcome)
        raise UserError(f"cannot add {location}: {outcome.reason}")
    _warn(outcome.warnings)
    if every is not None:
        library.set_every(outcome.source_id, every)
    again = " (already added)" if location in before else ""
    stories = outcome.stories
    if again:
        # A feed not changed since is not read again ("0 stories"): say what
        # the library holds from it, as re-adding a dump or a folder does.
        stories = max(stories, library.counts_by_source().get(outcome.source_id, 0))
    if found_on:
        again += f", the feed {shown(location)} that the web page names"
    details = f"{outcome.new:,} new" + (
        f", {outcome.full_texts:,} with full text" if outcome.full_texts else ""
    )
    if every is not None:
        from reader.triage.schedule import format_interval

        details += f"; refreshed every {format_interval(every)}"
    print(f"Added feed {shown(outcome.name)}{again}: {counted(stories, 'story')} ({details}).")
    return 0


def _add_found(
    library: Library, page: FeedOutcome, section: str, fulltext: bool, allow_private: bool
) -> tuple[FeedOutcome, str]:
    """Add the first feed a web page announces that can be read (autodiscovery).

    The page chose these addresses, so they are held to its origin: a feed on
    another site must be at a public address unless ``allow_private``."""
    from reader.library.articles import Source
    from reader.refresh import refresh

    failures = []
    for url in page.found_feeds:
        known = {s.location: s for s in library.sources() if s.kind == "feed"}
        source = known.get(url) or Source(
            0, "feed", url, section_override=section, fulltext=fulltext
        )
        with fetching(url):
            [outcome] = refresh(
                library,
                source_ids={source.id},
                adding=None if source.id else source,
                allow_private=allow_private,
                homes={source.id: page.location},
            )
        if outcome.ok:
            return outcome, url
        if url not in known:
            _forget(library, outcome)
        failures.append(f"{shown(url)}: {shown(outcome.reason)}")
    raise UserError(
        f"cannot add {page.location}: a web page, and the feeds it names failed: "
        + "; ".join(failures)
    )


def _forget(library: Library, outcome: FeedOutcome) -> None:
    """A feed this add failed on, taken out if a stream of it had made it a
    source (its first batch stored, a later one broken)."""
    if outcome.source_id:
        library.remove_source(outcome.source_id)


def _local_source(library: Library, kind: SourceKind, path: Path, section: str) -> Source:
    """A dump or folder as the library holds it (``id`` 0 if new), in the
    section given, else the one stored for it (a `--section` holds until
    another replaces it). The location stays exact (it names the file or
    folder); the title is the file's or folder's name, cleaned."""
    from reader.library.articles import Source

    for source in library.sources():
        if source.kind == kind and source.location == str(path) and source.account is None:
            return replace(source, section_override=section or source.section_override)
    name = path.name if kind == "markdown" else path.stem
    return Source(0, kind, str(path), title=clean_line(name), section_override=section)


def _add_markdown(library: Library, folder: Path, section: str) -> int:
    """Every file of the folder read and stored the way a refresh stores it
    (`refresh.folders`), so the two agree on sections and stamps."""
    from reader.refresh.folders import FolderError, read_folder, store_folder

    source = _local_source(library, "markdown", folder, section)
    try:
        result = read_folder(source, again=True)
    except FolderError as exc:
        raise UserError(str(exc)) from None
    _warn(result.warnings)
    if source.id and section:
        library.update_source(source.id, section_override=section)
    outcome = store_folder(library, source, result)
    title = clean_line(folder.name)
    print(f"Added folder {title}: {counted(outcome.stories, 'story')} ({outcome.new:,} new).")
    return 0


def _add_dump(library: Library, path: Path, section: str, config: Config) -> int:
    """A dump, read once and stored as a source."""
    from reader.sources.dump import DumpError, read_dump

    try:
        result = read_dump(path, sections=config.sections)
    except DumpError as exc:
        raise UserError(str(exc)) from None
    if not result.articles:
        raise UserError(f"{path}: no stories found (not a feed, nor a dump in the seed layout)")
    _warn(result.warnings)
    source = _local_source(library, "dump", path, section)
    source_id = source.id or library.add_source(
        "dump", source.location, title=source.title, section_override=section
    )
    if source.id and section:
        library.update_source(source_id, section_override=section)
    articles = result.articles
    if source.section_override:
        articles = [replace(a, section=source.section_override) for a in articles]
    known = library.known_ids(a.id for a in articles)
    library.upsert_articles(source_id, articles)
    new = sum(a.id not in known for a in articles)
    print(f"Added dump {source.title}: {counted(len(articles), 'story')} ({new:,} new).")
    return 0
