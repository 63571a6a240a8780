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
too (``_read_json``). Before any of them, terminal escape sequences and the
control characters XML forbids are cut out of the bytes, chunk by chunk: they
are never legitimate, and left in they make an otherwise good feed
malformed. A feed that declares entities is refused, so no parser is ever
asked to expand a billion laughs.

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

HTML to Markdown drops scripts, styles, iframes, forms, embedded objects and
tracking pixels (1x1 images and images from known trackers); links stay, but
only http, https and mailto ones: any other link keeps its text and loses its
address.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import html_to_markdown as h2m
from html_to_markdown import ConversionOptions, convert
from lxml import etree

from reader.markdown import markdown_to_text
from reader.model import Article, Block, BlockKind, entry_key, feed_story_id, make_article
from reader.sanitize import UNSAFE, clean, clean_document, clean_line
from reader.sources.feed_stream import Entry as _Entry
from reader.sources.feed_stream import Header, check_document, iter_entries
from reader.sources.local import LocalFileError, describe_size, open_local
from reader.urls import FETCH_SCHEMES, LINK_SCHEMES, scheme, web_url

if TYPE_CHECKING:
    from html_to_markdown._html_to_markdown import HtmlVisitor

STANDFIRST_MAX_WORDS = 60
MAX_FEED_FILE_BYTES = 1024 * 2**20  # a feed on disk: 100,000 entries are about 400 MB
# A feed that is not well-formed is read whole by feedparser, whose memory grows
# to many times the document's size: past this it is refused with the reason.
MAX_LENIENT_BYTES = 32 * 2**20
# A summary whose first letters are the content's is an excerpt, not a standfirst.
EXCERPT_COMPARE_CHARS = 80
UNTITLED_WORDS = 12
TITLE_MAX_CHARS = 300  # a hostile feed's megabyte title must not fill the list
SECTION_MAX_CHARS = 60  # a longer "category" is a tag cloud, not a section
AUTHOR_MAX_CHARS = 200
# Categories that say nothing about the story.
EMPTY_CATEGORIES = frozenset({"uncategorized", "uncategorised", "general", "none"})
# Images and links that only count readers.
TRACKER_MARKERS = (
    "feeds.feedburner.com/~r/",
    "feeds.feedburner.com/~ff/",
    "feedproxy.google.com/~r/",
    "feedsportal.com/",
    "pixel.wp.com/",
    "stats.wordpress.com/",
    "pixel.quantserve.com/",
    "doubleclick.net/",
    "google-analytics.com/",
    "googletagmanager.com/",
    "facebook.com/tr",
    "pixel.mathtag.com/",
    "sb.scorecardresearch.com/",
    "analytics.twitter.com/",
    "/pixel.gif",
    "/blank.gif",
    "/spacer.gif",
)
DROPPED_ELEMENTS = [
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "canvas",
    "svg",
    "math",
    "template",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "dialog",
    "img[width='0']",
    "img[width='1']",
    "img[height='0']",
    "img[height='1']",
]

ToBlocks = Callable[[str], list[Block]]


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


# --- HTML to Markdown ---------------------------------------------------------

# Enum members rather than their names: the converter's Python wrapper turns
# names into members on every call, which cost more than converting a short
# article (1.1 s against 0.7 s for the 10,000-entry benchmark feed).
_OPTIONS = ConversionOptions(
    extract_metadata=False,
    escape_asterisks=True,
    escape_underscores=True,
    escape_misc=True,
    autolinks=True,
    exclude_selectors=DROPPED_ELEMENTS,
    heading_style=h2m.HeadingStyle.ATX,
    list_indent_type=h2m.ListIndentType.SPACES,
    highlight_style=h2m.HighlightStyle.DOUBLE_EQUAL,
    whitespace_mode=h2m.WhitespaceMode.NORMALIZED,
    newline_style=h2m.NewlineStyle.SPACES,
    code_block_style=h2m.CodeBlockStyle.BACKTICKS,
    inline_data_media=h2m.InlineDataMedia.ALT_TEXT_ONLY,
    hidden_content=h2m.HiddenContent.DROP,
    url_escape_style=h2m.UrlEscapeStyle.ANGLE,
    link_style=h2m.LinkStyle.INLINE,
    output_format=h2m.OutputFormat.MARKDOWN,
    tier_strategy=h2m.TierStrategy.AUTO,
)
# The visitor and a per-call base URL each cost time, so they are used only
# when the fragment has a link or image, or a relative address.
# Both are written without IGNORECASE, which made them cost as much as converting.
_LINK_OR_IMAGE = re.compile(r"<[aAiI]")
_RELATIVE_REF = re.compile(r"(?:href|src|HREF|SRC)\s*=\s*[\"']?\s*(?![A-Za-z][A-Za-z0-9+.-]*:)")


