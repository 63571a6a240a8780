"""What the screen looks like. Update with `pytest --snapshot-update` after a
deliberate change, and look at the report before committing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.given import write_config
from tui.waiting import settled

from reader.highlight import Keyword
from reader.sources.dump import parse, read_dump
from reader.tui.app import NewsApp

SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "teslarati.txt"


def seed_app() -> NewsApp:
    return NewsApp(read_dump(SEED).articles)


def test_main_screen_120x40(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(seed_app(), terminal_size=(120, 40))


def test_main_screen_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(seed_app(), terminal_size=(80, 24))


def test_story_with_post_and_related_lines(snap_compare: Callable[..., bool]) -> None:
    # The Semi story: an embedded post, a related-story line.
    assert snap_compare(seed_app(), terminal_size=(120, 40), press=["j", "enter", "space"])


def test_standfirst_light_theme(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(seed_app(), terminal_size=(120, 40), press=["G", "enter", "t"])


def test_narrow_terminal_folds_sidebar(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(seed_app(), terminal_size=(60, 24))


def test_help_screen(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(seed_app(), terminal_size=(100, 40), press=["question_mark"])


def test_other_sections_and_wide_characters(snap_compare: Callable[..., bool]) -> None:
    articles = parse(
        "世界\n日本語のニュース見出し 😀\n本文の段落です。幅の広い文字が並んでも列はそろう。\n"
        "Sports\n[bold]Markup[/bold] in a title stays literal\n"
        "The match ended late. Fans cheered.\n"
    )
    assert snap_compare(NewsApp(articles), terminal_size=(80, 24))


def test_footer_at_60_columns(snap_compare: Callable[..., bool]) -> None:
    # Every key whole, "q Quit" included.
    assert snap_compare(seed_app(), terminal_size=(60, 20))


def test_help_at_60_columns(snap_compare: Callable[..., bool]) -> None:
    # One column, nothing cut ("Keywor…" was).
    assert snap_compare(seed_app(), terminal_size=(60, 20), press=["question_mark"])


def test_keywords_dialog_at_60_columns(snap_compare: Callable[..., bool]) -> None:
    # The options one under another: "Regular expression" whole.
    app = NewsApp(read_dump(SEED).articles, keywords=[Keyword("Tesla"), Keyword("Starfall")])
    assert snap_compare(app, terminal_size=(60, 20), press=["w"])


def test_image_lines_and_link_markers_light_theme(snap_compare: Callable[..., bool]) -> None:
    from reader.markdown import markdown_to_blocks
    from reader.model import make_article

    body = markdown_to_blocks(
        "Tesla's [Semi](https://e.org/semi) team met [the press](https://e.org/press).\n\n"
        "![A Tesla Semi at the Nevada depot](https://e.org/semi.jpg)\n\n"
        "More on the [Semi](https://e.org/semi).\n"
    )
    story = make_article("News", "Pictures and links", body, "t", url="https://e.org/story")
    assert snap_compare(NewsApp([story]), terminal_size=(100, 24), press=["t"])


def test_sidebar_dates_newest_first_and_a_folded_section(
    snap_compare: Callable[..., bool],
) -> None:
    # Dates at the right of each title, newest first; Energy folded to its header.
    from datetime import date

    from reader.model import Block, BlockKind, make_article

    year = date.today().year  # "5 Nov" this year, whichever year the test runs in
    stories = [
        ("Markets", "Shares rise on hopes of a rate cut", f"{year}-03-01T09:00:00Z"),
        ("Markets", "Bonds fall", f"{year}-11-05T09:00:00Z"),
        ("Markets", "Gold steady", "2019-12-30T09:00:00Z"),
        ("Energy", "Wind record in the north", f"{year}-02-01T09:00:00Z"),
        ("Energy", "Solar farm opens", f"{year}-04-02T09:00:00Z"),
    ]
    articles = [
        make_article(s, t, [Block(BlockKind.PARAGRAPH, f"The story of {t}.")], "wire.xml",
                     published=d)
        for s, t, d in stories
    ]  # fmt: skip
    # The 2019 story open, so that no date on screen changes with the year.
    keys = ["j", "j", "enter", "h", "}", "Z"]
    assert snap_compare(NewsApp(articles), terminal_size=(80, 24), press=keys)


def test_unread_only_after_marking_everything_read_with_the_undo_toast(
    snap_compare: Callable[..., bool],
) -> None:
    # Only the open story is left listed, its section counting all it holds;
    # the toast says how many were marked and that z undoes it.
    assert snap_compare(seed_app(), terminal_size=(100, 24), press=["U", "C"])


def test_a_saved_section_open_and_the_hidden_count(
    snap_compare: Callable[..., bool], tmp_path: Path
) -> None:
    # "1 hidden · H shows them" over the list; the saved search Capsules below
    # the (absent) bookmarks, opened, with its unread count.
    from textual.pilot import Pilot

    from reader.cli import main
    from reader.cli.common import open_catalog
    from reader.config import load_config

    write_config(
        '[[rules]]\nname = "Capsules"\nquery = "starfall OR starship"\n\n'
        '[[rules]]\nname = "No trademarks"\nquery = "trademark"\naction = "hide"\n'
    )
    assert main(["rules", "apply", "--library", str(tmp_path / "library.sqlite")]) == 0
    app = NewsApp(open_catalog([], load_config()))

    async def open_saved(pilot: Pilot[None]) -> None:
        await settled(pilot)  # the rules' counts come after the first paint
        await pilot.press("k", "enter")

    assert snap_compare(app, terminal_size=(100, 24), run_before=open_saved)


def test_the_rules_dialog_with_a_name_in_brackets_and_a_rule_left_out(
    snap_compare: Callable[..., bool], tmp_path: Path
) -> None:
    # R over the reader: each rule's name, action, query, source and until; a
    # name that looks like markup shown as written; the entry the config
    # could not use, with its reason.
    from reader.cli.common import open_catalog
    from reader.config import load_config

    write_config(
        '[[rules]]\nname = "Capsules"\nquery = "starfall OR starship"\n\n'
        '[[rules]]\nname = "No trademarks"\nquery = "trademark"\naction = "hide"\n'
        "until = 2099-12-31\n\n"
        '[[rules]]\nname = "[b]Semi[/b]"\nquery = "semi"\naction = "notify"\n'
        'source = "Teslarati"\n\n'
        '[[rules]]\nname = "Broken"\nquery = "tesla"\naction = "mute"\n'
    )
    app = NewsApp(open_catalog([], load_config()))
    assert snap_compare(app, terminal_size=(100, 24), press=["R"])
