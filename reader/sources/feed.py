"""RSS 0.9x, 1.0 (RDF), 2.0 and Atom feeds, turned into articles.

Parsing. A document is read up to three times, never whole unless it must
be: its head is sniffed (empty, HTML, JSON, entity declarations); a strict
XML check that keeps nothing says whether it is well-formed; and a
well-formed RSS or Atom feed is then streamed entry by entry with lxml
(``feed_stream``), so a 400 MB file of 100,000 entries is read and stored in
batches (``FeedStream``, ``BATCH_ARTICLES`` at a time) in little memory.
Feeds in the wild are often not well-formed (an undefined ``&nbsp;``, a stray
``&``, HTML pasted unescaped into a description), and a recovering XML parser
silently loses entries there, so such a feed is read whole with feedparser's
lenient parser instead, with a warning saying so. A JSON Feed is read whole
too (``feed_json``). Before any of them, terminal escape sequences and the
control characters XML forbids are cut out of the bytes, chunk by chunk: they
are never legitimate, and left in they make an otherwise good feed
malformed. A feed that declares entities is refused, so no parser is ever
asked to expand a billion laughs.

Entries become articles in ``feed_articles`` (section, title, standfirst,
body, url, published, id: the rules are there).

HTML becomes Markdown or plain text in ``sources.html``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree

from reader.markdown.plain import paragraphs
from reader.model import Article, ToBlocks
from reader.sanitize import clean_document, clean_line, unescape_html
from reader.sources.feed_articles import Articles, Made
from reader.sources.feed_stream import Entry as _Entry
from reader.sources.feed_stream import Header, check_document, iter_entries, ttl_minutes
from reader.sources.html import plain_text, web_link
from reader.sources.local import LocalFileError, describe_size, open_local

MAX_FEED_FILE_BYTES = 1024 * 2**20  # a feed on disk: 100,000 entries are about 400 MB
# A feed that is not well-formed is read whole by feedparser, whose memory grows
# to many times the document's size: past this it is refused with the reason.
MAX_LENIENT_BYTES = 32 * 2**20


class FeedError(Exception):
    """A document that cannot be read as a feed; ``reason`` is short, the
    message also names the source."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class FeedResult:
    title: str
    link: str
    articles: list[Article]
    warnings: list[str] = field(default_factory=list)
    ttl: int | None = None  # RSS <ttl>: minutes the feed asks to be left alone


# --- Reading the document -----------------------------------------------------

_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w:.-]*)")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_SNIFF_BYTES = 4096


_preclean = clean_document  # a document's bytes, before any parser sees them


def _sniff(data: bytes, source: str) -> None:
    """Refuse what is plainly not a feed, with a reason a person understands."""
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return  # UTF-16: let the parser decode it
    if not head:
        raise FeedError(source, "empty")
    if head[:1] == b"{":
        return  # perhaps a JSON Feed
    if head[:1] != b"<":
        raise FeedError(source, "not XML")
    first = _FIRST_ELEMENT.search(data)
    root = first.group(1).lower() if first else b""
    if root == b"html" or head[:14].lower() == b"<!doctype html":
        raise FeedError(source, "HTML page, not a feed")
    prolog = data[: first.start()] if first else data
    if _ENTITY_DECLARATION.search(prolog):
        raise FeedError(source, "declares XML entities (refused: entity expansion attack)")


_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_LXML_WHERE = re.compile(r",? (?:line \d+, column \d+|\(<string>, line \d+\))$")


def _complaint(exc: etree.XMLSyntaxError) -> str:
    first_line = str(exc).split("\n")[0][:300]
    return _LXML_WHERE.sub("", first_line)[:120]


@dataclass(slots=True)
class _Feed:
    title: str = ""
    link: str = ""
    entries: list[_Entry] = field(default_factory=list)
    ttl: int | None = None


def _entry(item: Any, summary: str, published: datetime | None) -> _Entry:
    """One entry from feedparser's dict."""
    contents = item.get("content") or []
    content = next((c.get("value") or "" for c in contents if c.get("value")), "")
    return _Entry(
        title=str(item.get("title") or ""),
        link=str(item.get("link") or ""),
        # Its loose parser gives the guid, author and categories as written in
        # the XML (`&amp;amp;`), not decoded as it gives the title: decoded
        # here, so that they read as the stream's do (and a guid keeps its
        # story's id when the feed stops or starts being well-formed).
        guid=unescape_html(str(item.get("id") or "")),
        summary=summary,
        content=str(content),
        author=unescape_html(str(item.get("author") or "")),
        published=published,
        categories=[unescape_html(str(t.get("term") or "")) for t in item.get("tags") or []],
    )


