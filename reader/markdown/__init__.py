"""Article bodies as Markdown, both ways, and as the plain text the index holds.


The library stores each body as Markdown so that it stays readable outside the
reader, and reads it back into the same blocks. Any CommonMark renderer shows a
stored body sensibly; this module adds only what Markdown has no word for.

Four parts, each its own module behind these same imports:

    write   `blocks_to_markdown`: blocks to the Markdown the library stores
    read    `markdown_to_blocks`: any Markdown (the library's, a feed's, a
            folder's) back into blocks, with markdown-it, imported on first use
            (about 17 ms on top of Textual); `markdown_head`: the
            first blocks of a long one, as they are in the whole
    head    `plain_head`: the same first blocks when they are plain prose,
            without markdown-it, for the first screen of `news FILE.md`
    plain   `markdown_to_text`: the words of a body for the index and snippets,
            without parsing it

and `escape` (imported by its own name): text and addresses put into
Markdown so that they read back as they were.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.markdown.head import plain_head
    from reader.markdown.plain import markdown_to_text
    from reader.markdown.read import markdown_head, markdown_to_blocks
    from reader.markdown.write import blocks_to_markdown

__all__ = [
    "blocks_to_markdown",
    "markdown_head",
    "markdown_to_blocks",
    "markdown_to_text",
    "plain_head",
]

# Each part is imported when one of its names is first used (PEP 562), so that
# importing one (`reader.markdown.plain`) does not import the others: a
# Markdown file read for the reader needs no writer.
_PART = {
    "blocks_to_markdown": "write",
    "markdown_head": "read",
    "markdown_to_blocks": "read",
    "markdown_to_text": "plain",
    "plain_head": "head",
}


def __getattr__(name: str) -> object:
    """Called only for a name the package does not hold yet: the part is
    imported and the name kept here, so every later `from reader.markdown
    import ...` (each stored story's body goes through one) is a plain lookup."""
    if (part := _PART.get(name)) is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{part}"), name)
    globals()[name] = value
    return value
