"""The command line, as a script or a person would call it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import news_process
import pytest

from reader import __version__
from reader.cli import COMMANDS, main
from reader.sources.dump import read_dump


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_in_the_sidebars_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    stories = json.loads(out)
    # A section's stories together, as the sidebar shows them.
    assert [s["section"] for s in stories] == ["News", "News", "Elon Musk", "Investor's Corner"]
    assert {"id", "section", "title", "words", "source"} <= set(stories[0])
    assert stories[0]["words"] > 300
    assert "teslarati" in stories[0]["source"]


def test_list_text_groups_by_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[0] == "News"
    assert "Tesla Giga Shanghai caps off exports" in out


def test_list_other_dump(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
    path = write_dump("Sports\nA big win for the home team\nThe match ended late. Fans cheered.\n")
    code, out, _ = run(capsys, "list", "--json", str(path))
    assert code == 0
    [story] = json.loads(out)
    assert (story["section"], story["title"]) == ("Sports", "A big win for the home team")
    assert story["published"] is None  # a dump gives no date: null, not ""


def test_show_prints_the_story_plain_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list", "--json")
    starfall = next(s for s in json.loads(out) if s["title"].startswith("SpaceX"))
    code, out, _ = run(capsys, "show", starfall["id"])
    assert code == 0
    assert "\x1b" not in out
    assert "SpaceX is launching a secret spacecraft" in out
    assert "SpaceX’s secret disk-shaped Starfall capsule" in out
    assert "  ·  from teslarati  ·  " in out.splitlines()[0]  # as the reader's header says
    assert all(line == line.rstrip() for line in out.splitlines())  # no wrapping's spaces
    assert len(out.splitlines()) > 10


def test_show_unknown_id_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "doesnotexist")
    assert code == 2
    assert "doesnotexist" in err and "news list" in err


def test_missing_path_is_named_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    for args in (["list", str(missing)], [str(missing)], ["show", "x", str(missing)]):
        code, _, err = run(capsys, *args)
        assert code == 2
        assert str(missing) in err
        assert "Traceback" not in err


def test_empty_and_binary_files(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
    code, _, err = run(capsys, "list", str(write_dump("", "empty.txt")))
    assert code == 2 and "empty.txt" in err and "empty" in err
    code, _, err = run(capsys, "list", str(write_dump(b"News\nTitle\n\xff\xfe body.\n")))
    assert code == 0 and "not valid UTF-8 on line 3" in err


def test_bad_config_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[dump\nsections = 1", encoding="utf-8")
    code, _, err = run(capsys, "list")
    assert code == 2 and str(config) in err


def test_config_names_the_sections(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_dump: Callable[..., Path]
) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[dump]\nsections = ["Alpha", "Beta Gamma Delta Epsilon"]\n')
    path = write_dump("Alpha\nOne\nBody.\nBeta Gamma Delta Epsilon\nTwo\nBody two.\n")
    _, out, _ = run(capsys, "list", "--json", str(path))
    assert [s["section"] for s in json.loads(out)] == ["Alpha", "Beta Gamma Delta Epsilon"]


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"news {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "news list" in out and "news show" in out
    with pytest.raises(SystemExit):
        main(["help"])  # as git and cargo take it, not a file named "help"
    assert capsys.readouterr().out == out
    with pytest.raises(SystemExit):
        main(["help", "add"])
    assert capsys.readouterr().out.startswith("usage: news add")


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


def test_bookmarks_list_export_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ids = _bookmark_seed(tmp_path / "data", 0, 2)
    code, out, _ = run(capsys, "bookmarks", "--json")
    assert code == 0
    assert {b["article_id"] for b in json.loads(out)} == set(ids)
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


def test_bookmarks_import_of_a_bad_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("nope")
    code, _, err = run(capsys, "bookmarks", "import", str(bad))
    assert code == 2 and str(bad) in err and "Traceback" not in err


def test_data_dir_flag_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _bookmark_seed(tmp_path / "elsewhere", 1)
    code, out, _ = run(capsys, "bookmarks", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "bookmarks", "--data-dir", str(tmp_path / "elsewhere"), "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_a_bad_keyword_in_the_config_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[highlight]\nkeywords = [{word = "Giga (", regex = true}]\n')
    code, _, err = run(capsys, "list")
    assert code == 2 and str(config) in err and "keyword 1" in err


def test_show_with_highlight_keeps_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list", "--json")
    first = json.loads(out)[0]["id"]
    _, plain, _ = run(capsys, "show", first)
    code, lit, _ = run(capsys, "show", first, "--highlight", "Tesla")
    assert code == 0 and lit == plain


def test_search_prints_results_with_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "starfall")
    assert code == 0
    assert "SpaceX is launching a secret spacecraft" in out
    assert out.rstrip().endswith("1 story")


def test_search_json_and_nothing_found(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
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


def test_search_that_cannot_parse_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "--", "-tesla")
    assert code == 2 and "exclude" in err


def test_a_trailing_or_is_refused_as_the_reader_refuses_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "search", "tesla OR")
    assert (code, out) == (2, "")
    assert err == "news: cannot search for 'tesla OR': OR needs a term on each side\n"


def test_a_query_starting_with_a_dash_says_where_it_goes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "search", "-tesla", "--json")
    assert code == 2 and "news search -- -tesla" in err
    code, out, _ = run(capsys, "search", "--json", "--", "semi -hyperloop")
    assert code == 0 and json.loads(out)["total"] == 1


def test_library_is_seeded_once_and_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "lib.sqlite"
    code, out, _ = run(capsys, "list", "--json", "--library", str(library))
    assert code == 0 and len(json.loads(out)) == 4 and library.exists()
    code, out, _ = run(capsys, "list", "--json", "--library", str(library))
    assert len(json.loads(out)) == 4


def test_files_given_leave_the_library_alone(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_dump("Sports\nA big win for the home team\nThe match ended late. Fans cheered.\n")
    run(capsys, "list", str(path))
    assert not (tmp_path / "data" / "library.sqlite").exists()


def test_a_folder_given_is_its_markdown_files_and_one_without_any_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    (notes / "trips").mkdir(parents=True)
    (notes / "a.md").write_text("# Packing list\n\nSocks.\n", encoding="utf-8")
    (notes / "trips" / "b.md").write_text("---\nsection: Travel\n---\n# Oslo\n", "utf-8")
    code, out, err = run(capsys, "list", str(notes))
    assert (code, err) == (0, "")
    assert [line.split("  ")[-1] for line in out.splitlines()] == [
        "notes",
        "Packing list",
        "Travel",
        "Oslo",
    ]
    assert not (tmp_path / "data" / "library.sqlite").exists()
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "list", str(tmp_path / "empty"))
    assert (code, out) == (2, "")
    assert err == f"news: {tmp_path / 'empty'}: no Markdown files (*.md) in this folder\n"


# --- global options, before and after the command ---------------------------------


def test_global_options_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, args in enumerate(
        (
            ["--library", "{lib}", "list", "--json"],
            ["list", "--library", "{lib}", "--json"],
            ["list", "--json", "--library={lib}"],
            ["--data-dir", "{dir}", "list", "--json"],
        )
    ):
        monkeypatch.delenv("NEWS_LIBRARY", raising=False)  # as a new process has it
        lib, folder = tmp_path / f"lib{i}.sqlite", tmp_path / f"dir{i}"
        code, out, err = run(capsys, *(a.format(lib=lib, dir=folder) for a in args))
        assert (code, err) == (0, ""), args
        assert len(json.loads(out)) == 4
        assert (lib if "{lib}" in str(args) else folder / "library.sqlite").exists(), args


def test_data_dir_before_bookmarks_and_inside_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _bookmark_seed(tmp_path / "mine", 0, 2)
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "mine"), "bookmarks", "--json")
    assert code == 0 and len(json.loads(out)) == 2
    _, exported, _ = run(capsys, "bookmarks", "--data-dir", str(tmp_path / "mine"), "--json")
    dump = tmp_path / "marks.json"
    _, exported, _ = run(
        capsys, "bookmarks", "export", "--format", "json", "--data-dir", str(tmp_path / "mine")
    )
    dump.write_text(exported)
    other = tmp_path / "other"
    code, out, _ = run(capsys, "bookmarks", "import", "--data-dir", str(other), str(dump))
    assert (code, out) == (0, "2 bookmarks added, 2 in all\n")
    code, out, _ = run(capsys, "--data-dir", str(other), "bookmarks", "--json")
    assert len(json.loads(out)) == 2


def test_highlight_before_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list", "--json")
    first = json.loads(out)[0]["id"]
    code, lit, err = run(capsys, "--highlight", "Tesla", "show", first)
    assert (code, err) == (0, "") and "Tesla Giga Shanghai" in lit


def test_a_global_option_without_its_value_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--library"])
    assert exit_.value.code == 2
    assert "argument --library: expected one argument" in capsys.readouterr().err


def test_after_dashes_a_global_option_is_the_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "--json", "--", "--library")
    assert code == 2 and err.startswith("news: cannot search for '--library': ")


# --- piped output is whole; a terminal's is cut and indented -----------------------

LONG_TITLE = "A title that runs on " + "and on " * 30 + "to its last word zanzibar"


def _long_dump(write_dump: Callable[..., Path]) -> Path:
    body = "The zanzibar story begins here. " + "It goes on and on. " * 30 + "Its end."
    return write_dump(f"Far Away\n{LONG_TITLE}\n{body}\n")


def test_piped_output_is_never_cut(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path], tmp_path: Path
) -> None:
    path = _long_dump(write_dump)
    code, out, _ = run(capsys, "list", str(path))
    assert code == 0 and f"  {LONG_TITLE}\n" in out
    code, out, _ = run(capsys, "search", "zanzibar", str(path))
    assert code == 0
    head, snippet, count = out.splitlines()
    assert head.endswith(LONG_TITLE) and "…" not in head
    assert snippet.startswith("    ") and snippet.endswith("…") and len(snippet) > 80
    assert count == "1 story"
    from reader.bookmarks import Bookmarks

    store = Bookmarks(tmp_path / "data" / "bookmarks.json")
    store.load()
    store.add(read_dump(path).articles[0])
    code, out, _ = run(capsys, "bookmarks")
    assert code == 0 and LONG_TITLE in out


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _on_a_terminal(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """Rich writes for a terminal of this width, as it does on a real one."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", str(columns))


