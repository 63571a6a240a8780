"""The bundled news put into a library, and dump files imported as sources.

Outside `library/` because it parses: the library stores what it is given and
imports no source's parser (an import-linter contract keeps it so). Every
command that opens the library opens it here (`open_seeded`), so the first run
of any of them shows the bundled news, and a seed the person removed stays removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reader.library.articles import ImportResult, Library
from reader.model import utc_now

__all__ = ["ensure_seeded", "import_dump", "open_seeded"]

_SEEDED = "seeded:"  # meta key prefix, one per bundled seed file name


def import_dump(library: Library, path: Path | str, sections: Iterable[str] = ()) -> ImportResult:
    """Parse a dump file and store its stories under a 'dump' source named by
    its absolute path. Raises `DumpError` for a file that cannot be read."""
    from reader.sources.dump import read_dump  # only the first run parses: not at every start

    path = Path(path).resolve()
    result = read_dump(path, sections=sections)
    source_id = library.add_source("dump", str(path), title=path.stem)
    changed = library.upsert_articles(source_id, result.articles)
    return ImportResult(source_id, len(result.articles), changed, result.warnings)


def ensure_seeded(
    library: Library, seed_paths: Iterable[Path], sections: Iterable[str] = ()
) -> int:
    """Import each bundled seed dump the first time this library sees its file
    name; how many stories were imported."""
    sections = tuple(sections)
    imported = 0
    for path in seed_paths:
        key = _SEEDED + Path(path).name
        if library.meta(key) is not None:
            continue
        imported += import_dump(library, path, sections).articles
        library.set_meta(key, utc_now())
    return imported


def open_seeded(seed_paths: Iterable[Path], sections: Iterable[str] = ()) -> Library:
    """The library (`Library.open`'s file), with the bundled news the first time.
    Raises `LibraryError` when it cannot be opened; the file is closed again then."""
    library = Library.open()
    try:
        ensure_seeded(library, seed_paths, sections)
    except BaseException:
        library.close()
        raise
    return library
