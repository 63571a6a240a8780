from reader.wording import counted


def test_counts_read_as_a_person_writes_them() -> None:
    assert counted(1, "story") == "1 story"
    assert counted(0, "story") == "0 stories"
    assert counted(2340, "story") == "2,340 stories"
    assert counted(2, "feed") == "2 feeds"
    assert counted(1, "new story", "new stories") == "1 new story"
    assert counted(3, "new story", "new stories") == "3 new stories"
