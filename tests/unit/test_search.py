"""Search over the library: what matches, in which order, with which highlights."""

from __future__ import annotations

import sqlite3
import threading
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.library import search as search_module
from reader.library import search_plan
from reader.library.articles import Library
from reader.library.db import LibraryError, open_library
from reader.library.search import SearchCancelled, Searcher, SearchResult, search
from reader.model import Article, Block, BlockKind, make_article
from reader.query import QueryError, parse

STORIES = [
    (
        "News",
        "Tesla opens Giga Berlin expansion",
        "The factory in Grünheide will double output.",
        "Elon Musk said the plant is Tesla's largest in Europe.",
    ),
    (
        "News",
        "Café owners in Zürich back the plan",
        "Local café owners welcomed the new jobs.",
        "Résumé season starts early.",
    ),
    ("SpaceX", "Starship flies again", "SpaceX launched Starship from Starbase.", "Starfall next."),
    ("Elon Musk", "Musk’s new company", "Tesla’s chief announced more news.", "Nothing else."),
    ("Reviews", "Model Y review", "The Model Y is quiet.", "Tesla mentioned once, at the end."),
    ("SpaceX", "Ракета Союз", "Запуск прошёл успешно.", "Starbase watched."),
]


def build() -> Library:
    lib = Library(open_library(":memory:"))
    articles = [
        make_article(section, title, [Block(BlockKind.PARAGRAPH, p) for p in paras], "test")
        for section, title, *paras in STORIES
    ]
    lib.upsert_articles(lib.add_source("feed", "https://example.org"), articles)
    return lib


@cache
def shared() -> Library:
    """One library for the read-only tests (and for Hypothesis, which runs a test
    many times over one fixture)."""
    return build()


def titles(text: str, **kwargs: object) -> list[str]:
    result = search(shared().conn, parse(text), **kwargs)  # type: ignore[arg-type]
    return [hit.title for hit in result.hits]


def found(text: str) -> set[str]:
    return set(titles(text))


def test_words_ignore_case() -> None:
    assert found("starship") == found("STARSHIP") == {"Starship flies again"}
    assert found("tesla starfall") == set()
    assert found("nothing") == {"Musk’s new company"}


def test_phrases_keep_word_order() -> None:
    assert found('"elon musk"') == {"Tesla opens Giga Berlin expansion"}
    assert found('"musk elon"') == set()


def test_prefixes_while_typing() -> None:
    result = search(shared().conn, parse("star", prefix_last=True))
    assert {h.title for h in result.hits} == {
        "Starship flies again",
        "Ракета Союз",
        "Café owners in Zürich back the plan",  # "starts"
    }
    starship = next(h for h in result.hits if h.title.startswith("Starship"))
    assert starship.title_spans == ((0, 4),)  # only the typed part lights up
    assert found("star") == set()  # not a prefix once finished


def test_accents_and_non_latin_scripts() -> None:
    assert found("grunheide") == found("Grünheide") == {"Tesla opens Giga Berlin expansion"}
    assert found("zurich") == found("cafe") == found("résumé") == found("RESUME")
    assert found("resume") == {"Café owners in Zürich back the plan"}
    assert found("союз") == found("СОЮЗ") == {"Ракета Союз"}
    assert found("прошёл") == {"Ракета Союз"}


def test_apostrophes_of_either_kind() -> None:
    both = {"Tesla opens Giga Berlin expansion", "Musk’s new company"}
    assert found("tesla's") == found("tesla’s") == both
    assert found('"musk’s new"') == found("musk's") == {"Musk’s new company"}


def test_sections_filter_and_list() -> None:
    assert found("section:SpaceX starbase") == {"Starship flies again", "Ракета Союз"}
    assert found("section:spacex starship") == {"Starship flies again"}
    assert found("section:News OR section:Reviews tesla") == {
        "Tesla opens Giga Berlin expansion",
        "Model Y review",
    }
    assert "Model Y review" not in found("-section:Reviews tesla")
    assert found("section:Nowhere tesla") == set()
    # Sections alone list the section in reading order, newest first when asked.
    assert titles("section:SpaceX") == ["Starship flies again", "Ракета Союз"]
    assert titles("section:SpaceX", order="recent") == ["Ракета Союз", "Starship flies again"]
    lead = search(shared().conn, parse("section:Reviews")).hits[0]
    assert lead.snippet.startswith("The Model Y is quiet.") and lead.snippet_spans == ()
    everything_else = search(shared().conn, parse("-section:SpaceX"))
    assert everything_else.total == 4


