"""The sidebar's row model without an app: which row is which, and where a
story is, with bookmarks, a saved search, a note and folded sections above."""

from __future__ import annotations

from reader.model import EntryRef
from reader.tui.widgets.sidebar_rows import BOOKMARKS, RowIndex, memory_locate

WORLD = [EntryRef(f"w{n}", "World", f"World {n}") for n in range(3)]
TECH = [EntryRef(f"t{n}", "Tech", f"Tech {n}") for n in range(2)]
SECTIONS = [("World", WORLD), ("Tech", TECH), ("Empty", [])]


def rows(**kwargs: object) -> RowIndex:
    return RowIndex(SECTIONS, locate=memory_locate(SECTIONS), **kwargs)  # type: ignore[arg-type]


def test_rows_in_order_with_everything_above_the_sections() -> None:
    index = rows(pinned=[TECH[1]], saved=[("Mine", [WORLD[2]])], note="1 hidden")
    shown = [(r.section, r.article.id if r.article else None) for r in index]
    assert shown == [
        ("1 hidden", None),
        (BOOKMARKS, None),
        (BOOKMARKS, "t1"),
        ("Mine", None),
        ("Mine", "w2"),
        ("World", None),
        ("World", "w0"),
        ("World", "w1"),
        ("World", "w2"),
        ("Tech", None),
        ("Tech", "t0"),
        ("Tech", "t1"),
    ]  # the empty section is not listed
    assert index[0].note and index[4].saved and not index[2].saved
    assert index.pinned == [TECH[1]]
    assert index.section_at(7) == ("World", WORLD, 1)
    assert index.section_at(5) == ("World", WORLD, -1)
    assert index.section_at(0) is None  # the note belongs to no section


def test_a_story_found_in_its_section_its_bookmark_and_a_saved_search() -> None:
    index = rows(pinned=[TECH[1]], saved=[("Mine", [WORLD[2]])])
    assert index.find("t1", pinned=False) == 10
    assert index.find("t1", pinned=True) == 1
    assert index.index_of("w2") == 7
    assert index.find_in_group("w2", ("Mine", True)) == 3
    assert index.find_in_group("w0", ("Mine", True)) is None
    assert index.index_of("gone") is None


def test_folded_sections_answer_with_their_header() -> None:
    index = rows(folded=frozenset({("World", False)}))
    assert len(index) == 1 + 3
    assert index[0].folded and index[0].section == "World"
    assert index.find("w1", pinned=False) == 0
    assert index.header_of(("Tech", False)) == 1
    assert index.header_of(("Nowhere", False)) is None


def test_next_story_steps_over_headers_but_rests_on_folded_ones() -> None:
    index = rows(folded=frozenset({("Tech", False)}))  # World w0 w1 w2, Tech (folded)
    assert index.next_story(0, 1) == 1
    assert index.next_story(3, 1) == 4  # the folded header
    assert index.next_story(4, 1) is None
    assert index.next_story(1, -1) is None  # above the first story: World's header only
