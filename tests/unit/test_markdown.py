"""Bodies as Markdown: the seed's blocks survive the trip, feed Markdown maps sensibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from properties import lists_of

from reader.markdown import blocks_to_markdown, markdown_to_blocks
from reader.model import Block, BlockKind, Inline, Mark
from reader.sanitize import clean, clean_line
from reader.sources.dump import read_dump

K = BlockKind
DUMP_KINDS = [K.PARAGRAPH, K.LABEL, K.QUOTE, K.RELATED, K.FOOTER]


def roundtrip(blocks: list[Block]) -> list[Block]:
    return markdown_to_blocks(blocks_to_markdown(blocks))


def test_seed_stories_survive_the_trip(seed: Path) -> None:
    articles = read_dump(seed).articles
    kinds = {b.kind for a in articles for b in a.blocks}
    assert {K.PARAGRAPH, K.QUOTE, K.POST, K.RELATED, K.FOOTER} <= kinds
    for article in articles:
        assert tuple(roundtrip(list(article.blocks))) == article.blocks


def test_markdown_specials_stay_text() -> None:
    texts = [
        "*not emphasis* [x](y) # no heading",
        "# not a heading",
        "> not a quote",
        "- not a list",
        "+ nor this",
        "1. not numbered",
        "2) nor this",
        "===",
        "---",
        "```not a fence",
        "<b>not html</b> &amp; not an entity &#65;",
        "a | table | row",
        "~~not struck~~ and `not code` and \\ backslash",
        "![not an image](x.png)",
        "    four spaces first",
        "trailing backslash\\",
        "Tesla's “quotes” — and dashes…",
    ]
    for text in texts:
        for kind in DUMP_KINDS:
            blocks = [Block(kind, text)]
            assert roundtrip(blocks) == blocks, (kind, text, blocks_to_markdown(blocks))


def test_dump_kinds_are_marked_and_posts_signed() -> None:
    blocks = [
        Block(K.LABEL, "Summary:"),
        Block(K.RELATED, "Another headline"),
        Block(K.POST, "line one\nline two", attribution="Robin (@r) June 1, 2026", url="x.com/a"),
        Block(K.FOOTER, "Send tips to tips@example.org"),
    ]
    md = blocks_to_markdown(blocks)
    assert "<!-- news:label -->\nSummary:" in md
    assert "<!-- news:related -->\nAnother headline" in md
    assert '"attribution": "Robin (@r) June 1, 2026"' in md
    assert "> line one\\\n> line two\n>\n> — Robin (@r) June 1, 2026" in md
    assert "<!-- news:footer -->" in md
    assert roundtrip(blocks) == blocks


def test_posts_without_text_or_attribution() -> None:
    blocks = [Block(K.POST, "", attribution="A (@a) May 2, 2025"), Block(K.POST, "only text")]
    assert roundtrip(blocks) == blocks


def test_feed_markdown_maps_to_blocks() -> None:
    md = """# Title

## Part **two**

