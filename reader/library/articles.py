"""Sources and articles in the library: what the sidebar lists and a story opens.

The sidebar reads small rows from a covering index, never a body: all at once
with `listing()`, or a page at a time as it scrolls with `rows()`, which opens
on 100,000 stories at the cost of a count. A story's body is read only when
`article(id)` is asked for it: from its outline and plain text where it was
stored as blocks (a dump), else parsed from its Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from reader.library.db import LibraryConnection, in_chunks, open_library, reopen, transaction
from reader.library.listing import HIDDEN_TABLE, Listing, NewestFirst, Row, hide_on
from reader.library.synced import SyncedSources
from reader.model import (
    Article,
    Block,
    BlockKind,
    Inline,
    Mark,
    count_words,
    feed_story_id,
    utc_now,
)
from reader.sanitize import UNSAFE, shown_line

if TYPE_CHECKING:
    from reader.triage.schedule import Timing

# Imported where first used: a start-up that reads one story from a library
# already seeded needs none of the writers, the dump parser or the query
# language (markdown-it alone takes longer to import than the library to open).

__all__ = [
    "EntryLink",
    "ImportResult",
    "Library",
    "Source",
    "SourceKind",
    "plain_text",
]

SourceKind = Literal["dump", "feed", "markdown", "synced"]
# Past this many ids, counting them by section reads every story's id once
# rather than looking each up (the two cost the same near 20,000 at 100,000 stories).
_COUNT_BY_SCAN_FROM = 20_000
# A big batch is stored with a bigger page cache (in KiB, as SQLite wants it
# negative): the article indexes' pages then stay in memory instead of being
# spilled to the WAL and read back. At 10,000 feed entries the rows went in in
# 0.2 s instead of 0.45. A feed file's stream of batches (1,000 at a time,
# `feed.BATCH_ARTICLES`) does without: at 30,000 entries the bigger cache cost
# 37 MB more memory (161 MB against 124) and saved no time.
_BIG_BATCH = 2000
_BIG_BATCH_CACHE = -65536


class EntryLink(NamedTuple):
    """A story as a notification names it: its title, section and link."""

    id: str
    title: str
    section: str
    url: str


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    kind: SourceKind
    location: str
    title: str = ""
    section_override: str = ""
    etag: str = ""
    last_modified: str = ""
    fulltext: bool = False
    added: str = ""
    last_error: str = ""
    account: str | None = None  # a synced source's account; None for a local one

    @property
    def name(self) -> str:
        return self.title or self.location


@dataclass(frozen=True, slots=True)
class ImportResult:
    source_id: int
    articles: int  # stories in the file
    changed: int  # of which new or different from the stored copy
    warnings: list[str]


_SOURCE_COLUMNS = (
    "id, kind, location, title, section_override, etag, last_modified, fulltext, added,"
    " last_error, account"
)
_UPDATABLE = frozenset(
    {"title", "section_override", "etag", "last_modified", "fulltext", "last_error"}
)
_ARTICLE_COLUMNS = (
    "id, source_id, ordinal, section, section_id, title, standfirst, url, author, "
    "published, fetched, words, body, text, outline, feed_key"
)
# On conflict only a story that changed is written again: re-importing a dump
# rewrites nothing and touches no index entry. A body fetched in full from the
# story's page (`page_body`) is kept: the feed's copy is only an excerpt of it.
_CHANGED = " OR ".join(
    f"{c} IS NOT excluded.{c}"
    for c in (
        "source_id",
        "section",
        "section_id",
        "title",
        "standfirst",
        "url",
        "author",
        "published",
        "feed_key",
    )
)
_BODY_CHANGED = "words IS NOT excluded.words OR body IS NOT excluded.body"
# A story stored before whose title or text is not what it was is marked
# updated (a body fetched from the page is kept, so the feed's cannot change it).
_EDITED = "title IS NOT excluded.title OR (NOT page_body AND body IS NOT excluded.body)"
_UPSERT = f"""
    INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({", ".join("?" * 16)})
    ON CONFLICT (id) DO UPDATE SET
        source_id = excluded.source_id, section = excluded.section,
        section_id = excluded.section_id, title = excluded.title,
        standfirst = excluded.standfirst, url = excluded.url, author = excluded.author,
        published = excluded.published, fetched = excluded.fetched,
        words = CASE WHEN page_body THEN words ELSE excluded.words END,
        body = CASE WHEN page_body THEN body ELSE excluded.body END,
        text = CASE WHEN page_body THEN text ELSE excluded.text END,
        outline = CASE WHEN page_body THEN outline ELSE excluded.outline END,
        feed_key = excluded.feed_key,
        updated = CASE WHEN {_EDITED} THEN 1 ELSE updated END
    WHERE {_CHANGED} OR (NOT page_body AND ({_BODY_CHANGED}))
