"""Keyword highlighting: spans with exact offsets, one kind per keyword, and config
entries checked when they are loaded."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.highlight import (
    PALETTE,
    Highlighter,
    Keyword,
    KeywordError,
    Span,
    color_for,
    compile_keyword,
    keywords_from_config,
    style_for,
    text_color,
)

FAST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def found(keywords: list[Keyword], text: str) -> list[tuple[str, int]]:
    return [(text[s.start : s.end], s.kind) for s in Highlighter(keywords).spans(text)]


def test_whole_word_by_default() -> None:
    text = "Tesla, Teslas and Teslarati; tesla."
    assert found([Keyword("Tesla")], text) == [("Tesla", 0), ("tesla", 0)]


def test_substring_when_not_whole_word() -> None:
    text = "Teslas and Teslarati"
    assert found([Keyword("tesla", whole_word=False)], text) == [("Tesla", 0), ("Tesla", 0)]


def test_whole_word_with_punctuation_in_the_keyword() -> None:
    assert found([Keyword("C++")], "C++ and C++11, not XC++") == [("C++", 0)]
    assert found([Keyword("#tesla")], "see #tesla now") == [("#tesla", 0)]


def test_case_insensitive_by_default_in_every_script() -> None:
    text = "Ärger, ärger, ÄRGER; Жара жара"
    spans = found([Keyword("ärger"), Keyword("ЖАРА")], text)
    assert spans == [("Ärger", 0), ("ärger", 0), ("ÄRGER", 0), ("Жара", 1), ("жара", 1)]


def test_case_sensitive() -> None:
    keyword = Keyword("Apple", case_sensitive=True)
    assert found([keyword], "apple Apple APPLE") == [("Apple", 0)]


def test_decomposed_accent_belongs_to_its_word() -> None:
    # "cafe" followed by a combining acute accent is "café", not the word "cafe".
    assert found([Keyword("cafe")], "cafe\u0301 cafe") == [("cafe", 0)]


def test_regex_option() -> None:
    keywords = [Keyword(r"Model [3SXY]", regex=True)]
    assert found(keywords, "Model 3, Model Y, Model Z") == [("Model 3", 0), ("Model Y", 0)]
    # Without regex the pattern is literal text.
    assert found([Keyword("Model [3SXY]")], "Model [3SXY] Model 3") == [("Model [3SXY]", 0)]


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("(tesla", "missing \\) at position 6"),
        ("tesla[", "unterminated character set"),
        ("*", "nothing to repeat at position 0"),
    ],
)
def test_bad_regex_is_refused_with_the_reason(word: str, reason: str) -> None:
    with pytest.raises(KeywordError, match=reason):
        compile_keyword(Keyword(word, regex=True))


def test_inline_flags_work_as_a_whole_word_too() -> None:
    keyword = Keyword("(?i)tesla", regex=True, case_sensitive=True)
    assert found([keyword], "TESLA Teslas tesla") == [("TESLA", 0), ("tesla", 0)]


@pytest.mark.parametrize("word", ["(a+)+$", "(x+x+)+y", "(a|aa)+$", r"(\w+\s?)+$"])
def test_a_pattern_that_backtracks_without_end_is_refused_with_the_reason(word: str) -> None:
    started = time.monotonic()
    with pytest.raises(KeywordError, match="can take too long to match"):
        compile_keyword(Keyword(word, regex=True))
    assert time.monotonic() - started < 3


def test_a_pattern_that_runs_out_of_time_on_a_story_is_turned_off_not_hung_on() -> None:
    """(ab|abab)+$ passes the tries made when it is added, yet backtracks
    exponentially on a run of "ab": it costs one budget, then is left out."""
    slow = Keyword("(ab|abab)+$", regex=True, whole_word=False)
    highlighter = Highlighter([slow, Keyword("tesla")])
    text = "ab" * 60 + "! tesla"
    started = time.monotonic()
    assert [(s.start, s.kind) for s in highlighter.spans(text)] == [(122, 1)]
    assert time.monotonic() - started < 3
    assert highlighter.too_slow == [slow]
    started = time.monotonic()
    assert highlighter.count((text + " ") * 100) == 100
    assert time.monotonic() - started < 3  # a hundred budgets would be 100 times one


@pytest.mark.parametrize("word", ["", "   "])
def test_empty_keyword_is_refused(word: str) -> None:
    with pytest.raises(KeywordError, match="cannot be empty"):
        compile_keyword(Keyword(word))


def test_empty_regex_matches_are_ignored() -> None:
    assert Highlighter([Keyword("x*", regex=True, whole_word=False)]).spans("abc") == []


def test_overlaps_earlier_start_wins_then_longer_then_first_listed() -> None:
    keywords = [Keyword("Musk"), Keyword("Elon Musk"), Keyword("Elon"), Keyword("elon")]
    assert found(keywords, "Elon Musk") == [("Elon Musk", 1)]
    assert found(keywords, "Elon") == [("Elon", 2)]
    assert found(keywords, "Elon, Musk") == [("Elon", 2), ("Musk", 0)]
    substrings = [Keyword("star", whole_word=False), Keyword("arfall", whole_word=False)]
    assert found(substrings, "Starfall") == [("Star", 0)]


def test_spans_are_exact_offsets() -> None:
    text = "İstanbul: ß and Straße, Tesla’s"
    spans = Highlighter([Keyword("straße"), Keyword("tesla")]).spans(text)
    assert spans == [Span(16, 22, 0), Span(24, 29, 1)]
    assert [text[s.start : s.end] for s in spans] == ["Straße", "Tesla"]


def test_count() -> None:
    assert Highlighter([Keyword("tesla"), Keyword("musk")]).count("Tesla, Musk, tesla") == 3


# --- colours and config ----------------------------------------------------------


def test_palette_cycles_unless_the_keyword_has_a_colour() -> None:
    assert len(PALETTE) == 8
    assert color_for(0, Keyword("a")) == PALETTE[0]
    assert color_for(9, Keyword("a")) == PALETTE[1]
    assert color_for(0, Keyword("a", color="magenta")) == "magenta"


def test_text_contrasts_with_the_background() -> None:
    assert all(text_color(c) == "black" for c in PALETTE)
    assert text_color("navy_blue") == "white"
    assert style_for(0, Keyword("a", color="#000080")) == "white on #000080"


def test_styled_spans_for_the_renderer() -> None:
    highlighter = Highlighter([Keyword("tesla"), Keyword("musk", color="navy_blue")])
    assert highlighter.styled("Musk: Tesla") == [
        (0, 4, "white on navy_blue"),
        (6, 11, f"black on {PALETTE[0]}"),
    ]


def test_unknown_colour_is_refused_by_the_highlighter() -> None:
    with pytest.raises(KeywordError, match="magneta"):
        Highlighter([Keyword("tesla", color="magneta")])


def test_keywords_from_config() -> None:
    value = [
        "Tesla",
        {"word": "Starfall", "color": "magenta", "regex": False, "whole_word": True},
        {"word": "SpaceX", "case_sensitive": True, "colour": "#ff8800"},
        {"word": "star", "whole_word": False, "a_setting_from_a_newer_version": 1},
    ]
    assert keywords_from_config(value) == [
        Keyword("Tesla"),
        Keyword("Starfall", color="magenta"),
        Keyword("SpaceX", color="#ff8800", case_sensitive=True),
        Keyword("star", whole_word=False),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Tesla", "keywords must be a list"),
        ({"word": "Tesla"}, "keywords must be a list"),
        ([3], "keyword 1: expected a word or a table"),
        (["ok", {"color": "red"}], "keyword 2: needs a word"),
        ([{"word": 5}], "keyword 1: needs a word"),
        ([{"word": "x", "regex": "yes"}], "keyword 1: regex must be true or false"),
        ([{"word": "x", "whole_word": 1}], "keyword 1: whole_word must be true or false"),
        ([{"word": "x", "color": "magneta"}], "keyword 1: unknown colour 'magneta'"),
        ([{"word": "x", "color": 3}], "keyword 1: color must be a colour name"),
        (["a", ""], "keyword 2: a keyword cannot be empty"),
        ([{"word": "(x", "regex": True}], "keyword 1: keyword '\\(x' is not a valid pattern"),
    ],
)
def test_bad_config_entries_say_which_and_why(value: object, message: str) -> None:
    with pytest.raises(KeywordError, match=message):
        keywords_from_config(value)


# --- properties ------------------------------------------------------------------

keyword = st.builds(
    Keyword,
    word=st.text(min_size=1, max_size=6).filter(str.strip),
    color=st.none(),
    whole_word=st.booleans(),
    case_sensitive=st.booleans(),
)


@FAST
@given(st.lists(keyword, min_size=1, max_size=5), st.text(max_size=200))
def test_spans_are_in_bounds_sorted_and_disjoint(keywords: list[Keyword], text: str) -> None:
    highlighter = Highlighter(keywords)
    spans = highlighter.spans(text)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert 0 <= span.kind < len(keywords)
    assert all(a.end <= b.start for a, b in pairwise(spans))
    assert highlighter.count(text) == len(spans)


@FAST
@given(st.lists(keyword, min_size=1, max_size=3), st.text(max_size=30), st.text(max_size=30))
def test_a_keyword_placed_between_spaces_is_found(
    keywords: list[Keyword], before: str, after: str
) -> None:
    word = keywords[0].word
    text = f"{before} {word} {after}"
    start = len(before) + 1
    spans = Highlighter(keywords).spans(text)
    # Something covers the keyword's first character: it, or an earlier, longer match.
    assert any(s.start <= start < s.end for s in spans)
