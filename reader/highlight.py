"""Keyword highlighting: the user's watch words turned into spans over plain text.

The renderer applies the spans with `Text.stylize`, so highlighting never changes
the text or its wrapping, and tests can assert on offsets. Unlike search, a
keyword is a regular expression match on the text as it is: offsets need no
mapping back, and a keyword may deliberately be case-sensitive or a pattern.

A pattern is the person's own, and some take forever on some text: `(a|aa)+$`
over a line of `a`s backtracks exponentially, and Python's `re` holds the GIL
while it does, so the reader froze and ignored `q`. Keywords are matched with
the `regex` package instead, under a time budget: a pattern is tried on text
built to make it backtrack when it is added (and refused with the reason if
it runs out of time), and a pattern that still runs out of time on a story is
turned off for the rest of the run (`Highlighter.too_slow`), so it costs one
budget at most. `regex` is imported when the first keyword is compiled (about
14 ms), so a reader without keywords never loads it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rich.color import Color, ColorParseError

if TYPE_CHECKING:
    import regex

__all__ = [
    "PALETTE",
    "Highlighter",
    "Keyword",
    "KeywordError",
    "Span",
    "color_for",
    "compile_keyword",
    "keywords_from_config",
    "style_for",
    "text_color",
]

# Light, saturated backgrounds under black text: like a highlighter pen, they
# stand out on a dark terminal and on a light one, and differ enough in hue to
# tell eight keywords apart.
PALETTE: tuple[str, ...] = (
    "gold1",
    "pale_green1",
    "light_sky_blue1",
    "plum1",
    "sandy_brown",
    "aquamarine1",
    "medium_purple1",
    "light_coral",
)

# A word character on either side means the match is inside a longer word.
# Lookarounds rather than \b, so "C++" or "#tesla" can be whole words too; an
# accent counts as part of the word it follows (text in decomposed form).
_WORD_CHAR = r"[\w\u0300-\u036f]"
_SETTINGS = ("word", "color", "whole_word", "case_sensitive", "regex")

# Seconds one pattern may spend on one text while highlighting. `regex` checks
# its clock only now and then, so a runaway match stops some 0.3 s later.
MATCH_BUDGET = 0.05
# Seconds of CPU all the tries of a new pattern may take together before it is refused.
PROBE_BUDGET = 0.5
_PROBE_LENGTHS = (32, 4096)
_PROBE_ENDS = ("", "!", "\n")


class KeywordError(ValueError):
    """A keyword that cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Keyword:
    """A followed word (or pattern) and how it is matched and coloured."""

    word: str
    color: str | None = None
    whole_word: bool = True
    case_sensitive: bool = False
    regex: bool = False


class Span(NamedTuple):
    start: int
    end: int
    kind: int  # index of the keyword, so each keyword keeps its own colour


def compile_keyword(keyword: Keyword) -> regex.Pattern[str]:
    """The keyword as a pattern; a regular expression that is broken, or that
    can take too long to match, raises KeywordError saying why."""
    if not keyword.word.strip():
        raise KeywordError("a keyword cannot be empty")
    import regex

    # VERSION0: the `re` module's syntax and behaviour, which the README documents.
    flags = regex.VERSION0 | (0 if keyword.case_sensitive else regex.IGNORECASE)
    body = keyword.word if keyword.regex else regex.escape(keyword.word)
    try:
        # The user's pattern alone first, so a reported position is in what they wrote.
        pattern = regex.compile(body, flags)
    except regex.error as exc:
        raise KeywordError(f"keyword {keyword.word!r} is not a valid pattern: {exc}") from None
    if keyword.whole_word:
        try:
            pattern = regex.compile(f"(?<!{_WORD_CHAR})(?:{body})(?!{_WORD_CHAR})", flags)
        except regex.error as exc:  # such as inline flags, which must open a pattern
            raise KeywordError(
                f"keyword {keyword.word!r} cannot be matched as a whole word: {exc.msg}"
            ) from None
    if keyword.regex and _runs_away(pattern):
        raise KeywordError(
            f"keyword {keyword.word!r} can take too long to match: a repetition inside "
            "a repetition, such as (a+)+ or (a|aa)+, backtracks without end on some text"
        )
    return pattern


