"""The search bar's query language: parsed once, then run by SQLite or by Python.

    tesla starfall          both words (AND)
    "elon musk"             a phrase: the words in this order, any punctuation between
    -recall  -"price cut"   leave out stories with this word or phrase
    tesla OR spacex         either side; AND binds tighter than OR, so
                            `a b OR c` is `(a AND b) OR c` and `a -b OR c` is
                            `(a AND NOT b) OR c`
    section:News            only this section; `section:"Elon Musk"` for a name with
                            spaces, `-section:Sport` to leave one out; several
                            section: filters mean any of them, wherever they stand
    star|                   while typing (`prefix_last=True`) the last word is a
                            prefix: "Star" finds "Starfall"

Case (in every script), accents and the kind of apostrophe do not matter. Words are
split the way SQLite's `unicode61` tokenizer splits them: on anything that is not a
letter or a digit, so "Tesla's" is the phrase "tesla s" on both sides and `AND`,
`NOT`, `NEAR(`, `*` or `:` typed by the user are words or separators, never FTS5
syntax. The same `Query` compiles to an FTS5 MATCH expression (`to_fts5`) and is
evaluated in Python (`matches`, `spans`) so that in-memory search, highlighting and
the tests agree with the index.

Known differences, where Python finds a little more than FTS5: Python folds with
full Unicode case folding and compatibility decomposition, so "strasse" finds
"Straße", "finance" finds "ﬁnance", and accents come off Greek and Cyrillic letters
too, where `remove_diacritics 2` only strips Latin ones. SQLite's tables are
Unicode 6.1, so characters added since (recent emoji among them) join words there
and separate them here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Group", "Query", "QueryError", "Term", "fold", "parse", "section_key"]

# Opening and closing quotes are interchangeable: phones and word processors turn
# straight quotes into curly ones, and the user should not have to care.
_QUOTES = frozenset('"\u201c\u201d\u201e\u201f')  # straight, and curly in four shapes
_APOSTROPHES = {"\u2019": "'", "\u2018": "'"}  # right and left single quotation marks
_OR = "OR"
_SECTION = re.compile(r"section:", re.IGNORECASE)
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


class QueryError(ValueError):
    """A query the user typed cannot be run; the message is fit for the search bar."""


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character folded on its own, so every folded character has one origin."""
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    # Decompose before and after case folding: black-letter H (U+210C) decomposes
    # to "H", and case folding "İ" yields a separate combining dot.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", decomposed))


def fold(text: str) -> str:
    """Text as search compares it: case folded, accents removed, apostrophes unified."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def _fold_map(text: str) -> tuple[str, list[int]]:
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


@dataclass(frozen=True, slots=True)
class _Token:
    folded: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """Words of `text` with their offsets; a word that folds to nothing (a lone
    accent) is dropped, as unicode61 drops it."""
    tokens = []
    for m in _TOKEN.finditer(text):
        folded = fold(m.group())
        if folded:
            tokens.append(_Token(folded, m.start(), m.end()))
    return tokens


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase to find: its words in order, the last maybe as a prefix.

    `words` keeps the user's spelling for FTS5, which folds them with its own
    tokenizer, the one that built the index; `tokens` are folded for Python.
    """

    text: str
    words: tuple[str, ...]
    tokens: tuple[str, ...]
    prefix: bool = False

    def to_fts5(self) -> str:
        # Only letters, digits and spaces are left in `words`, so nothing inside
        # the quotes can be FTS5 syntax; doubling quotes is belt and braces.
        phrase = " ".join(self.words).replace('"', '""')
        return f'"{phrase}" *' if self.prefix else f'"{phrase}"'

    def find(self, tokens: list[_Token]) -> Iterator[int]:
        """Indexes in `tokens` where this term starts."""
        n = len(self.tokens)
        *head, last = self.tokens
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].folded == word for k, word in enumerate(head)):
                candidate = tokens[i + n - 1].folded
                if candidate == last or (self.prefix and candidate.startswith(last)):
                    yield i

    def span(self, text: str, tokens: list[_Token], i: int) -> tuple[int, int]:
        """Where an occurrence starting at `tokens[i]` lies in the original text; a
        prefix covers only the typed part of the last word."""
        first, last = tokens[i], tokens[i + len(self.tokens) - 1]
        typed = len(self.tokens[-1])
        if not self.prefix or typed == len(last.folded):
            return first.start, last.end
        _, origin = _fold_map(text[last.start : last.end])
        # The prefix ends after the original character that produced its last
        # folded character, and after any accents that folded to nothing.
        end = next((o for o in origin[typed:] if o > origin[typed - 1]), last.end - last.start)
        return first.start, last.start + end


