"""The article model every source produces and every view consumes.

A story is a title, an optional standfirst and a sequence of typed blocks. The
block kinds keep what a dump or a feed means (a quoted post, a related-story
line, a footer) so the renderer can set each apart, and search and keyword
highlighting can address exact offsets inside each block's plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple, Protocol

WORDS_PER_MINUTE = 230
# Chinese and Japanese are read by the character, about 500 a minute, not by
# runs between spaces: each CJK character counts as 230/500 of a word, so one
# formula (`reading_minutes`) times every script.
CJK_CHARS_PER_MINUTE = 500
# A text with fewer gaps than one in this many characters is not spaced into
# words (English has one in six): only there are CJK characters counted, so
# most text costs no more than its gaps.
_SPARSE = 12
# UTF-8's lead bytes of U+3000-U+DFFF: CJK punctuation, kana, Hangul and the
# ideographs (a curly quote or a dash, U+20xx, leads with E2 and is not one).
_CJK_LEADS = bytes(range(0xE3, 0xEE))


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LABEL = "label"  # a short lead-in such as "Summary:"
    QUOTE = "quote"  # a paragraph that is wholly a quotation
    POST = "post"  # an embedded social post: text, link, attribution
    RELATED = "related"  # a headline of another story, inside the body
    LIST_ITEM = "list_item"
    CODE = "code"
    FOOTER = "footer"  # the tip line or boilerplate that closes a story
    IMAGE = "image"  # a picture: its alt text as the text, its address as the url


class Mark(StrEnum):
    """Inline styling inside a block's plain text (from Markdown bodies)."""

    STRONG = "strong"
    EMPHASIS = "em"
    CODE = "code"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Inline:
    """A span of a block's text with an inline style; offsets into `Block.text`."""

    start: int
    end: int
    mark: Mark
    url: str = ""  # for links


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like part of a story, its text plain and its marks as spans."""

    kind: BlockKind
    text: str
    # For posts: who wrote it and when ("Danny (@dannywinner1) June 21, 2026").
    attribution: str = ""
    # A link the block carries (a post's pic.twitter.com link, a related story's URL).
    url: str = ""
    # Inline emphasis and links, kept as spans so the text itself stays plain.
    inlines: tuple[Inline, ...] = ()
    level: int = 0  # heading level, or list nesting depth


class Entry(Protocol):
    """A story as a list (the sidebar, `news list`) needs it, without its body: an
    `Article`, or a row of the library's listing."""

    @property
    def id(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def published(self) -> str: ...
    @property
    def words(self) -> int: ...


class EntryRef(NamedTuple):
    """An entry made from what a bookmark or a search hit knows of a story."""

    id: str
    section: str
    title: str
    source: str = ""
    published: str = ""
    words: int = 0


@dataclass(frozen=True, slots=True)
class Article:
    """A story as every source gives it and every view reads it."""

    id: str
    section: str
    title: str
    blocks: tuple[Block, ...]
    source: str
    standfirst: str = ""
    url: str = ""
    author: str = ""
    published: str = ""  # ISO 8601 when the source gives a date
    words: int = field(default=0)
    # A body that is Markdown already (a feed's HTML, converted) can be stored as
    # it is, with its plain text, instead of being parsed into blocks only to be
    # written back as the same Markdown: at 10,000 feed entries that round trip
    # was most of an import. Both are read only when `blocks` is empty; the
    # library parses the stored Markdown into blocks when a story is opened.
    markdown: str = ""
    text: str = ""  # the body's plain text, for the index and snippets
    # A feed story's own key within its feed (see `entry_key`): how a refresh
    # finds the stored story again, whatever its title now says. "" elsewhere.
    feed_key: str = ""
    # The story's title or text changed after it was first stored (a feed
    # edited the entry); read state, bookmark and note were kept.
    updated: bool = False
    # A long Markdown file read for the reader's first screen: `blocks` are its
    # head (`markdown.plain_head`, or `markdown_head`), this the Markdown of the
    # body after them, not parsed yet. "" in a whole story. `Catalog.whole` gives the whole one;
    # nothing but the reading pane's first paint should use a story read in part.
    rest: str = ""

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.words)


def reading_minutes(words: int) -> int:
    """Minutes to read `words`, never 0 but for a story with none (an empty
    file): the story header and `news list --json` say the same figure."""
    return max(1, round(words / WORDS_PER_MINUTE)) if words else 0


def story_words(title: str, standfirst: str, body: int) -> int:
    """A story's words, for its reading time: its title's, standfirst's and
    body's (`body` words), or 0 when nothing under the title has a word (an
    empty file is a story of 0 words, "empty", not of its title's one)."""
    below = count_words(standfirst) + body
    return count_words(title) + below if below else 0


ToBlocks = Callable[[str], list[Block]]
"""How a source turns a body's Markdown into blocks: the app passes its Markdown
reader; the default (`markdown.plain.paragraphs`) only splits paragraphs."""


