"""A real program that records how it was run, for the tests of what the
reader starts (the notification command): no fake of the process."""

from __future__ import annotations

import sys
from pathlib import Path


def recording_program(folder: Path) -> tuple[str, Path]:
    """A program in `folder` that appends the arguments it was given to a
    file, a JSON list a line: its path, and that file's."""
    script = folder / "record.py"
    out = folder / "argv.json"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"with open({str(out)!r}, 'a') as f:\n    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    script.chmod(0o755)
    return str(script), out
