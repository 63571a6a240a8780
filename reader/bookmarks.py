"""Bookmarks: the stories the user chose to keep, with a note each.

The file is `bookmarks.json` in the data directory, indented JSON a person can
read and mend: `{"version": 1, "bookmarks": [{...}, ...]}`. Every change is saved
at once through `atomic.Document`, which merges with whatever another copy of the
reader saved in the meantime. A bookmark copies the story's title, section,
source and link, so the list still means something after the story is gone
from the library.

A bookmarks file may come from someone else (`news bookmarks import`), so
every field is cleaned as it is read, like any text from outside: a title
cannot retitle the terminal, a lone surrogate cannot crash the next write.
`news bookmarks --json` writes a list of the same objects as the file, and
`import_file` reads either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from reader.atomic import Document, StoreError, Unusable, describe, json_of
from reader.config import data_dir
from reader.markdown.escape import angle_url, inline_text
from reader.model import Article, Block, BlockKind, make_article, utc_now
from reader.sanitize import clean, clean_line
from reader.sources.local import read_local
from reader.urls import web_url

FILENAME = "bookmarks.json"
MAX_IMPORT_BYTES = 64 * 2**20  # a file to import, read with a cap (it may be /dev/zero)
# "# Bookmarks" starts `export_markdown`'s output, which is for reading only.
_MARKDOWN_EXPORT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*# Bookmarks\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A kept story, with enough of it (title, section, link) to list it when
    its story is gone from the library."""

    article_id: str
    title: str
    section: str = ""
    source: str = ""
    url: str = ""
    added: str = ""  # ISO 8601 UTC
    note: str = ""
    # The sync account whose server unstarred this story while it had a note
    # here: the bookmark was kept, and is this reader's alone from then on (a
    # sync neither drops it nor stars it again). "" for every other bookmark.
    unstarred_on: str = ""

    @classmethod
    def of(cls, article: Article, note: str = "", source: str | None = None) -> Bookmark:
        """`source` is the name the source goes by (`Catalog.origin`: a feed's
        title, the bundled news as `news sources` names it); without it, the
        file's name, never the path it was read from."""
        if source is None:
            from reader.catalog import source_name  # the catalog brings the library

            source = source_name(article.source)
        return cls(
            article_id=article.id,
            title=article.title,
            section=article.section,
            source=source,
            url=article.url,
            added=utc_now(),
            note=note,
        )

    @classmethod
    def from_json(cls, item: object) -> Bookmark:
        """Missing optional fields default to "" so a hand-written entry loads;
        a field of the wrong type is an error, not something to guess at. Each
        field is cleaned; all but the note are one line. `id` is taken for
        `article_id` (what `news bookmarks --json` called it before)."""
        if not isinstance(item, dict):
            raise ValueError("a bookmark is not a JSON object")
        values: dict[str, str] = {}
        for f in _FIELDS:
            value = item.get(f.name, "")
            if f.name == "article_id" and not value:
                value = item.get("id", "")
            if not isinstance(value, str):
                raise ValueError(f"a bookmark's {f.name!r} is not a string")
            values[f.name] = clean(value).strip() if f.name == "note" else clean_line(value)
        if values["added"]:
            values["added"] = _moment(values["added"])
        if values["source"].startswith("/"):  # older files kept the file's path
            from reader.catalog import source_name

            values["source"] = source_name(values["source"])
        if not values["article_id"]:
            raise ValueError("a bookmark has no article_id")
        return cls(**values)

    def to_json(self) -> dict[str, str]:
        """Every field, but `unstarred_on` only when set (most never are).
        Read field by field: every field is a string, and `asdict` copied each
        deeply, most of the CPU of a save of many bookmarks."""
        data = {f.name: getattr(self, f.name) for f in _FIELDS}
        if not self.unstarred_on:
            del data["unstarred_on"]
        return data

    @property
    def web_url(self) -> str:
        """The link, when it is an http(s) address (`urls.web_url`), else ""."""
        return web_url(self.url)

    def missing_story(self, reading_files: bool = False) -> Article:
        """A stand-in for the bookmarked story when no source holds it any more
        (or, reading files given on the command line, those files do not)."""
        from reader.catalog import source_name  # the catalog brings the library

        where = f" from {source_name(self.source)}" if self.source else ""
        gone = (
            "This story is not in the files open now (run `news` alone for your library)."
            if reading_files
            else "This story is no longer in your sources."
        )
        text = f"{gone} It was bookmarked{where} on {self.added[:10]}."
        blocks = [Block(BlockKind.LABEL, "Missing"), Block(BlockKind.PARAGRAPH, text)]
        if self.url:
            blocks.append(Block(BlockKind.RELATED, self.url, url=self.url))
        return make_article(
            self.section,
            self.title or self.article_id,
            blocks,
            self.source,
            url=self.url,
            id=self.article_id,
        )


