"""HTML nested too deep for the converter or for markdown-it keeps its words."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from properties import lists_of

from reader.cli import main
from reader.markdown import markdown_to_blocks
from reader.sources.html import html_to_markdown
from reader.sources.html_depth import flatten_deep


def shown(markdown: str) -> list[str]:
    return [block.text for block in markdown_to_blocks(markdown)]


def test_a_feed_story_in_3000_nested_divs_keeps_its_body(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
    body = "<div>" * 3000 + "deep words" + "</div>" * 3000
    feed = write_dump(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>'
        f"<item><title>Deep story</title><guid>d1</guid><description>{html.escape(body)}"
        "</description></item></channel></rss>",
        "deep.xml",
    )
    assert main(["list", str(feed)]) == 0
    story_id = capsys.readouterr().out.splitlines()[1].split()[0]
    assert main(["show", story_id, str(feed)]) == 0
    out, err = capsys.readouterr()
    assert "4 words" in out and "deep words" in out.splitlines() and err == ""


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("<blockquote>" * 600, "</blockquote>" * 600),  # deeper than markdown-it reads
        ("<ul><li>x" * 300, "</li></ul>" * 300),  # which lost what followed, too
        ("<ul><li>x" * 300, ""),  # never closed
        ("<b>" * 3000, "</b>" * 3000),  # deeper than the converter walks
    ],
    ids=["quotes", "lists", "unclosed lists", "bold"],
)
def test_deep_quotes_and_lists_keep_their_words_and_what_follows(
    opening: str, closing: str
) -> None:
    markdown = html_to_markdown(f"<p>Intro.</p>{opening}deep words{closing}<p>After.</p>")
    text = " ".join(shown(markdown))
    assert text.startswith("Intro.") and "deep words" in text and text.endswith("After.")


_TAGS = re.compile(r"<[^>]*>")


def nested(depth: int) -> st.SearchStrategy[str]:
    """Well-nested HTML at most `depth` elements deep."""
    word = st.sampled_from(["a", "b c", "<br>", '<img src="x.png" alt="y">'])
    if depth == 0:
        return word
    name = st.sampled_from(["div", "ul", "li", "blockquote", "b", "p", "span"])
    element = st.tuples(name, st.lists(nested(depth - 1), max_size=3)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
    )
    return st.one_of(word, element)


@given(nested(5), lists_of(["<ul>", "<li>", "</ul>", "<div>", "w", "</li>"]))
def test_flattening_keeps_every_word_and_leaves_shallow_html_alone(
    shallow: str, soup: list[str]
) -> None:
    assert flatten_deep(shallow) == shallow
    deep = "".join(soup) * 20
    assert _TAGS.sub(" ", flatten_deep(deep)).split() == _TAGS.sub(" ", deep).split()
