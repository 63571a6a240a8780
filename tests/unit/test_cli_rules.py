"""`news rules` as a person uses it, and rules run by `news add` on what it stores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.state import ReadingState
from reader.triage.hidden import Hidden

# A dump holds one story a section.
DUMP = """Space
Wombat capsule lands safely
The Wombat capsule came down in the sea.
Shops
Black Friday sale on rockets
Everything must go, says the rocket shop.
Launches
Quiet day at the launch site
Nothing happened, and that was the news.
"""

MORE = """Shops
Another Black Friday sale
Everything is cheaper again, says the shop.
Space
Wombat crew speaks
The crew spoke to reporters today.
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def config_file() -> Path:
    return Path(os.environ["NEWS_CONFIG_DIR"]) / "config.toml"


def titles_listed(capsys: pytest.CaptureFixture[str]) -> dict[str, bool]:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    return {row["title"]: row["read"] for row in json.loads(out)}


def test_add_list_and_remove(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules")
    assert code == 0 and out.startswith("No rules.") and err == ""
    code, out, _ = run(capsys, "rules", "add", "Capsules", "starfall OR starship")
    assert (code, out) == (0, "Added rule 'Capsules' (section): starfall OR starship\n")
    code, out, _ = run(
        capsys, "rules", "add", "Sales", "sale", "--action", "hide", "--until", "2099-12-31"
    )
    assert code == 0 and "(hide)" in out and "news rules apply" in out
    code, out, _ = run(capsys, "rules")
    assert out == (
        "Capsules (section): starfall OR starship\nSales (hide): sale, until 2099-12-31\n"
    )
    code, out, _ = run(capsys, "rules", "list", "--json")
    assert json.loads(out) == [
        {
            "name": "Capsules",
            "query": "starfall OR starship",
            "action": "section",
            "source": None,
            "until": None,
            "active": True,
        },
        {
            "name": "Sales",
            "query": "sale",
            "action": "hide",
            "source": None,
            "until": "2099-12-31",
            "active": True,
        },
    ]
    assert "[[rules]]" in config_file().read_text(encoding="utf-8")
    code, out, _ = run(capsys, "rules", "remove", "capsules")
    assert (code, out) == (0, "Removed rule 'Capsules'.\n")
    code, _, err = run(capsys, "rules", "remove", "Capsules")
    assert code == 2 and err == "news: no rule named 'Capsules'; `news rules` lists them\n"


def test_a_rule_that_can_do_nothing_is_added_and_said(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "rules", "add", "Old", "sale", "--action", "hide", "--until", "2020-01-01"
    )
    assert code == 0 and out == "Added rule 'Old' (hide): sale\n"
    assert err == (
        "news: warning: it ended on 2020-01-01: it does nothing (--until is its last day)\n"
    )
    code, out, err = run(capsys, "rules", "add", "Gazette", "sale", "--source", "No Such Feed")
    assert code == 0 and out == "Added rule 'Gazette' (section): sale\n"
    assert err == (
        "news: warning: no source is named 'No Such Feed': it finds nothing;"
        " `news sources` lists them\n"
    )
    # A source the library has: nothing to say.
    code, out, err = run(capsys, "rules", "add", "Teslarati", "sale", "--source", "teslarati")
    assert code == 0 and err == ""
    # A saved search named like a section: two headers alike in the sidebar.
    code, out, err = run(capsys, "rules", "add", "elon musk", "semi")
    assert code == 0 and err == (
        "news: warning: a section is named 'elon musk' too: the sidebar shows two headers alike\n"
    )


def test_a_rule_that_does_not_read_is_refused_with_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rules", "add", "Broken", "tesla OR")
    assert code == 2
    assert err == (
        "news: rule 'Broken' not added: query 'tesla OR' cannot be read:"
        " OR needs a term on each side\n"
    )
    with pytest.raises(SystemExit) as exited:
        run(capsys, "rules", "add", "X", "y", "--until", "soon")
    assert exited.value.code == 2 and "'soon' is not a date" in capsys.readouterr().err
    assert not config_file().exists()


def test_bad_rules_in_the_file_are_said_and_the_rest_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(
        '[[rules]]\nname = "Good"\nquery = "x"\n\n[[rules]]\nname = "Bad"\nquery = "x"\n'
        'action = "explode"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "rules")
    assert code == 0 and out == "Good (section): x\n"
    assert err == (
        "news: [[rules]] rule 2 ('Bad'): action 'explode' is not one of section, hide,"
        " mark-read, notify (left out)\n"
    )


def test_apply_says_what_each_rule_touched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "space.txt"
    dump.write_text(DUMP, encoding="utf-8")
    assert run(capsys, "add", str(dump))[0] == 0
    run(capsys, "rules", "add", "Sales", "sale", "--action", "hide")
    run(capsys, "rules", "add", "Star", "wombat", "--action", "mark-read")
    run(capsys, "rules", "add", "Quiet", "quiet", "--action", "notify")
    run(capsys, "rules", "add", "Old", "launch", "--action", "hide", "--until", "2001-01-01")
    code, out, _ = run(capsys, "rules", "apply")
    assert code == 0
    assert out == (
        "Old (hide): ended 2001-01-01, not applied\n"
        "Sales (hide): 1 story matched, 1 hidden\n"
        "Star (mark-read): 1 story matched, 1 marked read\n"
        "Quiet (notify): 1 story matched; it tells of new ones as they arrive\n"
    )
    listed = titles_listed(capsys)
    assert "Black Friday sale on rockets" not in listed  # hidden from every list
    assert listed["Wombat capsule lands safely"] is True
    assert listed["Quiet day at the launch site"] is False
    code, out, _ = run(capsys, "search", "rockets", "--json")  # out of search results too
    assert code == 1 and json.loads(out)["total"] == 0
    code, out, _ = run(capsys, "search", "rockets is:unread", "--json")  # with is: as well
    assert code == 1 and json.loads(out)["total"] == 0
    code, out, _ = run(capsys, "rules", "apply")  # again: nothing more to change
    assert "1 story matched, 0 hidden" in out
    code, out, _ = run(capsys, "rules", "remove", "Sales")
    assert out == "Removed rule 'Sales'.\n1 story it hid show again.\n"
    assert "Black Friday sale on rockets" in titles_listed(capsys)
    code, out, _ = run(capsys, "search", "rockets", "--json")
    assert code == 0 and json.loads(out)["total"] == 1


def test_news_add_runs_the_rules_on_the_new_stories_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = tmp_path / "first.txt"
    first.write_text(DUMP, encoding="utf-8")
    assert run(capsys, "add", str(first))[0] == 0
    run(capsys, "rules", "add", "Sales", "sale", "--action", "hide")
    run(capsys, "rules", "add", "Star", "wombat", "--action", "notify")
    more = tmp_path / "more.txt"
    more.write_text(MORE, encoding="utf-8")
    code, out, _ = run(capsys, "add", str(more))
    assert code == 0
    assert out.splitlines()[1:] == [
        "Sales (hide): 1 story matched, 1 hidden",
        "Star (notify): 1 story matched, 1 to tell of",
        "  Wombat crew speaks (Space)",
    ]
    hidden = Hidden()
    hidden.load()
    state = ReadingState()
    state.load()
    assert len(hidden) == 1 and hidden.rule_of(next(iter(hidden.ids()))) == "Sales"
    listed = titles_listed(capsys)
    # The older sale was stored before the rule: only `news rules apply` hides it.
    assert "Black Friday sale on rockets" in listed and "Another Black Friday sale" not in listed


def test_a_hide_rule_ends_after_its_until_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from datetime import date, timedelta

    today = date.today()
    run(capsys, "rules", "add", "Sales week", "sale", "--action", "hide",
        "--until", (today + timedelta(days=1)).isoformat())  # fmt: skip
    run(capsys, "rules", "add", "Wombats last week", "wombat", "--action", "hide",
        "--until", (today - timedelta(days=1)).isoformat())  # fmt: skip
    dump = tmp_path / "space.txt"
    dump.write_text(DUMP, encoding="utf-8")
    code, out, _ = run(capsys, "add", str(dump))
    assert code == 0 and out.splitlines()[1:] == ["Sales week (hide): 1 story matched, 1 hidden"]
    listed = titles_listed(capsys)
    assert "Black Friday sale on rockets" not in listed
    assert "Wombat capsule lands safely" in listed  # its rule had ended
    code, out, _ = run(capsys, "rules")
    assert "Wombats last week (hide): wombat, until" in out and out.rstrip().endswith("(ended)")


def test_is_unread_in_a_rule_asks_the_reading_state(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "space.txt"
    dump.write_text(DUMP, encoding="utf-8")
    assert run(capsys, "add", str(dump))[0] == 0
    run(capsys, "rules", "add", "Fresh sales", "sale is:unread", "--action", "hide")
    state = ReadingState()
    state.load()
    listed = json.loads(run(capsys, "list", "--json")[1])
    state.mark_read(next(r["id"] for r in listed if r["title"] == "Black Friday sale on rockets"))
    code, out, _ = run(capsys, "rules", "apply")
    assert (code, out) == (0, "Fresh sales (hide): 0 stories matched, 0 hidden\n")
    state.mark_read(next(r["id"] for r in listed if r["title"] == "Black Friday sale on rockets"),
                    False)  # fmt: skip
    code, out, _ = run(capsys, "rules", "apply")
    assert (code, out) == (0, "Fresh sales (hide): 1 story matched, 1 hidden\n")
