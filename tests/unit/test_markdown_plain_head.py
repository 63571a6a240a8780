"""A long Markdown file's head read without markdown-it (`plain_head`) must be
the very blocks markdown-it reads the whole file into, or nothing: the first
screen of `news FILE.md` is painted from it, and the rest laid out after it."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from properties import lists_of

from reader.markdown import markdown_head, markdown_to_blocks
from reader.markdown.head import plain_head
from reader.model import Block, BlockKind, Inline, Mark

# Pieces of a line: plain words (most of them, so that many heads are plain
# enough to read), the Markdown plain_head reads, and the Markdown near it
# that it must decline or read as markdown-it does.
WORDS = ["rocket", "Tide", "a", "Quokkapolis", "2026", "été", "AT&T", "(aside)"]
READS = ["*em*", "**strong**", "*two words*", "[a link](https://example.com/a)"]
READS += ["[text](/relative?q=1&r=2#x)", "[A](HTTPS://Example.COM/)", "x!", "#"]
near = st.sampled_from(["***both***", "*open", "close*", "a*b*c", "*(p)*", '*"q"*', "* a *"])
near |= st.sampled_from(["**a*", "*a**", "_em_", "__s__", "snake_case", "a_b", "&amp;", "&#42;"])
near |= st.sampled_from(["[a](javascript:alert)", "[a](FILE:x)", "[a](u 'title')", "[a]( u)"])
near |= st.sampled_from(["[ a ](u)", "[a] (u)", "[a][b]", "[a]", "![a](u)", "[a](u%20v)"])
near |= st.sampled_from(["[a](u&amp;v)", "[a](<u>)", "[a](u(v))", "[*a*](u)", "&copy", "\\*"])
near |= st.sampled_from(["`code`", "<b>", "~~s~~", "a|b", "!", "\u00a0", "x\u00a0", "1.", "2)"])
near |= st.sampled_from(["https://example.com/", "-", "+", "*", "**", "[", "](", "\u2028*a*"])
near |= st.sampled_from(["*a*'s", "*a*\u2014b", "\u3000*a*", "[a!](x*y)", "[a  b](u)", "10.5"])
SEPARATORS = [" ", " ", " ", " ", " ", "", "\n", ", ", ". "]
separator = st.sampled_from(SEPARATORS)
# Pieces with the separator before each, drawn as one text (`lists_of`):
# Hypothesis spent most of this test's CPU making documents, four draws a
# piece when its kind, the piece and its separator were drawn apart.
spaced_pieces = lists_of([(s, p) for s in SEPARATORS for p in WORDS + READS], 3, 12)


@st.composite
def text_line(draw: st.DrawFn, odd: bool = True) -> str:
    """Words and what plain_head reads, and (if `odd`, in half the lines) one
    piece of the Markdown near it."""
    pieces = draw(spaced_pieces)
    if odd and draw(st.booleans()):
        pieces.insert(draw(st.integers(0, len(pieces))), (draw(separator), draw(near)))
    return (pieces[0][1] + "".join(s + p for s, p in pieces[1:])).strip("\n")


plain_start = st.sampled_from(["", "", "", "", "", "", "# ", "## ", "###### "])
odd_start = st.sampled_from(["####### ", "#", "1. ", "3) ", "- ", "* ", "> ", "    ", " "])
odd_start |= st.sampled_from(["\t", "| ", "<div>", "[x]: /u\n", "*", "**", "["])
plain_block = st.builds(lambda s, t: s + t, plain_start, text_line(odd=False))
block = st.one_of(
    st.builds(lambda s, t: s + t, plain_start, text_line()),
    st.builds(lambda s, t: s + t, odd_start, text_line()),
    st.builds(lambda t: f"{t}\n===", text_line()),
    st.builds(lambda t: f"{t}  \n{t}", text_line()),
    st.builds(lambda t: f"```\n{t}\n\n{t}\n```", text_line()),
    st.builds(lambda t, u: f"# {t}\n{u}", text_line(), text_line()),
)
blank = st.sampled_from(["\n\n", "\n\n", "\n\n", "\n \n", "\n\n\n", "\n\t\n"])


@st.composite
def document(draw: st.DrawFn) -> str:
    """A few plain blocks, then any: the plain ones make many heads plain
    enough to read, the others put what is not at every place after them."""
    blocks = draw(st.lists(plain_block, min_size=0, max_size=4))
    blocks += draw(st.lists(block, min_size=8, max_size=10))
    gaps = draw(st.lists(blank, min_size=len(blocks), max_size=len(blocks)))
    return "".join(b + g for b, g in zip(blocks, gaps, strict=True)).strip()


# Making a document costs Hypothesis several times what checking it does, so
# each is checked at several head sizes: 100 documents at up to four sizes are
# more heads than the 200 at one size this drew before.
HEAD_SIZES = (40, 100, 240)


@given(document(), st.integers(40, 240))  # small heads, so that blocks run past them
@example("Plain *em* and **strong** and [a](https://e.com/x).\n\n" * 8, 100)
def test_the_plain_head_is_how_markdown_it_reads_the_whole(md: str, chars: int) -> None:
    whole = None
    for size in sorted({chars, *HEAD_SIZES}):
        found = plain_head(md, size)
        if found is None:
            continue
        head, rest = found
        whole = markdown_to_blocks(md) if whole is None else whole
        assert head, "a head has at least one block"
        assert head == whole[: len(head)], size
        assert md.endswith(rest) and len(rest) < len(md)
        assert whole[len(head) :] == markdown_to_blocks(rest), size


def test_plain_prose_is_read_without_markdown_it() -> None:
    """Headings, paragraphs over several lines, emphasis and links: what the
    first screen of most stories holds, read here, not left to markdown-it."""
    paragraphs = [
        f"Paragraph {n} of the story, with [a link](https://e.com/{n}?a=1&b=2),\n"
        f"*emphasis*, **strong words** and (an aside)!"
        for n in range(30)
    ]
    md = "\n\n".join(["## Part one", *paragraphs[:10], "### Part two", *paragraphs[10:]])
    found = plain_head(md, 600)
    assert found is not None
    head, rest = found
    assert head == markdown_to_blocks(md)[: len(head)]
    parsed = markdown_head(md, 600)  # markdown-it's head, a block shorter or the same
    assert parsed is not None and head[: len(parsed[0])] == parsed[0]
    assert md.endswith(rest) and rest.startswith(f"Paragraph {len(head) - 1} ")
    assert head[0] == Block(BlockKind.HEADING, "Part one", level=2)
    text = "Paragraph 0 of the story, with a link, emphasis, strong words and (an aside)!"
    assert head[1] == Block(
        BlockKind.PARAGRAPH,
        text,
        inlines=(
            Inline(31, 37, Mark.LINK, "https://e.com/0?a=1&b=2"),
            Inline(39, 47, Mark.EMPHASIS),
            Inline(49, 61, Mark.STRONG),
        ),
    )


def test_anything_else_is_left_to_markdown_it() -> None:
    lines = [f"Line {n} of a story that goes on." for n in range(100)]
    for odd in ("- a list", "> a quote", "    code", "a `code` span", "<b>bold</b>", "a\\*"):
        md = "\n\n".join([*lines[:2], odd, *lines])
        assert plain_head(md, 300) is None
    assert plain_head("\n\n".join(lines[:4]), 300) is None  # short: parsed whole
