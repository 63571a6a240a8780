"""How a story's body is kept in the library, and given back.

A body is stored three ways at once, each for a reader of its own: Markdown
(`body`, what a person's export or `news` itself reads), its plain text
(`text`: what FTS5 indexes and cuts snippets from) and, for a story made of
blocks (a dump), the outline of those blocks without their text (`outline`).
With `text`, the outline gives the blocks back without parsing the Markdown,
which spares opening a story the import of markdown-it.

Apart from the library's reading and writing (`articles`, `store`) because both
sides must agree on these formats byte for byte, and the tests of the format
(round trips, hostile outlines) need neither a database nor a `Library`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from reader.model import Article, Block, BlockKind, Inline, Mark
from reader.sanitize import UNSAFE

__all__ = ["blocks_of", "from_outline", "outline", "plain_text", "stored_body"]


def stored_body(article: Article) -> tuple[str, str, str | None]:
    """The body as stored: Markdown, its plain text, and the outline of its
    blocks when it has blocks (an article given as Markdown alone is stored
    as that Markdown, unparsed: see `model.Article`)."""
    if not article.blocks and article.markdown:
        if article.text:  # a feed's, made with the story: nothing to import or make
            return article.markdown, article.text, None
        from reader.markdown import markdown_to_text

        return article.markdown, markdown_to_text(article.markdown), None
    from reader.markdown import blocks_to_markdown

    blocks = article.blocks
    return blocks_to_markdown(blocks), plain_text(blocks), outline(blocks)


def blocks_of(body: str, text: str, shape: str | None) -> list[Block]:
    """A stored body's blocks: from its outline where it has one that fits its
    text and carries nothing unsafe, else parsed from its Markdown now (a
    library made elsewhere is read cleaned)."""
    blocks = from_outline(text, shape) if shape is not None else None
    if blocks is not None and _unsafe(blocks):
        blocks = None
    if blocks is None:
        from reader.markdown import markdown_to_blocks

        blocks = markdown_to_blocks(body)
    return blocks


def outline(blocks: Sequence[Block]) -> str:
    """The blocks without their text, as JSON: with `plain_text(blocks)` this
    is all `from_outline` needs to give the blocks back."""
    return json.dumps(
        [
            [
                b.kind.value,
                len(b.text),
                b.attribution,
                b.url,
                b.level,
                [[i.start, i.end, i.mark.value, i.url] for i in b.inlines],
            ]
            for b in blocks
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_outline(text: str, shape: str) -> list[Block] | None:
    """The blocks whose outline and `plain_text` these are; None when they do
    not fit together (the text was written some other way)."""
    blocks: list[Block] = []
    at = 0
    try:
        for kind, length, attribution, url, level, inlines in json.loads(shape):
            body = text[at : at + length]
            if length:
                at += length + 1  # the text and the newline after it
            if attribution:
                if text[at : at + 2] != "— ":
                    return None
                at += len(attribution) + 3
            spans = tuple(Inline(s, e, Mark(mark), link) for s, e, mark, link in inlines)
            blocks.append(Block(BlockKind(kind), body, attribution, url, spans, level))
    except (ValueError, TypeError):
        return None
    return blocks if at == len(text) + 1 or at == len(text) == 0 else None


def plain_text(blocks: Sequence[Block]) -> str:
    """A body as the index sees it: each block's text on its own line, a post's
    attribution after it, no Markdown."""
    parts: list[str] = []
    for block in blocks:
        if block.text:
            parts.append(block.text)
        if block.attribution:
            parts.append("— " + block.attribution)
    return "\n".join(parts)


def _unsafe(blocks: Sequence[Block]) -> bool:
    """Whether any block carries what `sanitize.clean` would remove."""
    return any(
        UNSAFE.search(b.text) or UNSAFE.search(b.attribution) or UNSAFE.search(b.url)
        for b in blocks
    )
