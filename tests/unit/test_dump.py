"""The dump parser on the bundled seed and on dumps it has never seen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.catalog import MemoryCatalog
from reader.model import Article, BlockKind
from reader.sources.dump import DumpError, parse, read_dump

SEED_TITLES = [
    ("News", "Tesla Giga Shanghai caps off exports as production shifts to domestic market"),
    ("Elon Musk", "Tesla just trademarked MEGAPOD: here’s what it is"),
    (
        "Investor's Corner",
        "SpaceX is launching a secret spacecraft that could change how things are made in space",
    ),
    ("News", "Tesla Semi spotted with ground truth validation equipment as launch looms"),
]


def kinds(article: Article) -> list[str]:
    return [b.kind.value for b in article.blocks]


def test_seed_sections_and_titles(seed: Path) -> None:
    articles = read_dump(seed).articles
    assert [(a.section, a.title) for a in articles] == SEED_TITLES


def test_seed_block_kinds(seed: Path) -> None:
    giga, megapod, starfall, semi = read_dump(seed).articles
    assert kinds(giga) == ["paragraph"] * 6 + ["footer"]
    assert giga.blocks[-1].text.startswith("Don’t hesitate to contact us with news tips.")
    assert kinds(megapod) == (
        ["paragraph"] * 3
        + ["post", "paragraph", "quote"]
        + ["paragraph"] * 6
        + ["related", "paragraph"]
    )
    assert megapod.blocks[12].text == (
        "What is Digital Optimus? The new Tesla and xAI project explained"
    )
    assert starfall.standfirst == (
        "SpaceX’s secret disk-shaped Starfall capsule is targeting a market no reentry "
        "vehicle has cracked."
    )
    assert kinds(starfall)[3] == "related"
    assert (
        kinds(semi)
        == ["paragraph"] * 2 + ["post"] + ["paragraph"] * 2 + ["related"] + ["paragraph"] * 2
    )


def test_seed_posts_keep_text_link_and_attribution(seed: Path) -> None:
    _, megapod, _, semi = read_dump(seed).articles
    post = semi.blocks[2]
    assert post.kind is BlockKind.POST
    assert post.text.startswith("Spotted the new semi adorned with ground truthing equipment.")
    assert post.url == "pic.twitter.com/qkPDHPUQZ6"
    assert post.attribution == "Danny (@dannywinner1) June 21, 2026"
    # The attribution glued to the link, and the post's own lead-in lines.
    post = megapod.blocks[3]
    assert post.attribution == "Robin (@xdNiBoR) June 19, 2026"
    assert post.text.split("\n")[:2] == ["Tesla just trademarked MEGAPOD", "Summary:"]
    assert "— Robin" not in post.text


def test_no_standfirst_when_the_first_line_is_a_long_paragraph(seed: Path) -> None:
    giga, megapod, _, semi = read_dump(seed).articles
    assert giga.standfirst == megapod.standfirst == semi.standfirst == ""


def test_ids_are_stable_and_independent_of_position(
    seed: Path, write_dump: Callable[..., Path]
) -> None:
    first = read_dump(seed).articles
    again = read_dump(seed).articles
    assert [a.id for a in first] == [a.id for a in again]
    assert len({a.id for a in first}) == 4
    extra = "Weather\nRain expected all week in the valley\nClouds gather over the hills today.\n"
    shifted = read_dump(write_dump(extra + seed.read_text(encoding="utf-8"))).articles
    assert [a.id for a in shifted[1:]] == [a.id for a in first]


OTHER = """\
Sports
Local team wins the championship after a dramatic final
The home side took the trophy on Saturday night in front of a packed stadium.
Fans celebrated late into the night across the city.

