"""HTML nested too deep to convert, flattened so that its words are kept.

Two limits lose a story's text without a word. The converter to Markdown walks
at most 1,024 elements deep and skips what lies deeper (3,000 nested `<div>`s
around a sentence gave an empty body); markdown-it reads blocks at most 20
levels deep (a quote in a quote..., or a list in a list item in a list...)
and drops the words of a deeper one, and what follows a deep list. Past
`MAX_DEPTH` elements, or `MAX_CONTAINERS` quotes and lists, the tags are
taken out here and their text stays where it stood, in the element that holds
it: what is too deep is read as part of the last level that is not.

The nesting is followed as browsers close elements: an end tag closes every
element opened after the one it names (`</ul>` closes its open `<li>`s), a
`<li>` closes the item open in the same list, a `<p>` the open paragraph,
and void elements (`<br>`, `<img>`) open nothing. A tag inside a comment or
a script is counted as a tag, which only ever flattens a little more.
"""

from __future__ import annotations

import re

__all__ = ["MAX_CONTAINERS", "MAX_DEPTH", "flatten_deep", "many_containers"]

# Far below the converter's 1,024 (which counts the elements it adds, such as
# `<html>` and `<tbody>`), far above any article's own nesting.
MAX_DEPTH = 200
# Quotes and lists (and their items): each is one level of markdown-it's 20,
# as is the paragraph inside the last; a list is two (the list, its item).
MAX_CONTAINERS = 12

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_CONTAINERS = frozenset({"blockquote", "ul", "ol", "li", "dl", "dd", "dt", "menu"})
_LISTS = frozenset({"ul", "ol", "menu"})
# What opens a quote or a list. Counted with a regular expression: ten times
# quicker over a feed's bodies than six `str.count`s, and any case.
_CONTAINER_OPENING = re.compile(r"<(?:blockquote|ul|ol|dl|menu)", re.IGNORECASE)


def many_containers(html_text: str) -> bool:
    """Whether the fragment opens enough quotes and lists that they might nest
    past `MAX_CONTAINERS`: a count made without parsing, so the few bodies
    that do are the only ones `flatten_deep` reads."""
    # A list is two levels (the list, its item), which its opening stands for.
    return 2 * len(_CONTAINER_OPENING.findall(html_text)) > MAX_CONTAINERS


def flatten_deep(html_text: str) -> str:
    """The fragment with every tag deeper than `MAX_DEPTH` elements, or than
    `MAX_CONTAINERS` quotes and lists, replaced by a space (which a word needs
    where a block ended); the rest, text included, as it was."""
    nesting = _Nesting()
    parts: list[str] = []
    end = 0
    # No tag ends after the last ">": not searched for there (`<a<a<a…` would
    # be tried at each "<" to the end of the text).
    for tag in _TAG.finditer(html_text, 0, html_text.rfind(">") + 1):
        parts += (html_text[end : tag.start()], nesting.tag(tag))
        end = tag.end()
    parts.append(html_text[end:])
    return "".join(parts)


class _Nesting:
    """The elements open at a point of the fragment, and which are kept.

    Linear in the tags however they are nested: how many of each name are
    open is counted (an end tag naming none is passed over at once), each
    element is closed once, and a `<li>` looks back only `_LOOK_BACK`
    elements for the item it closes."""

    def __init__(self) -> None:
        self.open: list[tuple[str, bool]] = []  # (name, whether its tags are kept)
        self.names: dict[str, int] = {}
        self.containers = 0

    def tag(self, tag: re.Match[str]) -> str:
        """What stands for the tag: itself, or a space where it goes."""
        closing, name, self_closing = tag[1], tag[2].lower(), tag[3]
        if closing:
            if not self.names.get(name):
                return tag[0]  # a stray end tag: the converter's to ignore
            at = len(self.open) - 1
            while self.open[at][0] != name:
                at -= 1
            kept = self.open[at][1]
            self._close(at)
            return tag[0] if kept else " "
        if name in _VOID or self_closing:
            return tag[0] if len(self.open) < MAX_DEPTH else " "
        self._close_implied(name)
        container = name in _CONTAINERS
        kept = len(self.open) < MAX_DEPTH and (
            not container or self.containers < MAX_CONTAINERS
        )
        self.open.append((name, kept))
        self.names[name] = self.names.get(name, 0) + 1
        self.containers += container
        return tag[0] if kept else " "

    def _close(self, at: int) -> None:
        for name, _ in self.open[at:]:
            self.names[name] -= 1
            self.containers -= name in _CONTAINERS
        del self.open[at:]

    def _close_implied(self, name: str) -> None:
        """Close what opening `name` closes: the open paragraph for a `<p>`,
        the item open in the same list for a `<li>`."""
        if name == "p" and self.open and self.open[-1][0] == "p":
            self._close(len(self.open) - 1)
        if name != "li" or not self.names.get("li"):
            return
        for at in range(len(self.open) - 1, max(-1, len(self.open) - 1 - _LOOK_BACK), -1):
            if self.open[at][0] in _LISTS:
                return
            if self.open[at][0] == "li":
                self._close(at)
                return


_LOOK_BACK = 64