Some *soft*
break and a hard\\
break with `code` and [a link](https://example.org/x).

> Quoted once.
>
> Quoted twice.

- one
- two
  - nested
    with more
3. third
4. fourth

---

```python
print("hi")
```

    indented code

![a Tesla Model Y on a road](car.jpg)

![](spacer.gif) ![IMG_1234.JPG](a.jpg) text after ![photo](p.png)

<div>raw html is dropped</div>

| a | b |
|---|---|
| 1 | 2 |
"""
    blocks = markdown_to_blocks(md)
    assert blocks[0] == Block(K.HEADING, "Title", level=1)
    assert blocks[1] == Block(K.HEADING, "Part two", level=2, inlines=(Inline(5, 8, Mark.STRONG),))
    para = blocks[2]
    assert para.kind is K.PARAGRAPH
    assert para.text == "Some soft break and a hard\nbreak with code and a link."
    assert para.inlines == (
        Inline(5, 9, Mark.EMPHASIS),
        Inline(38, 42, Mark.CODE),
        Inline(47, 53, Mark.LINK, "https://example.org/x"),
    )
    assert blocks[3:5] == [Block(K.QUOTE, "Quoted once."), Block(K.QUOTE, "Quoted twice.")]
    assert blocks[5:10] == [
        Block(K.LIST_ITEM, "one", level=1),
        Block(K.LIST_ITEM, "two", level=1),
        Block(K.LIST_ITEM, "nested with more", level=2),
        Block(K.LIST_ITEM, "3. third", level=1),
        Block(K.LIST_ITEM, "4. fourth", level=1),
    ]
    assert blocks[10:12] == [Block(K.CODE, 'print("hi")'), Block(K.CODE, "indented code")]
    # A picture alone in its paragraph is an image block: alt text and address.
    assert blocks[12] == Block(K.IMAGE, "a Tesla Model Y on a road", url="car.jpg")
    # Placeholders inside text are dropped, as before.
    assert blocks[13] == Block(K.PARAGRAPH, "text after")
    assert blocks[14] == Block(K.PARAGRAPH, "a | b")
    assert blocks[15] == Block(K.PARAGRAPH, "1 | 2")
    assert len(blocks) == 16


def test_loose_list_item_paragraphs_join() -> None:
    blocks = markdown_to_blocks("- first\n\n  second\n- next\n")
    assert blocks == [
        Block(K.LIST_ITEM, "first\nsecond", level=1),
        Block(K.LIST_ITEM, "next", level=1),
    ]


def test_inline_spans_survive_the_trip() -> None:
    text = "Hello bold and em and code and link, both"
    inlines = (
        Inline(6, 10, Mark.STRONG),
        Inline(15, 17, Mark.EMPHASIS),
        Inline(22, 26, Mark.CODE),
        Inline(31, 35, Mark.LINK, "https://example.org/a_b"),
        Inline(37, 41, Mark.EMPHASIS),
        Inline(37, 41, Mark.STRONG),
    )
    for kind in (K.PARAGRAPH, K.QUOTE, K.RELATED, K.HEADING, K.LIST_ITEM):
        level = 1 if kind in (K.HEADING, K.LIST_ITEM) else 0
        blocks = [Block(kind, text, inlines=inlines, level=level)]
        back = roundtrip(blocks)
        assert back[0].text == text
        assert set(back[0].inlines) == set(inlines), kind


def test_spans_markdown_cannot_hold_are_dropped_not_garbled() -> None:
    text = "x“quoted”y and ja" + "vascript"
    inlines = (
        Inline(1, 9, Mark.STRONG),  # inside a word, next to punctuation
        Inline(14, 25, Mark.LINK, "javascript:alert(1)"),
        Inline(0, 3, Mark.EMPHASIS),  # crosses the strong span
    )
    back = roundtrip([Block(K.PARAGRAPH, text, inlines=inlines)])
    assert back[0].text == text
    assert Inline(14, 25, Mark.LINK, "javascript:alert(1)") not in back[0].inlines


def test_images_become_image_blocks_and_the_paragraph_stays_whole() -> None:
    md = (
        "Before ![a chart of sales by month](https://e.org/c.png) after it.\n\n"
        "[![Semi in the snow](https://e.org/s.jpg)](https://e.org/page)\n\n"
        "![](https://e.org/x.jpg)\n\n"
        "Nice ![:)](https://e.org/smile.png) day\n"
    )
    assert markdown_to_blocks(md) == [
        # A picture inside a sentence comes after it: the sentence is not cut in two.
        Block(K.PARAGRAPH, "Before after it."),
        Block(K.IMAGE, "a chart of sales by month", url="https://e.org/c.png"),
        Block(K.IMAGE, "Semi in the snow", url="https://e.org/s.jpg"),
        Block(K.IMAGE, "", url="https://e.org/x.jpg"),
        Block(K.PARAGRAPH, "Nice day"),  # an emoji drawn as a picture, in a sentence
    ]
    # Written back as Markdown pictures, which other renderers show.
    written = blocks_to_markdown(markdown_to_blocks(md))
    assert "![a chart of sales by month](https://e.org/c.png)" in written
    assert markdown_to_blocks(written) == markdown_to_blocks(md)


def test_markers_only_apply_to_the_next_block() -> None:
    md = "<!-- news:label -->\nSummary:\n\nplain\n\n<!-- news:bogus -->\nalso plain\n"
    assert markdown_to_blocks(md) == [
        Block(K.LABEL, "Summary:"),
        Block(K.PARAGRAPH, "plain"),
        Block(K.PARAGRAPH, "also plain"),
    ]


def test_list_levels_and_code() -> None:
    blocks = [
        Block(K.LIST_ITEM, "a", level=1),
        Block(K.LIST_ITEM, "b\nc", level=2),
        Block(K.LIST_ITEM, "d", level=3),
        Block(K.LIST_ITEM, "e", level=1),
        Block(K.PARAGRAPH, "after"),
        Block(K.CODE, "  indented\n\n```\n"),
        Block(K.CODE, ""),
        Block(K.HEADING, "Six", level=6),
    ]
    assert roundtrip(blocks) == blocks


def test_urls_and_attributions_on_any_block() -> None:
    blocks = [
        Block(K.PARAGRAPH, "p", url="https://example.org/-->", attribution='"x" <y>'),
        Block(K.LIST_ITEM, "item", url="u", level=1),
        Block(K.LIST_ITEM, "child", url="v", level=2),
        Block(K.QUOTE, "q", attribution="someone"),
        Block(K.RELATED, "r", url="https://example.org/r"),
    ]
    assert roundtrip(blocks) == blocks


# Property tests -------------------------------------------------------------------

# Text as the dump parser leaves it: one line, single spaces, no control characters.
line = st.text(min_size=1, max_size=60).map(clean_line).filter(bool)
post_text = st.lists(line, max_size=4).map("\n".join)


@st.composite
def dump_blocks(draw: st.DrawFn) -> list[Block]:
    blocks = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            attribution = draw(st.one_of(st.just(""), line))
            url = draw(st.one_of(st.just(""), line))
            blocks.append(Block(K.POST, draw(post_text), attribution=attribution, url=url))
        else:
            blocks.append(Block(draw(st.sampled_from(DUMP_KINDS)), draw(line)))
    return [b for b in blocks if b.text or b.attribution]


# Drawing blocks costs Hypothesis several times what the trip does, so each draw
# is taken whole and at every cut (its first n blocks, each a story of its own).
@given(dump_blocks())
def test_dump_blocks_roundtrip(blocks: list[Block]) -> None:
    for n in range(len(blocks) + 1):
        assert roundtrip(blocks[:n]) == blocks[:n]


# Any text a source may hold after sanitising: newlines, tabs, odd spaces and all.
any_text = st.text(min_size=1, max_size=60).map(clean).filter(bool)


@given(st.sampled_from([*DUMP_KINDS, K.LIST_ITEM, K.HEADING, K.CODE]), any_text, st.integers(1, 6))
def test_any_sanitised_text_roundtrips(kind: BlockKind, text: str, level: int) -> None:
    level = level if kind in (K.LIST_ITEM, K.HEADING) else 0
    level = min(level, 1) if kind is K.LIST_ITEM else level
    blocks = [Block(kind, text, level=level)]
    assert roundtrip(blocks) == blocks, blocks_to_markdown(blocks)


# A block's kind, attribution and address, one draw (three were a third of
# the CPU of making blocks); a post's attribution is drawn apart, below.
kind_attribution_url = st.sampled_from(
    [(k, a, u) for k in BlockKind for a in ("", "someone") for u in ("", "https://example.org/-->")]
)


@st.composite
def any_blocks(draw: st.DrawFn) -> list[Block]:
    """Every kind, with urls and attributions anywhere and lists nested properly."""
    blocks = []
    previous_level = 0
    for _ in range(draw(st.integers(0, 8))):
        kind, attribution, url = draw(kind_attribution_url)
        text = draw(any_text)
        if kind is K.POST:
            text = draw(st.sampled_from([text, ""]))
            attribution = draw(any_text) if not text or draw(st.booleans()) else ""
        level = 0
        if kind is K.LIST_ITEM:
            level = previous_level = draw(st.integers(1, previous_level + 1))
        else:
            previous_level = 0
            level = draw(st.integers(1, 6)) if kind is K.HEADING else 0
        blocks.append(Block(kind, text, attribution, url, level=level))
    return blocks


@given(any_blocks())
def test_any_blocks_roundtrip(blocks: list[Block]) -> None:
    for n in range(len(blocks) + 1):
        assert roundtrip(blocks[:n]) == blocks[:n], blocks_to_markdown(blocks[:n])


mark_url = st.sampled_from(  # one draw, not two
    [(m, "https://example.org/" + u) for m in Mark for u in ("", "a b", "(x)", "a_b")]
)


@st.composite
def marked_text(draw: st.DrawFn) -> tuple[str, tuple[Inline, ...]]:
    text = draw(st.text(st.sampled_from("ab .,*_`[]!\n“"), min_size=1, max_size=30))
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        mark, url = draw(mark_url)
        spans.append(Inline(start, end, mark, url if mark is Mark.LINK else ""))
    return text, tuple(spans)


# Drawing marked text costs Hypothesis several times what checking it does, so
# each draw is checked as every kind of block that holds spans: 100 draws at
# four kinds are 400 checks (500 draws of one kind before).
@given(marked_text())
def test_spans_never_change_the_text(marked: tuple[str, tuple[Inline, ...]]) -> None:
    for kind in (K.PARAGRAPH, K.QUOTE, K.LIST_ITEM, K.HEADING):
        text, inlines = marked
        if kind is K.HEADING:
            text = text.replace("\n", " ")
        level = 1 if kind in (K.LIST_ITEM, K.HEADING) else 0
        back = roundtrip([Block(kind, text, inlines=inlines, level=level)])
        assert [b.text for b in back] == [text], blocks_to_markdown(
            [Block(kind, text, inlines=inlines, level=level)]
        )
        # What comes back is what was written, maybe trimmed of spaces, never invented.
        for span in back[0].inlines:
            assert any(
                span.mark is i.mark and i.start <= span.start and span.end <= i.end
                for i in inlines
            ), (kind, span)


markdownish = st.text(st.sampled_from("ab1 \n\t#>-+*_`~[]()!<>&;:|=\\.{}\"'/"), max_size=80)


@given(st.one_of(markdownish, st.text(max_size=80)))
def test_never_raises_on_any_markdown(md: str) -> None:
    for block in markdown_to_blocks(md):
        assert isinstance(block, Block)
        for span in block.inlines:
            assert 0 <= span.start < span.end <= len(block.text)


@pytest.mark.parametrize(
    "md",
    [
        "<!-- news:post {not json} -->\n> x\n",
        '<!-- news:post {"attribution": 5} -->\n> x\n',
        "<!-- news:post -->\n",
        '<!-- news:post {"attribution": "a"} -->\nnot a quote\n',
        "> " * 200 + "deep",
        "- " * 200 + "deep",
        "[" * 1000 + "]" * 1000,
        "*" * 5000,
    ],
)
def test_odd_markdown(md: str) -> None:
    markdown_to_blocks(md)


def test_each_name_is_imported_from_its_part_once_then_kept_in_the_package() -> None:
    # `from reader.markdown import markdown_to_text` runs for every stored body:
    # after the first, the package holds the name, and its `__getattr__` (an
    # import machinery call each time) is not asked again.
    import importlib

    import reader.markdown as package

    for name in package.__all__:
        got = getattr(package, name)
        part = importlib.import_module(f"reader.markdown.{package._PART[name]}")
        assert vars(package).get(name) is got is getattr(part, name), name


def test_pictures_before_a_paragraphs_first_word_go_before_it_the_rest_after() -> None:
    md = (
        "![A photo of the pad](p.jpg) The pad at **dawn** ![a wide view](w.jpg), "
        "[seen](https://x.org) from ![the north side](n.png) afar.\n"
    )
    assert markdown_to_blocks(md) == [
        Block(K.IMAGE, "A photo of the pad", url="p.jpg"),
        Block(
            K.PARAGRAPH,
            "The pad at dawn, seen from afar.",
            inlines=(Inline(11, 15, Mark.STRONG), Inline(17, 21, Mark.LINK, "https://x.org")),
        ),
        Block(K.IMAGE, "a wide view", url="w.jpg"),
        Block(K.IMAGE, "the north side", url="n.png"),
    ]
    assert roundtrip(markdown_to_blocks(md)) == markdown_to_blocks(md)


@pytest.mark.parametrize(
    "md",
    ["[link](javascript:alert(1))", "[link](vbscript:x)", "[link](file:///etc/passwd)", "[link]()"],
)
def test_a_link_markdown_refuses_reads_as_its_text_not_its_source(md: str) -> None:
    (block,) = markdown_to_blocks(f"Body with {md} and [ok](https://example.com/ok).")
    assert block.text == "Body with link and ok."
    assert block.inlines == (Inline(19, 21, Mark.LINK, "https://example.com/ok"),)


def test_a_picture_markdown_refuses_keeps_its_words_and_no_address() -> None:
    (block,) = markdown_to_blocks("![a chart of sales](javascript:alert(1))")
    assert (block.kind, block.text, block.url) == (BlockKind.IMAGE, "a chart of sales", "")


@pytest.mark.parametrize(
    ("reference", "character", "shown"),
    [
        ("&#x1b;", "\x1b", "before red"),
        ("&#27;", "\x1b", "before red"),
        ("&#x9b;", "\x9b", "before [31mred"),
    ],
)
def test_a_reference_to_a_control_character_goes_as_the_character_does(
    reference: str, character: str, shown: str
) -> None:
    # markdown-it decodes it to U+FFFD; written raw, the character goes, and
    # an ESC takes its sequence with it (`clean`): so does the reference.
    (raw,) = markdown_to_blocks(clean(f"before {character}[31mred"))
    (block,) = markdown_to_blocks(f"before {reference}[31mred")
    assert block.text == raw.text == shown


@given(
    lists_of(
        ["a", " ", "[", "](", ")", "!", "*", "`", "&#x1b;", "&#155;", "[31m", "<"], max_size=16
    ).map("".join)
)
def test_no_reference_brings_back_what_clean_removes(md: str) -> None:
    for block in markdown_to_blocks(md):
        assert clean(block.text) == block.text
        assert "\ufffd" not in block.text
