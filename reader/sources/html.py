"""HTML from feeds and web pages made safe to keep: Markdown with the active
and tracking parts gone, or one line of plain text.

HTML to Markdown drops scripts, styles, iframes, forms, embedded objects and
tracking pixels (1x1 images and images from known trackers); links stay, but
only http, https and mailto ones: any other link keeps its text and loses its
address. Its own module so that what needs no feed parsing (a folder of
Markdown, the sync engine's server items) does not import lxml with it.
"""

from __future__ import annotations

import dataclasses
import html
import re
from typing import TYPE_CHECKING, Any, cast

import html_to_markdown as h2m
from html_to_markdown import ConversionOptions, convert
from html_to_markdown import _html_to_markdown as _core
from html_to_markdown.api import _to_rust_conversion_options as _to_core_options

from reader.markdown.escape import angle_url, inline_text
from reader.sanitize import UNSAFE, clean, clean_line, decode_control_references, unescape_html
from reader.sources.html_depth import flatten_deep, many_containers
from reader.urls import FETCH_SCHEMES, LINK_SCHEMES, scheme, web_url

if TYPE_CHECKING:
    from html_to_markdown._html_to_markdown import HtmlVisitor

__all__ = [
    "DROPPED_ELEMENTS",
    "TRACKER_MARKERS",
    "html_to_body",
    "html_to_markdown",
    "plain_text",
    "web_link",
]

# Images and links that only count readers.
TRACKER_MARKERS = (
    "feeds.feedburner.com/~r/",
    "feeds.feedburner.com/~ff/",
    "feedproxy.google.com/~r/",
    "feedsportal.com/",
    "pixel.wp.com/",
    "stats.wordpress.com/",
    "pixel.quantserve.com/",
    "doubleclick.net/",
    "google-analytics.com/",
    "googletagmanager.com/",
    "facebook.com/tr",
    "pixel.mathtag.com/",
    "sb.scorecardresearch.com/",
    "analytics.twitter.com/",
    "/pixel.gif",
    "/blank.gif",
    "/spacer.gif",
)
DROPPED_ELEMENTS = [
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "canvas",
    "svg",
    "math",
    "template",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "dialog",
    "img[width='0']",
    "img[width='1']",
    "img[height='0']",
    "img[height='1']",
]


# Enum members rather than their names: the converter's Python wrapper turns
# names into members on every call, which cost more than converting a short
# article (1.1 s against 0.7 s for the 10,000-entry benchmark feed).
_OPTIONS = ConversionOptions(
    extract_metadata=False,
    escape_asterisks=True,
    escape_underscores=True,
    escape_misc=True,
    autolinks=True,
    exclude_selectors=DROPPED_ELEMENTS,
    heading_style=h2m.HeadingStyle.ATX,
    list_indent_type=h2m.ListIndentType.SPACES,
    highlight_style=h2m.HighlightStyle.DOUBLE_EQUAL,
    whitespace_mode=h2m.WhitespaceMode.NORMALIZED,
    newline_style=h2m.NewlineStyle.SPACES,
    code_block_style=h2m.CodeBlockStyle.BACKTICKS,
    inline_data_media=h2m.InlineDataMedia.ALT_TEXT_ONLY,
    hidden_content=h2m.HiddenContent.DROP,
    url_escape_style=h2m.UrlEscapeStyle.ANGLE,
    link_style=h2m.LinkStyle.INLINE,
    output_format=h2m.OutputFormat.MARKDOWN,
    tier_strategy=h2m.TierStrategy.AUTO,
)
# The visitor and a per-call base URL each cost time, so they are used only
# when the fragment has a link or image, or a relative address.
# Both are written without IGNORECASE, which made them cost as much as converting.
_LINK_OR_IMAGE = re.compile(r"<[aAiI]")
_RELATIVE_REF = re.compile(r"(?:href|src|HREF|SRC)\s*=\s*[\"']?\s*(?![A-Za-z][A-Za-z0-9+.-]*:)")
# `href=""` (or blank): a link to nowhere, kept as its text.
_EMPTY_HREF = re.compile(r"""\s[hH][rR][eE][fF]\s*=\s*(?:"\s*"|'\s*')""")


def _is_tracker(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in TRACKER_MARKERS)


