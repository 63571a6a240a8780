"""What the reader shows: the stories by section, each story on demand, and search.

Two kinds, one shape. A `MemoryCatalog` holds stories parsed from files given
on the command line: everything is in memory, and the search index is an
in-memory SQLite library built on first use. A `LibraryCatalog` is the user's
library on disk: each section's list is read a page at a time as the sidebar
scrolls to it, and a body is read and parsed only when its story opens, so
100,000 stories cost little more than four.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, NamedTuple, Protocol

from reader.model import Article, Entry
from reader.sanitize import shown_line

if TYPE_CHECKING:  # search is imported by the first search, not on the way to the first screen
    # and the library with one (files given on the command line open none)
    from reader.library.articles import Library
    from reader.library.listing import Listing, NewestFirst
    from reader.library.search import Searcher


class Catalog(Protocol):
    def sections(self) -> list[tuple[str, Sequence[Entry]]]:
        """Sections in order of their first story, each with its stories newest
        first (or in reading order, see `set_newest_first`); a sequence that
        may read lazily. Stories without a date follow, in reading order."""
        ...

    def set_newest_first(self, on: bool) -> None:
        """Order each section's stories newest first (the default), or as their
        feed or file gave them; `sections` and `locate` follow."""
        ...

    def locate(self, article_id: str) -> tuple[int, int] | None:
        """(section number, place in the section) of a story, or None."""
        ...

    def has(self, article_id: str) -> bool: ...

    def article(self, article_id: str) -> Article | None:
        """The story, perhaps only its head so far (see `whole`)."""
        ...

    def whole(self, article: Article) -> Article:
        """The story with all its body: `article` itself, unless that is a long
        Markdown file's head, read first to paint the first screen sooner (its
        rest is parsed here, if `complete` has not done it yet)."""
        ...

    def complete(self) -> None:
        """Parse the rest of every story read only in part (from a worker,
        after the first screen); `article` gives the whole from then on."""
        ...

    def in_part(self) -> bool:
        """Whether any story is read only in part (`complete` has work)."""
        ...

    def read_counts(self, read: Iterable[str]) -> dict[str, int]:
        """How many of these (read) stories each section has."""
        ...

    def origin(self, article_id: str) -> Origin:
        """Where a story came from, for its header."""
        ...

    def entries(self) -> Sequence[Entry]:
        """Every story in reading order (for finding an id on the command line)."""
        ...

    def updated_ids(self) -> frozenset[str]:
        """The stories whose title or text changed after they were first stored."""
        ...

    def searcher(self) -> Searcher:
        """Made on first use (from a worker thread): the index may take a moment."""
        ...

    def texts(self) -> Iterator[tuple[str, str]]:
        """(id, all the text of a story) for each story, for counting keywords."""
        ...

    def reload(self) -> None:
        """Read the list of stories again (after a refresh added some)."""
        ...

    def arrived(self) -> list[str]:
        """The stories stored since this was last asked (or the catalog made):
        one may have been read before it came (`news FILE`, then `news add`)."""
        ...

    def library_path(self) -> str | None:
        """The library's file, for a worker's connection of its own (refresh,
        full text, sync); None for files given on the command line, which are
        read once and never refreshed."""
        ...

    def close(self) -> None: ...


class Origin(NamedTuple):
    """Where a story came from, as its header names it: the feed's (or file's)
    name, and whether its body is the full text fetched from its web page in
    place of the feed's own (often a teaser). A NamedTuple, as `render.Palette`."""

    source: str
    full_text: bool = False


def source_name(source: str) -> str:
    """A source as a person knows it: a file by its name without the folders
    (never the bundled seed's path inside the install), an address as it is.
    A dump or a folder is named without a suffix, as a publication is
    (`teslarati`); a Markdown file is a story's own file, named whole (`trip.md`)."""
    if source.startswith("<") and source.endswith(">"):
        return ""  # a stand-in, such as "<dump>" for text given without a file
    if "://" not in source:
        path = PurePath(source)
        if path.suffix.lower() in (".md", ".markdown"):
            source = path.name or source
        elif "/" in source:
            source = path.stem or source
    return shown_line(source)  # a file's name is untrusted text too


