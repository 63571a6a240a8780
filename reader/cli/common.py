"""What every subcommand shares: errors, options, and where stories come from."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from reader.catalog import Catalog, LibraryCatalog, MemoryCatalog
from reader.config import DATA_DIR_ENV, LIBRARY_ENV, Config, data_dir, seed_paths
from reader.highlight import Keyword, KeywordError, compile_keyword
from reader.model import Article, Block, count_spaced_words, story_words
from reader.sanitize import clean_line

if TYPE_CHECKING:
    import argparse

    from rich.console import Console
    from rich.text import Text

    from reader.library.articles import Library

USAGE_ERROR = 2


class UserError(Exception):
    """Something the person can fix; shown as one line, never a traceback."""


# Characters JSON may carry raw but a terminal acts on: C1 controls (U+009B
# starts a CSI sequence) and bidirectional overrides. `json` escapes C0 itself.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def print_json(data: object) -> None:
    """JSON for scripts: readable, and non-ASCII text as it is, except for what
    a terminal would act on, which is written as a `\\u` escape (the same string
    to a JSON reader, inert on a screen)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def find_story_id(ids: Iterable[str], wanted: str) -> str:
    """A story's id from all of it or its start, as `news list` prints them."""
    wanted = wanted.strip()
    if not wanted:
        raise UserError("give a story's id; `news list` shows the ids")
    found: list[str] = []
    for story_id in ids:
        if story_id == wanted:
            return story_id
        if story_id.startswith(wanted):
            found.append(story_id)
    if len(found) == 1:
        return found[0]
    if not found:
        raise UserError(f"no story with id {wanted!r}; `news list` shows the ids")
    raise UserError(
        f"{len(found):,} stories have ids starting with {wanted!r}; give more of the id"
    )


def console(stderr: bool = False) -> Console:
    """Standard output (or error) for Rich, with every parser of strings off:
    data is printed as `Text`, and a plain string is printed as it is, never
    read as markup (`[link=...]`), emoji codes (`:smile:`) or highlighted.
    Every command's Rich output goes through here; a test keeps it so."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def print_row(out: Console, line: Text) -> None:
    """One row of a listing: cut with an ellipsis at a terminal's width, whole
    when piped, so `news list | grep` sees every title to its end."""
    if out.is_terminal:
        out.print(line, overflow="ellipsis", no_wrap=True)
    else:
        out.print(line, soft_wrap=True)


def shown(text: str) -> str:
    """A stored string on its way to the screen, cleaned again: the library may
    be a file someone else made. Cheap when there is nothing to drop."""
    return clean_line(text)


# The options of the whole program. `main` moves them to the front of the
# command's arguments, so they work before the command and anywhere after it
# (`news --library F list`, `news list --library F`); every command's parser
# reads them (a bookmarks action's parent does, for `bookmarks import`).
GLOBAL_OPTIONS = ("--library", "--data-dir", "--highlight")


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A command's parser, with the global options. Abbreviations are off: a
    `--lib` that argparse took for `--library` would not be moved with it."""
    import argparse  # not for `news` alone (`reading.cmd_tui`): about 2.5 ms

    p = argparse.ArgumentParser(prog=prog, description=description, allow_abbrev=False)
    group = p.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--library",
        type=Path,
        metavar="FILE",
        help=f"the library database (default: ${LIBRARY_ENV} or library.sqlite in the data dir)",
    )
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where bookmarks and reading state live (default: ${DATA_DIR_ENV} or {data_dir()})",
    )
    group.add_argument(
        "--highlight",
        action="append",
        default=[],
        metavar="WORD",
        help="also highlight WORD in this run, in the reader and `news show` (repeatable)",
    )
    return p


def split_global_options(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the global options with their values, the other arguments), in their
    order. A `--` ends the options: what follows it is the command's."""
    found: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg.split("=", 1)[0] not in GLOBAL_OPTIONS:
            rest.append(arg)
            i += 1
            continue
        # `--library=F` is one word; `--library F` two. A missing value is left
        # for argparse to name.
        width = 1 if "=" in arg or i + 1 == len(args) else 2
        found.extend(args[i : i + width])
        i += width
    return found, rest


def add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="dump files, feed files, Markdown files (FILE.md, a story each) or folders"
        " of them, to read instead of the library (which is left untouched)",
    )