_FIELDS = fields(Bookmark)  # in their order, looked up once
Value = dict[str, Bookmark]  # by article id, in the order they were added


class Changes(NamedTuple):
    """How one set of bookmarks differs from another (the file another
    program saved, from what a reader shows): the stories bookmarked,
    unbookmarked and given another note."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    noted: tuple[str, ...]

    @classmethod
    def between(cls, old: Mapping[str, Bookmark], new: Mapping[str, Bookmark]) -> Changes:
        return cls(
            tuple(i for i in new if i not in old),
            tuple(i for i in old if i not in new),
            tuple(i for i, b in new.items() if i in old and old[i].note != b.note),
        )

    @property
    def ids(self) -> frozenset[str]:
        return frozenset((*self.added, *self.removed, *self.noted))


class Imported(NamedTuple):
    """What an import did: how many bookmarks it added, the stories already
    bookmarked without a note that took the file's (`noted`), and those whose
    own note differs from the file's and was kept as it was (`kept`), so that
    no note of the file is dropped without a word."""

    added: int
    noted: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


class Bookmarks(Document[Value]):
    """The bookmarks file. Call `load()` first; changes raise StoreError when they
    cannot be saved, but are kept and saved by the next change or `flush()`."""

    label = "bookmarks"

    @classmethod
    def default_path(cls) -> Path:
        return data_dir() / FILENAME

    def _empty(self) -> Value:
        return {}

    def _parse(self, data: dict[str, Any]) -> Value:
        items = data.get("bookmarks", [])
        if not isinstance(items, list):
            raise ValueError('"bookmarks" is not a list')
        value: Value = {}
        for item in items:
            bookmark = Bookmark.from_json(item)
            value[bookmark.article_id] = bookmark
        return value

    def _dump(self, value: Value) -> dict[str, Any]:
        return {"bookmarks": [b.to_json() for b in value.values()]}

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._value

    def __len__(self) -> int:
        return len(self._value)

    def all(self) -> list[Bookmark]:
        """Newest first. Bookmarks added in the same second keep the order they
        were added in (the sort is stable over the reversed insertion order)."""
        return sorted(reversed(self._value.values()), key=lambda b: b.added, reverse=True)

    def get(self, article_id: str) -> Bookmark | None:
        return self._value.get(article_id)

    def toggle(self, article: Article) -> bool:
        """Bookmark the story or drop its bookmark; True if it is now bookmarked."""
        if article.id in self._value:
            self.remove(article.id)
            return False
        self.add(article)
        return True

    def add(self, article: Article, note: str = "", source: str | None = None) -> Bookmark:
        """Bookmark a story; one already bookmarked keeps its date and note.
        `source` is the name its source goes by (`Bookmark.of`)."""
        if existing := self._value.get(article.id):
            return existing
        bookmark = Bookmark.of(article, note, source)
        self._change(_adder([bookmark]))
        return bookmark

    def restore(self, bookmark: Bookmark) -> None:
        """Put back a bookmark as it was (its date and note): undoing its removal.
        One on the same story made meanwhile is kept instead."""
        if bookmark.article_id not in self._value:
            self._change(_adder([bookmark]))

    def restore_many(self, bookmarks: Sequence[Bookmark]) -> None:
        """`restore` for many, in one write (a sync that starred a hundred)."""
        if new := [b for b in bookmarks if b.article_id not in self._value]:
            self._change(_adder(new))

    def remove_many(self, article_ids: Collection[str]) -> int:
        """Drop these bookmarks in one write; how many there were."""
        gone = frozenset(i for i in article_ids if i in self._value)
        if not gone:
            return 0

        def op(value: Value) -> None:
            for article_id in gone:
                value.pop(article_id, None)

        self._change(op)
        return len(gone)

    def remove(self, article_id: str) -> bool:
        """Drop a bookmark; False if there was none."""
        if article_id not in self._value:
            return False

        def op(value: Value) -> None:
            value.pop(article_id, None)

        self._change(op)
        return True

    def set_note(self, article_id: str, note: str) -> None:
        """Raises KeyError if the story is not bookmarked. If another process has
        removed the bookmark meanwhile, the note goes with it."""
        if article_id not in self._value:
            raise KeyError(article_id)

        def op(value: Value) -> None:
            if bookmark := value.get(article_id):
                value[article_id] = replace(bookmark, note=note)

        self._change(op)

    def set_unstarred_on(self, article_ids: Collection[str], account: str) -> None:
        """Mark these bookmarks kept here after `account`'s server unstarred
        them (`Bookmark.unstarred_on`); `account` "" makes them synced again.
        One write; a bookmark removed meanwhile stays removed."""
        ids = frozenset(i for i in article_ids if i in self._value)
        if not ids:
            return

        def op(value: Value) -> None:
            for article_id in ids:
                if bookmark := value.get(article_id):
                    value[article_id] = replace(bookmark, unstarred_on=account)

        self._change(op)

    def rekey(self, moves: Mapping[str, str]) -> int:
        """Move each bookmark kept on an old id in `moves` to the story's new
        id, with its date and note, in its place in the file; how many moved.
        A bookmark already on the new id is kept instead. Saved at once (raises
        StoreError); replayed on another process's copy it does the same."""
        found = {old: new for old, new in moves.items() if old in self._value}
        if not found:
            return 0

        def op(value: Value) -> None:
            rebuilt: Value = {}
            for key, bookmark in value.items():
                new = found.get(key)
                if new is None:
                    rebuilt.setdefault(key, bookmark)
                elif new not in value:
                    rebuilt[new] = replace(bookmark, article_id=new)
            value.clear()
            value.update(rebuilt)

        self._change(op)
        return len(found)

    def export_json(self) -> str:
        """The same format as the file, newest first, so `import_file` reads it."""
        data = {"version": self.version, **self._dump({b.article_id: b for b in self.all()})}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def export_markdown(self) -> str:
        """A list to read, newest first; `import_file` refuses it (it says so).
        Only an http(s) address becomes a link; another is shown as text."""
        lines = ["# Bookmarks", ""]
        for b in self.all():
            title = inline_text(b.title or b.article_id)
            head = f"[{title}](<{angle_url(b.web_url)}>)" if b.web_url else title
            other_url = b.url if not b.web_url else ""
            # A feed's section is its name when its entries have no category:
            # said twice, "Wire · Wire" reads as a mistake.
            source = b.source if b.source != b.section else ""
            about = " · ".join(
                inline_text(s) for s in (b.section, source, b.added[:10], other_url) if s
            )
            lines.append(f"- {head}" + (f" · {about}" if about else ""))
            lines.extend(f"  > {inline_text(line)}".rstrip() for line in b.note.splitlines())
        return "\n".join(lines) + "\n"

    def import_file(
        self,
        path: Path,
        known: Callable[[Bookmark], Bookmark] | None = None,
        journal: Callable[[Sequence[str], str], object] | None = None,
    ) -> Imported:
        """Merge bookmarks from `export_json`, another bookmarks.json, or the list
        `news bookmarks --json` prints.

        Stories already bookmarked keep their own date; one without a note
        takes the file's, one with another note keeps its own (`Imported`).
        `known` gives a bookmark of a story the library holds its title,
        section, source and link from there: the file's word for them is
        someone else's, and would otherwise retitle a real story in every
        list. `journal` is told the stories bookmarked once saved, with
        "star", as the reader's `b` tells it (`Library.queue_changes`, the sync
        queue: a synced story's bookmark is starred on its server, not taken
        away by the next sync); one kept apart from a server (`unstarred_on`)
        is not, and a note is not told at all (notes stay here, as `e`'s do).
        Raises StoreError when the file cannot be read or is not a bookmarks
        file (a Markdown export gets its own message: it is for reading), and
        when the merged bookmarks cannot be saved.
        """
        try:
            raw = read_local(path, MAX_IMPORT_BYTES)
            if _MARKDOWN_EXPORT.match(raw):
                raise Unusable(
                    "is a Markdown export, which is for reading, not importing "
                    "(use `news bookmarks export --format json` to move bookmarks)"
                )
            data = json_of(raw)
            if isinstance(data, list):  # `news bookmarks --json`
                data = {"version": self.version, "bookmarks": data}
            imported = self.value_of(data)
        except OSError as exc:
            raise StoreError(f"cannot import bookmarks from {path}: {describe(exc)}") from exc
        except Unusable as exc:
            raise StoreError(f"cannot import bookmarks from {path}: it {exc.reason}") from exc
        new = [b for b in imported.values() if b.article_id not in self._value]
        if known is not None:
            new = [known(b) for b in new]
        notes = {
            i: b.note
            for i, b in imported.items()
            if b.note and i in self._value and self._value[i].note != b.note
        }
        noted = tuple(i for i in notes if not self._value[i].note)
        kept = tuple(i for i in notes if self._value[i].note)
        if new or noted:
            new.sort(key=lambda b: b.added)
            self._change(_importer(new, {i: notes[i] for i in noted}))
            if journal is not None and new:
                journal([b.article_id for b in new if not b.unstarred_on], "star")
        return Imported(len(new), noted, kept)


