"""What every subcommand shares: errors, options, and where stories come from."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reader.catalog import Catalog, LibraryCatalog, MemoryCatalog
from reader.config import DATA_DIR_ENV, Config, data_dir, seed_paths
from reader.highlight import Keyword, KeywordError, compile_keyword
from reader.library.db import LIBRARY_ENV, LibraryError
from reader.model import Article

USAGE_ERROR = 2


class UserError(Exception):
    """Something the person can fix; shown as one line, never a traceback."""


def print_json(data: object) -> None:
    """JSON for scripts: readable, and non-ASCII text as it is."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=prog, description=description)


def add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="dump files to read instead of the library (which is left untouched)",
    )


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where bookmarks and reading state live (default: ${DATA_DIR_ENV} or {data_dir()})",
    )


def add_library(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--library",
        type=Path,
        metavar="FILE",
        help=f"the library database (default: ${LIBRARY_ENV} or library.sqlite in the data dir)",
    )


def apply_paths(args: argparse.Namespace) -> None:
    """A flag wins over its environment variable, which wins over the default."""
    if getattr(args, "data_dir", None) is not None:
        os.environ[DATA_DIR_ENV] = str(args.data_dir)
    if getattr(args, "library", None) is not None:
        os.environ[LIBRARY_ENV] = str(args.library)


def add_highlight(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--highlight",
        action="append",
        default=[],
        metavar="WORD",
        help="also highlight WORD in this run (repeatable); `w` in the reader saves keywords",
    )


def extra_keywords(args: argparse.Namespace) -> list[Keyword]:
    keywords = [Keyword(word) for word in args.highlight if word.strip()]
    for keyword in keywords:
        try:
            compile_keyword(keyword)
        except KeywordError as exc:
            raise UserError(f"--highlight: {exc}") from None
    return keywords


def load_articles(
    paths: Sequence[str], config: Config, warnings: list[str] | None = None
) -> list[Article]:
    """Stories from the dumps, in order. Warnings go to `warnings` when given
    (the TUI shows them), else to standard error."""
    from reader.sources.dump import DumpError, read_dump

    articles: list[Article] = []
    for path in (Path(p) for p in paths):
        try:
            result = read_dump(path, sections=config.sections)
        except DumpError as exc:
            raise UserError(str(exc)) from None
        for warning in result.warnings:
            if warnings is None:
                print(f"news: warning: {warning}", file=sys.stderr)
            else:
                warnings.append(warning)
        articles.extend(result.articles)
    return articles


def open_catalog(
    paths: Sequence[str], config: Config, warnings: list[str] | None = None
) -> Catalog:
    """The files given, in memory; with none, the library (seeded with the
    bundled news the first time)."""
    if paths:
        return MemoryCatalog(load_articles(paths, config, warnings))
    from reader.library.articles import Library

    try:
        library = Library.open()
        library.ensure_seeded(seed_paths(), config.sections)
    except LibraryError as exc:
        raise UserError(str(exc)) from None
    return LibraryCatalog(library)