def _from_struct(when: Any) -> datetime | None:
    try:
        return datetime(*when[:6]).replace(tzinfo=UTC) if when else None
    except (TypeError, ValueError):
        return None


def _read_lenient(data: bytes) -> _Feed:
    """feedparser, only for documents that are not well-formed: it reads far
    more of a broken feed than a recovering XML parser does, but is slow."""
    import feedparser

    # A file object, never the bytes themselves: given bytes or a string,
    # feedparser tries them as a file name (and a string as a URL) first.
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    info = parsed.get("feed", {})
    feed = _Feed(str(info.get("title") or ""), str(info.get("link") or ""))
    feed.ttl = ttl_minutes(info.get("ttl"))
    for item in parsed.get("entries", []):
        when = item.get("published_parsed") or item.get("updated_parsed")
        feed.entries.append(_entry(item, str(item.get("summary") or ""), _from_struct(when)))
    return feed


# --- Reading as a stream ------------------------------------------------------------

BATCH_ARTICLES = 1000  # stored per transaction when a feed is read as a stream
# A batch's bodies (HTML to Markdown, then its plain text) are made on this many
# threads: the converter's compiled core lets go of the GIL while it works, so
# two entries convert at once, on the second core, while the stream's thread
# waits and the library's writer (SQLite lets go of it too) stores the batch
# before. Everything else about a story is made in order on the stream's thread.
BODY_THREADS = 2
CHUNK_BYTES = 1 << 20
# A feed file this large is read in a process of its own (`feed_process`) when
# its stories are to be stored: starting one costs about 0.1 s of CPU, and a
# file smaller than a batch or so gains nothing from it.
PROCESS_MIN_BYTES = 4 << 20


class _Chunks:
    """A document read in chunks, each pre-cleaned (see `_preclean`), counting
    the bytes read so far for a progress bar."""

    def __init__(self, handle: IO[bytes], wide: bool) -> None:
        self.handle, self.wide, self.done = handle, wide, 0

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        data = self.handle.read(size if size and size > 0 else CHUNK_BYTES)
        self.done += len(data)
        return data if self.wide else _preclean(data)

    def close(self) -> None:
        self.handle.close()


Opener = Callable[[], IO[bytes]]


class FeedStream:
    """A feed's articles in batches, made as its document is read.

    Iterate once; ``title``, ``link`` and ``warnings`` are complete when the
    iteration ends. ``done`` and ``total`` are the bytes read so far and the
    document's size, for a progress bar.
    """

    # The document's strict check, when it was started before the stream was
    # asked for (`feed_process.reading_early`): waits for its answer, as
    # `check_feed_file` gives it. None: `open_feed` checks the document itself.
    checked_root: Callable[[], str] | None = None

    def __init__(
        self,
        source: str,
        entries: Iterator[_Entry],
        header: Header,
        warnings: list[str],
        articles: Articles,
        *,
        total: int,
        chunks: _Chunks | None = None,
        batch: int = BATCH_ARTICLES,
    ) -> None:
        self.source, self.header, self.warnings = source, header, warnings
        self._entries, self._articles, self._chunks = entries, articles, chunks
        self.total, self._batch = total, batch

    @property
    def title(self) -> str:
        return plain_text(self.header.name)

    @property
    def link(self) -> str:
        return web_link(self.header.link)

    @property
    def done(self) -> int:
        return self._chunks.done if self._chunks is not None else self.total

    @property
    def ttl(self) -> int | None:
        return self.header.ttl

    def __iter__(self) -> Iterator[list[Article]]:
        """Batches of at most ``batch`` stories, each made from as many entries
        (fewer stories when some are skipped), their bodies on `BODY_THREADS`
        threads (see `BODY_THREADS`) while the entries of the next batch are
        read: lxml holds the GIL, the converter lets go of it, so reading and
        converting go on at once. A batch whole before the file fails is given
        before the failure, as when each was made as soon as it was read."""
        articles, entries = self._articles, list[_Entry]()
        pending: tuple[list[_Entry], Iterator[Made]] | None = None
        failure: FeedError | None = None
        with ThreadPoolExecutor(BODY_THREADS, thread_name_prefix="feed-bodies") as pool:
            try:
                for entry in self._entries:
                    if not entries:
                        # As the first entry arrives, so its link base and section
                        # fallback are what the stream has read by then.
                        articles.start()
                    entries.append(entry)
                    if len(entries) >= self._batch:
                        started = (entries, articles.bodies(entries, pool))
                        entries = []
                        if pending is not None and (batch := articles.made(*pending)):
                            pending = started
                            yield batch
                        pending = started
            except etree.XMLSyntaxError as exc:  # the file changed under the reader
                failure = FeedError(self.source, f"not XML ({_complaint(exc)})")
            finally:
                if self._chunks is not None:
                    self._chunks.close()
            if pending is not None and (batch := articles.made(*pending)):
                yield batch
            if failure is not None:
                raise failure
            if entries and (batch := articles.make_all(entries, pool)):
                yield batch
        articles.finish(self.warnings)

    def stop(self) -> None:
        """Stop what reads ahead of the iteration, from any thread: nothing
        here, where the reading is the iteration's own (see `FeedProcess`)."""

    def close(self) -> None:
        """Let go of the file, for a stream that will not be iterated."""
        if self._chunks is not None:
            self._chunks.close()

    def result(self) -> FeedResult:
        """Every article at once (for a feed fetched whole, and for tests)."""
        articles = [a for batch in self for a in batch]
        return FeedResult(self.title, self.link, articles, self.warnings, self.ttl)


