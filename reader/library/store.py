"""Storing stories: a batch of articles written under a source in one
transaction, new rows indexed at once, a story stored before found again by
its key and changed in place.

Apart from reading them (`articles`) because writing is where the cost and
the care are: an import of 10,000 feed entries spends its library time here
(the upsert that rewrites only what changed, the one `INSERT … SELECT` that
indexes the new rows, the page cache for big batches), and a refresh's
identity rules (`resolve_ids`) decide which stored story an entry is. The
sidebar and a story opened never need any of it.

Mixed into `articles.Library`; needs its `conn`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import replace

from reader.library import bulk
from reader.library.bodies import stored_body
from reader.library.db import LibraryConnection, select_in, transaction
from reader.model import Article, count_words, feed_story_id, utc_now

__all__ = ["StoryStore"]

# A big batch is stored with a bigger page cache (in KiB, as SQLite wants it
# negative): the article indexes' pages then stay in memory instead of being
# spilled to the WAL and read back. At 10,000 feed entries the rows went in in
# 0.2 s instead of 0.45. A feed file's stream of batches (1,000 at a time,
# `feed.BATCH_ARTICLES`) does without: at 30,000 entries the bigger cache cost
# 37 MB more memory (161 MB against 124) and saved no time.
_BIG_BATCH = 2000
_BIG_BATCH_CACHE = -65536
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


class StoryStore:
    """The library's writing side for stories (see the module docstring)."""

    conn: LibraryConnection
    _section_ids: dict[str, int]
    _checkpointer: bulk.Checkpointer | None = None

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Many `upsert_articles` in a row (a feed file's batches): a bigger
        page cache, and the WAL checkpointed on a thread of its own after each
        (see `bulk`)."""
        with bulk.bulk_writes(self.conn) as checkpointer:
            self._checkpointer = checkpointer
            try:
                yield
            finally:
                self._checkpointer = None

    def upsert_articles(
        self,
        source_id: int,
        articles: Iterable[Article],
        *,
        fetched: str | None = None,
        resolved: bool = False,
    ) -> int:
        """Store the articles under a source in one transaction; how many were new
        or changed. A story already stored (same id) is updated in place and keeps
        its place in the reading order, and a body fetched in full
        (`set_page_body`) stays. An article without blocks but with `markdown`
        is stored as that Markdown, unparsed (see `model.Article`). `resolved`:
        their ids are the ones `resolve_ids` gave (not asked for again)."""
        fetched = fetched or utc_now()
        if isinstance(articles, Sequence) and not resolved:
            articles = self.resolve_ids(source_id, articles)
        big = isinstance(articles, Sized) and len(articles) >= _BIG_BATCH
        if big:
            (cache,) = self.conn.execute("PRAGMA cache_size").fetchone()
            self.conn.execute(f"PRAGMA cache_size = {_BIG_BATCH_CACHE}")
        try:
            with _statement_journals_in_memory(self.conn):
                changed = self._upsert(source_id, articles, fetched)
            if self._checkpointer is not None:
                self._checkpointer.written()
            return changed
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
        `schema._v5_feed_identity`); such a story is found by its link, else by its
        title and date, and its key is stored here (the id stays), so it is
        found by the key from then on and its text is not changed by this."""
        if not any(a.feed_key for a in articles):
            return list(articles)
        source = self.conn.execute(
            "SELECT kind, location FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        kind, scope = source if source is not None else ("", "")
        if kind == "synced":
            return list(articles)  # ids from the server's item ids (`model.synced_story_id`)
        # Both through the index on (source_id, feed_key): a feed read as a
        # stream asks for each batch, so the source's other rows are not read.
        # A key with `&`, `<` or `>` is also asked for as the XML writes it:
        # stored so when a feed that was not well-formed gave its guid undecoded.
        keys = [a.feed_key for a in articles if a.feed_key]
        written = {xml: key for key in keys if (xml := _as_xml_text(key)) != key}
        stored: dict[str, str] = dict(
            select_in(
                self.conn,
                "SELECT feed_key, id FROM articles WHERE source_id = ? AND feed_key IN ({ids})",
                [*keys, *written],
                source_id,
            )
        )
        rekeyed = [
            (written[key], ident)
            for key, ident in stored.items()
            if key in written and written[key] not in stored
        ]
        stored.update(rekeyed)
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
        if adopted or rekeyed:
            with transaction(self.conn):
                self.conn.executemany(
                    "UPDATE articles SET feed_key = ? WHERE id = ? AND feed_key = ''", adopted
                )
                self.conn.executemany("UPDATE articles SET feed_key = ? WHERE id = ?", rekeyed)
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
                    *stored_body(article),
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

    def rebuild_index(self) -> None:
        """Index every article afresh: the repair for rows written around
        `upsert_articles`, which alone indexes new rows."""
        with transaction(self.conn):
            self.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")

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


@contextmanager
def _statement_journals_in_memory(conn: LibraryConnection) -> Iterator[None]:
    """The upsert's statement journals kept in memory, not in a temporary file.

    Each upsert of a row, and the index's `INSERT … SELECT`, may fail half-way
    inside the batch's transaction, so SQLite keeps the pages it changes in a
    statement journal; past 64 KB that is a file, written and read back. For a
    batch of 1,000 feed entries that was 18,500 of its 26,000 writes (strace),
    and `temp_store = MEMORY` for the batch took storing 10,000 entries from
    2.07 to 1.88 s of CPU, the memory the same (each journal is one row's pages).

    Changing `temp_store` drops the connection's temporary tables (the stories
    `hide_on` hides), so it is changed only when there are none; and back after,
    since a statement that rewrites much (a source removed, the index rebuilt)
    would keep all it changes in memory."""
    (tables,) = conn.execute("SELECT count(*) FROM temp.sqlite_schema").fetchone()
    if tables:
        yield
        return
    (before,) = conn.execute("PRAGMA temp_store").fetchone()
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA temp_store = {int(before)}")


def _as_xml_text(key: str) -> str:
    """A key as XML writes its text (what a lenient parser gives back undecoded)."""
    return key.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
