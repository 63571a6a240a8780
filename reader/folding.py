"""Text as search compares it: folded, and split into words where SQLite splits them.

Apart from the query language (`reader.query`) for two reasons. It is the one
definition of a word that both of the language's sides must share: the FTS5 index
(built by SQLite's `unicode61` tokenizer with `remove_diacritics 2`) and the
Python matcher (`reader.query.model`), which finds, highlights and filters without
the index. And it is all that the config, the rules and the library need when they
compare section names (`section_key`), so they take it without importing the
parser and the query's types; the first run, which stores the bundled news with
their sections, then never loads the query language on its way to the first screen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_APOSTROPHES = {"\u2019": "'", "\u2018": "'"}  # right and left single quotation marks
# Combining marks that are accents on letters; other marks (Indic vowel signs,
# kana voicing marks) change the letter and are kept.
_DIACRITIC_RANGES = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\ufe20-\ufe2f"
_DIACRITICS = re.compile(f"[{_DIACRITIC_RANGES}]")
# The accents unicode61 (remove_diacritics 2) keeps inside a word, as measured on
# SQLite 3.40; every other combining mark separates words there.
_JOINING_MARKS = "\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331"
_PRIVATE_USE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
# What unicode61 counts as part of a word: letters and digits (`[^\W_]`),
# private-use characters and those accents. Characters newer than its Unicode 6.1
# tables (recent emoji, for one) are word characters to SQLite and not here.
_TOKEN = re.compile(rf"(?:[^\W_]|[{_JOINING_MARKS}{_PRIVATE_USE}])+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character folded on its own, so every folded character has one origin."""
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    # Decompose before and after case folding: black-letter H (U+210C) decomposes
    # to "H", and case folding "İ" yields a separate combining dot.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", decomposed))


class _FoldTable(dict[int, str]):
    """`str.translate`'s table for `fold`: each character folded on its own, the
    first time it is met. Joining `_fold_char` a character at a time in Python
    took 20 µs for a search snippet (its "…" makes it non-ASCII); translating
    with this table takes a tenth of that."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Text as search compares it: case folded, accents removed, apostrophes unified."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def fold_map(text: str) -> tuple[str, list[int]]:
    """Like `fold`, plus the index in `text` each folded character came from.

    Folding changes lengths ("ß" -> "ss", "é" written as e + accent -> "e"), so
    offsets found in folded text must be mapped back before they are shown.
    """
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        part = _fold_char(char)
        folded.append(part)
        origin.extend([i] * len(part))
    return "".join(folded), origin


def section_key(name: str) -> str:
    """A section name as `section:` compares it, so "elon  MUSK" is "Elon Musk"."""
    return " ".join(fold(name).split())


name_key = section_key  # a source's name (source:) compares the same way


@dataclass(frozen=True, slots=True)
class Token:
    """A word as found: folded for comparing, and where it stands in the text."""

    folded: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words of `text` with their offsets; a word that folds to nothing (a lone
    accent) is dropped, as unicode61 drops it."""
    tokens = []
    for m in _TOKEN.finditer(text):
        folded = fold(m.group())
        if folded:
            tokens.append(Token(folded, m.start(), m.end()))
    return tokens


@lru_cache(maxsize=4096)
def author_tokens(author: str) -> list[Token]:
    """An author's words, for author: (`Term.found_in`); cached, since a library
    has few authors and many stories."""
    return tokenize(author)
