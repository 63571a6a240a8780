"""The `[keys]` table of config.toml, read without the TUI."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader.config import load_config, parse_keys

# Key names as a person writes them: "j", "ctrl+n", "question_mark", "?", "f5".
KEY = st.text(
    st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters=","),
    min_size=1,
    max_size=12,
)


@given(st.lists(KEY, min_size=1, max_size=4, unique=True))
def test_a_list_and_a_comma_string_read_the_same(keys: list[str]) -> None:
    as_list = parse_keys({"sidebar.down": keys})
    as_string = parse_keys({"sidebar.down": ",".join(keys)})
    assert as_list == as_string == ({"sidebar.down": tuple(keys)}, [])


@given(st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), min_size=1), st.just([])))
def test_a_value_that_names_no_key_is_left_out_with_its_reason_and_the_rest_stays(
    bad: object,
) -> None:
    keys, problems = parse_keys({"story.down": bad, "sidebar.down": "ctrl+n"})
    assert keys == {"sidebar.down": ("ctrl+n",)}
    (problem,) = problems
    assert problem.startswith("'story.down': ")


@given(st.sampled_from(["", " ", "j,", "ctrl n", "j, ,k"]))
def test_an_empty_or_spaced_key_is_refused(value: str) -> None:
    keys, problems = parse_keys({"sidebar.down": value})
    assert keys == {} and "names no key" in problems[0]


def test_keys_read_from_the_config_file_in_its_order(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[keys]\n"story.next" = "ctrl+n"\n"sidebar.down" = ["x", "down"]\n"bad" = 3\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.keys == (("story.next", ("ctrl+n",)), ("sidebar.down", ("x", "down")))
    assert config.key_problems == ("'bad': a key must be a string or a list of strings",)


def test_keys_that_are_not_a_table_are_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('keys = "j"\n', encoding="utf-8")
    config = load_config(path)
    assert config.keys == () and config.key_problems == (
        "[keys] must be a table of binding ids and keys",
    )
