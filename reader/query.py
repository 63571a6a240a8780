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
    title:word              the word (or `title:"a phrase"`) in the title; a term
                            like any other, so `-title:x` and OR work with it
    source:"Big corpus"     only this source (its title, else its address, as
                            `news sources` names it); several mean any of them
    author:musk             the word or phrase in the story's author; several
                            mean any of them
    is:unread  is:read      by the person's marks, which live outside the library
    is:bookmarked           and come in as a `Context`; `-is:` turns them round
    after:7d  before:2w     by date: the story's published date, else when it was
    after:2026-11-01        fetched (`Story.date`); an age in hours, days or weeks
                            (h, d, w) back from now, or a day (UTC): after: is on
                            or after it, before: is before it, `-after:` is before:
    star|                   while typing (`prefix_last=True`) the last word is a
                            prefix: "Star" finds "Starfall"

Case (in every script), accents and the kind of apostrophe do not matter. Words are
split the way SQLite's `unicode61` tokenizer splits them: on anything that is not a
letter or a digit, so "Tesla's" is the phrase "tesla s" on both sides and `AND`,
`NOT`, `NEAR(`, `*` or `:` typed by the user are words or separators, never FTS5
syntax. Filters (every `name:` but title:) hold for the whole query wherever they
stand, like section:; OR between two filters of a kind that takes several (section,
source, author) says what several already mean, and OR between a filter and a word is
refused rather than read some surprising way. The same `Query` compiles to an FTS5
MATCH expression (`to_fts5`, the filters are SQL beside it: `library.search`) and is
evaluated in Python (`matches`, `accepts`, `spans`) so that in-memory search,
highlighting and the tests agree with the index.

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
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from reader.sanitize import clean_line

__all__ = [
    "Context",
    "DateBound",
    "Group",
    "Query",
    "QueryError",
    "Story",
    "Term",
    "fold",
    "name_key",
    "parse",
    "section_key",
]

# Opening and closing quotes are interchangeable: phones and word processors turn
# straight quotes into curly ones, and the user should not have to care.
_QUOTES = frozenset('"\u201c\u201d\u201e\u201f')  # straight, and curly in four shapes
_APOSTROPHES = {"\u2019": "'", "\u2018": "'"}  # right and left single quotation marks
_OR = "OR"
# `name:` words that are filters or column terms rather than words to find.
_FILTER = re.compile(r"(section|source|title|author|is|after|before):", re.IGNORECASE)
# Filters that may be given several times, meaning any of them.
_ANY_OF = frozenset({"section", "source", "author"})
_IS_VALUES = ("unread", "read", "bookmarked")
_AGE = re.compile(r"([0-9]{1,7})([hdw])", re.IGNORECASE)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
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


name_key = section_key  # a source's name (source:) compares the same way


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
    title_only: bool = False  # title:word

    def to_fts5(self) -> str:
        # Only letters, digits and spaces are left in `words`, so nothing inside
        # the quotes can be FTS5 syntax; doubling quotes is belt and braces.
        phrase = " ".join(self.words).replace('"', '""')
        expr = f'"{phrase}" *' if self.prefix else f'"{phrase}"'
        # Inside the text-columns filter the search wraps every query in, a
        # column filter narrows it further (FTS5 intersects them).
        return f"title : {expr}" if self.title_only else expr

    def found_in(self, texts: list[list[_Token]]) -> bool:
        """Whether the term is in any of the texts (only the first, the title,
        for title:); a phrase never runs from one text into the next."""
        return any(
            next(self.find(tokens), None) is not None
            for tokens in (texts[:1] if self.title_only else texts)
        )

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
        # Like FTS5 columns: each term may be in a different text.
        return all(t.found_in(texts) for t in self.include) and not any(
            t.found_in(texts) for t in self.exclude
        )


@dataclass(frozen=True, slots=True)
class DateBound:
    """One side of a date filter as typed: a day, or an age back from the moment
    the query runs (so a saved `after:7d` moves with the clock)."""

    text: str
    day: date | None = None
    age: timedelta | None = None

    def cutoff(self, now: datetime) -> str:
        """The bound as text that compares with stored ISO 8601 dates: a day as
        `2026-11-01` (so every time on that day sorts after it, and a date
        without a time equals it), an age as UTC to the second."""
        if self.day is not None:
            return self.day.isoformat()
        assert self.age is not None
        try:
            moment = now.astimezone(UTC) - self.age
        except OverflowError:  # after:9999999w: before anything stored
            return "0000"
        return moment.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True, slots=True)