def test_a_terminal_cuts_titles_and_indents_every_snippet_line(
    capsys: pytest.CaptureFixture[str],
    write_dump: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _long_dump(write_dump)
    _on_a_terminal(monkeypatch, 40)
    code, out, _ = run(capsys, "search", "zanzibar", str(path))
    assert code == 0
    head, *snippet, count = ANSI.sub("", out).splitlines()
    assert len(head) == 40 and head.endswith("…")
    assert len(snippet) > 2  # wrapped
    assert all(line.startswith("    ") and line[4] != " " for line in snippet)
    assert all(len(line.rstrip()) <= 40 for line in snippet)
    assert count == "1 story"
    code, out, _ = run(capsys, "list", str(path))
    assert ANSI.sub("", out).splitlines()[1].endswith("…")


def test_titles_are_never_markup(
    capsys: pytest.CaptureFixture[str],
    write_dump: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    title = "[link=file:///etc/passwd]Ars[/link] [/] Technica :smile: [bold]x"
    path = write_dump(f"[Blog] Feed\n{title}\nA story about nothing at all. Really.\n")
    _on_a_terminal(monkeypatch, 200)
    for args in (["list", str(path)], ["search", "technica", str(path)]):
        code, out, err = run(capsys, *args)
        assert code == 0 and err == ""
        assert "\x1b]8" not in out  # no hyperlink
        assert title in ANSI.sub("", out) and "[Blog] Feed" in ANSI.sub("", out)


# --- argument messages ---------------------------------------------------------------


def test_show_without_an_id_asks_for_the_id_only(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["show"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "news show: error: ID is required: a story's id (or its start), as `news list` shows it"
    )
    assert "ID [PATH ...]" in err  # the usage still says PATH is optional


@pytest.mark.parametrize("limit", ["-3", "0", "two", "²", "--limit=-1"])
def test_a_bad_limit_is_refused_as_a_limit(capsys: pytest.CaptureFixture[str], limit: str) -> None:
    args = [limit] if limit.startswith("--") else ["--limit", limit]
    with pytest.raises(SystemExit) as exit_:
        main(["search", *args, "tesla"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --limit: bad limit" in err and "1 or more" in err
    assert "goes after --" not in err


def test_limit_one_shows_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--limit", "1", "tesla")
    assert code == 0 and out.splitlines()[-1] == "3 stories (showing 1)"
    assert out.count("\n    ") == 1


def test_an_id_start_shared_by_many_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list", "--json")
    ids = [s["id"] for s in json.loads(out)]
    start = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    shared = sum(i.startswith(start) for i in ids)
    code, _, err = run(capsys, "show", start)
    assert code == 2
    assert err == f"news: {shared} stories have ids starting with '{start}'; give more of the id\n"
    code, out, _ = run(capsys, "show", ids[0][:6])
    assert code == 0 and "Tesla Giga Shanghai" in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_takes_the_global_options(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(option in out for option in ("--library FILE", "--data-dir DIR", "--highlight"))


@pytest.mark.parametrize(
    ("typed", "meant"), [(("bookmark",), "bookmarks"), (("serach", "tesla"), "search")]
)
def test_a_mistyped_command_names_the_command_it_is_close_to(
    capsys: pytest.CaptureFixture[str], typed: tuple[str, ...], meant: str
) -> None:
    code, out, err = run(capsys, *typed)
    assert code == 2 and out == ""
    assert err == f"news: no command or file '{typed[0]}'; did you mean '{meant}'?\n"


def test_a_word_close_to_no_command_is_still_no_such_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "nothing-like-any-command")
    assert code == 2 and "did you mean" not in err and "no such file" in err


def test_search_without_a_query_asks_for_the_query_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["search"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        'news search: error: QUERY is required: words, "a phrase", -not, OR, section:Name'
    )
    assert "QUERY [PATH ...]" in err and "PATH" not in err.splitlines()[-1]


def _oldest_first_feed(tmp_path: Path) -> Path:
    feed = tmp_path / "feed.xml"
    items = "".join(
        f"<item><title>Story {n}</title><guid>{n}</guid><description>Text.</description>"
        f"<pubDate>{day} Mar 2025 10:00:00 GMT</pubDate></item>"
        for n, day in ((1, "Sat, 01"), (2, "Wed, 05"), (3, "Sun, 09"))
    )
    feed.write_text(f'<rss version="2.0"><channel><title>Dated</title>{items}</channel></rss>')
    return feed


def test_list_shows_a_feeds_stories_newest_first_as_the_sidebar_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = str(tmp_path / "library.sqlite")
    assert run(capsys, "add", str(_oldest_first_feed(tmp_path)), "--library", library)[0] == 0
    code, out, _ = run(capsys, "list", "--json", "--library", library)
    assert code == 0
    titles = [s["title"] for s in json.loads(out) if s["source"] == "Dated"]
    assert titles == ["Story 3", "Story 2", "Story 1"]
    code, out, _ = run(capsys, "list", "--library", library)
    shown = [line.split("  ")[-1] for line in out.splitlines() if "Story" in line]
    assert shown == ["Story 3", "Story 2", "Story 1"]


def test_help_says_what_paths_may_be_and_lists_each_option_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    words = " ".join(out.split())  # argparse wraps at the terminal's width
    assert "dump files to read instead" not in words
    assert "Markdown files (FILE.md, a story each) or folders of them" in words
    assert "news search QUERY [PATH ...] [--json] [--limit N]" in out
    for option in ("--library FILE", "--data-dir DIR", "--highlight WORD"):
        # once in the usage line, once where it is explained: never twice explained
        lines = [line for line in out.splitlines() if line.lstrip().startswith(option)]
        assert len(lines) == 1, (option, lines)


def test_a_damaged_library_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.sqlite"
    made = news_process.news("--library", str(library), "list")
    assert made.returncode == 0, made.stderr  # with the bundled news, all written, closed
    with library.open("r+b") as raw:  # pages of its tables overwritten
        raw.seek(3 * 4096)
        raw.write(b"\xff" * 20 * 4096)
    code, out, err = run(capsys, "--library", str(library), "list")
    assert code == 2 and out == ""
    assert err == (
        f"news: {library}: the library is damaged (database disk image is malformed);"
        " `news doctor` checks it and repairs what it can\n"
    )


@pytest.mark.parametrize("argv", [[], ["long.md"], ["a.md", "news.txt", "b c.md"], [""]])
def test_news_with_paths_only_starts_with_what_its_parser_would_give(argv: list[str]) -> None:
    """`news` alone and `news FILE.md` skip the parser (and argparse's import):
    the same options."""
    from reader.cli.reading import only_paths, tui_parser

    skipped = only_paths(argv)
    assert skipped is not None and vars(skipped) == vars(tui_parser("").parse_args(argv))


@pytest.mark.parametrize("argv", [["-"], ["--", "-a.md"], ["a.md", "--version"], ["-h"]])
def test_anything_like_an_option_goes_to_the_parser(argv: list[str]) -> None:
    from reader.cli.reading import only_paths

    assert only_paths(argv) is None


def test_bookmarks_markdown_export_names_a_feed_once_when_it_is_its_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A feed without categories is its own section: the export said
    "Hostile \\[b\\]Feed\\[/b\\] · Hostile \\[b\\]Feed\\[/b\\]"."""
    name = "Hostile [b]Feed[/b]"
    marks = tmp_path / "marks.json"
    marks.write_text(
        json.dumps(
            [
                {"article_id": "aaaaaaaaaaaa", "title": "One", "section": name, "source": name,
                 "added": "2026-11-27T10:00:00Z"},
                {"article_id": "bbbbbbbbbbbb", "title": "Two", "section": "World",
                 "source": name, "added": "2026-11-26T10:00:00Z"},
            ]
        )
    )  # fmt: skip
    code, _, err = run(capsys, "bookmarks", "import", str(marks))
    assert code == 0, err
    code, markdown, _ = run(capsys, "bookmarks", "export", "--format", "markdown")
    assert code == 0
    assert markdown.splitlines()[2:] == [
        r"- One · Hostile \[b\]Feed\[/b\] · 2026-11-27",
        r"- Two · World · Hostile \[b\]Feed\[/b\] · 2026-11-26",
    ]


def _synopses(text: str) -> dict[str, set[str]]:
    """The options each `news COMMAND` line of a usage block names (a line
    begun with `[` goes on with the one above), by command."""
    found: dict[str, set[str]] = {}
    command = ""
    for line in text.splitlines():
        synopsis = re.split(r"\s{2,}", line.strip())[0]
        if synopsis.startswith("news "):
            words = synopsis.split()
            command = " ".join(words[:3] if words[1] in ("account", "bookmarks") else words[:2])
        elif not synopsis.startswith("["):
            command = ""
            continue
        if command:
            found.setdefault(command, set()).update(re.findall(r"--[a-z][a-z-]*", synopsis))
    return found


def test_help_names_each_option_the_readme_lists(capsys: pytest.CaptureFixture[str]) -> None:
    """`news --help` and the README's Use block agree on every command's
    options (`news rules` is one line in the help; `news rules --help` has them)."""
    with pytest.raises(SystemExit):
        main(["--help"])
    helped = _synopses(capsys.readouterr().out)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = _synopses(readme.split("\n## Use\n", 1)[1].split("```")[1])
    for command, options in helped.items():
        if command != "news rules":
            assert listed.get(command, set()) == options, command
    assert "--password-command" in helped["news account add"]


def test_every_help_fits_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal is 80 columns wide unless made wider: no help line wraps."""
    monkeypatch.setenv("COLUMNS", "80")
    for args in (["--help"], *([name, "--help"] for name in sorted(COMMANDS))):
        with pytest.raises(SystemExit):
            main(args)
        out = capsys.readouterr().out
        assert [line for line in out.splitlines() if len(line) > 80] == [], args


def test_with_no_accounts_accounts_and_sync_say_the_same(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said = "No sync accounts. Add one with `news account add API_URL --user NAME`.\n"
    assert run(capsys, "accounts") == (0, said, "")
    assert run(capsys, "sync") == (0, said, "")


def test_an_empty_markdown_file_is_said_empty_not_one_word(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, "list", "--json", str(empty))
    [story] = json.loads(out)
    assert (code, story["title"], story["words"], story["reading_minutes"]) == (0, "empty", 0, 0)
    code, out, _ = run(capsys, "show", story["id"], str(empty))
    assert (code, out.splitlines()[0]) == (0, "FILES  ·  from empty.md  ·  empty")


def test_a_japanese_story_is_timed_by_its_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Two paragraphs of 595 characters, about 500 read a minute: 2 minutes,
    not the 1 minute of "3 words" (the title and a run of non-space each)."""
    paragraph = "日本語の文章を読むのは楽しいです。" * 35
    story = tmp_path / "ja.md"
    story.write_text(f"{paragraph}\n\n{paragraph}\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", "--json", str(story))
    [listed] = json.loads(out)
    assert (code, listed["reading_minutes"]) == (0, 2)
    code, out, _ = run(capsys, "show", listed["id"], str(story))
    assert out.splitlines()[0] == f"FILES  ·  from ja.md  ·  2 min read  ·  {listed['words']} words"
