"""Text and addresses put into Markdown so that they read back as they were:
a bookmark's title in the Markdown export, an image's alt text in a feed's
body. Kept apart from `write` (which brings markdown-it's parser with it), so
a source converting HTML does not import it."""

from __future__ import annotations

import re

# Markdown syntax in text, and `&` where it would start a character reference.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#]|&(?=#?\w+;))")
_URL_SPECIAL = re.compile(r"([\\<>]|&(?=#?\w+;))")


def inline_text(text: str) -> str:
    """`text` on one line, its Markdown syntax escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def angle_url(url: str) -> str:
    """A link destination to write inside `<...>`, where only these need a backslash."""
    return _URL_SPECIAL.sub(r"\\\1", url)
