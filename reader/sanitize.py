"""Make untrusted text safe to put on a terminal.

Rich's `Text` removes only a few control characters and lets ESC and the C1
range through, so a story could move the cursor, retitle the window or hide
text behind a bidirectional override. Everything that comes from a source is
passed through `clean` before it is stored or shown.
"""

from __future__ import annotations

import re

# Whole escape sequences first, so their parameters do not survive as text:
# CSI (ESC [ or U+009B) ... final byte; OSC, DCS, SOS, PM, APC strings up to
# BEL or ST (ESC \ or U+009C); then any other two-byte ESC sequence.
_ESCAPES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|$)
    | \x1b [\x20-\x2f]* [\x30-\x7e]?
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except tab and newline, DEL, C1 controls, bidirectional
# embeddings, overrides and isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Drop escape sequences and control characters, keeping newlines and tabs.

    Carriage returns go too: line ends are normalised before text gets here.
    Most text has nothing to drop, and one search says so quickly.
    """
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_line(text: str) -> str:
    """One line of text: also folds tabs and newlines to spaces (titles, sections)."""
    return " ".join(clean(text).split())
