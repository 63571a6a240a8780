"""The plain text of a Markdown body, for the index and snippets, without parsing it."""

from __future__ import annotations

import re
from operator import itemgetter

from reader.model import Block, BlockKind
from reader.sanitize import clean

__all__ = ["markdown_to_text", "paragraphs", "says_something"]

_FILE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?)$", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def says_something(alt: str) -> bool:
    """Whether a picture's alt text describes it (two words or more, not a file
    name or an address) rather than hold its place: placeholders are dropped."""
    return len(_WORD.findall(alt)) >= 2 and not _FILE_NAME.match(alt) and "://" not in alt


# The patterns run over every body of an import, so each starts with a literal
# character (a line's start is matched as "\n"), which the regex engine can skip
# to: one starting with `^`, a group or a repeat is tried at every character.
# Only code fences, which are rare, are found with `^`.
_FENCED = re.compile(
    r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<code>.*?)(?:^[ \t]{0,3}(?P=fence)[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)
# A line's block syntax: blockquote marks, then a heading's hashes or a bullet
# (an ordered item keeps its number, as `markdown_to_blocks` keeps it).
_MARK = r"(?:#{1,6}[ \t]+|[-*+][ \t]+)"
_LINE_SYNTAX = re.compile(rf"\n[ \t]*(?:(?:>[ \t]?)+[ \t]*{_MARK}?|{_MARK})")
_CELL_RULE = r"[ \t]*:?-{3,}:?[ \t]*"
_TABLE_RULE = re.compile(rf"\n[ \t]*\|?{_CELL_RULE}(?:\|{_CELL_RULE})*\|?[ \t]*(?=\n)")
_TABLE_EDGE = re.compile(r"\n[ \t]*\|[ \t]*|[ \t]*\|[ \t]*(?=\n)")
# A link's or an image's target, as markdown-it reads one (the story's parser,
# `markdown_it/helpers/parse_link_*.py`): an address in angle brackets, or bare
# with its parentheses balanced, then perhaps a title in double or single quotes
# or parentheses, apart from the address by spaces and at most one line break,
# as the spaces around them may be. A backslash takes the character after it,
# whatever it is (but a space after a bare address's). A title may go on over
# lines, but not past a blank one (the paragraph's end). Missing a form left the
# whole link as its syntax in the index and snippets ("x.png 'Photo'" found, never shown).
# Past this depth of brackets in a label or parentheses in an address, a link
# or image is left as written (the converter from HTML writes an alt text's
# brackets as they come; a person's alt text or address nests a level or two).
NESTING = 8
_LINE_ON = r"\n(?![ \t]*\n)"
_SPACE = rf"[ \t]*(?:{_LINE_ON}[ \t]*)?"
_GAP = rf"(?:[ \t]+(?:{_LINE_ON}[ \t]*)?|{_LINE_ON}[ \t]*)"
_BACKSLASHED = rf"\\(?:[^\n]|{_LINE_ON})"
_TITLE = (
    rf"(?:\"(?:{_BACKSLASHED}|[^\"\\\n]|{_LINE_ON})*\""
    rf"|'(?:{_BACKSLASHED}|[^'\\\n]|{_LINE_ON})*'"
    rf"|\((?:{_BACKSLASHED}|[^()\\\n]|{_LINE_ON})*\))"
)


def _bare_address(depth: int) -> str:
    """An address without angle brackets: no spaces or controls, and its
    parentheses in balanced pairs, nested up to `depth` deep."""
    char = rf"(?:\\(?:[^ \n]|{_LINE_ON})|[^\x00-\x20\x7f()\\])"
    address = rf"{char}*"
    for _ in range(depth):
        address = rf"(?:{char}|\({address}\))*"
    return address


_ADDRESS = rf"(?:<(?:{_BACKSLASHED}|[^<>\\\n])*>|{_bare_address(NESTING)})"
# A title needs an address before it (`[a]( "t")` has the address `"t"`): the
# character before the gap is not the target's `(` or a space, or is escaped.
_AFTER_ADDRESS = r"(?:(?<![\s(])|(?<=\\[\s(]))"
_TARGET = rf"\({_SPACE}{_ADDRESS}(?:{_AFTER_ADDRESS}{_GAP}{_TITLE})?{_SPACE}\)"


def _nested_label(depth: int) -> str:
    """A link's text or an image's alt text: escapes, and brackets only in
    balanced pairs, nested up to `depth` deep (CommonMark allows them at any
    depth: `![[red]pic](x.png)` is an image whose alt text is "[red]pic").
    No two of its alternatives start with the same character, so a match is
    never tried two ways."""
    label = r"(?:\\.|[^\\\[\]\n])*"
    for _ in range(depth - 1):
        label = rf"(?:\\.|[^\\\[\]\n]|\[{label}\])*"
    return label


_LABEL = _nested_label(NESTING)
# A backslash before a line break in a paragraph is a hard break (shown as a
# break); at a paragraph's end, before a blank line or the end, it is a backslash.
_HARD_BREAK = r"\\(?=\n(?![ \t]*(?:\n|\Z)))"
# Each alternative starts with a literal character, which is what lets the
# engine search for the set of them (the groups open after it): with a group or a
# repeat first, matching the 10,000-entry feed's bodies took 1.8 s, not 0.13.
_INLINE_SYNTAX = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|`(?P<ticks>`*+)(?P<code>.+?)(?<!`)`(?P=ticks)(?!`)"
    rf"|!\[(?P<alt>{_LABEL})\]{_TARGET}"
    rf"|\[(?P<label>{_LABEL})\]{_TARGET}"
    r"|<(?P<autolink>(?:https?|mailto):[^\s<>]+)>"
    r"|&(?P<entity>#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
    rf"|<br\s*/?>|\*\**|_(?P<under>_*)|==|~~|{_HARD_BREAK}"
)

# The characters every other alternative of `_INLINE_SYNTAX` starts with (an
# image's `!` needs a `[`): text without them is matched only by the escapes,
# and `_ESCAPES_ONLY` (group 1, or nothing) then gives what `_inline_text` does.
_INLINE_STARTS = "`[<&*_=~"
_ESCAPES_ONLY = re.compile(rf"\\([!-/:-@\[-`{{-~])|{_HARD_BREAK}")
# What replaces each of its matches: the escaped character, or nothing for a
# hard break's backslash (`re.sub` writes nothing for None). A C callable: the
# template r"\1" is expanded by Python code at each match in Python 3.11, which
# at 67,000 escapes in the 10,000 bodies of `bench/import.py` cost 0.05 s more.
_ESCAPED_CHAR = itemgetter(1)


def _inline_text(match: re.Match[str]) -> str:
    """What a piece of inline syntax shows: its text, or nothing."""
    if (alt := match["alt"]) is not None:
        # As `markdown_to_blocks` does: a picture alone in its paragraph is
        # shown with its alt text whatever it says; one among words, only
        # when the alt text describes it.
        alt = " ".join(_INLINE_SYNTAX.sub(_label_text, alt).split())
        return alt if says_something(alt) or _alone(match) else ""
    return _label_text(match)


def _label_text(match: re.Match[str]) -> str:
    """`_inline_text` inside a link's text or an alt text, where a picture is
    its alt text, all of it (`![![a](b) c](d)` has the alt text "a c")."""
    if (escaped := match["escaped"]) is not None:
        return escaped
    if match["ticks"] is not None:
        return match["code"].strip(" ") or match["code"]
    if (label := match["label"]) is not None:
        return _INLINE_SYNTAX.sub(_label_text, label)
    if (alt := match["alt"]) is not None:
        return _INLINE_SYNTAX.sub(_label_text, alt)
    if (url := match["autolink"]) is not None:
        return url
    if (entity := match["entity"]) is not None:
        # Imported here: html's table of entities costs about 2 ms to load, on
        # the way to the first screen of `news FILE.md` (which counts the words).
        from html import unescape

        return clean(unescape("&" + entity))
    if match["under"] is not None:
        text, start, end = match.string, match.start(), match.end()
        inside = start > 0 and end < len(text) and text[start - 1].isalnum()
        if inside and text[end].isalnum():
            return match[0]  # snake_case: a word, not emphasis
    return ""  # emphasis, highlight and strikethrough marks, a hard break's backslash


def _alone(match: re.Match[str]) -> bool:
    """Whether a match is a paragraph of its own: a blank line (or the body's
    edge) before and after it. `markdown_to_text` sees the body with a
    newline put first, and its lines' block syntax taken out."""
    text, start, end = match.string, match.start(), match.end()
    line = text.rfind("\n", 0, start)
    if line < 0 or text[line + 1 : start].strip():
        return False
    if line > 0 and text[text.rfind("\n", 0, line) + 1 : line].strip():
        return False
    after = text.find("\n", end)
    if after < 0:
        return not text[end:].strip()
    following = text.find("\n", after + 1)
    next_line = text[after + 1 :] if following < 0 else text[after + 1 : following]
    return not text[end:after].strip() and not next_line.strip()


def markdown_to_text(md: str) -> str:
    """A body's plain text for the index and snippets, without parsing it.

    A few regular expressions instead of `markdown_to_blocks`, which at 10,000
    feed entries cost three seconds, most of an import. It drops the syntax
    the converter from HTML writes (headings, quotes, bullets, fences, tables,
    emphasis, links and images, escapes), keeps each line's words, and gives
    one line per non-blank line. Close to what the blocks' text would be, not
    identical: a soft line break stays a line break, and a `*` in a word that
    Markdown would keep is dropped. Good enough to find and quote a story; the
    story itself is always shown from the Markdown.
    """
    if "```" in md or "~~~" in md:
        # Code is kept as it is written; only the text around it is Markdown.
        parts, end = [], 0
        for fenced in _FENCED.finditer(md):
            parts += [markdown_to_text(md[end : fenced.start()]), fenced["code"]]
            end = fenced.end()
        if parts:
            parts.append(markdown_to_text(md[end:]))
            return _tidy("\n".join(parts))
    if "&#" in md:
        md = _without_control_references(md)
    md = _LINE_SYNTAX.sub("\n", "\n" + md)
    if "|" in md:
        md = _TABLE_EDGE.sub("\n", _TABLE_RULE.sub("", md + "\n"))
    if not any(mark in md for mark in _INLINE_STARTS):
        # Only backslashes can start inline syntax here: one substitution
        # without a call back into Python per escape (0.31 -> 0.23 s for the
        # 10,000 bodies of `bench/import.py`, whose text is words, `\-` and `\.`).
        return _tidy(_ESCAPES_ONLY.sub(_ESCAPED_CHAR, md))
    return _tidy(_INLINE_SYNTAX.sub(_inline_text, md))


# A numeric reference (with the escaped character after it, if one is), or
# what keeps one from being read as one (an escape, `\&#x1b;`, or a code
# span), which is matched to be passed over.
_NUMERIC_REFERENCE = re.compile(
    r"\\[!-/:-@\[-`{-~]"
    r"|(?<!`)`(`*+).+?(?<!`)`\1(?!`)"
    r"|&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));(?:\\([!-/:-@\[-`{-~]))?"
)


def _control(match: re.Match[str]) -> str:
    if match[2] is None and match[3] is None:
        return match[0]  # an escape or a code span, where a reference is text
    code = int(match[2], 16) if match[2] else int(match[3])
    if not (code < 0x20 or 0x7F <= code <= 0x9F):
        return match[0]
    if code == 0x1B and match[4]:
        # The story reads `&#x1b;\[31m` as ESC and "[31m", which go together:
        # so here (any character after an ESC is part of its sequence).
        return "\x1b" + match[4]
    return chr(code) + match[0][match[0].index(";") + 1 :]


def _without_control_references(md: str) -> str:
    """`&#x1b;[31m` gone whole, as `markdown_to_blocks` drops it (and `clean`
    the raw sequence), rather than leaving `[31m` in the index and snippets.
    Where Markdown reads it as text (`\\&#x1b;`, in code), it is kept, as the
    story shows it (fenced code never gets here)."""
    decoded = _NUMERIC_REFERENCE.sub(_control, md)
    return md if decoded == md else clean(decoded)


def _tidy(text: str) -> str:
    """Lines without blanks at either end, and no blank lines."""
    # Three times quicker than two regular expressions over the same text.
    return "\n".join(line for line in map(str.strip, text.split("\n")) if line)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_BLANK_LINES = re.compile(r"\n\s*\n")


def _unescape(match: re.Match[str]) -> str:
    return match.group(1)


def paragraphs(markdown: str) -> list[Block]:
    """The feed and folder readers' default ``to_blocks``: a paragraph per
    blank-line-separated chunk.

    Good enough to read; the app passes a real Markdown reader instead. The
    text is already sanitized: both callers clean it before ``to_blocks``.
    """
    blocks = []
    for chunk in _BLANK_LINES.split(markdown):
        if "\\" in chunk:
            chunk = _ESCAPED.sub(_unescape, chunk)
        text = " ".join(chunk.split())
        if text:
            blocks.append(Block(BlockKind.PARAGRAPH, text))
    return blocks
