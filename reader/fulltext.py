"""Full text: the main article of a fetched web page, as Markdown.

Its own module because it is a different job from fetching (``reader.net``
gets the page under its guards; this reads it) and a heavy one: trafilatura
takes about half a second to import, so it is imported only when a page is
read, and nothing that merely fetches pays for it.
"""

from __future__ import annotations

import re

from reader.sanitize import clean, clean_document

MIN_ARTICLE_WORDS = 20

# A character reference to a C0 control (`&#27;`, `&#x1b;`) makes trafilatura
# find no article on the whole page; such a reference goes first (from the
# bytes, so the page's own encoding is still detected). Raw escape sequences go
# whole before that (`clean_document`): the parser drops an ESC alone and kept
# the rest of its sequence as text.
_CONTROL_REF = (
    r"&\#(?: 0*(?:[1-8]|1[1-24-9]|2[0-9]|3[01]) | [xX]0*(?:[1-8bcefBCEF]|1[0-9a-fA-F]) )"
    r"(?![0-9a-fA-F]);?"
)
_CONTROL_REF_TEXT = re.compile(_CONTROL_REF, re.VERBOSE)
_CONTROL_REF_BYTES = re.compile(_CONTROL_REF.encode(), re.VERBOSE)


def extract_article(html: bytes | str, url: str) -> str | None:
    """The main article of a web page as Markdown, or None when there is none.

    trafilatura separates the story from menus, share buttons and comments;
    it is imported here, not at the top, because it takes about half a second
    and only the "full text" command needs it. A leading level-one heading is
    dropped (it is the headline the story already shows), and fewer than
    ``MIN_ARTICLE_WORDS`` words count as nothing found.
    """
    import trafilatura

    if isinstance(html, str):
        html = _CONTROL_REF_TEXT.sub("", clean(html))
    else:
        html = _CONTROL_REF_BYTES.sub(b"", clean_document(html))
    text = trafilatura.extract(
        html,
        url=url or None,
        output_format="markdown",
        include_comments=False,
        include_links=True,
        include_images=False,
        include_tables=True,
        favor_precision=True,
    )
    if not text:
        return None
    text = clean(text).strip()
    if text.startswith("# "):
        text = text.partition("\n")[2].strip()  # the page's headline: the story has its title
    if len(text.split()) < MIN_ARTICLE_WORDS:
        return None  # a menu or a cookie notice, not a story
    return text