class Story:
    """A story as `Query.accepts` sees it, for searching without the index.

    `texts` are its title first, then the rest of its text (standfirst, body);
    `source` is its source's name as `news sources` gives it; `date` is ISO 8601,
    its published date, else when it was fetched (as the library compares it).
    """

    id: str
    texts: tuple[str, ...]
    section: str = ""
    source: str = ""
    author: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """What a query needs that the library does not hold: the ids the person has
    read (state.json) and bookmarked (bookmarks.json), and the moment ages count
    back from (None: the clock, read when the query runs).

    A searcher keeps the last sets it was given loaded beside the index and
    loads only what changed, so pass the same (frozen) sets again when nothing
    changed: a saved section's unread count then costs the query alone.
    """

    read: Collection[str] = frozenset()
    bookmarked: Collection[str] = frozenset()
    now: datetime | None = None
    # Stories a hide rule took out of every list (reader.triage.hidden): left out of
    # the results whatever the query, unless the person shows them (H).
    hidden: Collection[str] = frozenset()

    def moment(self) -> datetime:
        return self.now if self.now is not None else datetime.now(UTC)


NO_CONTEXT = Context()


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: text groups joined by OR, and filters beside them that hold
    for the whole query.

    A query may be filters only (`section:News`, `is:unread`): then `has_text` is
    false, it matches every text, and the caller lists the stories the filters
    let through instead of calling `to_fts5`.
    """

    groups: tuple[Group, ...]
    sections: tuple[str, ...] = ()  # section_key of each name; any of them
    excluded_sections: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # name_key of each name; any of them
    excluded_sources: tuple[str, ...] = ()
    authors: tuple[Term, ...] = ()  # any of them
    excluded_authors: tuple[Term, ...] = ()
    read: bool | None = None  # is:read True, is:unread False, None: either
    bookmarked: bool | None = None
    after: tuple[DateBound, ...] = field(default=())  # on or after each
    before: tuple[DateBound, ...] = field(default=())  # before each

    @property
    def has_text(self) -> bool:
        return bool(self.groups)

    @property
    def needs_context(self) -> bool:
        """Whether the read set or the bookmarks matter (is:)."""
        return self.read is not None or self.bookmarked is not None

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

    def accepts_source(self, name: str) -> bool:
        key = name_key(name)
        if self.sources and key not in self.sources:
            return False
        return key not in self.excluded_sources

    def accepts_author(self, author: str) -> bool:
        if not self.authors and not self.excluded_authors:
            return True
        tokens = author_tokens(author)
        if self.authors and not any(t.found_in([tokens]) for t in self.authors):
            return False
        return not any(t.found_in([tokens]) for t in self.excluded_authors)

    def cutoffs(self, now: datetime) -> tuple[list[str], list[str]]:
        """The date bounds as text comparable with stored dates: (on or after
        each of these, before each of those)."""
        return [b.cutoff(now) for b in self.after], [b.cutoff(now) for b in self.before]

    def accepts_date(self, when: str, now: datetime) -> bool:
        after, before = self.cutoffs(now)
        return all(when >= c for c in after) and all(when < c for c in before)

    def accepts(self, story: Story, context: Context = NO_CONTEXT) -> bool:
        """Whether the story matches, text and every filter: the answer the
        library's index gives, without one (dump files, rules on one story)."""
        if self.read is not None and (story.id in context.read) != self.read:
            return False
        if self.bookmarked is not None and (story.id in context.bookmarked) != self.bookmarked:
            return False
        return (
            self.accepts_section(story.section)
            and self.accepts_source(story.source)
            and self.accepts_author(story.author)
            and (not (self.after or self.before) or self.accepts_date(story.date, context.moment()))
            and self.matches(*story.texts)
        )

    def matches(self, text: str, *more: str) -> bool:
        """Whether the text matches, as FTS5 would for a row with these columns
        (the first is the title, for title:).

        Filters are not checked here; see `accepts`.
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


@lru_cache(maxsize=4096)
def author_tokens(author: str) -> list[_Token]:
    """An author's words, for author: (`Term.found_in`); cached, since a library
    has few authors and many stories."""
    return _tokens(author)


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


def _make_term(value: str, prefix: bool, title_only: bool = False) -> Term | None:
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
            term = _make_term(value, prefix=False)
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
