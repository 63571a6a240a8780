"""Feed bodies stored as the Markdown they were converted to, without the round
trip through blocks: the plain text made for the index, the library storing
them, and full text fetched from a page surviving later refreshes."""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from properties import lists_of

from reader.library.articles import Library
from reader.library.bodies import from_outline, outline, plain_text
from reader.library.db import SCHEMA_VERSION, migrate, open_library, user_version
from reader.markdown import markdown_to_blocks, markdown_to_text
from reader.model import Block, BlockKind, count_spaced_words, make_article
from reader.seeding import import_dump
from reader.sources.dump import read_dump
from reader.sources.feed import parse_feed
from reader.sources.html import html_to_markdown
from unit.test_markdown import any_blocks, marked_text

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"

RICH_HTML = """<h2>What <em>comes</em> next</h2>
<p>A <a href="https://x.org/a_b">link_with_under</a>, <code>snake_case()</code>, 2 * 3 and a_b.</p>
<ul><li>one <strong>bold</strong></li><li>two<ul><li>nested</li></ul></li></ul>
<ol><li>first</li><li>second</li></ol>
<blockquote><p>Quoted &amp; said.</p></blockquote>
<pre><code>x = *1*  # kept as written
y = [a](b)</code></pre>
<table><tr><th>Model</th><th>Range</th></tr><tr><td>S</td><td>600 km</td></tr></table>
<p><img src="https://x.org/p.jpg" alt="A red car parked"> <img src="https://x.org/q.jpg"
alt="q.jpg"> end<br>after break</p>
<p>Price: $5 &lt;b&gt; not bold ~tilde~ ==eq== #hash [brackets] \\backslash</p>"""


def words_of_blocks(markdown: str) -> list[str]:
    return plain_text(markdown_to_blocks(markdown)).split()


def test_an_alt_text_with_brackets_stays_words_not_an_image() -> None:
    for alt in ("![](x) [)]", "a [b] c"):
        picture = f'<img src="http://127.0.0.1:9/x.png" alt="{html.escape(alt)}">'
        markdown = html_to_markdown(f"<p>Body.</p><p>{picture}</p>")
        shown = [block.text for block in markdown_to_blocks(markdown)]
        assert shown[-1] == alt, shown  # the alt as written, under the picture
        assert not any("127.0.0.1" in text for text in shown)  # no address as words


def test_plain_text_has_the_words_the_blocks_have() -> None:
    markdown = html_to_markdown(RICH_HTML)
    text = markdown_to_text(markdown)
    assert text.split() == words_of_blocks(markdown)
    assert "x = *1*  # kept as written" in text.splitlines()  # code as written
    assert "A red car parked end" in " ".join(text.split())  # a placeholder image dropped


@pytest.mark.parametrize(
    "name", ["rss2.xml", "atom.xml", "hostile.xml", "rss1.rdf", "malformed.xml"]
)
def test_plain_text_of_the_fixture_feeds(name: str) -> None:
    result = parse_feed((FEEDS / name).read_bytes(), name, to_blocks=None)
    for article in result.articles:
        assert not article.blocks and article.markdown
        assert article.text == markdown_to_text(article.markdown)
        assert article.text.split() == words_of_blocks(article.markdown)
        assert "\x1b" not in article.text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**strong** and *em* and _em_ and snake_case", "strong and em and em and snake_case"),
        ("see <https://example.org/a_b_c>", "see https://example.org/a_b_c"),
        ('[link **bold**](<https://x.org/a b> "title")', "link bold"),
        ("``a ` b`` and `` ` ``", "a ` b and `"),
        ("&amp; &copy; &#x1b;[31m", "& ©"),  # a control's reference goes as it does
        ("&#27;]0;title&#7; and &#x9b;", "and"),  # in the story (its sequence whole)
        ("> quote\n> > deeper\n\n# Heading #", "quote\ndeeper\nHeading #"),
        ("line  \nnext\\\nlast", "line\nnext\nlast"),
        ("~~~\n**not** markup\n~~~\nafter *this*", "**not** markup\nafter this"),
        ("an unclosed ``` fence", "an unclosed ``` fence"),
        ("", ""),
        # An alt text with brackets (balanced, as CommonMark reads them), and
        # one word alone in its paragraph, which the story shows as a picture.
        ("An ![[red]pic](http://127.0.0.1:9/x.png) image", "An [red]pic image"),
        ("Body.\n\n![plainalt](http://127.0.0.1:9/p.png)\n\nAfter.", "Body.\nplainalt\nAfter."),
        ("a ![![i](j) k](x.png) b", "a i k b"),  # a picture in an alt text is its alt text
        # Titles in single quotes and parentheses, with escapes, on the next line.
        ("![A red car](x.png 'Photo') and [a link](x (Title))", "A red car and a link"),
        ('say [it](x "a \\"quoted\\" title")', "say it"),
        ('A [link](x.png\n  "a title") on', "A link on"),
    ],
)
def test_markdown_to_text(markdown: str, text: str) -> None:
    assert markdown_to_text(markdown) == text


