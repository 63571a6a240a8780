"""Rules (`[[rules]]`): read from the config, checked, and run over the library."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.config import add_rule, load_config, remove_rule
from reader.library.articles import Library
from reader.library.db import open_library
from reader.model import Block, BlockKind, make_article
from reader.query import parse
from reader.triage.hidden import Hidden
from reader.triage.rules import Matched, Rule, apply_rules, matching, parse_rules, watermark


def story(section: str, title: str, text: str = "", source: str = "test") -> object:
    return make_article(section, title, [Block(BlockKind.PARAGRAPH, text or title)], source)


@pytest.fixture
def lib() -> Iterator[Library]:
    library = Library(open_library(":memory:"))
    yield library
    library.close()


def store(lib: Library, source: str, *titles: str, section: str = "News") -> int:
    source_id = lib.add_source(
        "feed", f"https://{source.replace(' ', '')}.example/feed", title=source
    )
    lib.upsert_articles(source_id, [story(section, t) for t in titles])  # type: ignore[misc]
    return source_id


@dataclass
class Recorder:
    """Effects that remember what they were given, as a caller would act on it."""

    hidden: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)

    def hide(self, rule: Rule, stories: Sequence[Matched]) -> int:
        self.hidden.extend(s.title for s in stories)
        return len(stories)

    def mark_read(self, rule: Rule, stories: Sequence[Matched]) -> int:
        self.read.extend(s.title for s in stories)
        return len(stories)

    def notify(self, rule: Rule, stories: Sequence[Matched]) -> int:
        self.told.extend(s.title for s in stories)
        return len(stories)


# Reading and checking ------------------------------------------------------------


def test_the_issues_example_reads_as_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[[rules]]\n"
        'name = "Capsules"                 # the section\'s name\n'
        'query = "starfall OR starship"    # the search language\n'
        'action = "section"\n'
        'source = "Orbital Gazette"\n'
        "until = 2026-12-31\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.rule_problems == ()
    (rule,) = config.rules
    assert (rule.name, rule.query, rule.action, rule.source, rule.until) == (
        "Capsules",
        "starfall OR starship",
        "section",
        "Orbital Gazette",
        date(2026, 12, 31),
    )


def test_bad_rules_are_named_with_the_reason_and_the_rest_apply() -> None:
    rules, problems = parse_rules(
        [
            {"name": "Good", "query": "tesla", "action": "hide"},
            {"name": "Dangling", "query": "tesla OR"},
            {"query": "no name"},
            {"name": "Mute", "query": "x", "action": "mute"},
            {"name": "Date", "query": "x", "until": "next week"},
            {"name": "good", "query": "other"},  # the same name, another case
            {"name": "Bookmarks", "query": "x"},
            "not a table",
        ]
    )
    assert [r.name for r in rules] == ["Good"]
    assert problems == [
        "rule 2 ('Dangling'): query 'tesla OR' cannot be read: OR needs a term on each side",
        "rule 3: needs a name (a string)",
        "rule 4 ('Mute'): action 'mute' is not one of section, hide, mark-read, notify",
        "rule 5 ('Date'): until 'next week' is not a date (write it as 2026-12-31)",
        "rule 6 ('good'): another rule has that name",
        "rule 7 ('Bookmarks'): 'Bookmarks' is the bookmarks' section; give the search another name",
        "rule 8: must be a table with name, query and action",
    ]


def test_a_config_with_bad_rules_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('rules = "hide everything"\n[dump]\nsections = ["News"]\n', encoding="utf-8")
    config = load_config(path)
    assert config.rules == () and config.sections == ("News",)
    assert config.rule_problems == ("rules must be an array of tables ([[rules]])",)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["name", "query", "action", "until", "source"]),
                       st.one_of(st.text(), st.integers(), st.dates(), st.none())))  # fmt: skip
def test_any_entry_is_a_rule_or_a_reason(entry: dict[str, object]) -> None:
    rules, problems = parse_rules([entry])
    assert len(rules) + len(problems) == 1
    for rule in rules:
        assert rule.name.strip() and rule.action in {"section", "hide", "mark-read", "notify"}


def test_until_ends_the_rule_after_its_day() -> None:
    (rule,), _ = parse_rules(
        [{"name": "Black Friday", "query": "sale", "until": date(2026, 11, 28)}]
    )
    assert rule.active(date(2026, 11, 27)) and rule.active(date(2026, 11, 28))
    assert not rule.active(date(2026, 11, 29))
    (as_text,), _ = parse_rules([{"name": "B", "query": "sale", "until": "2026-11-28"}])
    assert as_text.until == date(2026, 11, 28)


def test_rules_are_added_and_removed_keeping_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = '# my config\n[highlight]\nkeywords = ["Tesla"]  # followed\n'
    path.write_text(original, encoding="utf-8")
    add_rule(Rule("Capsules", "starfall OR starship"), path)
    add_rule(Rule("Sales", "sale", "hide", "Orbital Gazette", date(2026, 12, 31)), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert "until = 2026-12-31" in text  # a TOML date, as a person writes it
    assert 'action = "section"\n\n[[rules]]\nname = "Sales"' in text  # a blank line between
    config = load_config(path)
    assert [(r.name, r.action) for r in config.rules] == [
        ("Capsules", "section"),
        ("Sales", "hide"),
    ]
    assert config.rules[1].source == "Orbital Gazette"
    with pytest.raises(Exception, match="already"):
        add_rule(Rule("capsules", "x"), path)
    assert remove_rule("CAPSULES", path) and not remove_rule("nothing", path)
    assert remove_rule("Sales", path)
    assert path.read_text(encoding="utf-8") == original


def test_a_rule_added_before_another_table_is_set_apart_by_one_blank_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[rules]]\nname = "A"\nquery = "a"\n\n[refresh]\nevery = "30m"\n', encoding="utf-8"
    )
    add_rule(Rule("Cars", "tesla"), path)
    assert path.read_text(encoding="utf-8") == (
        '[[rules]]\nname = "A"\nquery = "a"\n\n'
        '[[rules]]\nname = "Cars"\nquery = "tesla"\naction = "section"\n\n'
        '[refresh]\nevery = "30m"\n'
    )
    assert [r.name for r in load_config(path).rules] == ["A", "Cars"]


# Matching ------------------------------------------------------------------------


def test_only_the_new_rows_are_searched(lib: Library) -> None:
    store(lib, "Orbital Gazette", "Starfall lands", "Starship waits")
    since = watermark(lib.conn)
    store(lib, "Orbital Gazette", "Starfall again", "Rover news")
    rule = Rule("Capsules", "starfall OR starship", "hide")
    assert [m.title for m in matching(lib.conn, rule, since=since)] == ["Starfall again"]
    assert [m.title for m in matching(lib.conn, rule)] == [
        "Starfall lands",
        "Starship waits",
        "Starfall again",
    ]


def test_the_new_rows_are_found_through_the_index_not_a_scan(lib: Library) -> None:
    store(lib, "Gazette", *(f"Starfall {n}" for n in range(50)))
    since = watermark(lib.conn)
    store(lib, "Gazette", "Starfall new")
    plans: list[str] = []
    lib.conn.set_trace_callback(plans.append)
    assert [m.title for m in matching(lib.conn, Rule("S", "starfall"), since=since)] == [
        "Starfall new"
    ]
    lib.conn.set_trace_callback(None)
    fts = [sql for sql in plans if "articles_fts" in sql]
    assert fts and "rowid > " in fts[0]
    detail = " ".join(
        str(row[-1])
        for row in lib.conn.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            " AND rowid > ?",
            ('"starfall"', since),
        )
    )
    assert "VIRTUAL TABLE INDEX" in detail  # FTS5 answers it, no table scan


def test_source_scopes_a_rule(lib: Library) -> None:
    store(lib, "Orbital Gazette", "Starfall from the gazette")
    store(lib, "Daily Planet", "Starfall from the planet")
    scoped = Rule("S", "starfall", "hide", source="orbital  GAZETTE")
    assert [m.title for m in matching(lib.conn, scoped)] == ["Starfall from the gazette"]
    by_address = Rule("S", "starfall", "hide", source="https://DailyPlanet.example/feed")
    assert [m.source for m in matching(lib.conn, by_address)] == ["Daily Planet"]
    assert matching(lib.conn, Rule("S", "starfall", "hide", source="Nowhere")) == []


def test_a_sections_only_query_matches_new_rows_of_that_section(lib: Library) -> None:
    store(lib, "G", "Old sport", section="Sport")
    since = watermark(lib.conn)
    store(lib, "G", "New sport", section="Sport")
    store(lib, "G", "New news", section="News")
    rule = Rule("S", "section:sport", "mark-read")
    assert [m.title for m in matching(lib.conn, rule, since=since)] == ["New sport"]


def test_apply_runs_each_acting_rule_and_skips_ended_and_section_rules(lib: Library) -> None:
    store(lib, "G", "Starfall sale", "Black Friday sale", "Quiet day")
    rules = [
        Rule("Capsules", "starfall"),  # a section: never acts
        Rule("Sales", "sale", "hide", until=date(2026, 11, 28)),
        Rule("Star", "starfall", "mark-read"),
        Rule("Tell", "quiet", "notify"),
    ]
    effects = Recorder()
    outcomes = apply_rules(lib.conn, rules, effects, today=date(2026, 11, 1))
    assert effects.hidden == ["Starfall sale", "Black Friday sale"]
    assert effects.read == ["Starfall sale"] and effects.told == ["Quiet day"]
    assert [(o.rule.name, o.touched) for o in outcomes] == [("Sales", 2), ("Star", 1), ("Tell", 1)]
    later = Recorder()
    apply_rules(lib.conn, rules, later, today=date(2026, 11, 29))  # the sale rule has ended
    assert later.hidden == [] and later.read == ["Starfall sale"]


def test_a_hidden_mark_is_kept_by_rule(tmp_path: Path) -> None:
    hidden = Hidden(tmp_path / "hidden.json")
    hidden.load()
    assert hidden.hide(["a", "b"], "Sales") == ["a", "b"]
    assert hidden.hide(["b", "c"], "Other") == ["c"]  # b keeps the rule that hid it first
    again = Hidden(tmp_path / "hidden.json")
    again.load()
    assert again.ids() == {"a", "b", "c"} and again.rule_of("b") == "Sales"
    assert again.by_rule("Sales") == ["a", "b"]
    assert again.reveal(["a", "x"]) == ["a"]
    assert sorted(Hidden(tmp_path / "hidden.json")._read()) == ["b", "c"]


def test_matching_takes_a_bare_query(lib: Library) -> None:
    store(lib, "G", "Starfall")
    assert [m.title for m in matching(lib.conn, parse("starfall"))] == ["Starfall"]
    assert isinstance(lib.conn, sqlite3.Connection)


# Saved searches ------------------------------------------------------------------


def dated(lib: Library, *stories: tuple[str, str]) -> None:
    source_id = lib.add_source("feed", "https://dated.example/feed", title="Dated")
    lib.upsert_articles(
        source_id,
        [make_article("News", t, [Block(BlockKind.PARAGRAPH, t)], "dated", published=d)
         for t, d in stories],
    )  # fmt: skip


def test_a_saved_search_lists_newest_first_and_takes_new_stories_in_place(lib: Library) -> None:
    from reader.triage.saved import SavedStories, keys_for

    dated(lib, ("Starfall one", "2026-01-01"), ("Starfall undated", ""),
          ("Starfall three", "2026-03-01"), ("Other", "2026-05-01"))  # fmt: skip
    rule = Rule("Capsules", "starfall")
    saved = SavedStories(lib, keys_for(lib, rule))
    assert [r.title for r in saved] == ["Starfall three", "Starfall one", "Starfall undated"]
    since = watermark(lib.conn)
    dated(lib, ("Starfall two", "2026-02-01"), ("Starfall four", "2026-04-01"))
    more = saved.added(keys_for(lib, rule, since=since))
    assert [r.title for r in more] == [
        "Starfall four",
        "Starfall three",
        "Starfall two",
        "Starfall one",
        "Starfall undated",
    ]
    assert more.position(more[2].id) == 2 and more.ids(2) == [more[0].id, more[1].id]
    read = {more[0].id, more[4].id}
    assert more.unread(read) == 3
    hidden = more.hiding({more[1].id})
    assert len(hidden) == 4 and "Starfall three" not in [r.title for r in hidden]
    assert hidden.unread(read) == 2
    assert more.added(keys_for(lib, rule, since=since)).ids() == more.ids()  # none twice