World Affairs
Talks resume as delegations meet in Geneva
Negotiators returned to the table this week, hoping for progress. Both sides were hopeful.
Related: nothing
Sports
Another match report from the weekend
A short report. With two sentences here, and more to come later on in the season.
"""


def test_other_sections_are_found_without_being_named() -> None:
    articles = parse(OTHER)
    assert [(a.section, a.title) for a in articles] == [
        ("Sports", "Local team wins the championship after a dramatic final"),
        ("World Affairs", "Talks resume as delegations meet in Geneva"),
        ("Sports", "Another match report from the weekend"),
    ]
    assert articles[0].standfirst.startswith("The home side took the trophy")


def test_config_section_list_overrides_the_rule() -> None:
    text = "Alpha\nFirst title\nBody one.\nBeta Gamma Delta Epsilon Zeta\nSecond title\nBody two.\n"
    assert [a.section for a in parse(text)] == ["Alpha"]
    named = parse(text, sections=["Alpha", "Beta Gamma Delta Epsilon Zeta"])
    assert [(a.section, a.title) for a in named] == [
        ("Alpha", "First title"),
        ("Beta Gamma Delta Epsilon Zeta", "Second title"),
    ]


def test_a_section_line_too_long_for_the_rule_is_warned_of(
    seed: Path, write_dump: Callable[..., Path]
) -> None:
    # Read as the story before it, it would join two stories silently.
    text = "Alpha\nFirst title\nBody one.\nBeta Gamma Delta Epsilon Zeta\nSecond title\nBody two.\n"
    path = write_dump(text)
    result = read_dump(path)
    assert [a.section for a in result.articles] == ["Alpha"]
    assert result.warnings == [
        f"{path}: “Beta Gamma Delta Epsilon Zeta” stands where a section line would, but a"
        " section line has at most 4 words and 40 characters: it is read as part of the"
        " story before it (name the sections in the config's [dump] sections to read it"
        " as one)"
    ]
    assert read_dump(path, sections=["Alpha", "Beta Gamma Delta Epsilon Zeta"]).warnings == []
    assert read_dump(seed).warnings == []  # the bundled news has none


def test_crlf_blank_lines_and_bom(seed: Path, write_dump: Callable[..., Path]) -> None:
    text = seed.read_text(encoding="utf-8")
    messy = "\ufeff" + "\r\n\r\n".join(text.splitlines()) + "\r\n"
    path = write_dump(messy.encode("utf-8"))
    assert [(a.section, a.title) for a in read_dump(path).articles] == SEED_TITLES
    assert read_dump(path).articles[0].blocks == read_dump(seed).articles[0].blocks


def test_bom_as_bytes(write_dump: Callable[..., Path]) -> None:
    path = write_dump(b"\xef\xbb\xbfNews\nA title here\nA body line.\n")
    assert read_dump(path).articles[0].section == "News"


def test_hostile_text_is_cleaned_and_kept_as_data() -> None:
    text = (
        "News\x1b[31m\n"
        "[bold red]x[/bold red] \x1b]0;pwned\x07title\u202e\n"
        "Body \x1b[2J with \x00 controls\x85 and [link=http://e]markup[/link].\n"
    )
    (article,) = parse(text)
    assert article.section == "News"
    assert article.title == "[bold red]x[/bold red] title"
    assert article.blocks[0].text == "Body with controls and [link=http://e]markup[/link]."


def test_curly_and_straight_quotes_survive() -> None:
    (article,) = parse('News\nIt’s a "test" title\n“Quoted words,” she said. It\'s fine.\n')
    assert article.title == 'It’s a "test" title'
    assert article.blocks[0].text == "“Quoted words,” she said. It's fine."


def test_chinese_and_japanese_stories_find_their_sections() -> None:
    """Full-width stops end sentences, with no space after them and emoji behind."""
    result = parse(
        "News\nTesla opens a new factory\nTesla opened a factory today. It builds cars.\n"
        "More words in a second paragraph here.\n"
        "世界ニュース\n東京で新しい電車が走り始めた 🚄\n"
        "東京の新しい電車は時速三百キロで走ります。多くの人が駅に集まりました。🚄🎉\n"
        "这是一个关于东京的中文段落。\n"
        "科技\n人工智能的新进展\n研究人员发布了新的模型，性能大幅提升。\n第二段：更多细节。\n"
    )
    assert [(a.section, a.title) for a in result] == [
        ("News", "Tesla opens a new factory"),
        ("世界ニュース", "東京で新しい電車が走り始めた 🚄"),
        ("科技", "人工智能的新进展"),
    ]
    japanese, chinese = result[1], result[2]
    assert [b.kind for b in japanese.blocks] == [BlockKind.PARAGRAPH, BlockKind.PARAGRAPH]
    assert japanese.standfirst == ""  # two sentences
    assert chinese.standfirst == "研究人员发布了新的模型，性能大幅提升。"


def test_empty_file_is_a_clear_error(write_dump: Callable[..., Path]) -> None:
    path = write_dump("")
    with pytest.raises(DumpError, match="empty"):
        read_dump(path)
    blank = write_dump("\n\n  \n", "blank.txt")
    with pytest.raises(DumpError, match=re.escape(str(blank))):
        read_dump(blank)


def test_missing_and_directory_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="no such file"):
        read_dump(tmp_path / "nope.txt")
    with pytest.raises(DumpError, match="directory"):
        read_dump(tmp_path)


def test_bytes_that_are_not_utf8_warn_with_file_and_line(write_dump: Callable[..., Path]) -> None:
    path = write_dump(b"News\nGood title\nBad \xff\xfe byte here.\n")
    result = read_dump(path)
    assert result.articles[0].blocks[0].text == "Bad �� byte here."
    (warning,) = result.warnings
    assert str(path) in warning and "line 3" in warning


def test_duplicate_titles_get_distinct_stable_ids() -> None:
    text = "News\nSame title\nFirst body.\nNews\nSame title\nSecond body.\n"
    a, b = parse(text)
    assert a.id != b.id
    assert [x.id for x in parse(text)] == [a.id, b.id]


def test_corpus_layout_from_the_benchmarks() -> None:
    text = (
        "Tesla Energy\nEfficiency storage gravity modular #0\n"
        "Generated story number 0. Some words here. More words there.\nAnother paragraph.\n"
        "SpaceX\nOrbit launch capsule pending #1\nGenerated story number 1. Words.\n"
    )
    assert [(a.section, a.title) for a in parse(text)] == [
        ("Tesla Energy", "Efficiency storage gravity modular #0"),
        ("SpaceX", "Orbit launch capsule pending #1"),
    ]


@given(st.text())
def test_parse_never_raises_and_never_keeps_controls(text: str) -> None:
    for article in parse(text):
        for piece in (
            article.section,
            article.title,
            article.standfirst,
            *(b.text for b in article.blocks),
        ):
            assert "\x1b" not in piece and "\r" not in piece
            assert not any(0x80 <= ord(c) <= 0x9F for c in piece)


@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=40)
        .map(str.strip)
        .filter(bool),
        min_size=3,
    )
)
def test_every_nonblank_line_lands_somewhere(lines: list[str]) -> None:
    """Nothing a dump says is silently dropped."""
    articles = parse("\n".join(lines))
    kept = sum(
        2 + bool(a.standfirst) + sum(b.text.count("\n") + 1 for b in a.blocks) for a in articles
    )
    assert kept <= len(lines)
    assert articles  # the first line always starts a section


def test_a_dump_is_named_alike_given_with_or_without_its_folder(
    seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.txt").write_bytes(seed.read_bytes())
    monkeypatch.chdir(tmp_path)
    names = set()
    for typed in ("x.txt", "./x.txt", str(tmp_path / "x.txt")):
        articles = read_dump(Path(typed)).articles
        names.add(MemoryCatalog(articles).origin(articles[0].id).source)
    assert names == {"x"}


def test_a_related_line_that_says_related_reads_it_once() -> None:
    from rich.console import Console

    from reader.render import render_article

    text = (
        "News\nStorm season begins on the coast\nWinds rose overnight. Crews were ready.\n"
        "Related: Another storm hits the northern coast\nMore rain is due on Friday.\n"
    )
    [article] = parse(text)
    related = [b.text for b in article.blocks if b.kind is BlockKind.RELATED]
    assert related == ["Another storm hits the northern coast"]
    console = Console(width=100, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(render_article(article))
    shown = capture.get()
    assert "Related: Another storm hits the northern coast" in shown
    assert "Related: Related:" not in shown
