"""Nothing from a source may drive the terminal, and nothing else is lost."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sanitize import (
    UNSAFE,
    clean,
    clean_line,
    decode_control_reference_bytes,
    decode_control_references,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x1b[31mred\x1b[0m b", "ared b"),  # CSI colour
        ("a\x1b[2J\x1b[Hb", "ab"),  # CSI clear screen, cursor home
        ("x\x1b]0;new title\x07y", "xy"),  # OSC window title, BEL-terminated
        ("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y", "xlinky"),  # OSC 8 hyperlink, ST
        ("x\x1b]0;title\x9cy", "xy"),  # OSC ended by an 8-bit ST
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
        ("a\u200eb\u200fc\u061cd", "abcd"),  # direction marks
        ("a\rb", "ab"),  # a bare carriage return could overwrite the line
        ("a\ud800b\udfffc", "a\ufffdb\ufffdc"),  # lone surrogates cannot be encoded
    ],
)
def test_clean_drops(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # UTF-8 quotes read as Latin-1: \x9d (OSC) ... \x9c (ST) is not a string.
        (
            "He said \u00e2\x80\x9dno\u00e2\x80\x9d, then \u00e2\x80\x9cyes",
            "He said \u00e2no\u00e2, then \u00e2yes",
        ),
        ("a\x9db c d", "ab c d"),
        ("x\x9d0;title\x9cy", "x0;titley"),  # 8-bit strings are not taken as strings
        ("a\x9b2Jb", "a2Jb"),  # nor an 8-bit CSI: its text is harmless without it
    ],
)
def test_a_lone_c1_character_goes_alone(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A string never terminated: only its introducer goes, never the text after.
        ("\x1b]0;evil title.md", "evil title.md"),
        ("a\x1b]0;b.md", "ab.md"),
        ("one\x1b]0;title\ntwo", "onetitle\ntwo"),
        ("one\x1bPdcs\x1b[31mred", "onedcsred"),
        # A CSI ends at a space or a punctuation mark: the name goes on after it.
        ("report\x1b[31.md", "report.md"),
        ("notes \x1b[31 draft.md", "notes  draft.md"),
        ("a\x1b[b", "a"),  # a letter is its final byte, as a terminal reads it
    ],
)
def test_an_unfinished_sequence_takes_no_text_with_it(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_keeps_newlines_tabs_and_wide_characters() -> None:
    text = "line one\n\ttabbed 日本語 😀 café Ж עברית العربية"
    assert clean(text) == text


def test_clean_line_folds_whitespace() -> None:
    assert clean_line("  a\tb\n c  ") == "a b c"


def test_clean_is_linear() -> None:
    """Many unterminated strings on one long line: each is looked through once."""
    import time

    text = ("\x1b]" + "x" * 50) * 20_000 + "\x9d" * 100_000
    started = time.perf_counter()
    assert clean(text) == "x" * 1_000_000
    assert time.perf_counter() - started < 1.0


def _forbidden(c: str) -> bool:
    o = ord(c)
    return (
        (o < 0x20 and c not in "\n\t")
        or 0x7F <= o <= 0x9F
        or 0x202A <= o <= 0x202E
        or 0x2066 <= o <= 0x2069
        or c in "\u200e\u200f\u061c"
        or 0xD800 <= o <= 0xDFFF
    )


# Text weighted towards what makes trouble, so the sequences are really tried.
_TRICKY = st.sampled_from(
    list("\x1b\x07\x9b\x9c\x9d\x90\n\t[]P_^X\\;0123mJ\u202e\u2066\u200f\ud800 aé日")
)
_TEXT = st.text() | st.text(_TRICKY) | st.lists(st.text() | st.text(_TRICKY)).map("".join)


@given(_TEXT)
def test_nothing_that_drives_a_terminal_survives(text: str) -> None:
    out = clean(text)
    assert not any(_forbidden(c) for c in out)
    out.encode("utf-8")  # no lone surrogate


@given(_TEXT)
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert clean_line(clean_line(text)) == clean_line(text)
    assert UNSAFE.search(once) is None


@given(st.text())
def test_without_esc_only_the_unsafe_characters_go(text: str) -> None:
    """No ESC, no sequence: every other character is kept, in order."""
    text = text.replace("\x1b", "")
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert clean(text) == "".join(c for c in expected if not _forbidden(c))


# Every character `_forbidden` refuses (all below the surrogates, which are
# category Cs), and ESC, named to the strategy: filtered with `_forbidden`, a
# text was drawn a character at a time, most of this test's CPU.
_UNSAFE_CHARACTERS = "".join(chr(o) for o in range(0xD800) if _forbidden(chr(o))) + "\x1b"
_SAFE = st.text(st.characters(exclude_categories=["Cs"], exclude_characters=_UNSAFE_CHARACTERS))
_SEQUENCE = st.sampled_from(
    [
        "\x1b[31m",
        "\x1b[2J",
        "\x1b[?25l",
        "\x1b]0;title\x07",
        "\x1b]8;;http://evil\x1b\\",
        "\x1bPq#0;2\x1b\\",
        "\x1b_payload\x9c",
        "\x1b(0",
        "\x1bc",
        "\x1b7",
    ]
)


@given(st.lists(st.tuples(_SAFE, _SEQUENCE)), _SAFE)
def test_printable_text_between_sequences_is_kept(pieces: list[tuple[str, str]], tail: str) -> None:
    text = "".join(safe + seq for safe, seq in pieces) + tail
    assert clean(text) == "".join(safe for safe, _ in pieces) + tail


@given(_TEXT, _TEXT)
def test_no_sequence_reaches_past_its_line(before: str, after: str) -> None:
    """Cleaning is line by line: an escape string never closed (a stray OSC,
    a lone ESC) cannot take the words of the next line with it."""
    assert clean(before + "\n" + after) == clean(before) + "\n" + clean(after)


@given(_TEXT.map(lambda t: t.replace("\x1b", "")), _TEXT)
def test_what_comes_before_an_escape_is_kept(before: str, after: str) -> None:
    """A sequence starts at its ESC: every printable character before it stays."""
    assert clean(before + "\x1b" + after).startswith(clean(before))


@given(
    st.integers(0, 300) | st.integers(0, 0x10FFFF),
    st.sampled_from(["&#{:d};", "&#x{:x};", "&#X{:04X}", "&#00{:d}"]),
)
def test_a_reference_is_decoded_only_when_it_names_a_control_that_starts_a_sequence(
    code: int, written: str
) -> None:
    """`decode_control_references` makes the C0 controls (but tab, newline and
    carriage return) and DEL of their references, which `html.unescape`
    dropped and the HTML converter kept as text; the rest it leaves to them."""
    reference = written.format(code)
    decoded = decode_control_references(f"{reference} after")
    in_bytes = decode_control_reference_bytes(f"{reference} after".encode())
    assert in_bytes == decoded.encode()  # a page's bytes, as its text
    if code in {*range(1, 9), 11, 12, *range(14, 32), 127}:
        assert decoded == f"{chr(code)} after"
    else:
        assert decoded == f"{reference} after"
