"""Untrusted text through the command line: what a dump, a Markdown file or a
feed says reaches the terminal only as harmless characters, and no more of it
is dropped than must be."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tampered import tamper

from reader.cli import main

# What may never reach the terminal: ESC, BEL, the other controls, C1, the bidi
# overrides, embeddings, isolates and marks.
FORBIDDEN = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\n", "\t"}
FORBIDDEN |= {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
FORBIDDEN |= {"\u200e", "\u200f", "\u061c"}


def hostile(text: str) -> set[str]:
    return {c for c in text if c in FORBIDDEN}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def only_id(capsys: pytest.CaptureFixture[str], *args: str, title: str) -> str:
    code, out, _ = run(capsys, "list", "--json", *args)
    assert code == 0
    return next(s["id"] for s in json.loads(out) if title in s["title"])


def test_a_lone_c1_character_in_a_dump_drops_nothing_after_it(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
    # U+009D is what a UTF-8 closing quote becomes when read as Latin-1.
    dump = write_dump(
        "World\nA title here\nHe said \u00e2\x80\x9dno\u00e2\x80\x9d and more words follow.\n"
        "Second paragraph stays.\n"
    )
    story = only_id(capsys, str(dump), title="A title")
    code, out, _ = run(capsys, "show", story, str(dump))
    assert code == 0
    assert "no\u00e2 and more words follow." in out
    assert not hostile(out)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n.md").write_text(
        "# Note title\n\n"
        "Bidi &#x202E;here and a mark &#x200F;there.\n\n"
        "![two words &#x2066;alt](pic.png) after\n\n"
        "[li&#x202E;nk](https://a.example/x)\n",
        encoding="utf-8",
    )
    return folder


def test_character_references_in_a_markdown_file_are_cleaned_after_decoding(
    capsys: pytest.CaptureFixture[str], notes: Path
) -> None:
    code, _, err = run(capsys, "add", str(notes))
    assert code == 0, err
    story = only_id(capsys, title="Note title")
    code, out, _ = run(capsys, "show", story)
    assert code == 0
    assert "Bidi here and a mark there." in out
    # The picture is a line of its own (▣ and its alt text), the text after it a paragraph.
    assert "▣ two words alt" in out and "\nafter\n" in out and "link" in out
    assert not hostile(out)
    code, out, _ = run(capsys, "search", "--json", "bidi")
    assert (
        code == 0 and "Note title" in out and not hostile(json.loads(out)["results"][0]["snippet"])
    )


def test_character_references_in_a_feed_image_alt_text_are_cleaned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Alt story</title><link>https://w.example/1</link>"
        "<description>&lt;p&gt;Before &lt;img alt=&quot;two &amp;amp;#x202E;words here&quot;"
        " src=&quot;https://w.example/i.png&quot;&gt; after&lt;/p&gt;</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "add", str(feed))
    assert code == 0, err
    story = only_id(capsys, title="Alt story")
    code, out, _ = run(capsys, "show", story)
    assert code == 0 and "Before" in out and "after" in out
    assert not hostile(out)


def test_a_library_made_elsewhere_is_cleaned_again_on_the_way_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "lib.sqlite"
    code, _, _ = run(capsys, "list", "--library", str(library))
    assert code == 0
    story = tamper(library)
    code, out, _ = run(capsys, "show", story, "--library", str(library))
    assert code == 0 and "Evil title x" in out and "Tesla China is poised" in out
    assert not hostile(out)
    code, out, _ = run(capsys, "search", "--json", "poised", "--library", str(library))
    assert code == 0
    (hit,) = json.loads(out)["results"]
    assert hit["title"] == "Evil title x" and hit["section"] == "News"
    assert not hostile(hit["snippet"])


def test_an_escape_written_as_a_reference_goes_whole_in_every_command(
    capfdbinary: pytest.CaptureFixture[bytes], no_proxy: None
) -> None:
    """The tester's feed, served over HTTP: `&#x1b;[31m` in a title (escaped
    once more for XML) and in a CDATA body goes with its sequence, as the raw
    ESC does. "[31m" stayed in the title, the feed's name and the link's text
    everywhere, and the body showed the references (and its link list
    `.../x&#x1b;%5B31m`). `&amp;#x1b;` in the body is text, and reads so."""
    from unit.feed_server import running

    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>Hostile &amp;#x1b;[32mFeed</title>"
        b"<item><title>Entity &amp;#x1b;[31mred&amp;#x1b;[0m title</title><guid>1</guid>"
        b"<description><![CDATA[<p>Body &#x1b;[31mRED&#x1b;[0m and &#27;]8;;http://evil&#27;\\"
        b'link, <a href="x&#x1b;[31m">link &#x1b;[31mtext</a>, double &amp;#x1b;[34m.</p>]]>'
        b"</description></item></channel></rss>"
    )

    def run(*args: str) -> bytes:
        code = main(list(args))
        out, err = capfdbinary.readouterr()
        assert code == 0, err
        assert not hostile(out.decode()) and b"[3" not in out.replace(b"&#x1b;[34m", b"")
        return out

    for server in running():
        url = server.serve("/x.xml", feed)
        assert b"Added feed Hostile Feed: 1 story" in run("add", url)
        sections = json.loads(run("unread", "--json"))["sections"]
        (story,) = [s for c in sections for s in c["stories"] if s["source"] == "Hostile Feed"]
        assert story["title"] == "Entity red title"
        shown = run("show", story["id"])
        assert b"\nEntity red title\n" in shown
        assert b"Body RED and link, link text[1], double &#x1b;[34m." in shown
        assert f"link text  {server.base}/x\n".encode() in shown
        (result,) = json.loads(run("search", "--json", "body red"))["results"]
        assert result["title"] == "Entity red title"
        assert result["snippet"] == "Body RED and link, link text, double &#x1b;[34m."