@given(st.text())
def test_markdown_to_text_takes_any_text(markdown: str) -> None:
    text = markdown_to_text(markdown)
    assert "\x1b" not in text or "\x1b" in markdown


@given(st.text(alphabet="ab [ ]\\()!", max_size=14), st.booleans())
@example("[red]pic", False)
@example("plainalt", True)
@example("![]([)]", False)  # an image in the alt: the converter left its brackets bare
def test_the_index_holds_an_alt_text_as_the_story_shows_it(alt: str, alone: bool) -> None:
    """A feed's picture, its alt text any words and brackets: the index's text
    (made without parsing) has the words the story's blocks have, and no
    Markdown of the picture's."""
    picture = f'<img src="http://127.0.0.1:9/x.png" alt="{html.escape(alt)}">'
    body = f"<p>Body.</p><p>{picture}</p>" if alone else f"<p>Body with {picture} image</p>"
    markdown = html_to_markdown(body)
    text = markdown_to_text(markdown)
    assert sorted(text.split()) == sorted(words_of_blocks(markdown))
    assert "](http" not in text


@given(
    # Not `<a b.png>`: where it is no link's address, that is an HTML tag, which
    # the story drops and the index keeps (a person's Markdown, not a feed's).
    st.sampled_from(["x.png", "<x.png a b>", "", "x(1).png"]),
    st.text(alphabet="ab \"'()\\\n", max_size=12),
    st.sampled_from(['"{}"', "'{}'", "({})", "{}"]),
    st.sampled_from([" ", "\n", "  \n ", ""]),
)
@example("x.png", "Photo", "'{}'", " ")
@example("x.png", 'a \\"b', '"{}"', "\n")
@example("x.png", "\\", '"{}"', " ")  # the closing quote escaped: no link
@example("", "(", '"{}"', " ")  # `"("` is the address, unbalanced: no link
@example("x.png", "\\\n", '"{}"', "")  # a backslash takes a line break too
@example("", "\n", "{}", "\n")  # a blank line ends the paragraph, and the link
@example("x.png", "\\\n\n", '"{}"', " ")  # a backslash ending a paragraph is shown
@example("x.png", "\\( '", "'{}'", "")  # the address ends with an escaped `(`
def test_the_index_reads_a_link_and_its_title_as_the_story_does(
    address: str, title: str, quoted: str, gap: str
) -> None:
    """A link with any title, in any of the three quotes (or none, or broken):
    the index has the words the story's blocks have. A form it missed was left
    as its syntax, an address and a title found by search and never shown."""
    markdown = f"Before [the link]({address}{gap}{quoted.format(title)}) after"
    assert markdown_to_text(markdown).split() == words_of_blocks(markdown)


# Markdown made of words, escapes, blanks and the block syntax, with none of
# the characters the inline syntax other than an escape starts with.
_ESCAPES_AND_WORDS = st.text(alphabet="ab -.\\\n\t|#>+!()\"':/{}0é’", max_size=80)


@given(_ESCAPES_AND_WORDS)
@example("a hard\\\nbreak, an escaped\\-dash and \\\\- a backslash")
def test_text_with_only_escapes_for_inline_syntax_is_made_as_any_other(markdown: str) -> None:
    """`markdown_to_text` takes a quicker way for Markdown whose only inline
    syntax is escapes: it gives what the way for any Markdown gives."""
    from unittest.mock import patch

    from reader.markdown import plain

    quick = markdown_to_text(markdown)
    with patch.object(plain, "_INLINE_STARTS", "`[<&*_=~" + markdown):  # never the quick way
        assert markdown_to_text(markdown) == quick