def test_title_matches_rank_first_and_totals_count_everything() -> None:
    result = search(shared().conn, parse("tesla"), limit=2)
    assert result.total == 3  # every match, not just the page
    assert len(result.hits) == 2
    assert result.hits[0].title == "Tesla opens Giga Berlin expansion"
    assert titles("tesla")[-1] == "Model Y review"  # one mention, in a long body
    rest = search(shared().conn, parse("tesla"), limit=2, offset=2)
    assert rest.total == 3
    assert [h.title for h in result.hits + rest.hits] == titles("tesla")
    assert search(shared().conn, parse("tesla"), offset=10) == SearchResult(3, ())


def test_recent_order_is_newest_first() -> None:
    assert titles("tesla", order="recent") == [
        "Model Y review",
        "Musk’s new company",
        "Tesla opens Giga Berlin expansion",
    ]


def test_snippets_and_spans_are_offsets() -> None:
    [hit] = search(shared().conn, parse("grunheide")).hits
    assert "\n" not in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["Grünheide"]
    assert hit.title_spans == ()
    [hit] = search(shared().conn, parse('"elon musk"')).hits
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["Elon Musk"]
    [hit] = search(shared().conn, parse("zurich cafe")).hits
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["Café", "Zürich"]


def test_long_bodies_get_a_window_around_the_match() -> None:
    lib = Library(open_library(":memory:"))
    filler = " ".join(f"word{i}" for i in range(200))
    body = [Block(BlockKind.PARAGRAPH, f"{filler} the wombat appears here. {filler}")]
    lib.upsert_articles(lib.add_source("feed", "x"), [make_article("N", "T", body, "x")])
    [hit] = search(lib.conn, parse("wombat")).hits
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) < 200
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["wombat"]


def test_fts5_errors_become_query_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_plan, "match", lambda *args: '"unclosed AND (')
    with pytest.raises(QueryError, match="cannot search"):
        search(shared().conn, parse("tesla"))


@given(st.text(max_size=40), st.booleans())
def test_hostile_query_text_raises_only_query_errors(text: str, typing: bool) -> None:
    try:
        query = parse(text, prefix_last=typing)
    except QueryError:
        return
    try:
        result = search(shared().conn, query, limit=5)
    except QueryError:
        return
    assert result.total >= len(result.hits)


hostile = [
    'NEAR(tesla spacex, 2) AND "',
    "tesla* OR -* title:tesla ^tesla {title}: x",
    "section: tesla",
    '"""',
    "- -- -section:",
    "\x00\x1b[31m tesla",
    "OR OR OR",
    "a" * 5000,
]


@pytest.mark.parametrize("text", hostile)
def test_known_hostile_queries(text: str) -> None:
    for typing in (False, True):
        try:
            query = parse(text, prefix_last=typing)
        except QueryError:
            continue
        search(shared().conn, query)


# Searcher and cancellation --------------------------------------------------------


def test_searcher_on_a_memory_library_and_a_file(tmp_path: Path) -> None:
    lib = build()
    searcher = Searcher(lib.conn)
    assert searcher.search("starsh").total == 1  # typed text: the last word is a prefix
    assert searcher.search("starsh", prefix_last=False).total == 0
    with pytest.raises(QueryError):
        searcher.search('"unclosed', prefix_last=False)
    searcher.close()

    path = tmp_path / "lib.sqlite"
    file_lib = Library.open(path)
    file_lib.upsert_articles(file_lib.add_source("feed", "x"), shared_articles())
    searcher = Searcher(path)
    assert searcher.search("tesla").total == 3
    searcher.close()
    with pytest.raises(TypeError):
        Searcher(sqlite3.connect(":memory:"))
    with pytest.raises(LibraryError, match="no such library"):
        Searcher(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()


def shared_articles() -> list[Article]:
    return [a for row in shared().listing() if (a := shared().article(row.id)) is not None]


def test_interrupt_from_another_thread_cancels_the_search() -> None:
    lib = build()
    searcher = Searcher(lib.conn)
    started, proceed = threading.Event(), threading.Event()

    def stall() -> int:  # SQLite calls this while the search runs
        started.set()
        proceed.wait(5)
        return 0

    searcher._conn.set_progress_handler(stall, 10)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(searcher.search("tesla"))
        except SearchCancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(5)
    searcher.interrupt()  # the UI thread: a newer keystroke arrived
    proceed.set()
    worker.join(5)
    assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)

    searcher._conn.set_progress_handler(None, 0)
    assert searcher.search("tesla").total == 3  # the next search is not cancelled
    searcher.close()