def _is_tracker(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in TRACKER_MARKERS)


class _Visitor:
    """Drops what a selector cannot: links by scheme and images by address.

    Called back from the converter's compiled core for links and images only,
    so it costs little. Returns the converter's plain-dict visit results.
    """

    def visit_link(self, ctx: Any, href: str, text: str, title: str | None) -> Any:
        if _is_tracker(href):
            return {"type": "skip"}
        if scheme(href) not in LINK_SCHEMES:
            return {"type": "custom", "output": text if text != href else ""}
        return {"type": "continue"}

    def visit_image(self, ctx: Any, src: str, alt: str, title: str | None) -> Any:
        if _is_tracker(src) or scheme(src) not in FETCH_SCHEMES:
            return {"type": "skip"}
        return {"type": "continue"}


_VISITOR = _Visitor()


def html_to_markdown(html_text: str, base_url: str = "") -> str:
    """Markdown of an HTML fragment, sanitized, with relative links resolved
    against ``base_url`` when it is an http(s) address."""
    if not html_text or not html_text.strip():
        return ""
    # Escape sequences go whole before converting (the converter drops an ESC
    # alone, leaving `]0;title` as text); JSON Feed's HTML gets here with them,
    # past the byte-level cleaning of XML. Cleaned again after, for the
    # character references the converter decodes.
    html_text = clean(html_text)
    options, visitor = _OPTIONS, None
    if _LINK_OR_IMAGE.search(html_text):
        visitor = _VISITOR
        if base_url and _RELATIVE_REF.search(html_text) and scheme(base_url) in FETCH_SCHEMES:
            options = dataclasses.replace(_OPTIONS, base_url=base_url)
    # The converter calls only the visit_* methods a visitor has; its type names them all.
    result = convert(html_text, options, visitor=cast("HtmlVisitor | None", visitor))
    return clean(result.content or "").strip()


_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HIDDEN_OPEN = re.compile(r"<(script|style|noscript|template|iframe|svg|math)\b", re.IGNORECASE)


def plain_text(html_text: str) -> str:
    """One line of plain text from a little HTML (a title, a summary)."""
    if "<" in html_text:
        html_text = _strip_tags(_drop_hidden(html_text))
    return clean_line(html.unescape(html_text))


def _strip_tags(text: str) -> str:
    """``_TAG`` replaced by a space, in linear time: a tag cannot end after the
    last ``>``, and searching the tail for one would try each ``<`` there to the
    end of the text (``<a<a<a…`` took time growing with the square of its length)."""
    end = text.rfind(">") + 1
    return _TAG.sub(" ", text[:end]) + text[end:]


def _drop_hidden(text: str) -> str:
    """``_HIDDEN`` replaced by a space, in linear time: once an element has no
    closing tag after some point, none of its later openings can close either,
    so it is not looked for again (``<script<script…`` was quadratic)."""
    unclosed: set[str] = set()
    parts: list[str] = []
    position = 0
    for opening in _HIDDEN_OPEN.finditer(text):
        start = opening.start()
        name = opening.group(1).lower()
        if start < position or name in unclosed:
            continue
        closing = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, opening.end())
        if closing is None:
            unclosed.add(name)
            continue
        parts += (text[position:start], " ")
        position = closing.end()
    return "".join(parts) + text[position:] if parts else text


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_BLANK_LINES = re.compile(r"\n\s*\n")


def _unescape(match: re.Match[str]) -> str:
    return match.group(1)


def paragraphs(markdown: str) -> list[Block]:
    """The default ``to_blocks``: a paragraph per blank-line-separated chunk.

    Good enough to read; the app passes a real Markdown reader instead. The
    text is already sanitized: both callers clean it before ``to_blocks``.
    """
    blocks = []
    for chunk in _BLANK_LINES.split(markdown):
        if "\\" in chunk:
            chunk = _ESCAPED.sub(_unescape, chunk)
        text = " ".join(chunk.split())
        if text:
            blocks.append(Block(BlockKind.PARAGRAPH, text))
    return blocks


