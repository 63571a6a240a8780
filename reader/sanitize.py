"""Make untrusted text safe to put on a terminal: the one cleaning function.

Rich's `Text` removes only a few control characters and lets ESC and the C1
range through, so a story could move the cursor, retitle the window or hide
text behind a bidirectional override. Every string from outside (a feed, a
dump, a Markdown file, a bookmark or state file) is passed through `clean`
where it enters, after any decoding of character references, so that a
`&#x1b;` cannot bring back what was removed.

What goes, and why only that:

* Escape sequences that start with ESC go whole, so their parameters do not
  survive as text: CSI (`ESC [`, its parameters, a final byte), the strings
  OSC, DCS, SOS, PM and APC (`ESC ] P X ^ _` up to BEL or ST), and any other
  `ESC` sequence. Once its ESC is gone nothing can drive the terminal, so
  where a sequence cannot be told from the text after it, the text wins:
  a string never terminated loses only its introducer (and an OSC's number,
  `ESC ]0;`), and a CSI ends at a space or punctuation mark (an intermediate
  byte, which few sequences use), so a file name such as `report ESC [31.md`
  or `ESC ]0;evil title.md` keeps the rest of its name, and a stray
  `ESC ]` never eats the rest of a story.
* A C1 character (U+0080-U+009F) goes alone, even one that could start an
  8-bit sequence. In UTF-8 text these are nearly always mojibake: UTF-8 quotes
  read as Latin-1 give `\\x9c` and `\\x9d` (ST and OSC), and taking those for a
  string deleted the words between a closing and an opening quote. What follows
  such a character is printable text and stays; without its introducer it
  cannot drive anything.
* C0 controls except newline and tab, and DEL; carriage returns too (line ends
  are normalised before text gets here).
* Bidirectional embeddings, overrides and isolates, and the invisible
  direction marks (LRM, RLM, ALM), which can reorder what is shown.
* A lone surrogate (only JSON's `\\ud800` can make one) becomes U+FFFD: it
  cannot be encoded, so it would crash whatever writes it out later.

Every pattern here is linear in the length of the text.
"""

from __future__ import annotations

import re

# Escape sequences, tried in this order at each ESC. None of the repeats can
# overlap the next, so there is no backtracking: each match is one pass.
_ESCAPES = re.compile(
    r"""
      \x1b \[ [\x30-\x3f]*+ [\x40-\x7e]?                          # CSI
    | \x1b [\]PX^_] [^\x07\x1b\x9c\n]*+ (?: \x07 | \x9c | \x1b\\ )  # OSC DCS SOS PM APC
    | \x1b (?: \] [0-9]*+ ;? | [PX^_] )                    # one never terminated
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                          # any other, or a lone ESC
    """,
    re.VERBOSE,
)
# Single characters that go: C0 controls except tab and newline, DEL, C1, the
# bidi marks, embeddings, overrides and isolates. Lone surrogates are replaced.
_DROP = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_CONTROLS = re.compile(f"[{_DROP}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
UNSAFE = re.compile(f"[{_DROP}{_SURROGATES}]")
"""Matches any character `clean` would change: `UNSAFE.search(s)` is the quick
test that `clean(s) == s`."""

REPLACEMENT = "\ufffd"


def clean(text: str) -> str:
    """Drop escape sequences and control characters, keeping newlines and tabs.

    Most text has nothing to drop, and one search says so quickly.
    """
    if not UNSAFE.search(text):
        return text
    if "\x1b" in text:
        text = _ESCAPES.sub("", text)
    return _SURROGATE.sub(REPLACEMENT, _CONTROLS.sub("", text))


def clean_line(text: str) -> str:
    """One line of text: also folds tabs and newlines to spaces (titles, sections)."""
    return " ".join(clean(text).split())


def shown_line(text: str) -> str:
    """`clean_line` for text cleaned once already (read back from the library),
    on its way to the screen: a library file may have been made by someone else.
    One search when there is nothing to do, which is nearly always."""
    return clean_line(text) if UNSAFE.search(text) or "\n" in text else text


# A numeric character reference (the ";" is optional in HTML) to a C0 control
# other than tab, newline and carriage return (1-8, 11, 12, 14-31), or to DEL
# (127), and to nothing else: feeds are full of `&#8217;`, and each match costs
# a call back into Python.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:[xX]0*([1-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])(?![0-9a-fA-F])"
    r"|0*([1-8]|1[124-9]|2[0-9]|3[01]|127)(?![0-9]));?"
)


def _control(match: re.Match[str]) -> str:
    return chr(int(match[1], 16) if match[1] else int(match[2]))


def decode_control_references(html_text: str) -> str:
    """`&#x1b;` and `&#27` made the ESC they stand for, as a browser reads them,
    so that `clean` after it drops `&#x1b;[31m` whole, as it drops the raw
    sequence. Python's `html.unescape` drops such a reference alone and the
    HTML converter keeps it as text, and either way `[31m` was left over.
    The other references are left for them to decode (C1 ones as cp1252)."""
    return _CONTROL_REFERENCE.sub(_control, html_text) if "&#" in html_text else html_text


_CONTROL_REFERENCE_BYTES = re.compile(_CONTROL_REFERENCE.pattern.encode())


def _control_byte(match: re.Match[bytes]) -> bytes:
    return bytes([int(match[1], 16) if match[1] else int(match[2])])


def decode_control_reference_bytes(document: bytes) -> bytes:
    """`decode_control_references` in a document's bytes (a web page, before
    `clean_document` and its parser), so its own encoding is still detected."""
    if b"&#" not in document:
        return document
    return _CONTROL_REFERENCE_BYTES.sub(_control_byte, document)


def unescape_html(text: str) -> str:
    """Every character reference in HTML text (a title, an author, a feed's
    name) decoded, controls included: `clean` it after, as `plain_text` does."""
    import html  # its table of entities takes 2 ms to load, for the few who need it

    return html.unescape(decode_control_references(text))


# The same sequences in the bytes of a document (a feed, a web page), then the
# C0 controls XML 1.0 does not allow. A string sequence stops at a line end or
# a tag; one never terminated loses only its introducer, as in `clean`.
_BYTE_ESCAPES = re.compile(
    rb"\x1b\[[\x30-\x3f]*+[\x40-\x7e]?"
    rb"|\x1b[\]PX^_][^\x07\x1b\n<]*+(?:\x07|\x1b\\)"
    rb"|\x1b(?:\][0-9]*+;?|[PX^_])"
    rb"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
_BYTE_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def clean_document(data: bytes) -> bytes:
    """Cut escape sequences and forbidden controls from an ASCII-based document
    before it is parsed: parsers drop an ESC alone and keep the rest of its
    sequence (`]0;title`) as text.

    UTF-16 and UTF-32 are left alone: there a zero byte is part of a character.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return data
    if len(data.translate(None, _CONTROL_BYTES)) == len(data):
        return data  # none: this is the common case, and ten times faster than a search
    return _BYTE_CONTROLS.sub(b"", _BYTE_ESCAPES.sub(b"", data))