def apply_paths(args: argparse.Namespace | SimpleNamespace) -> None:
    """A flag wins over its environment variable, which wins over the default."""
    if getattr(args, "data_dir", None) is not None:
        os.environ[DATA_DIR_ENV] = str(args.data_dir)
    if getattr(args, "library", None) is not None:
        os.environ[LIBRARY_ENV] = str(args.library)


def extra_keywords(args: argparse.Namespace | SimpleNamespace) -> list[Keyword]:
    keywords = [Keyword(word) for word in args.highlight if word.strip()]
    for keyword in keywords:
        try:
            compile_keyword(keyword)
        except KeywordError as exc:
            raise UserError(f"--highlight: {exc}") from None
    return keywords


Rests = dict[str, Callable[[], Article]]


def load_articles(
    paths: Sequence[str],
    config: Config,
    warnings: list[str] | None = None,
    rests: Rests | None = None,
) -> list[Article]:
    """Stories from the dumps, feed files and Markdown files (`.md`, one
    story each), in order. Warnings go to `warnings` when given (the TUI shows
    them), else to standard error. With `rests`, a long Markdown file is read
    as its head (`markdown.markdown_head`: what the first screen shows), and
    how to make the whole story is put in `rests` under its id.

    A story is listed once however often it is given (`news list a.md a.md`,
    or a file and its folder): the first place it is given wins."""
    articles: list[Article] = []
    seen: set[str] = set()
    for path in (Path(p) for p in paths):
        mine: Rests | None = None if rests is None else {}
        if path.suffix.lower() in (".md", ".markdown"):
            found, said = _read_markdown(path, mine)
        elif path.is_dir():
            found, said = _read_folder(path)
        else:
            found, said = _read_file(path, config)
        for warning in said:
            if warnings is None:
                print(f"news: warning: {shown(warning)}", file=sys.stderr)
            else:
                warnings.append(warning)
        for article in found:
            if article.id in seen:
                continue
            seen.add(article.id)
            articles.append(article)
            if rests is not None and mine and article.id in mine:
                rests[article.id] = mine[article.id]
    return articles


def _read_file(path: Path, config: Config) -> tuple[list[Article], list[str]]:
    """A dump, or a feed file (RSS, Atom, JSON Feed), told apart as `news add`
    tells them."""
    from reader.sources.local import SNIFF_BYTES, looks_like_feed, read_head

    try:
        head = read_head(path, SNIFF_BYTES)  # a FIFO or a device is refused, not waited on
    except FileNotFoundError:
        head = b""  # the dump reader names it
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror or exc}") from None
    return _read_feed(path) if looks_like_feed(head) else _read_dump(path, config)


def _read_feed(path: Path) -> tuple[list[Article], list[str]]:
    """A feed file's stories, in memory, as `news add FILE` would store them:
    the same limits, cleaning, ids and sections (an entry's category, else
    the feed's title)."""
    from reader.markdown import markdown_to_blocks
    from reader.sources.feed import FeedError, read_feed_file

    try:
        result = read_feed_file(path.resolve(), to_blocks=markdown_to_blocks)
    except FeedError as exc:
        raise UserError(str(exc)) from None
    return result.articles, result.warnings


def _read_dump(path: Path, config: Config) -> tuple[list[Article], list[str]]:
    from reader.sources.dump import DumpError, read_dump

    try:
        result = read_dump(path, sections=config.sections)
    except DumpError as exc:
        raise UserError(str(exc)) from None
    return result.articles, result.warnings


def _read_folder(path: Path) -> tuple[list[Article], list[str]]:
    """A folder's Markdown files, a story each, as `news add` would store them
    (in the section their front matter names, else the folder's name)."""
    from reader.markdown import markdown_to_blocks
    from reader.sources.markdown_dir import MarkdownDirError, read_markdown_dir

    try:
        result = read_markdown_dir(path, to_blocks=markdown_to_blocks)
    except MarkdownDirError as exc:
        raise UserError(str(exc)) from None
    if not result.articles:
        raise UserError(f"{path}: no Markdown files (*.md) in this folder")
    return result.articles, result.warnings