def open_feed(
    source: str,
    opener: Opener,
    total: int,
    *,
    section: str | None = None,
    to_blocks: ToBlocks | None = paragraphs,
    batch: int = BATCH_ARTICLES,
    ahead: Callable[[], FeedStream | None] | None = None,
    checked: bool = False,
) -> FeedStream:
    """Check a document and get ready to read its articles as a stream.

    ``opener`` opens the document afresh (it is read up to three times: its
    head, a strict well-formedness check that keeps nothing, then the entries).
    A well-formed RSS or Atom document is streamed; a JSON Feed, and a document
    that is not well-formed (read by feedparser's lenient parser, with a
    warning), are read whole and handed out in batches all the same.

    ``ahead`` starts a stream of its own for a well-formed feed (a process that
    reads it: `feed_process`) before the check, so that it reads while the
    check runs here; it is stopped if the check fails. ``checked``: the check
    was made already (by the process that started this one).
    """
    with opener() as handle:
        head = handle.read(_SNIFF_BYTES)
    _sniff(head, source)
    wide = _wide(head)
    warnings: list[str] = []
    header = Header()
    articles = Articles(source, section, to_blocks, header)

    def whole(feed: _Feed) -> FeedStream:
        header.name, header.link, header.ttl = feed.title, feed.link, feed.ttl
        return FeedStream(
            source, iter(feed.entries), header, warnings, articles, total=total, batch=batch
        )

    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        from reader.sources.feed_json import read_json

        with opener() as handle:
            title, link, items = read_json(handle.read(), source, warnings)
        return whole(_Feed(title, link, items))
    started = ahead() if ahead is not None else None
    try:
        if checked:
            root = "rss"
        elif started is not None and started.checked_root is not None:
            root = started.checked_root()  # made while this process was starting
        else:
            root = _checked_root(opener, wide)
        if root == "html":
            raise FeedError(source, "HTML page, not a feed")
        if root not in _FEED_ROOTS:
            raise FeedError(source, f"not a feed (root element <{clean_line(root)[:40]}>)")
    except etree.XMLSyntaxError as exc:
        if started is not None:
            started.close()
        return whole(_read_leniently(source, opener, total, _complaint(exc), warnings))
    except BaseException:
        if started is not None:
            started.close()
        raise
    if started is not None:
        return started
    chunks = _Chunks(opener(), wide)
    entries = iter_entries(chunks, header)
    return FeedStream(
        source, entries, header, warnings, articles, total=total, chunks=chunks, batch=batch
    )


def _wide(head: bytes) -> bool:
    """Whether a document is UTF-16 (or another encoding of two bytes or more),
    which the check's cleaning of bytes must know (`_Chunks`)."""
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]


