"""Feed entries turned into articles: the rules that make a story of an
entry, whichever parser read it (the stream, feedparser, JSON Feed).

Its own module because these rules are what a person sees of a feed
(titles, sections, standfirsts, authors, ids) and change apart from the
parsing in ``feed`` and ``feed_stream``.

Entries become articles:

* section: the entry's first category, else ``section`` (the feed's section
  from the config), else the feed's title;
* title: plain text (feeds put HTML and entities in titles), sanitized;
* standfirst: the summary as plain text, only when the feed gives both a
  summary and full content and the summary is not just the start of the
  content (an excerpt would say the first paragraph twice);
* body: the content (or the summary) converted from HTML to Markdown here,
  then to blocks by the ``to_blocks`` callable (the app passes its Markdown
  reader; the default only splits paragraphs); with ``to_blocks=None`` the
  Markdown is kept as the article's ``markdown``, with its plain text, and no
  blocks are made: what the library stores, so an import need not parse the
  Markdown it has just written (see ``model.Article``);
* url: the entry's link, resolved against the feed, kept only if http(s);
* published: ISO 8601 in UTC (``2026-06-21T12:30:00Z``);
* id: ``feed_story_id(source, key)``, where the key (``model.entry_key``) is
  the entry's guid or id, else its link, else its title and date: a refresh
  of the same entry keeps its id, and with it bookmarks and reading state,
  even when its headline was edited. The library scopes it by the source's
  own address and finds stored stories by the key (``Library.resolve_ids``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor
from datetime import UTC, datetime
from itertools import chain

from reader.markdown import markdown_to_text
from reader.model import Article, ToBlocks, entry_key, feed_story_id, make_article
from reader.sanitize import clean_line
from reader.sources.feed_stream import Entry as _Entry
from reader.sources.feed_stream import Header
from reader.sources.html import html_to_body, plain_text, web_link
from reader.urls import web_url

STANDFIRST_MAX_WORDS = 60
# A summary whose first letters are the content's is an excerpt, not a standfirst.
EXCERPT_COMPARE_CHARS = 80
UNTITLED_WORDS = 12
TITLE_MAX_CHARS = 300  # a hostile feed's megabyte title must not fill the list
SECTION_MAX_CHARS = 60  # a longer "category" is a tag cloud, not a section
AUTHOR_MAX_CHARS = 200
FAILED_NAME_CHARS = 80  # an entry that could not be read, named in a warning
FAILED_NAMED = 3  # entries named so; past that, counted
# Entries whose bodies a pool's thread makes in one task: a task an entry cost
# a future, a queue and two thread wake-ups each, 0.3 s of CPU at 10,000
# entries (2.04-2.08 s for the stories against 1.74-1.75 s with 25 a task).
BODY_CHUNK = 25
# Categories that say nothing about the story.
EMPTY_CATEGORIES = frozenset({"uncategorized", "uncategorised", "general", "none"})

# An entry's link, its body as Markdown, and the Markdown's plain text.
Body = tuple[str, str, str]
Made = Body | Exception  # a body, or why it could not be made

_AUTHOR_EMAIL = re.compile(r"^\S+@\S+\s*\((?P<name>[^()]+)\)$")
_SQUASH = re.compile(r"\W+")


def _author(raw: str) -> str:
    text = plain_text(raw)
    # Capped: the pattern backtracks over every "@" of a long hostile string.
    match = _AUTHOR_EMAIL.match(text) if len(text) <= AUTHOR_MAX_CHARS else None
    return match["name"].strip() if match else text


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return ""
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):  # year 1 in a zone east of UTC, and the like
        return ""


def _truncate_words(text: str, limit: int) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def _truncate_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _standfirst(entry: _Entry) -> str:
    if not entry.summary or not entry.content or entry.summary == entry.content:
        return ""
    summary = plain_text(entry.summary)
    squashed = _SQUASH.sub("", summary).casefold()
    body = _SQUASH.sub("", plain_text(entry.content)).casefold()
    if not squashed or body.startswith(squashed[:EXCERPT_COMPARE_CHARS]):
        return ""  # an excerpt of the content, or the parser's own plain copy of it
    return _truncate_words(summary, STANDFIRST_MAX_WORDS)


def _section(entry: _Entry, fallback: str) -> str:
    for category in entry.categories:
        name = clean_line(category)
        if name and len(name) <= SECTION_MAX_CHARS and name.casefold() not in EMPTY_CATEGORIES:
            return name
    return fallback


class Articles:
    """Entries to articles, one at a time, with what the whole feed needs: the
    ids seen (a duplicate entry is kept apart) and the entries skipped."""

    def __init__(
        self, source: str, section: str | None, to_blocks: ToBlocks | None, header: Header
    ) -> None:
        self.source, self.section, self.to_blocks, self.header = source, section, to_blocks, header
        self.seen: set[str] = set()
        self.count = self.skipped = 0
        self.failed: list[str] = []  # the entries that could not be made stories, named
        self.base = self.fallback = ""
        self.started = False

    def start(self) -> None:
        """The link base and section fallback, from the feed's title and link,
        which the stream has read by the first entry: called as it arrives."""
        if self.started:
            return
        self.started = True
        source = self.source
        self.base = web_link(self.header.link) or web_url(source)
        self.fallback = clean_line(self.section or "") or plain_text(self.header.name) or "Feed"

    def body(self, entry: _Entry) -> Body:
        """An entry's link, its body as Markdown and, when the story keeps its
        Markdown (no `to_blocks`), that Markdown's plain text: the part of making
        a story that needs nothing but the entry and the feed's link, so several
        entries' can be made at once (`make_all`)."""
        url = web_link(entry.link, self.base)
        markdown, text = html_to_body(entry.content or entry.summary, url or self.base)
        if self.to_blocks is not None or not markdown:
            return url, markdown, ""
        return url, markdown, markdown_to_text(markdown) if text is None else text

    def make_all(self, entries: Sequence[_Entry], pool: Executor | None = None) -> list[Article]:
        """The stories of these entries, in order (those with neither title nor
        text left out); their bodies made on `pool`'s threads when one is given.

        An entry that fails to become a story (a bug, or the converter giving
        up on some HTML in a way it does not report as `ConversionError`) is
        left out and named in `finish`'s warning: the rest of the feed is
        stored all the same."""
        return self.made(entries, self.bodies(entries, pool))

    def bodies(self, entries: Sequence[_Entry], pool: Executor | None = None) -> Iterator[Made]:
        """The entries' bodies (or the error making one gave), in order: on
        `pool`'s threads, started now, when one is given, `BODY_CHUNK` entries
        a task; else as iterated."""
        self.start()
        if pool is None:
            return map(self._body_or_error, entries)
        chunks = [entries[at : at + BODY_CHUNK] for at in range(0, len(entries), BODY_CHUNK)]
        return chain.from_iterable(pool.map(self._bodies_of, chunks))

    def _bodies_of(self, entries: Sequence[_Entry]) -> list[Made]:
        return [self._body_or_error(entry) for entry in entries]

    def made(self, entries: Sequence[_Entry], bodies: Iterable[Made]) -> list[Article]:
        """The stories of these entries from their `bodies` (see `make_all`)."""
        made: list[Article] = []
        for entry, body in zip(entries, bodies, strict=True):
            try:
                if isinstance(body, Exception):
                    raise body
                article = self.make(entry, body)
            except Exception as exc:
                self._failed(entry, exc)
                continue
            if article is not None:
                made.append(article)
        return made

    def _body_or_error(self, entry: _Entry) -> Made:
        try:
            return self.body(entry)
        except Exception as exc:  # told of in `make_all`, in the entries' order
            return exc

    def _failed(self, entry: _Entry, exc: Exception) -> None:
        name = _truncate_chars(plain_text(entry.title), FAILED_NAME_CHARS) or web_link(
            entry.link, self.base
        )
        reason = _truncate_chars(clean_line(f"{type(exc).__name__}: {exc}"), FAILED_NAME_CHARS)
        self.failed.append(f"“{name}” ({reason})" if name else f"an untitled entry ({reason})")

    def make(self, entry: _Entry, body: Body | None = None) -> Article | None:
        """An entry's story, with its body from `body` if it was made already."""
        self.start()
        to_blocks = self.to_blocks
        url, markdown, text = body if body is not None else self.body(entry)
        title = _truncate_chars(plain_text(entry.title), TITLE_MAX_CHARS)
        if not title:
            title = _truncate_words(plain_text(entry.summary or entry.content), UNTITLED_WORDS)
        if not title:
            self.skipped += 1
            return None
        name = _section(entry, self.fallback)
        published = _utc(entry.published)
        key = entry_key(clean_line(entry.guid), url, title, published)
        if key in self.seen:  # the same entry twice in one feed: keep both, apart
            key = f"{key}\x1f{self.count}"
        self.seen.add(key)
        self.count += 1
        return make_article(
            name,
            title,
            to_blocks(markdown) if to_blocks is not None else (),
            self.source,
            standfirst=_standfirst(entry),
            url=url,
            author=_author(entry.author),
            published=published,
            id=feed_story_id(self.source, key),
            feed_key=key,
            markdown=markdown if to_blocks is None else "",
            text=text if to_blocks is None else "",
        )

    def finish(self, warnings: list[str]) -> None:
        if self.skipped:
            entries = "entry" if self.skipped == 1 else "entries"
            warnings.append(
                f"{self.source}: {self.skipped} {entries} with neither title nor text skipped"
            )
        if self.failed:
            named = "; ".join(self.failed[:FAILED_NAMED])
            more = len(self.failed) - FAILED_NAMED
            entries = "entry" if len(self.failed) == 1 else "entries"
            warnings.append(
                f"{self.source}: {len(self.failed)} {entries} could not be read and"
                f" {'was' if len(self.failed) == 1 else 'were'} skipped: {named}"
                + (f"; and {more} more" if more > 0 else "")
            )
        if not self.count and not self.failed and not self.skipped:
            warnings.append(f"{self.source}: the feed has no entries")