def test_interrupt_between_statements_still_cancels(monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = Searcher(build().conn)
    real_match = search_plan.match

    def interrupting_match(*args: object) -> str:
        searcher.interrupt()  # lands while no statement runs
        return real_match(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(search_plan, "match", interrupting_match)
    with pytest.raises(SearchCancelled):
        searcher.search("tesla")
    monkeypatch.setattr(search_plan, "match", real_match)
    assert searcher.search("tesla").total == 3
    searcher.close()


def test_interrupt_when_idle_does_nothing() -> None:
    searcher = Searcher(build().conn)
    searcher.interrupt()
    assert searcher.search("tesla").total == 3
    searcher.close()


def test_a_real_query_over_a_generated_corpus_can_be_interrupted() -> None:
    """No hooks: the UI thread interrupts until the search thread gives up."""
    lib = Library(open_library(":memory:"))
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    articles = [
        make_article(
            "S",
            f"Story {i}",
            [Block(BlockKind.PARAGRAPH, " ".join(words[(i + k) % 10] for k in range(300)))],
            "gen",
        )
        for i in range(3000)
    ]
    lib.upsert_articles(lib.add_source("feed", "gen"), articles)
    searcher = Searcher(lib.conn)
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(searcher.search('"alpha beta" gamma', limit=3000))
        except BaseException as exc:  # anything but SearchCancelled fails below, named
            outcomes.append(exc)

    # On a loaded machine this thread may not run again until the search has
    # finished on its own; a few tries make that unlikely enough to ignore.
    for _ in range(5):
        worker = threading.Thread(target=run)
        worker.start()
        while worker.is_alive():
            searcher.interrupt()
            worker.join(0.001)
        if isinstance(outcomes[-1], SearchCancelled):
            break
    assert all(isinstance(o, (SearchCancelled, SearchResult)) for o in outcomes), outcomes
    assert isinstance(outcomes[-1], SearchCancelled), repr(outcomes[-1])
    searcher.close()


def test_both_ranking_plans_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Few matches are ranked by FTS5, many by SQLite's sorter: same order."""
    for text in ("tesla", "starbase", "news OR tesla"):
        by_fts5 = search(shared().conn, parse(text))
        monkeypatch.setattr(search_module, "FTS5_SORTS_UP_TO", 0)
        by_sorter = search(shared().conn, parse(text))
        monkeypatch.undo()
        assert by_fts5 == by_sorter


@pytest.mark.parametrize(
    "text",
    ["tesla", "star*", '"model y"', "tesla -musk", "starship OR café", "section:SpaceX",
     "section:News tesla", "-section:News tesla", "section:Nowhere tesla", "zzz"],
)  # fmt: skip
def test_matching_ids_are_every_hit_of_the_search(text: str) -> None:
    conn = shared().conn
    query = parse(text, prefix_last=False)
    every = search(conn, query, limit=1000)
    ids = search_module.matching_ids(conn, query)
    assert sorted(ids) == sorted(hit.id for hit in every.hits) and len(ids) == every.total


def test_a_searcher_gives_the_ids_of_everything_found() -> None:
    searcher = Searcher(shared().conn)
    try:
        query = parse("tesla", prefix_last=False)
        hits = search(shared().conn, query).hits
        assert sorted(searcher.ids(query)) == sorted(h.id for h in hits) and len(hits) == 3
    finally:
        searcher.close()