def utc_now() -> str:
    """Now, as every stored time is written: ISO 8601 in UTC to the second with
    a `Z`, which sorts as text and reads the same anywhere."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def count_words(*texts: str) -> int:
    """Words as a reader counts them, for reading time: runs of non-space,
    and in a text with few of them (Chinese, Japanese) its CJK characters as
    the words read in the same time (`CJK_CHARS_PER_MINUTE`)."""
    words = chars = 0
    for text in texts:
        runs = len(text.split())
        words += runs
        if runs * _SPARSE < len(text):
            chars += _cjk_chars(text)
    return words + _as_words(chars) if chars else words


def count_spaced_words(text: str) -> int:
    """Words in text tidied to single spaces and line breaks (what
    `markdown.markdown_to_text` gives), counted from the separators: four times
    quicker than splitting 10,000 bodies (0.07 s against 0.25), and the same
    count unless the text holds runs of spaces or other kinds of blank. CJK
    characters count as `count_words` counts them."""
    if not text:
        return 0
    gaps = text.count(" ") + text.count("\n")
    if gaps * _SPARSE >= len(text):
        return gaps + 1
    return gaps + 1 + _as_words(_cjk_chars(text))


def _as_words(cjk_chars: int) -> int:
    """CJK characters as the words read in the same time."""
    return round(cjk_chars * WORDS_PER_MINUTE / CJK_CHARS_PER_MINUTE)


def _cjk_chars(text: str) -> int:
    """The CJK characters in `text`, counted from their UTF-8 lead bytes (in C)."""
    if text.isascii():
        return 0
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw) - len(raw.translate(None, _CJK_LEADS))


def _short_digest(text: str) -> str:
    """Twelve hex digits of BLAKE2b, from CPython's own BLAKE2 (`_blake2`), which
    is what `hashlib.blake2b` is: importing `hashlib` loads OpenSSL's digests
    too (about 3 ms, on the first screen of `news FILE.md`, which makes an id)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # a Python built without it
        from hashlib import blake2b

    # "surrogatepass": a lone surrogate (from JSON) must not crash; other ids are unchanged.
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def article_id(section: str, title: str, salt: str = "") -> str:
    """A short id that depends only on the story itself, never on its position,
    so bookmarks and reading state survive other stories being added or moved."""
    key = "\x1f".join((section.casefold().strip(), title.casefold().strip(), salt))
    return _short_digest(key)


def entry_key(guid: str, link: str, title: str, published: str) -> str:
    """A feed entry's key within its feed: its guid (RSS) or id (Atom, JSON
    Feed), else its link, else its title and date. The kind is part of the key,
    so a guid that happens to equal another entry's link is still apart."""
    if guid:
        return "guid:" + guid
    if link:
        return "link:" + link
    return f"title:{title}\x1f{published}"


def feed_story_id(feed: str, key: str) -> str:
    """A feed story's id: its `entry_key` scoped by its feed (the source's
    address), so an edited headline keeps the id (and the story's read state,
    bookmark and note), and two feeds with the same headline never share one.
    Dump and Markdown stories keep `article_id`."""
    joined = "\x1f".join(("feed", feed, key))
    return _short_digest(joined)


def file_story_id(place: str) -> str:
    """A Markdown file's story's id: where the file is (its folder's real path
    and its name), whether it was read on its own (`news FILE.md`) or in a
    folder added to the library, so a bookmark made in one finds the story in
    the other. An edited title or section keeps the id, as a feed story's does;
    a moved file is a new story, as it is a new file."""
    return _short_digest("\x1f".join(("file", place)))


def synced_story_id(account: str, item: str) -> str:
    """A synced story's id: the server's item id (16 hex digits) scoped by the
    account, so the same item fetched again, or edited on its feed, keeps its
    id, and two accounts on one server never share one."""
    joined = "\x1f".join(("synced", account, item))
    return _short_digest(joined)


def make_article(
    section: str,
    title: str,
    blocks: list[Block] | tuple[Block, ...],
    source: str,
    *,
    standfirst: str = "",
    url: str = "",
    author: str = "",
    published: str = "",
    id: str | None = None,
    markdown: str = "",
    text: str = "",
    feed_key: str = "",
) -> Article:
    """An article with its word count. With no blocks, `markdown` is the body
    and `text` its plain text as `markdown.markdown_to_text` gives it (made here
    when not given), from which the words are counted."""
    blocks = tuple(blocks)
    if blocks or not markdown:
        markdown = text = ""  # the blocks are the body
        words = story_words(title, standfirst, count_words(*(b.text for b in blocks)))
    else:
        if not text:
            from reader.markdown import markdown_to_text  # it imports this module

            text = markdown_to_text(markdown)
        words = story_words(title, standfirst, count_spaced_words(text))
    return Article(
        id=id or article_id(section, title),
        section=section,
        title=title,
        blocks=blocks,
        source=source,
        standfirst=standfirst,
        url=url,
        author=author,
        published=published,
        words=words,
        markdown=markdown,
        text=text,
        feed_key=feed_key,
    )