def _probes(word: str) -> Iterable[str]:
    """Runs of each character the pattern names (and a few it may mean by a
    class such as \\w, \\d or \\s), short and long, each ending three ways:
    the text on which a nested repetition backtracks."""
    letters = [c for c in dict.fromkeys(word) if c.isalnum()]
    for char in dict.fromkeys([*letters, "a", "0", " ", "x"]):
        for length in _PROBE_LENGTHS:
            for end in _PROBE_ENDS:
                yield char * length + end
    pairs = [a + b for a in letters[:4] for b in letters[:4] if a != b]
    for pair in pairs:
        for end in _PROBE_ENDS:
            yield pair * (_PROBE_LENGTHS[0] // 2) + end


def _runs_away(pattern: regex.Pattern[str]) -> bool:
    # The thread's CPU time, not the clock: on a busy machine the time spent
    # waiting for a core would refuse a harmless pattern such as `x*`.
    deadline = time.thread_time() + PROBE_BUDGET
    for text in _probes(pattern.pattern):
        left = deadline - time.thread_time()
        if left <= 0:
            return True
        try:
            for _ in pattern.finditer(text, timeout=min(left, MATCH_BUDGET)):
                pass
        except TimeoutError:
            return True
    return False


class Highlighter:
    """Compiled keywords, ready to find spans in many texts."""

    def __init__(self, keywords: Iterable[Keyword]) -> None:
        self.keywords: tuple[Keyword, ...] = tuple(keywords)
        self._patterns = [compile_keyword(k) for k in self.keywords]
        # Keywords (by index) that ran out of time on some text: not tried again.
        self._too_slow: set[int] = set()
        try:
            self.styles = tuple(style_for(i, k) for i, k in enumerate(self.keywords))
        except ColorParseError as exc:
            raise KeywordError(str(exc)) from None

    def spans(self, text: str) -> list[Span]:
        """Sorted, non-overlapping spans. Where matches overlap, the one that starts
        first wins, then the longer, then the keyword listed first: the same text
        always gets the same colours."""
        found: list[Span] = []
        for kind, pattern in enumerate(self._patterns):
            if kind in self._too_slow:
                continue
            try:
                found.extend(
                    Span(m.start(), m.end(), kind)
                    for m in pattern.finditer(text, timeout=MATCH_BUDGET)
                    if m.end() > m.start()  # a pattern such as "a*" also matches nothing
                )
            except TimeoutError:
                self._too_slow.add(kind)
                found = [s for s in found if s.kind != kind]
        found.sort(key=lambda s: (s.start, s.start - s.end, s.kind))
        chosen: list[Span] = []
        for span in found:
            if not chosen or span.start >= chosen[-1].end:
                chosen.append(span)
        return chosen

    @property
    def too_slow(self) -> list[Keyword]:
        """Keywords turned off because matching them ran out of time."""
        return [self.keywords[kind] for kind in sorted(self._too_slow)]

    def count(self, text: str) -> int:
        return len(self.spans(text))

    def styled(self, text: str) -> list[tuple[int, int, str]]:
        """Spans with their Rich styles: the shape `render` takes as a highlighter."""
        return [(s.start, s.end, self.styles[s.kind]) for s in self.spans(text)]


def color_for(index: int, keyword: Keyword) -> str:
    """The keyword's own colour, or the palette's, cycling past eight keywords."""
    return keyword.color or PALETTE[index % len(PALETTE)]


def text_color(background: str) -> str:
    """Black or white, whichever reads better on `background` (a Rich colour)."""
    red, green, blue = Color.parse(background).get_truecolor()

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    # Equal contrast against black and white falls at a luminance of about 0.18.
    return "black" if luminance > 0.179 else "white"


def style_for(index: int, keyword: Keyword) -> str:
    """A Rich style for the keyword's spans: its colour behind contrasting text."""
    background = color_for(index, keyword)
    return f"{text_color(background)} on {background}"


def _setting(entry: dict[str, object], name: str, where: str, default: bool) -> bool:
    value = entry.get(name, default)
    if not isinstance(value, bool):
        raise KeywordError(f"{where}: {name} must be true or false")
    return value


def _keyword_from_table(entry: dict[str, object], where: str) -> Keyword:
    word = entry.get("word")
    if not isinstance(word, str):
        raise KeywordError(f'{where}: needs a word, as in {{word = "Tesla"}}')
    # "colour" is accepted because people write it; other unknown settings are
    # ignored, like the rest of the config, so a newer config still loads.
    color = entry.get("color", entry.get("colour"))
    if color is not None:
        if not isinstance(color, str):
            raise KeywordError(f"{where}: color must be a colour name such as 'magenta'")
        try:
            Color.parse(color)
        except ColorParseError:
            raise KeywordError(f"{where}: unknown colour {color!r}") from None
    return Keyword(
        word=word,
        color=color,
        whole_word=_setting(entry, "whole_word", where, True),
        case_sensitive=_setting(entry, "case_sensitive", where, False),
        regex=_setting(entry, "regex", where, False),
    )


def keywords_from_config(value: object) -> list[Keyword]:
    """Keywords from the config's `keywords` list: each a plain string or a table
    with `word` and any of `color`, `whole_word`, `case_sensitive`, `regex`.

    Every keyword is compiled here, so a bad one is reported when the config
    loads, naming its place in the list, rather than when a story is drawn.
    """
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise KeywordError("keywords must be a list of words or tables")
    keywords = []
    for number, entry in enumerate(value, start=1):
        where = f"keyword {number}"
        if isinstance(entry, str):
            keyword = Keyword(entry)
        elif isinstance(entry, dict):
            keyword = _keyword_from_table(entry, where)
        else:
            raise KeywordError(f"{where}: expected a word or a table, not {entry!r}")
        try:
            compile_keyword(keyword)
        except KeywordError as exc:
            raise KeywordError(f"{where}: {exc}") from None
        keywords.append(keyword)
    return keywords
