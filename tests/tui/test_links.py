"""Pictures and links in a story: image lines, [n] markers tied to the numbered
list, keys 1-9 and the link picker, so every link is reached without the mouse."""

from __future__ import annotations

import webbrowser

import pytest

from reader.markdown import markdown_to_blocks
from reader.model import Article, make_article
from reader.tui.app import NewsApp
from reader.tui.dialogs.links import LinkPicker

from .shown import Said, screen_lines
from .waiting import painted, until

SIZE = (160, 30)  # the story at its full measure: list lines unwrapped
MARKDOWN = """Tesla's [Semi](https://e.org/semi) team met [the press](https://e.org/press) today.

![A Tesla Semi at the Nevada depot](https://e.org/semi.jpg)

More on the [Semi](https://e.org/semi), and write to [us](mailto:tips@e.org).
"""


def story(markdown: str = MARKDOWN, title: str = "Links and pictures") -> Article:
    return make_article("News", title, markdown_to_blocks(markdown), "t", url="https://e.org/story")


def rows(app: NewsApp) -> list[str]:
    return [strip.text.rstrip() for strip in screen_lines(app)]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []

    def fake_open(url: str) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return urls


async def test_pictures_are_image_lines_and_links_carry_their_numbers() -> None:
    app = NewsApp([story()])
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        screen = "\n".join(rows(app))
        assert "Tesla's Semi[2] team met the press[3] today." in screen
        assert "▣ A Tesla Semi at the Nevada depot[4]" in screen
        # A link given twice keeps its number; a mail link does not open, so it
        # has no number and is not listed.
        assert "More on the Semi[2], and write to us." in screen
        assert " 2. Semi  https://e.org/semi" in screen
        assert " 4. ▣ A Tesla Semi at the Nevada depot  https://e.org/semi.jpg" in screen
        assert "mailto:tips@e.org" not in screen and " 5." not in screen


async def test_number_keys_open_link_n_in_the_browser(opened: list[str]) -> None:
    app = NewsApp([story()])
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await pilot.press("tab")  # into the reading pane
        await pilot.press("2", "4")
        await app.workers.wait_for_complete()
        assert opened == ["https://e.org/semi", "https://e.org/semi.jpg"]
        await pilot.press("5", "9")  # mailto: is not numbered; there is no link 5 or 9
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == ["https://e.org/semi", "https://e.org/semi.jpg"]
        toasts = said.messages()
        assert any("no link 5" in t for t in toasts)
        assert any("no link 9" in t for t in toasts)


async def test_link_keys_work_from_the_sidebar_but_not_over_a_dialog(opened: list[str]) -> None:
    app = NewsApp([story()])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")  # the sidebar has the focus
        await app.workers.wait_for_complete()
        assert opened == ["https://e.org/press"]
        await pilot.press("w")  # the keywords dialog: digits are typed there
        await pilot.pause()
        await pilot.press("2", "L")
        await app.workers.wait_for_complete()
        assert opened == ["https://e.org/press"]
        assert not isinstance(app.screen, LinkPicker)


async def test_the_link_picker_reaches_links_past_nine(opened: list[str]) -> None:
    many = "\n\n".join(f"Part [{n}](https://e.org/{n})." for n in range(1, 13))
    app = NewsApp([story(many, "Twelve links")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "L")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        await pilot.press("end")
        await pilot.pause()
        assert "13. 12" in "\n".join(rows(app))  # the story's own link is 1
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == ["https://e.org/12"]
        assert not isinstance(app.screen, LinkPicker)
        await pilot.press("L", "escape")
        await until(pilot, lambda: not isinstance(app.screen, LinkPicker), "the picker closed")
        assert not isinstance(app.screen, LinkPicker) and opened == ["https://e.org/12"]


async def test_help_and_palette_name_the_link_keys() -> None:
    app = NewsApp([story()])
    async with app.run_test(size=(100, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "All links (reading)" in titles
        assert not any(t.startswith("Open link") for t in titles)  # a key says which
        await pilot.press("question_mark")
        await pilot.pause()
        screen = "\n".join(rows(app))
        assert "1-9" in screen and "Open link n" in screen and "All links" in screen


async def test_with_no_browser_the_address_is_said_and_copied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: False)  # a server over ssh
    app = NewsApp([story()])
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await pilot.press("tab", "2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No browser to open it in; copied: https://e.org/semi" in said.messages()
        assert app.clipboard == "https://e.org/semi"
