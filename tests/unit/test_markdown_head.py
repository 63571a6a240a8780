"""A long Markdown file's head, parsed alone for the first screen, must be the
very blocks the whole file begins with: the reading pane shows the head first
and lays the rest out after it, so any difference would be seen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from properties import lists_of

from reader.markdown import markdown_head, markdown_to_blocks

CHARS = 80  # a small head, so that a few blocks run past it

WORDS = ["rocket", "tide", "Quokkapolis", "a", "*em*", "**strong**", "`code`"]
words = lists_of(WORDS, min_size=1, max_size=30).map(" ".join)  # one draw, not two a word
link = st.builds(lambda w: f"[{w}](https://example.com/{len(w)})", words)
line = st.one_of(words, link, st.builds(lambda a, b: f"{a} {b}", words, link))

# Blocks of every kind markdown-it reads, among them ones that run over blank
# lines (fenced code, loose lists, HTML blocks) and ones that change the block
# before them (a setext underline) or after them (the reader's post marker).
block = st.one_of(
    line,
    st.builds(lambda n, w: f"{'#' * n} {w}", st.integers(1, 3), words),
    st.builds(lambda w: f"{w}\n---", words),
    st.builds(lambda ws: "\n".join(f"- {w}" for w in ws), st.lists(line, min_size=1, max_size=4)),
    st.builds(
        lambda ws: "\n\n".join(f"1. {w}" for w in ws), st.lists(line, min_size=1, max_size=3)
    ),
    st.builds(lambda w, v: f"- {w}\n\n  {v}\n  - {v}", line, line),
    st.builds(lambda w: f"> {w}\n>\n> {w}", line),
    st.builds(lambda w: f"```\n{w}\n\n{w}\n```", words),
    st.builds(lambda w: f"~~~\n{w}\n\n", words),  # a fence never closed: to the end
    st.builds(lambda w: f"    {w}\n\n    {w}", words),
    st.builds(lambda w: f"<div>\n{w}\n</div>", words),
    st.builds(lambda w: f"<!--\n{w}\n\n{w}\n-->", words),
    st.builds(lambda w: f'<!-- news:post {{"attribution": "me"}} -->\n\n> {w}\n>\n> — me', words),
    st.just("<!-- news:related -->"),
    st.builds(lambda w: f"| a | b |\n|---|---|\n| {w} | {w} |", words),
    st.builds(lambda w: f"{w}  \n{w}", words),
    st.just("***"),
    st.builds(lambda w: f"![{w}](https://example.com/p.png)", words),
)
document = st.lists(block, min_size=4, max_size=24).map("\n\n".join)


# Making a document costs Hypothesis several times what checking it does, so
# each is checked at two more head sizes around CHARS: 100 documents at three
# sizes are as many heads as the 300 at one size this drew before.
HEAD_SIZES = (CHARS // 2, CHARS, CHARS * 3)


@given(document)
def test_the_head_is_how_the_whole_begins(md: str) -> None:
    whole = markdown_to_blocks(md)
    for size in HEAD_SIZES:
        found = markdown_head(md, size)
        if found is None:
            continue
        head, rest = found
        assert head == whole[: len(head)], size
        assert head, "a head has at least one block"
        assert md.endswith(rest) and len(rest) < len(md)


def test_a_long_story_is_read_as_its_head() -> None:
    md = "\n\n".join(
        f"Paragraph {n} of the story, with [a link](https://e.com/{n})." for n in range(40)
    )
    found = markdown_head(md, 300)
    assert found is not None
    head, rest = found
    assert 3 <= len(head) < 40
    assert head == markdown_to_blocks(md)[: len(head)]
    assert rest.startswith(f"Paragraph {len(head)} of the story")


def test_a_short_story_is_parsed_whole() -> None:
    assert markdown_head("One paragraph.\n\nAnother.", 300) is None


def test_a_link_defined_after_the_head_keeps_it_whole() -> None:
    # [the map] in the first paragraph is a link only because of the definition
    # at the end: read alone, the head would show it as text in brackets.
    paragraphs = ["See [the map] first."] + [f"Paragraph {n}." for n in range(60)]
    md = "\n\n".join([*paragraphs, "[the map]: https://example.com/map"])
    assert markdown_head(md, 200) is None
    assert markdown_to_blocks(md)[0].inlines[0].url == "https://example.com/map"


def test_one_block_past_the_head_keeps_it_whole() -> None:
    code = "```\n" + "\n".join(f"line {n}" for n in range(200)) + "\n```\n\nAfter."
    assert markdown_head(code, 200) is None