def check_feed_file(path: str | Path) -> str:
    """The strict check `stream_feed_file` makes of a feed file, made apart
    from reading it (`feed_process.reading_early` starts it before the
    stream is asked for): the root element's name, lowercased; raises
    ``etree.XMLSyntaxError`` for a file that is not well-formed. Its head is
    sniffed first, as `open_feed` does before any parser sees a document: a
    file declaring entities is refused (`FeedError`), never parsed."""

    def opener() -> IO[bytes]:
        return open_local(path, MAX_FEED_FILE_BYTES)

    with opener() as handle:
        head = handle.read(_SNIFF_BYTES)
    _sniff(head, str(path))
    return _checked_root(opener, _wide(head))


def _checked_root(opener: Opener, wide: bool) -> str:
    """The root element's name of a well-formed document, lowercased; raises
    ``etree.XMLSyntaxError`` for one that is not."""
    with opener() as handle:
        return check_document(_Chunks(handle, wide), CHUNK_BYTES).lower()


def _read_leniently(
    source: str, opener: Opener, total: int, problem: str, warnings: list[str]
) -> _Feed:
    """A document that is not well-formed, read whole by feedparser, with a
    warning saying so; refused when too large for that, or when even
    feedparser finds nothing in it."""
    if total > MAX_LENIENT_BYTES:  # feedparser holds it whole, many times over
        too_large = f"too large to read leniently (over {describe_size(MAX_LENIENT_BYTES)})"
        raise FeedError(source, f"not XML ({problem}); {too_large}")
    with opener() as handle:
        feed = _read_lenient(_preclean(handle.read()))
    if not feed.entries and not feed.title:
        raise FeedError(source, f"not XML ({problem})")
    warnings.append(f"{source}: not well-formed XML ({problem}); read leniently")
    return feed


def parse_feed(
    data: bytes,
    source: str,
    *,
    section: str | None = None,
    to_blocks: ToBlocks | None = paragraphs,
) -> FeedResult:
    """Read an RSS, Atom or JSON Feed document (bytes as fetched: the parser
    honours the declared encoding). ``source`` names it in errors and becomes
    each article's source; when it is an http(s) URL it also resolves relative
    links."""
    return open_feed(
        source, lambda: io.BytesIO(data), len(data), section=section, to_blocks=to_blocks
    ).result()


def stream_feed_file(
    path: str | Path,
    *,
    section: str | None = None,
    to_blocks: ToBlocks | None = paragraphs,
    batch: int = BATCH_ARTICLES,
    process: bool | None = None,
    checked: bool = False,
) -> FeedStream:
    """A feed saved on disk (a ``file:`` subscription), read as a stream: a
    FIFO or a device is refused, and the file is capped at
    ``MAX_FEED_FILE_BYTES`` by the bytes read.

    With ``process`` (by default, for a file of `PROCESS_MIN_BYTES` or more
    whose stories are kept as Markdown, ``to_blocks=None``) it is read in a
    process of its own (`feed_process`), started before the file is checked
    here, so that it reads while the check runs. ``checked``: the file was
    checked already (by the process that started this one)."""
    try:
        total = os.stat(path).st_size
        if process is None:
            process = to_blocks is None and total >= PROCESS_MIN_BYTES
        ahead = None
        if process and to_blocks is None:
            from reader.sources.feed_process import FeedProcess, taken

            def ahead() -> FeedStream | None:
                try:
                    return taken(path, section, batch, total) or FeedProcess(
                        path, section=section, batch=batch, total=total
                    )
                except OSError:  # no interpreter to start: read here
                    return None

        return open_feed(
            str(path),
            lambda: open_local(path, MAX_FEED_FILE_BYTES),
            total,
            section=section,
            to_blocks=to_blocks,
            batch=batch,
            ahead=ahead,
            checked=checked,
        )
    except LocalFileError as exc:
        raise FeedError(str(path), exc.strerror or str(exc)) from None
    except FileNotFoundError:
        raise FeedError(str(path), "no such file") from None
    except OSError as exc:
        raise FeedError(str(path), f"cannot read: {exc.strerror or exc}") from None


def read_feed_file(
    path: str | Path, *, section: str | None = None, to_blocks: ToBlocks | None = paragraphs
) -> FeedResult:
    """A feed saved on disk, read whole (see `stream_feed_file`)."""
    stream = stream_feed_file(path, section=section, to_blocks=to_blocks)
    try:
        return stream.result()
    except LocalFileError as exc:
        raise FeedError(str(path), exc.strerror or str(exc)) from None