def test_markdown_bodies_count_their_words() -> None:
    article = make_article("S", "Two words", (), "src", markdown="*One* two\n\nthree.")
    assert article.text == "One two\nthree."
    assert article.words == 2 + 3
    assert count_spaced_words("a b\nc") == 3 and count_spaced_words("") == 0
    # Blocks win: the Markdown is ignored when there are blocks.
    with_blocks = make_article("S", "T", markdown_to_blocks("Hello there"), "src", markdown="x")
    assert with_blocks.markdown == "" and with_blocks.words == 3


def test_library_stores_markdown_as_given(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    result = parse_feed(
        (FEEDS / "rss2.xml").read_bytes(), "https://motors.example.org/feed", to_blocks=None
    )
    source = library.add_source("feed", "https://motors.example.org/feed")
    assert library.upsert_articles(source, result.articles) == 3
    stored = result.articles[0]
    body, text = library.conn.execute(
        "SELECT body, text FROM articles WHERE id = ?", (stored.id,)
    ).fetchone()
    assert (body, text) == (stored.markdown, stored.text)
    opened = library.article(stored.id)
    assert opened is not None and opened.blocks == tuple(markdown_to_blocks(stored.markdown))
    assert opened.words == stored.words
    # Found by a word of the body.
    hits = library.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'shift'"
    ).fetchone()
    assert hits == (1,)
    # The same feed again changes nothing.
    assert library.upsert_articles(source, result.articles) == 0
    library.close()


def test_a_page_body_survives_the_feeds_next_copy(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    source = library.add_source("feed", "https://example.org/feed")
    first = make_article("News", "A story", (), "feed", markdown="The feed's excerpt.")
    library.upsert_articles(source, [first])
    full = "The whole story, fetched from its page, with many more words in it."
    assert library.set_page_body(first.id, full)
    assert not library.set_page_body("no-such-id", full)

    revised = make_article("News", "A story", (), "feed", markdown="A new excerpt.", id=first.id)
    assert library.upsert_articles(source, [revised]) == 0  # only the body differs
    retitled = make_article(
        "News", "A story, retitled", (), "feed", markdown="Another.", id=first.id
    )
    assert library.upsert_articles(source, [retitled]) == 1
    article = library.article(first.id)
    assert article is not None and article.title == "A story, retitled"
    assert article.blocks[0].text == full
    hits = library.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'fetched'"
    ).fetchone()
    assert hits == (1,)
    library.close()


def test_migration_keeps_stories(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, target=2)
    old.execute(
        "INSERT INTO sources (kind, location, added) VALUES ('feed', 'https://e.org/f', 'now')"
    )
    old.execute("INSERT INTO sections (key, name) VALUES ('news', 'News')")
    old.execute(
        "INSERT INTO articles (id, source_id, ordinal, section, section_id, title, body, text)"
        " VALUES ('a1', 1, 1, 'News', 1, 'Old story', 'Old body.', 'Old body.')"
    )
    old.close()
    conn = open_library(path)
    assert user_version(conn) == SCHEMA_VERSION >= 6
    # A feed story: version 5 gave it an id from its feed (its title and date
    # here, having no link), and kept the old one beside it.
    (new,) = conn.execute("SELECT new FROM id_moves WHERE old = 'a1'").fetchone()
    row = conn.execute(
        "SELECT page_body, outline, title FROM articles WHERE id = ?", (new,)
    ).fetchone()
    assert row == (0, None, "Old story")  # no outline: read from its Markdown
    assert ("hashsize", 16777216) in conn.execute("SELECT k, v FROM articles_fts_config").fetchall()
    conn.close()


# Outlines: stories stored as blocks (dumps) are read back without parsing Markdown.


# Drawing the blocks costs Hypothesis some thirty times what checking them does,
# so each draw is checked whole and at every cut (a story of its first n
# blocks).
@given(any_blocks(), marked_text())
def test_an_outline_and_the_plain_text_give_the_blocks_back(
    blocks: list[Block], marked: tuple[str, tuple]
) -> None:
    text, inlines = marked
    blocks = [*blocks, Block(BlockKind.PARAGRAPH, text, inlines=inlines)]
    for n in range(1, len(blocks) + 1):
        story = blocks[:n]
        assert from_outline(plain_text(story), outline(story)) == story


