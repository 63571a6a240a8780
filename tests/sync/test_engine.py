"""The sync engine's pieces that need no server: an item as a story."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import ConfigError, load_config
from reader.model import synced_story_id
from reader.sync.engine import item_article
from reader.sync.greader import Item


def item(html: str, title: str = "A <b>bold</b> title", url: str = "https://e.org/1") -> Item:
    return Item(
        id="00000000000000a1",
        feed_id="feed/1",
        title=title,
        url=url,
        author="Ann",
        published="2026-06-21T12:30:00Z",
        updated="",
        html=html,
        read=False,
        starred=False,
    )


def test_an_items_html_becomes_clean_markdown_as_a_feed_entrys_does() -> None:
    html = (
        "<p>Hello <a href='/rel'>there</a> <a href='javascript:alert(1)'>x</a></p>"
        "<script>steal()</script><p>\x1b]0;owned\x07End \u202e.</p>"
        "<img src='https://pixel.example/t.gif' width='1' height='1'>"
    )
    article = item_article("home", item(html), "Tech", "Example")
    assert article.id == synced_story_id("home", "00000000000000a1")
    assert article.feed_key == "00000000000000a1"
    assert (article.section, article.title, article.source) == ("Tech", "A bold title", "Example")
    assert "[there](https://e.org/rel)" in article.markdown
    assert "javascript" not in article.markdown and "steal" not in article.markdown
    assert "\x1b" not in article.markdown and "\u202e" not in article.markdown
    assert "End" in article.markdown


def test_an_untitled_item_is_named_by_its_first_words_and_a_bad_link_dropped() -> None:
    words = " ".join(f"w{n}" for n in range(20))
    article = item_article("home", item(f"<p>{words}</p>", title="", url="javascript:x"), "S", "F")
    assert article.title == " ".join(f"w{n}" for n in range(12)) + " …"
    assert article.url == ""


def test_the_sync_window_is_read_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path).sync_days == 14
    path.write_text("[sync]\ndays = 3\n")
    assert load_config(path).sync_days == 3
    for bad in ('"3"', "0", "true", "4000"):
        path.write_text(f"[sync]\ndays = {bad}\n")
        with pytest.raises(ConfigError, match=r"\[sync\] days must be a whole number"):
            load_config(path)