def article_text(article: Article) -> str:
    return "\n".join((article.title, article.standfirst, *(b.text for b in article.blocks)))


class MemoryCatalog:
    """`rests`: for a story given as its head only, how to make the whole of it
    (`cli.common.load_articles`); it replaces the head when first asked for."""

    def __init__(
        self, articles: Sequence[Article], rests: Mapping[str, Callable[[], Article]] | None = None
    ) -> None:
        self._by_id: dict[str, Article] = {}
        for article in articles:  # a story given twice is listed once, where first given
            self._by_id.setdefault(article.id, article)
        self._articles = list(self._by_id.values())
        self._rests = dict(rests or {})
        self._parsing = threading.Lock()  # a rest is parsed once, by whoever asks first
        grouped: dict[str, list[Article]] = {}
        for article in self._articles:
            grouped.setdefault(article.section, []).append(article)
        self._in_order = list(grouped.items())
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()
        self.set_newest_first(True)

    def set_newest_first(self, on: bool) -> None:
        # A stable sort: stories of the same date (or none) keep their order.
        self._sections: list[tuple[str, list[Article]]] = [
            (name, sorted(items, key=lambda a: a.published, reverse=True) if on else items)
            for name, items in self._in_order
        ]
        self._where = {
            a.id: (number, place)
            for number, (_, items) in enumerate(self._sections)
            for place, a in enumerate(items)
        }

    def sections(self) -> list[tuple[str, Sequence[Entry]]]:
        return list(self._sections)

    def locate(self, article_id: str) -> tuple[int, int] | None:
        return self._where.get(article_id)

    def has(self, article_id: str) -> bool:
        return article_id in self._by_id

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def whole(self, article: Article) -> Article:
        if article.id not in self._rests:
            return self._by_id.get(article.id, article)
        with self._parsing:
            rest = self._rests.get(article.id)
            if rest is not None:
                self._put(rest())
                del self._rests[article.id]
        return self._by_id[article.id]

    def complete(self) -> None:
        for article_id in list(self._rests):
            if (article := self._by_id.get(article_id)) is not None:
                self.whole(article)

    def in_part(self) -> bool:
        return bool(self._rests)

    def _put(self, article: Article) -> None:
        """A story in place of the one of its id, wherever it is listed (each
        assignment replaces one item, so a reader on another thread sees the
        old story or the new one)."""
        old = self._by_id[article.id]
        self._by_id[article.id] = article
        self._articles[self._articles.index(old)] = article
        for _, items in [*self._in_order, *self._sections]:
            for place, item in enumerate(items):
                if item is old:
                    items[place] = article

    def read_counts(self, read: Iterable[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for article_id in set(read):  # a story read twice counts once, as in the library
            if (article := self._by_id.get(article_id)) is not None:
                counts[article.section] = counts.get(article.section, 0) + 1
        return counts

    def origin(self, article_id: str) -> Origin:
        article = self._by_id.get(article_id)
        return Origin(source_name(article.source) if article else "")

    def entries(self) -> Sequence[Entry]:
        return self._articles

    def updated_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self._articles if a.updated)

    def searcher(self) -> Searcher:
        """The index is built on the calling (worker) thread by a connection
        opened, used and closed there; the in-memory database lives on in the
        searcher's own connection, which is made to be used from any thread. So
        `close()`, on the main thread at exit, closes nothing bound to another
        thread (it used to: a `ProgrammingError` on quit after a search)."""
        self.complete()  # the index holds every story whole
        with self._lock:
            if self._searcher is None:
                from reader.library.articles import Library
                from reader.library.search import Searcher

                builder = Library.open(":memory:")
                try:
                    # A source per file, named as the story's header names it,
                    # so source: finds a file's stories here as in the library.
                    by_file: dict[str, list[Article]] = {}
                    for article in self._articles:
                        by_file.setdefault(article.source, []).append(article)
                    for location, articles in by_file.items():
                        title = source_name(location) or "files"
                        source = builder.add_source("dump", location or "<dump>", title=title)
                        builder.upsert_articles(source, articles)
                    self._searcher = Searcher(builder.conn)
                finally:
                    builder.close()
            return self._searcher

    def texts(self) -> Iterator[tuple[str, str]]:
        self.complete()
        for article in self._articles:
            yield article.id, article_text(article)

    def library_path(self) -> str | None:
        return None

    def reload(self) -> None:
        """Files given on the command line do not change under the reader."""

    def arrived(self) -> list[str]:
        return []

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()


class LibraryCatalog:
    def __init__(self, library: Library) -> None:
        self.library = library
        _, self._arrived_after = library.stored_after(None)
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()
        self._newest_first = True
        # Stories a rule hid (reader.triage.hidden), left out of the sections unless
        # `revealing`; mirrored into the connection's temporary table (hide_on).
        self.hidden: frozenset[str] = frozenset()
        self.revealing = False
        self.reload()

    def set_newest_first(self, on: bool) -> None:
        self._newest_first = on
        self.reload()

    def set_hidden(self, ids: Iterable[str], *, revealing: bool | None = None) -> None:
        """The stories to leave out of the sections (all of them, replacing those
        before), and whether to show them after all; the sections are read again."""
        self.hidden = frozenset(ids)
        if revealing is not None:
            self.revealing = revealing
        self.library.set_hidden(self.hidden)
        self.reload()

    def hidden_count(self) -> int:
        """How many hidden stories the library holds (a hidden story whose source
        was removed is not counted)."""
        return self.library.hidden_count() if self.hidden else 0

    @property
    def hiding(self) -> bool:
        return bool(self.hidden) and not self.revealing

    def reload(self) -> None:
        library = self.library
        hiding = self.hiding
        self._sections: list[tuple[str, Listing | NewestFirst]] = [
            (
                name,
                library.newest_first(section_id, name, hiding=hiding)
                if self._newest_first
                else library.rows(section_id=section_id, hiding=hiding),
            )
            for section_id, name, _ in library.section_ids()
        ]
        self._numbers = {name: number for number, (name, _) in enumerate(self._sections)}

    def arrived(self) -> list[str]:
        ids, self._arrived_after = self.library.stored_after(self._arrived_after)
        return ids

    def sections(self) -> list[tuple[str, Sequence[Entry]]]:
        return list(self._sections)

    def locate(self, article_id: str) -> tuple[int, int] | None:
        name = self.library.section_of(article_id)
        if name is None or (number := self._numbers.get(name)) is None:
            return None
        place = self._sections[number][1].position(article_id)
        return None if place is None else (number, place)

    def has(self, article_id: str) -> bool:
        return self.library.has(article_id)

    def article(self, article_id: str) -> Article | None:
        return self.library.article(article_id)

    def whole(self, article: Article) -> Article:
        return article  # a stored story is read whole

    def complete(self) -> None:
        """Nothing is read in part from the library."""

    def in_part(self) -> bool:
        return False

    def read_counts(self, read: Iterable[str]) -> dict[str, int]:
        if self.hiding:  # a hidden story is in no section's count
            read = (i for i in read if i not in self.hidden)
        return self.library.count_by_section(read)

    def origin(self, article_id: str) -> Origin:
        found = self.library.source_of(article_id)
        if found is None:
            return Origin("")
        title, location, page_body = found
        return Origin(shown_line(title) if title else source_name(location), bool(page_body))

    def entries(self) -> Sequence[Entry]:
        return self.library.listing()

    def library_path(self) -> str | None:
        return self.library.location

    def updated_ids(self) -> frozenset[str]:
        return self.library.updated_ids()

    def searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                from reader.library.search import Searcher

                self._searcher = Searcher(self.library.conn)
            return self._searcher

    def texts(self) -> Iterator[tuple[str, str]]:
        return self.library.texts()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self.library.close()