@dataclass(frozen=True, slots=True)
class Group:
    """One side of OR: every `include` term and none of the `exclude` terms."""

    include: tuple[Term, ...]
    exclude: tuple[Term, ...] = ()

    @property
    def compound(self) -> bool:
        return len(self.include) + len(self.exclude) > 1

    def to_fts5(self) -> str:
        expr = " AND ".join(t.to_fts5() for t in self.include)
        if self.exclude:
            # FTS5's NOT is binary ("a NOT b"), which is why a group needs a term.
            if len(self.include) > 1:
                expr = f"({expr})"
            expr += " NOT (" + " OR ".join(t.to_fts5() for t in self.exclude) + ")"
        return expr

    def matches(self, texts: list[list[_Token]]) -> bool:
        # Like FTS5 columns: each term may be in a different text, but a phrase
        # never runs from one text into the next.
        def found(term: Term) -> bool:
            return any(next(term.find(tokens), None) is not None for tokens in texts)

        return all(found(t) for t in self.include) and not any(found(t) for t in self.exclude)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: text groups joined by OR, and section filters beside them.

    A query may be sections only (`section:News`): then `has_text` is false, it
    matches every text, and the caller lists the section instead of calling
    `to_fts5`.
    """

    groups: tuple[Group, ...]
    sections: tuple[str, ...] = ()
    excluded_sections: tuple[str, ...] = ()

    @property
    def has_text(self) -> bool:
        return bool(self.groups)

    @property
    def terms(self) -> tuple[Term, ...]:
        """The words and phrases to find, for highlighting; exclusions are not shown."""
        seen: dict[tuple[tuple[str, ...], bool], Term] = {}
        for group in self.groups:
            for term in group.include:
                seen.setdefault((term.tokens, term.prefix), term)
        return tuple(seen.values())

    def to_fts5(self) -> str:
        """An FTS5 MATCH expression; every grouping is spelled out in parentheses, so
        FTS5's own precedence never decides anything."""
        if not self.groups:
            raise QueryError("nothing to search for")
        if len(self.groups) == 1:
            return self.groups[0].to_fts5()
        return " OR ".join(f"({g.to_fts5()})" if g.compound else g.to_fts5() for g in self.groups)

    def accepts_section(self, section: str) -> bool:
        key = section_key(section)
        if self.sections and key not in self.sections:
            return False
        return key not in self.excluded_sections

    def matches(self, text: str, *more: str) -> bool:
        """Whether the text matches, as FTS5 would for a row with these columns.

        Sections are not checked here; see `accepts_section`.
        """
        if not self.groups:
            return True
        texts = [_tokens(t) for t in (text, *more)]
        return any(g.matches(texts) for g in self.groups)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every occurrence of every term in `text`, as sorted, non-overlapping
        (start, end) offsets into `text` itself, whichever side of OR it is on."""
        tokens = _tokens(text)
        found = sorted(term.span(text, tokens, i) for term in self.terms for i in term.find(tokens))
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


@dataclass(frozen=True, slots=True)
class _Item:
    """One lexed piece of the query before grouping."""

    kind: str  # "term", "section" or "or"
    value: str = ""
    negated: bool = False
    bare: bool = False  # a word rather than a quoted phrase
    closed: bool = True  # False for a phrase still being typed


def _lex(text: str, typing: bool) -> list[_Item]:
    items: list[_Item] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        kind = "term"
        if m := _SECTION.match(text, i):
            kind, i = "section", m.end()
        if i < n and text[i] in _QUOTES:
            close = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -1)
            if close == -1 and not typing:
                raise QueryError("unclosed quote")
            end = n if close == -1 else close
            items.append(_Item(kind, text[i + 1 : end], negated, closed=close != -1))
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        i = j
        if kind == "term" and word == _OR and not negated:
            items.append(_Item("or", word))
        else:
            items.append(_Item(kind, word, negated, bare=True))
    return items


def _make_term(value: str, prefix: bool) -> Term | None:
    tokens = _tokens(value)
    if not tokens:
        return None  # only punctuation: nothing FTS5 could find either
    # A word typed up to a separator ("tesla.") is finished, not a prefix.
    prefix = prefix and tokens[-1].end == len(value)
    return Term(
        text=value,
        words=tuple(value[t.start : t.end] for t in tokens),
        tokens=tuple(t.folded for t in tokens),
        prefix=prefix,
    )


def parse(text: str, *, prefix_last: bool = False) -> Query:
    """Parse what the user typed, or raise `QueryError` saying what is wrong.

    `prefix_last` is for search as you type: the last word, when no space follows
    it, is a prefix, and a phrase whose closing quote is not typed yet is
    accepted. Nothing else depends on it, so the reader's bar and `news search`
    give one answer: a trailing `OR` is the operator with its second side
    missing, refused in both (in the bar only until the next word is typed).
    """
    items = _lex(text, prefix_last)
    typing = prefix_last and bool(text) and not text[-1].isspace()
    last_typed = items[-1] if typing and items else None

    # Sections apply to the whole query wherever they stand; OR between two of
    # them only says what several sections already mean.
    sections: list[str] = []
    excluded: list[str] = []
    rest: list[_Item] = []
    for k, item in enumerate(items):
        if item.kind == "section":
            key = section_key(item.value)
            if not key:
                raise QueryError("section: needs a name")
            (excluded if item.negated else sections).append(key)
        elif item.kind == "or":
            before = items[k - 1].kind if k > 0 else None
            after = items[k + 1].kind if k + 1 < len(items) else None
            if before == after == "section":
                continue
            if "section" in (before, after):
                raise QueryError("OR cannot join section: to a word")
            rest.append(item)
        else:
            rest.append(item)

    groups: list[Group] = []
    sides: list[list[_Item]] = [[]]
    for item in rest:
        if item.kind == "or":
            sides.append([])
        else:
            sides[-1].append(item)
    for side in sides:
        include: list[Term] = []
        exclude: list[Term] = []
        for item in side:
            prefix = item is last_typed and not item.negated and (item.bare or not item.closed)
            term = _make_term(item.value, prefix)
            if term is not None:
                (exclude if item.negated else include).append(term)
        if not include:
            if len(sides) > 1 and not exclude:
                raise QueryError("OR needs a term on each side")
            if exclude:
                raise QueryError(
                    "a query cannot only exclude"
                    if len(sides) == 1
                    else "each side of OR needs a word to find, not only exclusions"
                )
            continue  # an empty query, or sections only
        groups.append(Group(tuple(include), tuple(exclude)))

    if not groups and not sections and not excluded:
        raise QueryError("nothing to search for")
    return Query(tuple(groups), tuple(dict.fromkeys(sections)), tuple(dict.fromkeys(excluded)))
