"""What the property (Hypothesis) tests share: how many examples a test draws,
and a cheap way to draw a list of pieces.

The suite runs each property at Hypothesis' default of 100 examples, the
`suite` profile (tests/conftest.py); `HYPOTHESIS_PROFILE=thorough` runs
every one ten times deeper. A test that needs another count says so with
`examples(n)`, its count at the suite's depth, which the profile scales."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from hypothesis import settings
from hypothesis import strategies as st

T = TypeVar("T")

SUITE_EXAMPLES = 100  # the suite profile's max_examples, Hypothesis' default


def examples(n: int) -> int:
    """`n` examples at the suite's depth, scaled as the loaded profile is."""
    assert settings.default is not None  # a profile is loaded (tests/conftest.py)
    return max(1, n * settings.default.max_examples // SUITE_EXAMPLES)


# Letters past Latin-1 stand for the pieces (all assigned, none one Hypothesis favours).
_FIRST = 0x100


def lists_of(
    pieces: Sequence[T], min_size: int = 0, max_size: int | None = None
) -> st.SearchStrategy[list[T]]:
    """Lists of `pieces`, as `st.lists(st.sampled_from(pieces), ...)` draws them
    (each piece as likely, any order, the same sizes), for a third of the CPU:
    Hypothesis draws a text as one choice, a list as two choices an element,
    and making examples was most of what the costliest tests spent."""
    alphabet = st.characters(min_codepoint=_FIRST, max_codepoint=_FIRST + len(pieces) - 1)
    text = st.text(alphabet, min_size=min_size, max_size=max_size)
    return text.map(lambda drawn: [pieces[ord(c) - _FIRST] for c in drawn])