"""


def _body(article: Article) -> tuple[str, str, str | None]:
    """The body as stored: Markdown, its plain text, and the outline of its
    blocks when it has blocks."""
    from reader.markdown import blocks_to_markdown, markdown_to_text

    if not article.blocks and article.markdown:
        return article.markdown, article.text or markdown_to_text(article.markdown), None
    blocks = article.blocks
    return blocks_to_markdown(blocks), plain_text(blocks), outline(blocks)


def outline(blocks: Sequence[Block]) -> str:
    """The blocks without their text, as JSON: with `plain_text(blocks)` this
    is all `from_outline` needs to give the blocks back."""
    return json.dumps(
        [
            [
                b.kind.value,
                len(b.text),
                b.attribution,
                b.url,
                b.level,
                [[i.start, i.end, i.mark.value, i.url] for i in b.inlines],
            ]
            for b in blocks
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_outline(text: str, shape: str) -> list[Block] | None:
    """The blocks whose outline and `plain_text` these are; None when they do
    not fit together (the text was written some other way)."""
    blocks: list[Block] = []
    at = 0
    try:
        for kind, length, attribution, url, level, inlines in json.loads(shape):
            body = text[at : at + length]
            if length:
                at += length + 1  # the text and the newline after it
            if attribution:
                if text[at : at + 2] != "— ":
                    return None
                at += len(attribution) + 3
            spans = tuple(Inline(s, e, Mark(mark), link) for s, e, mark, link in inlines)
            blocks.append(Block(BlockKind(kind), body, attribution, url, spans, level))
    except (ValueError, TypeError):
        return None
    return blocks if at == len(text) + 1 or at == len(text) == 0 else None


def plain_text(blocks: Sequence[Block]) -> str:
    """A body as the index sees it: each block's text on its own line, a post's
    attribution after it, no Markdown."""
    parts: list[str] = []
    for block in blocks:
        if block.text:
            parts.append(block.text)
        if block.attribution:
            parts.append("— " + block.attribution)
    return "\n".join(parts)


class Library(SyncedSources):
    """Sources and articles over one connection from `open_library`; sync
    accounts' sources, stories and queue are in `synced.SyncedSources`.

    Not thread-safe: one thread uses a Library; a search thread has its own
    connection (`search.Searcher`).
    """

    def __init__(self, conn: LibraryConnection) -> None:
        self.conn = conn
        self._section_ids: dict[str, int] = {}

    @classmethod
    def open(cls, path: Path | str | None = None) -> Library:
        return cls(open_library(path))

    def close(self) -> None:
        self.conn.close()

    # Sources ---------------------------------------------------------------------

    def add_source(
        self,
        kind: SourceKind,
        location: str,
        *,
        title: str = "",
        section_override: str = "",
        fulltext: bool = False,
    ) -> int:
        """The source's id, adding it if it is new; adding one twice is harmless."""
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO sources (kind, location, title, section_override, fulltext, added)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (kind, location, title, section_override, int(fulltext), utc_now()),
            )
            row = self.conn.execute(
                "SELECT id FROM sources WHERE kind = ? AND location = ? AND account IS NULL",
                (kind, location),
            ).fetchone()
        return int(row[0])

    def update_source(self, source_id: int, **fields: str | bool) -> None:
        """Set some of title, section_override, etag, last_modified, fulltext, last_error."""
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise TypeError(f"cannot update {', '.join(sorted(unknown))}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values = [int(v) if isinstance(v, bool) else v for v in fields.values()]
        with transaction(self.conn):
            self.conn.execute(
                f"UPDATE sources SET {assignments} WHERE id = ?", (*values, source_id)
            )

    def sources(self) -> list[Source]:
        rows = self.conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id")
        return [_source(row) for row in rows]

    def source(self, source_id: int) -> Source | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        return _source(row) if row else None

    def remove_source(self, source_id: int) -> int:
        """Remove a source with its articles and their index entries; how many
        articles went."""
        with transaction(self.conn):
            (count,) = self.conn.execute(
                "SELECT count(*) FROM articles WHERE source_id = ?", (source_id,)
            ).fetchone()
            # The foreign key cascades to articles, and their delete trigger to the index.
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return int(count)

    # The refresh timer (`reader.triage.schedule`) -------------------------------------------

    def timings(self) -> dict[int, Timing]:
        """Each source's interval and when it was last fetched, by source id
        (a source never fetched on a timer has none)."""
        from reader.triage.schedule import Timing

        rows = self.conn.execute("SELECT source_id, every, checked, not_before FROM schedule")
        return {int(i): Timing(int(e), str(c), str(n)) for i, e, c, n in rows}

    def set_every(self, source_id: int, seconds: int) -> None:
        """A source's own refresh interval (0: the config's)."""
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO schedule (source_id, every) VALUES (?, ?)"
                " ON CONFLICT (source_id) DO UPDATE SET every = excluded.every",
                (source_id, seconds),
            )

    def record_fetch(self, source_id: int, checked: str, not_before: str) -> None:
        """A source was fetched at ``checked``; the server asks for nothing
        before ``not_before`` ("" for no wish)."""
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO schedule (source_id, checked, not_before) VALUES (?, ?, ?)"
                " ON CONFLICT (source_id) DO UPDATE SET"
                " checked = excluded.checked, not_before = excluded.not_before",
                (source_id, checked, not_before),
            )

    def headlines(self, article_ids: Sequence[str]) -> list[tuple[EntryLink, str]]:
        """These stories' ids, titles, sections and links, each with all its
        text (for keywords): what a notification of new stories needs, read
        from the index's columns, never a body parsed."""
        found: list[tuple[EntryLink, str]] = []
        for chunk, marks in in_chunks(article_ids):
            rows = self.conn.execute(
                "SELECT a.id, a.title, s.name, a.url, a.standfirst, a.text FROM articles a"
                " JOIN sections s ON s.id = a.section_id"
                f" WHERE a.id IN ({marks}) ORDER BY a.ordinal",
                chunk,
            )
            for id_, title, section, url, standfirst, text in rows:
                link = EntryLink(id_, shown_line(title), shown_line(section), shown_line(url))
                found.append((link, f"{title}\n{standfirst}\n{text}"))
        return found

    # Articles --------------------------------------------------------------------

    def upsert_articles(
        self, source_id: int, articles: Iterable[Article], *, fetched: str | None = None
    ) -> int:
        """Store the articles under a source in one transaction; how many were new
        or changed. A story already stored (same id) is updated in place and keeps
        its place in the reading order, and a body fetched in full
        (`set_page_body`) stays. An article without blocks but with `markdown`
        is stored as that Markdown, unparsed (see `model.Article`)."""
        fetched = fetched or utc_now()
        if isinstance(articles, Sequence):
            articles = self.resolve_ids(source_id, articles)
        big = isinstance(articles, Sized) and len(articles) >= _BIG_BATCH
        if big:
            (cache,) = self.conn.execute("PRAGMA cache_size").fetchone()
            self.conn.execute(f"PRAGMA cache_size = {_BIG_BATCH_CACHE}")
        try:
            return self._upsert(source_id, articles, fetched)
        except BaseException:
            self._section_ids.clear()  # ids added by the rolled-back transaction are gone
            raise
        finally:
            if big:
                self.conn.execute(f"PRAGMA cache_size = {int(cache)}")  # and the memory back

    def resolve_ids(self, source_id: int, articles: Sequence[Article]) -> list[Article]:
        """The articles with the ids the library knows them by: a feed story
        (one with a `feed_key`) stored before keeps its id, whatever its title
        says now; a new one gets `feed_story_id` scoped by the source's own
        address, so a feed that redirects elsewhere, or two feeds with the same
        headline, never change or share an id. Others are left as they are.

        Stories stored before version 5 of the schema have no key (their ids
        were made from their link, or title and date, when it was added: see
        `db._v5_feed_identity`); such a story is found by its link, else by its
        title and date, and its key is stored here (the id stays), so it is
        found by the key from then on and its text is not changed by this."""
        if not any(a.feed_key for a in articles):
            return list(articles)
        source = self.source(source_id)
        if source is not None and source.kind == "synced":
            return list(articles)  # ids from the server's item ids (`model.synced_story_id`)
        scope = source.location if source is not None else ""
        # Both through the index on (source_id, feed_key): a feed read as a
        # stream asks for each batch, so the source's other rows are not read.
        stored: dict[str, str] = {}
        keys = list(dict.fromkeys(a.feed_key for a in articles if a.feed_key))
        for chunk, marks in in_chunks(keys):
            stored.update(
                self.conn.execute(
                    "SELECT feed_key, id FROM articles WHERE source_id = ?"
                    f" AND feed_key IN ({marks})",
                    (source_id, *chunk),
                )
            )
        by_link: dict[str, str] = {}
        by_title: dict[tuple[str, str], str] = {}
        rows = self.conn.execute(
            "SELECT id, url, title, published FROM articles WHERE source_id = ? AND feed_key = ''",
            (source_id,),
        )
        for ident, url, title, published in rows:
            if url:
                by_link.setdefault(url, ident)
            by_title.setdefault((title, published), ident)
        claimed: set[str] = set()
        adopted: list[tuple[str, str]] = []
        resolved: list[Article] = []
        for article in articles:
            if not article.feed_key:
                resolved.append(article)
                continue
            found = stored.get(article.feed_key)
            if found is None and (by_link or by_title):
                found = by_link.get(article.url) if article.url else None
                if found is None or found in claimed:
                    found = by_title.get((article.title, article.published))
                if found in claimed:
                    found = None
                if found is not None:
                    adopted.append((article.feed_key, found))
            ident = found or feed_story_id(scope, article.feed_key)
            claimed.add(ident)
            resolved.append(article if article.id == ident else replace(article, id=ident))
        if adopted:
            with transaction(self.conn):
                self.conn.executemany(
                    "UPDATE articles SET feed_key = ? WHERE id = ? AND feed_key = ''", adopted
                )
        return resolved

    def _upsert(self, source_id: int, articles: Iterable[Article], fetched: str) -> int:
        conn = self.conn
        with transaction(conn):
            (top,) = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()
            (last,) = conn.execute("SELECT coalesce(max(ordinal), 0) FROM articles").fetchone()
            # A generator, so that 100,000 bodies are never all held as Markdown at once.
            rows = (
                (
                    article.id,
                    source_id,
                    ordinal,
                    article.section,
                    self._section_id(article.section),
                    article.title,
                    article.standfirst,
                    article.url,
                    article.author,
                    article.published,
                    fetched,
                    article.words,
                    *_body(article),
                    article.feed_key,
                )
                for ordinal, article in enumerate(articles, start=last + 1)
            )
            changed = conn.executemany(_UPSERT, rows).rowcount
            # New rows are indexed here, in one statement, rather than by a trigger
            # (see db.py for the measurement).
            conn.execute(
                "INSERT INTO articles_fts (rowid, title, standfirst, text, section_id)"
                " SELECT seq, title, standfirst, text, section_id FROM articles WHERE seq > ?",
                (top,),
            )
        return max(changed, 0)

    def _section_id(self, name: str) -> int:
        """The id of a section (by `section_key`), added on first sight; called
        inside the upsert's transaction."""
        from reader.folding import section_key

        key = section_key(name)
        if (found := self._section_ids.get(key)) is not None:
            return found
        row = self.conn.execute("SELECT id FROM sections WHERE key = ?", (key,)).fetchone()
        if row is None:
            cur = self.conn.execute(
                "INSERT INTO sections (key, name) VALUES (?, ?)", (key, name or key)
            )
            section_id = int(cur.lastrowid or 0)
        else:
            section_id = int(row[0])
        self._section_ids[key] = section_id
        return section_id

    def listing(self, section: str | None = None) -> list[Row]:
        """Every story in reading order, without bodies; or one section's.

        All at once: about 13 ms for 10,000 stories and 150 ms for 100,000, nearly
        all of it Python making the rows. `rows()` reads them as they are needed.
        """
        return self.rows(section)[:]

    def rows(
        self, section: str | None = None, *, section_id: int | None = None, hiding: bool = False
    ) -> Listing:
        """The same rows as `listing()`, read from the index a page at a time when
        first asked for: a sidebar of 100,000 stories costs a count to open.
        One section's rows by its name, or by its id from `section_ids()`;
        `hiding` leaves out the stories given to `hide_on`."""
        return Listing(self.conn, section, section_id, hiding=hiding)

    def newest_first(self, section_id: int, section: str, *, hiding: bool = False) -> NewestFirst:
        """One section's rows as `rows()` gives them, but newest first."""
        return NewestFirst(self.conn, section_id, section, hiding=hiding)

    def count_by_section(self, article_ids: Iterable[str]) -> dict[str, int]:
        """How many of these stories each section holds (ids not stored are
        ignored): with a set of read ids, the read count behind unread counts."""
        counts: dict[str, int] = {}
        ids = list(dict.fromkeys(article_ids))
        if len(ids) > _COUNT_BY_SCAN_FROM:
            return self._count_by_scan(set(ids))
        for chunk, marks in in_chunks(ids):
            rows = self.conn.execute(
                "SELECT s.name, count(*) FROM articles a JOIN sections s ON s.id = a.section_id"
                f" WHERE a.id IN ({marks}) GROUP BY a.section_id",
                chunk,
            )
            for name, count in rows:
                counts[name] = counts.get(name, 0) + count
        return counts

    def _count_by_scan(self, ids: set[str]) -> dict[str, int]:
        """`count_by_section` for many ids: every story's id and section read in
        one pass, counted here. Looking 100,000 ids up one by one took 0.8-1.3 s on
        the 100,000-story corpus library; this pass takes 0.1-0.26 s however many
        (the start-up of a reader who marked everything read waits for it)."""
        by_section: dict[int, int] = {}
        for article_id, section_id in self.conn.execute("SELECT id, section_id FROM articles"):
            if article_id in ids:
                by_section[section_id] = by_section.get(section_id, 0) + 1
        names = dict(self.conn.execute("SELECT id, name FROM sections").fetchall())
        counts: dict[str, int] = {}
        for section_id, count in by_section.items():
            name = names[section_id]
            counts[name] = counts.get(name, 0) + count
        return counts

    def sections(self) -> list[tuple[str, int]]:
        """Each section's name and number of stories, in reading order of their
        first story."""
        return [(name, count) for _, name, count in self.section_ids()]

    def section_ids(self) -> list[tuple[int, str, int]]:
        """`sections()` with each section's id, for `rows(section_id=…)`."""
        rows = self.conn.execute(
            "SELECT s.id, s.name, count(*), min(a.ordinal) AS first FROM articles a"
            " JOIN sections s ON s.id = a.section_id GROUP BY a.section_id ORDER BY first"
        )
        return [(section_id, shown_line(name), count) for section_id, name, count, _ in rows]

    def section_of(self, article_id: str) -> str | None:
        """The name of the section a story is listed under, as `sections` gives it."""
        row = self.conn.execute(
            "SELECT s.name FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def has(self, article_id: str) -> bool:
        query = "SELECT 1 FROM articles WHERE id = ?"
        return self.conn.execute(query, (article_id,)).fetchone() is not None

    # Rules and saved searches (reader.triage.rules, reader.triage.saved) -------------------------

    def set_hidden(self, article_ids: Iterable[str]) -> None:
        """The stories `hiding` listings leave out from now on (these, in place
        of those before), kept in the connection's temporary schema (`hide_on`)."""
        hide_on(self.conn, article_ids, replace=True)

    def hidden_count(self) -> int:
        """How many of the stories given to `set_hidden` the library holds."""
        hide_on(self.conn, ())
        (count,) = self.conn.execute(
            f"SELECT count(*) FROM articles WHERE id IN {HIDDEN_TABLE}"
        ).fetchone()
        return int(count)

    def keys_of(
        self, seqs: Sequence[int], source_ids: Sequence[int] | None = None
    ) -> list[tuple[str, int, int, str]]:
        """(published, ordinal, seq, id) of these stories (of these sources
        only, when given), in one statement however many there are: what a
        saved search sorts newest first and counts by."""
        only = ""
        if source_ids is not None:
            only = f" AND source_id IN ({', '.join(str(int(i)) for i in source_ids)})"
        rows = self.conn.execute(
            "SELECT published, ordinal, seq, id FROM articles"
            f" WHERE seq IN (SELECT value FROM json_each(?)){only}",
            (json.dumps(list(seqs)),),
        )
        return [(shown_line(p), o, s, i) for p, o, s, i in rows]

    def rows_at(self, seqs: Sequence[int]) -> list[Row]:
        """The sidebar's rows of these stories, in the order given (a story
        removed meanwhile is left out)."""
        found: dict[int, Row] = {}
        for chunk, marks in in_chunks(seqs):
            rows = self.conn.execute(
                "SELECT a.seq, a.id, s.name, a.title, coalesce(nullif(o.title, ''), o.location),"
                " a.published, a.words FROM articles a JOIN sections s ON s.id = a.section_id"
                " JOIN sources o ON o.id = a.source_id"
                f" WHERE a.seq IN ({marks})",
                chunk,
            )
            for seq, id_, section, title, source, published, words in rows:
                # Cleaned again on the way out: the library file may come from elsewhere.
                found[seq] = Row(
                    id_,
                    shown_line(section),
                    shown_line(title),
                    shown_line(source),
                    shown_line(published),
                    words,
                )
        return [found[seq] for seq in seqs if seq in found]

    def source_of(self, article_id: str) -> tuple[str, str, bool] | None:
        """A story's source's title and location, and whether the body stored is
        its web page fetched in full; None for a story the library lacks."""
        row = self.conn.execute(
            "SELECT s.title, s.location, a.page_body FROM articles a"
            " JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else (str(row[0] or ""), str(row[1]), bool(row[2]))

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every story's id and its words (title, standfirst, text), in reading
        order, over a connection of its own: it runs on a worker thread."""
        conn = reopen(self.conn, check_same_thread=False)
        try:
            rows = conn.execute("SELECT id, title, standfirst, text FROM articles ORDER BY ordinal")
            for article_id, title, standfirst, text in rows:
                yield article_id, f"{title}\n{standfirst}\n{text}"
        finally:
            conn.close()

    @property
    def location(self) -> str:
        """The file (or `:memory:`), for a worker's connection of its own."""
        return self.conn.location

    def article(self, article_id: str) -> Article | None:
        """One story with its body: from its outline where it has one, else
        parsed from its Markdown now."""
        row = self.conn.execute(
            "SELECT a.id, a.section, a.title, a.body, s.location, a.standfirst, a.url,"
            " a.author, a.published, a.words, a.text, a.outline, a.updated FROM articles a"
            " JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        id_, section, title, body, source, standfirst, url, author, published, words = row[:10]
        text, shape, updated = row[10:]
        blocks = from_outline(text, shape) if shape is not None else None
        if blocks is not None and _unsafe(blocks):
            blocks = None  # a library made elsewhere: the Markdown is read cleaned
        if blocks is None:
            from reader.markdown import markdown_to_blocks

            blocks = markdown_to_blocks(body)
        return Article(
            id=id_,
            section=shown_line(section),
            title=shown_line(title),
            blocks=tuple(blocks),
            source=shown_line(source),
            standfirst=shown_line(standfirst),
            url=shown_line(url),
            author=shown_line(author),
            published=shown_line(published),
            words=words,
            updated=bool(updated),
        )

    def rebuild_index(self) -> None:
        """Index every article afresh: the repair for rows written around
        `upsert_articles`, which alone indexes new rows."""
        with transaction(self.conn):
            self.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")

    def updated_ids(self) -> frozenset[str]:
        """The stories marked updated: their title or text changed after they
        were first stored."""
        rows = self.conn.execute("SELECT id FROM articles WHERE updated")
        return frozenset(row[0] for row in rows)

    def moved_ids(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Of these ids, those a migration gave a story a new id in place of
        (see `db._v5_feed_identity`), each with its new id."""
        ids = list(dict.fromkeys(article_ids))
        moves: dict[str, str] = {}
        for chunk, marks in in_chunks(ids):
            rows = self.conn.execute(
                f"SELECT old, new FROM id_moves WHERE old IN ({marks})",
                chunk,
            )
            moves.update(rows)
        return moves

    def has_moved_ids(self) -> bool:
        return self.conn.execute("SELECT 1 FROM id_moves LIMIT 1").fetchone() is not None

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def counts_by_source(self) -> dict[int, int]:
        """How many stories each source holds (sources with none are left out)."""
        rows = self.conn.execute(
            "SELECT source_id, count(*) FROM articles INDEXED BY articles_by_source"
            " GROUP BY source_id"
        )
        return {int(source_id): int(count) for source_id, count in rows}

    def known_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Which of these stories are stored already: what a refresh calls new."""
        ids = list(dict.fromkeys(article_ids))
        known: set[str] = set()
        for chunk, marks in in_chunks(ids):
            rows = self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            known.update(row[0] for row in rows)
        return known

    def set_page_body(self, article_id: str, markdown: str) -> bool:
        """Store a story's full text, fetched from its page, as its body (Markdown);
        False if there is no such story. Refreshes of its feed keep it."""
        from reader.markdown import markdown_to_text

        text = markdown_to_text(markdown)
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT title, standfirst FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                return False
            # The update trigger re-indexes the story's new text.
            self.conn.execute(
                "UPDATE articles SET body = ?, text = ?, words = ?, page_body = 1,"
                " outline = NULL WHERE id = ?",
                (markdown, text, count_words(row[0], row[1], text), article_id),
            )
        return True


def _unsafe(blocks: Sequence[Block]) -> bool:
    """Whether any block carries what `sanitize.clean` would remove."""
    return any(
        UNSAFE.search(b.text) or UNSAFE.search(b.attribution) or UNSAFE.search(b.url)
        for b in blocks
    )


def _source(row: tuple[Any, ...]) -> Source:
    id_, kind, location, title, override, etag, modified, fulltext, added, error, account = row
    return Source(
        id_, kind, location, title, override, etag, modified, bool(fulltext), added, error, account
    )