def _moment(added: str) -> str:
    """`added` as every stored time is written (`model.utc_now`), so bookmarks
    sort by it as text: any ISO 8601 date or time (a time without a zone is
    UTC). Anything else is refused, not guessed at: "not a date" sorted as
    text would list its bookmark above every real one."""
    try:
        moment = datetime.fromisoformat(added)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        utc = moment.astimezone(UTC).replace(tzinfo=None)
        return utc.isoformat(timespec="seconds") + "Z"  # strftime writes year 1 as "1"
    except (ValueError, OverflowError):  # OverflowError: year 1 an hour east of UTC
        shown = added if len(added) <= 40 else added[:39] + "…"
        raise ValueError(f"a bookmark's 'added' is not an ISO 8601 date: {shown!r}") from None


def _adder(bookmarks: list[Bookmark]) -> Callable[[Value], None]:
    """An operation that adds bookmarks not already there: if another process has
    bookmarked the same story meanwhile, its bookmark (and note) wins."""

    def op(value: Value) -> None:
        for b in bookmarks:
            value.setdefault(b.article_id, b)

    return op


def _importer(bookmarks: list[Bookmark], notes: Mapping[str, str]) -> Callable[[Value], None]:
    """`_adder`, and each note in `notes` given to its bookmark if that has
    none still (a note written meanwhile by another process is kept)."""
    add = _adder(bookmarks)

    def op(value: Value) -> None:
        add(value)
        for article_id, note in notes.items():
            if (bookmark := value.get(article_id)) is not None and not bookmark.note:
                value[article_id] = replace(bookmark, note=note)

    return op