class _Visitor:
    """Drops what a selector cannot: links by scheme and images by address.

    Called back from the converter's compiled core for links and images only,
    so it costs little. Returns the converter's plain-dict visit results.
    """

    def visit_link(self, ctx: Any, href: str, text: str, title: str | None) -> Any:
        if _is_tracker(href):
            return {"type": "skip"}
        if scheme(href) not in LINK_SCHEMES:
            return {"type": "custom", "output": text if text != href else ""}
        return {"type": "continue"}

    def visit_image(self, ctx: Any, src: str, alt: str, title: str | None) -> Any:
        if _is_tracker(src) or scheme(src) not in FETCH_SCHEMES:
            return {"type": "skip"}
        if "[" in alt or "]" in alt:
            # The converter escapes a lone bracket of an alt text, not a pair:
            # an alt of `![]([)]` came out as an image in the image, and the
            # story showed Markdown and an address as its words.
            return {"type": "custom", "output": _image(src, alt, title)}
        return {"type": "continue"}


def _image(src: str, alt: str, title: str | None) -> str:
    """An image in Markdown whose alt text reads back as it was, whatever it holds."""
    said = ' "{}"'.format(title.replace("\\", "\\\\").replace('"', '\\"')) if title else ""
    return f"![{inline_text(alt)}](<{angle_url(src)}>{said})"


# The converter calls only the visit_* methods a visitor has; its type names them all.
_VISITING = cast("HtmlVisitor", _Visitor())
# The options as the compiled core takes them, made once: `convert` makes them
# again from `_OPTIONS` at each call, which cost 0.15 s of the 1.25 s that
# converting the 10,000-entry benchmark feed's bodies takes (the same options,
# the same Markdown: `tests/unit/test_html.py` compares the two ways). A base
# URL of its own is given to the few fragments with relative addresses through
# `convert`, which builds its options as it always does.
_CORE_OPTIONS = _to_core_options(_OPTIONS)
_CORE_VISITING = _to_core_options(_OPTIONS, _visitor_override=_VISITING)


# Paragraphs of plain words, nothing else (`<p>It’s 10.5% up - again.</p>`):
# a feed's bodies are often just that, and their Markdown is the text with
# the converter's escapes, made here (`_plain_paragraphs`) in a quarter of the
# time the converter and the cleaning before it take, which were the most CPU
# of a `news add` (0.33 s against 1.2 for the 10,000 bodies of
# `bench/import.py`). Only characters whose escaping
# `tests/unit/test_feed.py` holds to the converter's: letters
# (ASCII and Latin-1's), digits, single spaces, and punctuation that is
# never Markdown syntax but for "-" (always escaped) and "." or ")" after a
# digit (an ordered list's number). None of them is one `clean` removes.
# No space at either end of a paragraph (the converter's to tidy, as two in
# a row are): said here rather than by searching the text for "<p> " and
# " </p>" after, which took as long as the match itself.
_PLAIN_PARAGRAPHS = re.compile(r"(?:<p>(?! )[A-Za-z0-9À-ÖØ-öø-ÿ,'’.;!?()\"“”…–—% -]+(?<! )</p>)+")
_DIGIT_DOT = re.compile(r"\.(?<=[0-9]\.)")  # written so: a literal first is searched fast
_DIGIT_PAREN = re.compile(r"\)(?<=[0-9]\))")


def _plain_paragraphs(html_text: str) -> tuple[str, str] | None:
    """The converter's Markdown of paragraphs of plain words (see
    `_PLAIN_PARAGRAPHS`) and its plain text, or None for any other HTML, and
    for spaces at a paragraph's ends or two in a row (the converter's to tidy).

    The plain text is what `markdown.markdown_to_text` makes of that Markdown
    (a property test holds it so): a paragraph a line, its escapes taken out.
    Made here, from the words as they came, it costs nothing; made from the
    Markdown it was 0.2 s of CPU at the 10,000 bodies of `bench/import.py`."""
    if not _PLAIN_PARAGRAPHS.fullmatch(html_text) or "  " in html_text:
        return None
    words = html_text[3:-4]
    markdown = words.replace("</p><p>", "\n\n").replace("-", "\\-")
    markdown = _DIGIT_PAREN.sub(r"\\)", _DIGIT_DOT.sub(r"\\.", markdown))
    return markdown, words.replace("</p><p>", "\n")


def html_to_markdown(html_text: str, base_url: str = "") -> str:
    """Markdown of an HTML fragment, sanitized, with relative links resolved
    against ``base_url`` when it is an http(s) address."""
    return html_to_body(html_text, base_url)[0]