def test_an_outline_that_does_not_fit_its_text_is_refused() -> None:
    blocks = [Block(BlockKind.PARAGRAPH, "One."), Block(BlockKind.POST, "Two.", "Robin")]
    shape = outline(blocks)
    assert from_outline("One.\nTwo.\n— Robin", shape) == blocks
    assert from_outline("One.\nTwo.", shape) is None
    assert from_outline("One, longer.\nTwo.\n— Robin", shape) is None
    assert from_outline("One.\nTwo.\n— Robin", "not json") is None
    assert from_outline("One.\nTwo.\n— Robin", '[["nonsense", 4, "", "", 0, []]]') is None


def test_seed_stories_read_from_their_outline_as_parsed(tmp_path: Path, seed: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    import_dump(library, seed)
    parsed = read_dump(seed).articles
    for story in parsed:
        opened = library.article(story.id)
        assert opened is not None and opened.blocks == story.blocks
        # The same blocks as its Markdown gives, which other readers of the file see.
        (body,) = library.conn.execute(
            "SELECT body FROM articles WHERE id = ?", (story.id,)
        ).fetchone()
        assert tuple(markdown_to_blocks(body)) == story.blocks
    # A library written before outlines (or with one that no longer fits) reads
    # the Markdown instead.
    library.conn.execute("UPDATE articles SET outline = NULL WHERE id = ?", (parsed[0].id,))
    library.conn.execute("UPDATE articles SET outline = '[]' WHERE id = ?", (parsed[1].id,))
    for story in parsed[:2]:
        opened = library.article(story.id)
        assert opened is not None and opened.blocks == story.blocks
    library.close()


def test_a_page_body_replaces_the_outline(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib.sqlite")
    source = library.add_source("dump", str(tmp_path / "d.txt"))
    story = make_article("News", "A story", [Block(BlockKind.PARAGRAPH, "The dump's copy.")], "d")
    library.upsert_articles(source, [story])
    assert library.set_page_body(story.id, "The *whole* story.")
    opened = library.article(story.id)
    assert opened is not None and opened.blocks[0].text == "The whole story."
    library.close()


# Markdown where each reference to an ESC is followed by the sequence it would
# start (written plain or escaped), or where escapes make it text.
_REFERRING = lists_of(
    ["a", " ", "&#x1b;[31m", "&#27;[31m", "&#x1b;\\[31m", "\\", "&amp;", "#x1b;[31m", "\n\n"],
    max_size=12,
)


@given(_REFERRING.map("".join))
@example("a \\&#x1b;[31m b")
def test_the_index_keeps_a_reference_where_the_story_does(md: str) -> None:
    """A control's reference goes from the index with its sequence where the
    story drops it, and stays where the story shows it as text: the index
    dropped `\\&#x1b;[31m`, which the story shows, and
    kept "[31m" of `&#x1b;\\[31m`, which the story drops. (The index reads
    the text with its syntax and the story its parsed text: an ESC's reference
    followed by other syntax, such as a code span, can still differ.)"""
    assume("    " not in md)  # indented code, which the index does not know
    story = "\n".join(block.text for block in markdown_to_blocks(md))
    index = markdown_to_text(md)
    for shown in ("[31m", "&#x1b;", "&#27;"):
        assert (shown in index) == (shown in story), shown


@pytest.mark.parametrize(
    ("md", "text"),
    [
        ("a `&#x1b;[31m` b", "a &#x1b;[31m b"),
        ("a ``x &#27;[31m`` b", "a x &#27;[31m b"),
        ("```\n&#x1b;[31m\n```\n\nx &#x1b;[31my", "&#x1b;[31m\nx y"),
    ],
)
def test_a_reference_in_code_stays_in_the_index_as_in_the_story(md: str, text: str) -> None:
    assert markdown_to_text(md) == text
    assert "\n".join(block.text for block in markdown_to_blocks(md)).replace("\n", " ") == (
        text.replace("\n", " ")
    )
