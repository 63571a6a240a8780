"""Nothing from a source may drive the terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sanitize import clean, clean_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x1b[31mred\x1b[0m b", "ared b"),  # CSI colour
        ("a\x1b[2J\x1b[Hb", "ab"),  # CSI clear screen, cursor home
        ("a\x9b2Jb", "ab"),  # 8-bit CSI
        ("x\x1b]0;new title\x07y", "xy"),  # OSC window title, BEL-terminated
        ("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y", "xlinky"),  # OSC 8 hyperlink, ST
        ("x\x9d0;title\x9cy", "xy"),  # 8-bit OSC and ST
        ("a\x1bPqsixel\x1b\\b", "ab"),  # DCS
        ("a\x1b_apc\x1b\\b", "ab"),  # APC
        ("a\x1b^pm\x1b\\b", "ab"),  # PM
        ("a\x1bXsos\x1b\\b", "ab"),  # SOS
        ("a\x1b(0b", "ab"),  # charset designation
        ("a\x1bcb", "ab"),  # full reset
        ("a\x1b", "a"),  # a lone ESC at the end
        ("a\x00b\x07c\x08d", "abcd"),  # C0 controls
        ("a\x7fb", "ab"),  # DEL
        ("a\x85b\x8fc\x80d", "abcd"),  # C1 controls
        ("a\u202eb\u202ac\u202bd\u202ce\u202df", "abcdef"),  # bidi embeddings, overrides
        ("a\u2066b\u2067c\u2068d\u2069e", "abcde"),  # bidi isolates
        ("a\rb", "ab"),  # a bare carriage return could overwrite the line
    ],
)
def test_clean_drops(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_keeps_newlines_tabs_and_wide_characters() -> None:
    text = "line one\n\ttabbed 日本語 😀 café Ж"
    assert clean(text) == text


def test_clean_line_folds_whitespace() -> None:
    assert clean_line("  a\tb\n c  ") == "a b c"


@given(st.text())
def test_nothing_that_drives_a_terminal_survives(text: str) -> None:
    out = clean(text)
    assert not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in out)
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in out)
