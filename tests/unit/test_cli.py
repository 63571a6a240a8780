"""The command line, as a script or a person would call it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main
from reader.sources.dump import read_dump


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_in_reading_order(capsys) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    stories = json.loads(out)
    assert [s["section"] for s in stories] == ["News", "Elon Musk", "Investor's Corner", "News"]
    assert {"id", "section", "title", "words", "source"} <= set(stories[0])
    assert stories[0]["words"] > 300
    assert "teslarati" in stories[0]["source"]


def test_list_text_groups_by_section(capsys) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[0] == "News"
    assert "Tesla Giga Shanghai caps off exports" in out


def test_list_other_dump(capsys, write_dump) -> None:
    path = write_dump("Sports\nA big win for the home team\nThe match ended late. Fans cheered.\n")
    code, out, _ = run(capsys, "list", "--json", str(path))
    assert code == 0
    assert [(s["section"], s["title"]) for s in json.loads(out)] == [
        ("Sports", "A big win for the home team")
    ]


def test_show_prints_the_story_plain_when_piped(capsys) -> None:
    _, out, _ = run(capsys, "list", "--json")
    starfall = json.loads(out)[2]
    code, out, _ = run(capsys, "show", starfall["id"])
    assert code == 0
    assert "\x1b" not in out
    assert "SpaceX is launching a secret spacecraft" in out
    assert "SpaceX’s secret disk-shaped Starfall capsule" in out


def test_show_unknown_id_says_so(capsys) -> None:
    code, _, err = run(capsys, "show", "doesnotexist")
    assert code == 2
    assert "doesnotexist" in err and "news list" in err


def test_missing_path_is_named_with_status_2(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    for args in (["list", str(missing)], [str(missing)], ["show", "x", str(missing)]):
        code, _, err = run(capsys, *args)
        assert code == 2
        assert str(missing) in err
        assert "Traceback" not in err


def test_empty_and_binary_files(capsys, write_dump) -> None:
    code, _, err = run(capsys, "list", str(write_dump("", "empty.txt")))
    assert code == 2 and "empty.txt" in err and "empty" in err
    code, _, err = run(capsys, "list", str(write_dump(b"News\nTitle\n\xff\xfe body.\n")))
    assert code == 0 and "not valid UTF-8 on line 3" in err


def test_bad_config_is_a_clear_error(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[dump\nsections = 1", encoding="utf-8")
    code, _, err = run(capsys, "list")
    assert code == 2 and str(config) in err


def test_config_names_the_sections(capsys, tmp_path: Path, write_dump) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[dump]\nsections = ["Alpha", "Beta Gamma Delta Epsilon"]\n')
    path = write_dump("Alpha\nOne\nBody.\nBeta Gamma Delta Epsilon\nTwo\nBody two.\n")
    _, out, _ = run(capsys, "list", "--json", str(path))
    assert [s["section"] for s in json.loads(out)] == ["Alpha", "Beta Gamma Delta Epsilon"]


def test_version_and_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"news {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "news list" in out and "news show" in out


def test_python_dash_m_reader_runs_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 4


def _bookmark_seed(data: Path, *indexes: int) -> list[str]:
    from reader.bookmarks import Bookmarks
    from reader.config import seed_paths

    articles = read_dump(seed_paths()[0]).articles
    store = Bookmarks(data / "bookmarks.json")
    store.load()
    for i in indexes:
        store.add(articles[i], note=f"note {i}")
    return [articles[i].id for i in indexes]


def test_bookmarks_list_export_import(capsys, tmp_path: Path) -> None:
    ids = _bookmark_seed(tmp_path / "data", 0, 2)
    code, out, _ = run(capsys, "bookmarks", "--json")
    assert code == 0
    assert {b["id"] for b in json.loads(out)} == set(ids)
    code, out, _ = run(capsys, "bookmarks")
    assert "note 2" in out and "SpaceX is launching" in out
    code, markdown, _ = run(capsys, "bookmarks", "export", "--format", "markdown")
    assert markdown.startswith("# Bookmarks") and "note 0" in markdown
    code, exported, _ = run(capsys, "bookmarks", "export", "--format", "json")
    dump = tmp_path / "export.json"
    dump.write_text(exported)
    other = tmp_path / "other"
    code, out, _ = run(capsys, "bookmarks", "--data-dir", str(other), "import", str(dump))
    assert code == 0 and out.startswith("2 bookmarks added")
    code, out, _ = run(capsys, "bookmarks", "--data-dir", str(other), "import", str(dump))
    assert out.startswith("0 bookmarks added, 2 in all")


def test_bookmarks_import_of_a_bad_file_is_a_clear_error(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("nope")
    code, _, err = run(capsys, "bookmarks", "import", str(bad))
    assert code == 2 and str(bad) in err and "Traceback" not in err


def test_data_dir_flag_wins_over_the_environment(capsys, tmp_path: Path) -> None:
    _bookmark_seed(tmp_path / "elsewhere", 1)
    code, out, _ = run(capsys, "bookmarks", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "bookmarks", "--data-dir", str(tmp_path / "elsewhere"), "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_a_bad_keyword_in_the_config_is_named(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[highlight]\nkeywords = [{word = "Giga (", regex = true}]\n')
    code, _, err = run(capsys, "list")
    assert code == 2 and str(config) in err and "keyword 1" in err


def test_show_with_highlight_keeps_the_text(capsys) -> None:
    _, out, _ = run(capsys, "list", "--json")
    first = json.loads(out)[0]["id"]
    _, plain, _ = run(capsys, "show", first)
    code, lit, _ = run(capsys, "show", first, "--highlight", "Tesla")
    assert code == 0 and lit == plain


def test_search_prints_results_with_a_count(capsys) -> None:
    code, out, _ = run(capsys, "search", "starfall")
    assert code == 0
    assert "SpaceX is launching a secret spacecraft" in out
    assert out.rstrip().endswith("1 story")


def test_search_json_and_nothing_found(capsys, write_dump) -> None:
    code, out, _ = run(capsys, "search", "--json", "Ärger")
    assert code == 1 and json.loads(out) == {"total": 0, "results": []}
    path = write_dump("Welt\nÄrger in Köln\nDer Ärger über das Café wächst. Noch ein Satz.\n")
    code, out, _ = run(capsys, "search", "arger cafe", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 1
    (hit,) = data["results"]
    assert hit["title"] == "Ärger in Köln"
    start, end = hit["snippet_spans"][0]
    assert hit["snippet"][start:end].casefold() in {"ärger", "café"}


def test_search_that_cannot_parse_says_why(capsys) -> None:
    code, _, err = run(capsys, "search", "--", "-tesla")
    assert code == 2 and "exclude" in err


def test_a_trailing_or_is_refused_as_the_reader_refuses_it(capsys) -> None:
    code, out, err = run(capsys, "search", "tesla OR")
    assert (code, out) == (2, "")
    assert err == "news: cannot search for 'tesla OR': OR needs a term on each side\n"


def test_a_query_starting_with_a_dash_says_where_it_goes(capsys) -> None:
    code, _, err = run(capsys, "search", "-tesla", "--json")
    assert code == 2 and "news search -- -tesla" in err
    code, out, _ = run(capsys, "search", "--json", "--", "semi -hyperloop")
    assert code == 0 and json.loads(out)["total"] == 1


def test_library_is_seeded_once_and_kept(capsys, tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    code, out, _ = run(capsys, "list", "--json", "--library", str(library))
    assert code == 0 and len(json.loads(out)) == 4 and library.exists()
    code, out, _ = run(capsys, "list", "--json", "--library", str(library))
    assert len(json.loads(out)) == 4


def test_files_given_leave_the_library_alone(capsys, write_dump, tmp_path: Path) -> None:
    path = write_dump("Sports\nA big win for the home team\nThe match ended late. Fans cheered.\n")
    run(capsys, "list", str(path))
    assert not (tmp_path / "data" / "library.sqlite").exists()
