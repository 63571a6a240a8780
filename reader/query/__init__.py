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
    star*                   words that start so: Starfall, Starship
    star|                   while typing (`prefix_last=True`) the last word is a
                            prefix: "Star" finds "Starfall"; a search saved from
                            the bar keeps it so as `star*` (`saved_form`)

Case (in every script), accents and the kind of apostrophe do not matter. Words are
split the way SQLite's `unicode61` tokenizer splits them: on anything that is not a
letter or a digit, so "Tesla's" is the phrase "tesla s" on both sides and `AND`,
`NOT`, `NEAR(`, `*` or `:` typed by the user are words or separators, never FTS5
syntax (a `*` right after a word's last letter makes the word a prefix, as FTS5's
own `"star" *`, which is how it is compiled). Filters (every `name:` but title:)
hold for the whole query wherever they stand, like section:; OR between two filters
of a kind that takes several (section, source, author) says what several already
mean, and OR between a filter and a word is refused rather than read some surprising
way. The same `Query` compiles to an FTS5 MATCH expression (`to_fts5`, the filters
are SQL beside it: `library.search`) and is evaluated in Python (`matches`,
`accepts`, `spans`) so that in-memory search, highlighting and the tests agree with
the index.

The package is in two parts, apart for a reason: `model.py` says what a parsed
query is, each part giving its meaning to FTS5 and to Python side by side so the
two cannot drift; `parser.py` reads the typed text into a `Query`, and is where
every refusal is worded. What a word is, folded, lives outside, in
`reader.folding`: section names compare by it without the query language. Nothing
on the way to the reader's first screen imports this package: the search bar,
rules and saved sections import it when first used.

Known differences, where Python finds a little more than FTS5: Python folds with
full Unicode case folding and compatibility decomposition, so "strasse" finds
"Straße", "finance" finds "ﬁnance", and accents come off Greek and Cyrillic letters
too, where `remove_diacritics 2` only strips Latin ones. SQLite's tables are
Unicode 6.1, so characters added since (recent emoji among them) join words there
and separate them here.
"""

from reader.folding import author_tokens, fold, name_key, section_key
from reader.query.model import (
    NO_CONTEXT,
    Context,
    DateBound,
    Group,
    Query,
    QueryError,
    Story,
    Term,
)
from reader.query.parser import parse, saved_form

__all__ = [
    "NO_CONTEXT",
    "Context",
    "DateBound",
    "Group",
    "Query",
    "QueryError",
    "Story",
    "Term",
    "author_tokens",
    "fold",
    "name_key",
    "parse",
    "saved_form",
    "section_key",
]