def html_to_body(html_text: str, base_url: str = "") -> tuple[str, str | None]:
    """`html_to_markdown`'s Markdown, with its plain text when that came for
    free (paragraphs of plain words: `_plain_paragraphs`), else None: a feed's
    story keeps both, and a feed of such bodies then never makes the text
    from the Markdown."""
    if not html_text or not html_text.strip():
        return "", None
    if (plain := _plain_paragraphs(html_text)) is not None:
        return plain
    # Escape sequences go whole before converting (the converter drops an ESC
    # alone, leaving `]0;title` as text); JSON Feed's HTML gets here with them,
    # past the byte-level cleaning of XML, and so does one written `&#x1b;[31m`
    # (which the converter keeps as text: decoded here, it goes as the raw one
    # does; `&amp;#x1b;` is text the author wrote, and stays). Cleaned again
    # after, for the character references the converter decodes (`&#x9b;`).
    html_text = clean(decode_control_references(html_text))
    if many_containers(html_text):
        html_text = flatten_deep(html_text)  # quotes and lists markdown-it would lose
    result = _convert(html_text, base_url)
    if _too_deep(result):
        # The converter skipped what lay too deep, without a word: converted
        # again flattened, the story keeps its words (and, should even that
        # be too deep for it, as one paragraph).
        result = _convert(flatten_deep(html_text), base_url)
        if _too_deep(result):
            result = _core.convert(_paragraph(html_text), _CORE_OPTIONS)
    markdown = result.content or ""
    # Only a character reference can bring back what `clean` took out of the
    # HTML: the converter writes the fragment's own (clean) characters, the
    # base URL's (clean) and its own ASCII syntax. Without an "&" the second
    # pass is skipped (0.1 s of the 10,000-entry benchmark feed, on the GIL).
    return (clean(markdown) if "&" in html_text else markdown).strip(), None


def _convert(html_text: str, base_url: str) -> Any:
    """The converter's result for a clean fragment."""
    try:
        if not _LINK_OR_IMAGE.search(html_text):
            return _core.convert(html_text, _CORE_OPTIONS)
        if base_url and _RELATIVE_REF.search(html_text) and scheme(base_url) in FETCH_SCHEMES:
            # An empty address would resolve to the base, the story's own page:
            # it is what a sanitizer leaves of a `javascript:` link (feedparser's
            # does, for a feed read leniently), which then took the story's number.
            html_text = _EMPTY_HREF.sub(" ", html_text)
            options = dataclasses.replace(_OPTIONS, base_url=base_url)
            return convert(html_text, options, visitor=_VISITING)
        return _core.convert(html_text, _CORE_VISITING, visitor=_VISITING)
    except h2m.ConversionError:
        # The converter's compiled core panics on some nestings a feed can send
        # (`<ul><li><pre><code><table><tr><td>*<ul><li>`): the story keeps its
        # words, as one escaped paragraph, rather than stopping the whole import.
        return _core.convert(_paragraph(html_text), _CORE_OPTIONS)


def _paragraph(html_text: str) -> str:
    return f"<p>{html.escape(plain_text(html_text))}</p>"


def _too_deep(result: Any) -> bool:
    """Whether the converter left out elements nested past its depth limit."""
    return any(w.kind == h2m.WarningKind.DEPTH_LIMIT_EXCEEDED for w in result.warnings)


_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HIDDEN_OPEN = re.compile(r"<(script|style|noscript|template|iframe|svg|math)\b", re.IGNORECASE)


def plain_text(html_text: str) -> str:
    """One line of plain text from a little HTML (a title, a summary)."""
    if "<" in html_text:
        html_text = _strip_tags(_drop_hidden(html_text))
    return clean_line(unescape_html(html_text))


def _strip_tags(text: str) -> str:
    """``_TAG`` replaced by a space, in linear time: a tag cannot end after the
    last ``>``, and searching the tail for one would try each ``<`` there to the
    end of the text (``<a<a<a…`` took time growing with the square of its length)."""
    end = text.rfind(">") + 1
    return _TAG.sub(" ", text[:end]) + text[end:]


def _drop_hidden(text: str) -> str:
    """``_HIDDEN`` replaced by a space, in linear time: once an element has no
    closing tag after some point, none of its later openings can close either,
    so it is not looked for again (``<script<script…`` was quadratic)."""
    unclosed: set[str] = set()
    parts: list[str] = []
    position = 0
    for opening in _HIDDEN_OPEN.finditer(text):
        start = opening.start()
        name = opening.group(1).lower()
        if start < position or name in unclosed:
            continue
        closing = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, opening.end())
        if closing is None:
            unclosed.add(name)
            continue
        parts += (text[position:start], " ")
        position = closing.end()
    return "".join(parts) + text[position:] if parts else text


def web_link(link: str, base: str = "") -> str:
    """An absolute http(s) URL by ``reader.urls``' rule, or "" for anything
    else; a link with an escape sequence in it is cleaned first."""
    return web_url(link, base) or (web_url(clean_line(link), base) if UNSAFE.search(link) else "")
