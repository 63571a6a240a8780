"""What the user typed, read into a `Query`: lexed, filters gathered, OR split.

Apart from the query's types because reading text is where every refusal is
decided (an unclosed quote, OR beside a filter, `is:read` with `is:unread`), with
messages fit for the search bar; the types (`model.py`) only say what a parsed
query means, to FTS5 and to Python, and never see the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from reader.folding import section_key, tokenize
from reader.query.model import DateBound, Group, Query, QueryError, Term
from reader.sanitize import clean_line

# Opening and closing quotes are interchangeable: phones and word processors turn
# straight quotes into curly ones, and the user should not have to care.
_QUOTES = frozenset('"\u201c\u201d\u201e\u201f')  # straight, and curly in four shapes
_OR = "OR"
# `name:` words that are filters or column terms rather than words to find.
_FILTER = re.compile(r"(section|source|title|author|is|after|before):", re.IGNORECASE)
# Filters that may be given several times, meaning any of them.
_ANY_OF = frozenset({"section", "source", "author"})
_IS_VALUES = ("unread", "read", "bookmarked")
_AGE = re.compile(r"([0-9]{1,7})([hdw])", re.IGNORECASE)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True, slots=True)
class _Item:
    """One lexed piece of the query before grouping."""

    kind: str  # "term", "or", or a filter's name: "section", "source", "is", ...
    value: str = ""
    negated: bool = False
    bare: bool = False  # a word rather than a quoted phrase
    closed: bool = True  # False for a phrase still being typed
    title_only: bool = False  # a term typed as title:


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
        kind, title_only = "term", False
        if m := _FILTER.match(text, i):
            kind, i = m.group(1).lower(), m.end()
            if kind == "title":
                kind, title_only = "term", True
        if i < n and text[i] in _QUOTES:
            close = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -1)
            if close == -1 and not typing:
                raise QueryError("unclosed quote")
            end = n if close == -1 else close
            value = text[i + 1 : end]
            items.append(_Item(kind, value, negated, closed=close != -1, title_only=title_only))
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        i = j
        if kind == "term" and not title_only and word == _OR and not negated:
            items.append(_Item("or", word))
        else:
            items.append(_Item(kind, word, negated, bare=True, title_only=title_only))
    return items


def _make_term(
    value: str, prefix: bool, title_only: bool = False, *, starred: bool = True
) -> Term | None:
    tokens = tokenize(value)
    if not tokens:
        return None  # only punctuation: nothing FTS5 could find either
    # A word typed up to a separator ("tesla.") is finished, not a prefix;
    # `star*` (a `*` right after the last word, `starred`) asks for one.
    end = tokens[-1].end
    prefix = (prefix and end == len(value)) or (starred and value[end:] == "*")
    return Term(
        text=value,
        words=tuple(value[t.start : t.end] for t in tokens),
        tokens=tuple(t.folded for t in tokens),
        prefix=prefix,
        title_only=title_only,
    )


def _date_bound(name: str, value: str) -> DateBound:
    """`7d`, `2w`, `12h` or `2026-11-01`, or a `QueryError` saying what is wrong
    (the value said back cleaned of control characters: it goes to a terminal)."""
    value = clean_line(value)
    if not value:
        raise QueryError(f"{name}: needs a date (2026-11-01) or an age (7d, 2w, 12h)")
    if m := _AGE.fullmatch(value):
        amount, unit = int(m.group(1)), _AGE_UNITS[m.group(2).lower()]
        return DateBound(value, age=timedelta(**{unit: amount}))
    if _DAY.fullmatch(value):
        try:
            return DateBound(value, day=date.fromisoformat(value))
        except ValueError:
            raise QueryError(f"{name}:{value} is not a day of the calendar") from None
    raise QueryError(
        f"{name}:{value} is not a date: give a day (2026-11-01) or an age (7d, 2w, 12h)"
    )


@dataclass
class _Filters:
    """The filters as `parse` collects them, in any order."""

    sections: list[str] = field(default_factory=list)
    excluded_sections: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    excluded_sources: list[str] = field(default_factory=list)
    authors: list[Term] = field(default_factory=list)
    excluded_authors: list[Term] = field(default_factory=list)
    read: bool | None = None
    bookmarked: bool | None = None
    after: list[DateBound] = field(default_factory=list)
    before: list[DateBound] = field(default_factory=list)

    def add(self, item: _Item) -> None:
        kind, value, negated = item.kind, item.value, item.negated
        if kind in ("section", "source"):
            key = section_key(value)
            if not key:
                raise QueryError(f"{kind}: needs a name")
            if kind == "section":
                (self.excluded_sections if negated else self.sections).append(key)
            else:
                (self.excluded_sources if negated else self.sources).append(key)
        elif kind == "author":
            term = _make_term(value, prefix=False, starred=False)
            if term is None:
                raise QueryError("author: needs a name")
            (self.excluded_authors if negated else self.authors).append(term)
        elif kind == "is":
            self._is(value.strip().lower(), negated)
        elif kind in ("after", "before"):
            bound = _date_bound(kind, value)
            # after: and before: are each other's opposites: -after:X is before:X.
            (self.after if (kind == "after") != negated else self.before).append(bound)

    def _is(self, value: str, negated: bool) -> None:
        if value not in _IS_VALUES:
            said = f" (not {value!r})" if value else ""
            raise QueryError(f"is: takes unread, read or bookmarked{said}")
        if value == "bookmarked":
            if self.bookmarked is not None and self.bookmarked == negated:
                raise QueryError("is:bookmarked and -is:bookmarked together find nothing")
            self.bookmarked = not negated
            return
        read = (value == "read") != negated
        if self.read is not None and self.read != read:
            raise QueryError("is:read and is:unread together find nothing")
        self.read = read

    def any(self) -> bool:
        return bool(
            self.sections
            or self.excluded_sections
            or self.sources
            or self.excluded_sources
            or self.authors
            or self.excluded_authors
            or self.read is not None
            or self.bookmarked is not None
            or self.after
            or self.before
        )


def _terms_unique(terms: list[Term]) -> tuple[Term, ...]:
    return tuple({t.tokens: t for t in terms}.values())


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

    # Filters apply to the whole query wherever they stand; OR between two of
    # a kind that takes several only says what several already mean.
    filters = _Filters()
    rest: list[_Item] = []
    for k, item in enumerate(items):
        if item.kind == "or":
            before = items[k - 1].kind if k > 0 else None
            after = items[k + 1].kind if k + 1 < len(items) else None
            if before == after and before in _ANY_OF:
                continue
            named = [kind for kind in (before, after) if kind not in (None, "term", "or")]
            if len(named) == 2:
                raise QueryError(f"OR cannot join {named[0]}: to {named[1]}:")
            if named:
                raise QueryError(f"OR cannot join {named[0]}: to a word")
            rest.append(item)
        elif item.kind == "term":
            rest.append(item)
        else:
            filters.add(item)

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
            term = _make_term(item.value, prefix, item.title_only)
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
            continue  # an empty query, or filters only
        groups.append(Group(tuple(include), tuple(exclude)))

    if not groups and not filters.any():
        raise QueryError("nothing to search for")
    return Query(
        tuple(groups),
        sections=tuple(dict.fromkeys(filters.sections)),
        excluded_sections=tuple(dict.fromkeys(filters.excluded_sections)),
        sources=tuple(dict.fromkeys(filters.sources)),
        excluded_sources=tuple(dict.fromkeys(filters.excluded_sources)),
        authors=_terms_unique(filters.authors),
        excluded_authors=_terms_unique(filters.excluded_authors),
        read=filters.read,
        bookmarked=filters.bookmarked,
        after=tuple(filters.after),
        before=tuple(filters.before),
    )


def saved_form(text: str) -> str:
    """The query the search bar ran while typing `text`, written so that it
    finds the same once saved (a rule): the last word, a prefix while typed,
    gets its `*`. As typed when that changes nothing (a space after it, a
    phrase, a filter) or the query does not read."""
    if not text[-1:].isalnum():
        return text
    try:
        if parse(text, prefix_last=True) != parse(text):
            return text + "*"
    except QueryError:  # an unclosed phrase, say: refused with its reason when saved
        pass
    return text
