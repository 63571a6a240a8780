"""Full text: the main article of a fetched web page, as Markdown.

Its own module because it is a different job from fetching (``reader.net``
gets the page under its guards; this reads it) and a heavy one: trafilatura
takes about half a second to import, so it is imported only when a page is
read, and nothing that merely fetches pays for it.
"""

from __future__ import annotations

from reader.sanitize import (
    clean,
    clean_document,
    decode_control_reference_bytes,
    decode_control_references,
)

MIN_ARTICLE_WORDS = 20


def extract_article(html: bytes | str, url: str) -> str | None:
    """The main article of a web page as Markdown, or None when there is none.

    trafilatura separates the story from menus, share buttons and comments;
    it is imported here, not at the top, because it takes about half a second
    and only the "full text" command needs it. A leading level-one heading is
    dropped (it is the headline the story already shows), and fewer than
    ``MIN_ARTICLE_WORDS`` words count as nothing found.
    """
    import trafilatura

    # Escape sequences go whole first: the parser drops an ESC alone and kept
    # the rest of its sequence as text, and a reference to a control (`&#27;`)
    # made trafilatura find no article on the whole page. A reference is the
    # character it names (`&#x1b;[31m` goes whole, as the raw sequence does),
    # decoded in the bytes so that the page's own encoding is still detected.
    if isinstance(html, str):
        html = clean(decode_control_references(html))
    else:
        html = clean_document(decode_control_reference_bytes(html))
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