def _web_url(link: str, base: str = "") -> str:
    """An absolute http(s) URL by ``reader.urls``' rule, or "" for anything
    else; a link with an escape sequence in it is cleaned first."""
    return web_url(link, base) or (web_url(clean_line(link), base) if UNSAFE.search(link) else "")


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


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _entry(item: Any, summary: str, published: datetime | None) -> _Entry:
    """One entry from feedparser's dict."""
    contents = item.get("content") or []
    content = next((c.get("value") or "" for c in contents if c.get("value")), "")
    return _Entry(
        title=str(item.get("title") or ""),
        link=str(item.get("link") or ""),
        guid=str(item.get("id") or ""),
        summary=summary,
        content=str(content),
        author=str(item.get("author") or ""),
        published=published,
        categories=[str(t.get("term") or "") for t in item.get("tags") or []],
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
    for item in parsed.get("entries", []):
        when = item.get("published_parsed") or item.get("updated_parsed")
        feed.entries.append(_entry(item, str(item.get("summary") or ""), _from_struct(when)))
    return feed


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _json_text(value: Any) -> str:
    """A JSON value as text: strings as they are, numbers written out, anything
    else "". A lone surrogate (``"\\ud800"`` is valid JSON, and not text) becomes
    ``�``: it cannot be encoded, hashed into an id or stored."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    text = value if isinstance(value, str) else str(value)
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _json_author(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    author = authors[0] if isinstance(authors, list) and authors else item.get("author")
    return _json_text(author.get("name")) if isinstance(author, dict) else ""


def _read_json(data: bytes, source: str, warnings: list[str]) -> _Feed:
    """A JSON Feed (1.0 and 1.1), read here rather than by fastfeedparser, which
    fails on items that are not objects. Such items are skipped and counted."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise FeedError(source, "not XML, nor a JSON Feed") from None
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise FeedError(source, "not a JSON Feed (no list of items)")
    feed = _Feed(_json_text(document.get("title")), _json_text(document.get("home_page_url")))
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        content = _json_text(item.get("content_html"))
        if not content and (text := _json_text(item.get("content_text"))):
            # Plain text, as HTML paragraphs: its "<" and "&" are text.
            content = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
        tags = item.get("tags")
        feed.entries.append(
            _Entry(
                title=_json_text(item.get("title")),
                link=_json_text(item.get("url")) or _json_text(item.get("external_url")),
                guid=_json_text(item.get("id")),
                summary=_json_text(item.get("summary")),
                content=content,
                author=_json_author(item),
                published=_iso(
                    _json_text(item.get("date_published")) or _json_text(item.get("date_modified"))
                ),
                categories=[_json_text(t) for t in tags] if isinstance(tags, list) else [],
            )
        )
    if skipped:
        items_word = "item that is not an object" if skipped == 1 else "items that are not objects"
        warnings.append(f"{source}: {skipped} {items_word} skipped")
    return feed


# --- Entries to articles --------------------------------------------------------

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


class _Articles:
    """Entries to articles, one at a time, with what the whole feed needs: the
    ids seen (a duplicate entry is kept apart) and the entries skipped."""

    def __init__(
        self, source: str, section: str | None, to_blocks: ToBlocks | None, header: Header
    ) -> None:
        self.source, self.section, self.to_blocks, self.header = source, section, to_blocks, header
        self.seen: set[str] = set()
        self.count = self.skipped = 0
        self.base = self.fallback = ""

    def _start(self) -> None:
        """The link base and section fallback, from the feed's title and link,
        which the stream has read by the first entry."""
        source = self.source
        self.base = _web_url(self.header.link) or web_url(source)
        self.fallback = clean_line(self.section or "") or plain_text(self.header.name) or "Feed"

    def make(self, entry: _Entry) -> Article | None:
        if not self.count and not self.skipped:
            self._start()
        to_blocks = self.to_blocks
        url = _web_url(entry.link, self.base)
        markdown = html_to_markdown(entry.content or entry.summary, url or self.base)
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
            text=markdown_to_text(markdown) if to_blocks is None and markdown else "",
        )

    def finish(self, warnings: list[str]) -> None:
        if self.skipped:
            entries = "entry" if self.skipped == 1 else "entries"
            warnings.append(
                f"{self.source}: {self.skipped} {entries} with neither title nor text skipped"
            )
        if not self.count:
            warnings.append(f"{self.source}: the feed has no entries")