def _read_markdown(path: Path, rests: Rests | None) -> tuple[list[Article], list[str]]:
    """One Markdown file as a story; a file that cannot be read is a UserError.
    With `rests`, a long one is read as its head, and its whole put there."""
    from reader.markdown import markdown_to_text, plain_head
    from reader.sources.local import LocalFileError
    from reader.sources.markdown_dir import read_markdown_file

    read: list[tuple[str, str]] = []  # (the body, its rest) when only its head was parsed

    def head_first(md: str) -> list[Block]:
        # The head is read without markdown-it when it is plain prose: its
        # import (about 20 ms) then waits for the rest, parsed after the first screen.
        found = None
        if rests is not None and (found := plain_head(md)) is None:
            from reader.markdown import markdown_head

            found = markdown_head(md)
        if found is None:
            from reader.markdown import markdown_to_blocks

            return markdown_to_blocks(md)
        blocks, rest = found
        read.append((md, rest))
        return blocks

    try:
        result = read_markdown_file(path, to_blocks=head_first)
    except LocalFileError as exc:
        raise UserError(str(exc)) from None
    if rests is None or not read:
        return result.articles, result.warnings
    (body, rest), article = read[0], result.articles[0]
    # The words of the whole story, counted from the body's plain text as the
    # library counts a stored body: the reading time is right from the first
    # screen, and stays when the whole story takes the head's place.
    words = story_words(
        article.title, article.standfirst, count_spaced_words(markdown_to_text(body))
    )
    head = replace(article, words=words, rest=rest)
    rests[head.id] = functools.partial(_whole, head, body)
    return [head], result.warnings


def _whole(head: Article, body: str) -> Article:
    """The story read in part (`head`), whole: its body parsed."""
    from reader.markdown import markdown_to_blocks

    return replace(head, blocks=tuple(markdown_to_blocks(body)), rest="")


def open_catalog(
    paths: Sequence[str],
    config: Config,
    warnings: list[str] | None = None,
    *,
    heads: bool = False,
) -> Catalog:
    """The files given, in memory; with none, the library (seeded with the
    bundled news the first time). `heads`: a long Markdown file is read as its
    head first and parsed whole later (`Catalog.whole`), for the reader's
    first screen."""
    if paths:
        rests: Rests | None = {} if heads else None
        return MemoryCatalog(load_articles(paths, config, warnings, rests), rests)
    from reader.atomic import StoreError
    from reader.identity import carry_file_ids, carry_marks

    library = _open_seeded(config)
    try:
        carry_file_ids(library)  # Markdown stories stored before: their files' places as ids
        carry_marks(library)  # bookmarks and reading state follow stories given new ids
    except StoreError as exc:
        if warnings is None:
            print(f"news: warning: {exc}", file=sys.stderr)
        else:
            warnings.append(str(exc))
    catalog = LibraryCatalog(library)
    from reader.triage.hidden import Hidden

    hidden = Hidden()
    hidden.load()  # stories a rule hid: out of every list
    if hidden.problem:
        if warnings is None:
            print(f"news: warning: {hidden.problem}", file=sys.stderr)
        else:
            warnings.append(hidden.problem)
    if len(hidden):
        catalog.set_hidden(hidden.ids())
    return catalog


def _open_seeded(config: Config) -> Library:
    """The library with the bundled news the first time: every command's one way in."""
    from reader.library.db import LibraryError
    from reader.seeding import open_seeded

    try:
        return open_seeded(seed_paths(), config.sections)
    except LibraryError as exc:
        raise UserError(str(exc)) from None


@contextmanager
def open_library(config: Config) -> Iterator[Library]:
    """The library, seeded on first use as `news list` does (so the seed stays
    first in the reading order), closed when the block ends."""
    library = _open_seeded(config)
    try:
        yield library
    finally:
        library.close()


@contextmanager
def rules_after(library: Library, config: Config, *, say: bool = True) -> Iterator[None]:
    """Run the config's rules over the stories stored inside the block, and
    only those (`reader.triage.rules`: FTS5 over the new rows, not the library);
    what they did is said unless `say` is false (output that is JSON)."""
    if not any(rule.action != "section" for rule in config.rules):
        yield
        return
    from reader.cli.rules import apply_to_new
    from reader.triage.rules import watermark

    since = watermark(library.conn)
    yield
    # A synced story marked read goes to its server's queue, as a hand's mark does.
    apply_to_new(library.conn, config, since, say=say, journal=library.queue_changes)
