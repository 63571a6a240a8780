"""What a parsed query is, and what it means both to SQLite and to Python.

Each part of a query (`Term`, `Group`, `Query`) says its meaning twice, side by
side: `to_fts5` for the library's index and `matches` / `accepts` / `spans` for
search without one (dump files, a rule run over one story, highlighting). They sit
in one class on purpose, so a change to one meaning is made beside the other and
the two cannot drift apart; the tests run both over the same corpus. Reading the
typed text (`parser.py`) and what a word is (`reader.folding`) live apart: what a query
means does not change with how it is spelled, or with where words split.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from reader.folding import Token, author_tokens, fold, fold_map, name_key, section_key, tokenize


class QueryError(ValueError):
    """A query the user typed cannot be run; the message is fit for the search bar."""


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

    def found_in(self, texts: list[list[Token]]) -> bool:
        """Whether the term is in any of the texts (only the first, the title,
        for title:); a phrase never runs from one text into the next."""
        return any(
            next(self.find(tokens), None) is not None
            for tokens in (texts[:1] if self.title_only else texts)
        )

    def find(self, tokens: list[Token]) -> Iterator[int]:
        """Indexes in `tokens` where this term starts."""
        n = len(self.tokens)
        *head, last = self.tokens
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].folded == word for k, word in enumerate(head)):
                candidate = tokens[i + n - 1].folded
                if candidate == last or (self.prefix and candidate.startswith(last)):
                    yield i

    def span(self, text: str, tokens: list[Token], i: int) -> tuple[int, int]:
        """Where an occurrence starting at `tokens[i]` lies in the original text; a
        prefix covers only the typed part of the last word."""
        first, last = tokens[i], tokens[i + len(self.tokens) - 1]
        typed = len(self.tokens[-1])
        if not self.prefix or typed == len(last.folded):
            return first.start, last.end
        _, origin = fold_map(text[last.start : last.end])
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

    def matches(self, texts: list[list[Token]]) -> bool:
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
        texts = [tokenize(t) for t in (text, *more)]
        return any(g.matches(texts) for g in self.groups)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every occurrence of every term in `text`, as sorted, non-overlapping
        (start, end) offsets into `text` itself, whichever side of OR it is on.

        A term whose words are not all in the folded text is not looked for: a
        word found is a piece of `fold(text)` (folding goes a character at a
        time), and a prefix a piece of that. Most titles in a page of results
        hold none of the words, and splitting them into words was most of the
        time a search spent after SQLite's answer (issue 15)."""
        folded = fold(text)
        terms = [t for t in self.terms if all(word in folded for word in t.tokens)]
        return spans_of(terms, text) if terms else []


def spans_of(terms: Collection[Term], text: str) -> list[tuple[int, int]]:
    """Where `terms` occur in `text`, as `Query.spans` says, every word of the
    text split out and compared."""
    tokens = tokenize(text)
    found = sorted(term.span(text, tokens, i) for term in terms for i in term.find(tokens))
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