# --- Reading as a stream ------------------------------------------------------------

BATCH_ARTICLES = 1000  # stored per transaction when a feed is read as a stream
CHUNK_BYTES = 1 << 20


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

    def __init__(
        self,
        source: str,
        entries: Iterator[_Entry],
        header: Header,
        warnings: list[str],
        articles: _Articles,
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
        return _web_url(self.header.link)

    @property
    def done(self) -> int:
        return self._chunks.done if self._chunks is not None else self.total

    def __iter__(self) -> Iterator[list[Article]]:
        batch: list[Article] = []
        try:
            for entry in self._entries:
                article = self._articles.make(entry)
                if article is not None:
                    batch.append(article)
                if len(batch) >= self._batch:
                    yield batch
                    batch = []
        except etree.XMLSyntaxError as exc:  # the file changed under the reader
            raise FeedError(self.source, f"not XML ({_complaint(exc)})") from None
        finally:
            if self._chunks is not None:
                self._chunks.close()
        if batch:
            yield batch
        self._articles.finish(self.warnings)

    def result(self) -> FeedResult:
        """Every article at once (for a feed fetched whole, and for tests)."""
        articles = [a for batch in self for a in batch]
        return FeedResult(self.title, self.link, articles, self.warnings)


def open_feed(
    source: str,
    opener: Opener,
    total: int,
    *,
    section: str | None = None,
    to_blocks: ToBlocks | None = paragraphs,
    batch: int = BATCH_ARTICLES,
) -> FeedStream:
    """Check a document and get ready to read its articles as a stream.

    ``opener`` opens the document afresh (it is read up to three times: its
    head, a strict well-formedness check that keeps nothing, then the entries).
    A well-formed RSS or Atom document is streamed; a JSON Feed, and a document
    that is not well-formed (read by feedparser's lenient parser, with a
    warning), are read whole and handed out in batches all the same.
    """
    with opener() as handle:
        head = handle.read(_SNIFF_BYTES)
    _sniff(head, source)
    wide = head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]
    warnings: list[str] = []
    header = Header()
    articles = _Articles(source, section, to_blocks, header)

    def whole(feed: _Feed) -> FeedStream:
        header.name, header.link = feed.title, feed.link
        return FeedStream(
            source, iter(feed.entries), header, warnings, articles, total=total, batch=batch
        )

    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        with opener() as handle:
            return whole(_read_json(handle.read(), source, warnings))
    try:
        with opener() as handle:
            root = check_document(_Chunks(handle, wide), CHUNK_BYTES).lower()
    except etree.XMLSyntaxError as exc:
        problem = _complaint(exc)
        if total > MAX_LENIENT_BYTES:  # feedparser holds it whole, many times over
            too_large = f"too large to read leniently (over {describe_size(MAX_LENIENT_BYTES)})"
            raise FeedError(source, f"not XML ({problem}); {too_large}") from None
        with opener() as handle:
            feed = _read_lenient(_preclean(handle.read()))
        if not feed.entries and not feed.title:
            raise FeedError(source, f"not XML ({problem})") from None
        warnings.append(f"{source}: not well-formed XML ({problem}); read leniently")
        return whole(feed)
    if root == "html":
        raise FeedError(source, "HTML page, not a feed")
    if root not in _FEED_ROOTS:
        raise FeedError(source, f"not a feed (root element <{clean_line(root)[:40]}>)")
    chunks = _Chunks(opener(), wide)
    entries = iter_entries(chunks, header)
    return FeedStream(
        source, entries, header, warnings, articles, total=total, chunks=chunks, batch=batch
    )


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
) -> FeedStream:
    """A feed saved on disk (a ``file:`` subscription), read as a stream: a
    FIFO or a device is refused, and the file is capped at
    ``MAX_FEED_FILE_BYTES`` by the bytes read."""
    try:
        total = os.stat(path).st_size
        return open_feed(
            str(path),
            lambda: open_local(path, MAX_FEED_FILE_BYTES),
            total,
            section=section,
            to_blocks=to_blocks,
            batch=batch,
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
