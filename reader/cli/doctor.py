"""`news doctor`: check the library and repair what can be (see `library.doctor`)."""

from __future__ import annotations

from reader.cli.common import UserError, apply_paths, parser, shown
from reader.config import Config
from reader.wording import counted


def cmd_doctor(argv: list[str], config: Config) -> int:
    p = parser(
        "news doctor",
        "Check the library; rebuild its search index, or copy its stories into a new"
        " file, when it is damaged. Exit status 1 if damage is left.",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.library.db import LibraryError, default_path
    from reader.library.doctor import examine

    path = default_path()
    try:
        checkup = examine(path)
    except LibraryError as exc:
        raise UserError(str(exc)) from None
    for line in checkup.found:
        print(f"found:    {shown(line)}")
    for line in checkup.repaired:
        print(f"repaired: {shown(line)}")
    for line in checkup.left:
        print(f"damaged:  {shown(line)}")
    if checkup.healthy:
        stories = counted(checkup.stories, "story")
        state = "repaired" if checkup.found else "no damage found"
        print(f"{shown(str(path))}: {stories}, {state}.")
        return 0
    return 1
