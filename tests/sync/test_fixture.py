"""The FreshRSS fixture where PHP cannot be had: the tests that need it skip
with the script's reason, and with NEWS_REQUIRE_FRESHRSS=1 (as .ci/run sets)
they fail instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
NEEDS_SERVER = "tests/sync/test_greader_freshrss.py::test_login_and_an_empty_account"
NO_PHP = (
    "import sys\n"
    "sys.stderr.write('freshrss: PHP modules missing (curl); install: apt-get install php\\n')\n"
    "sys.exit(3)\n"
)


def pytest_with(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "freshrss.py"
    script.write_text(NO_PHP)
    environ = {k: v for k, v in os.environ.items() if k != "NEWS_REQUIRE_FRESHRSS"}
    environ.update(NEWS_FRESHRSS_SCRIPT=str(script), **env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rs",
            "-n",
            "0",
            NEEDS_SERVER,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        timeout=120,
    )


def test_without_php_the_server_tests_skip_with_the_reason(tmp_path: Path) -> None:
    done = pytest_with(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
    assert "FreshRSS cannot run here: PHP modules missing (curl)" in done.stdout


def test_where_freshrss_is_required_a_skip_is_a_failure(tmp_path: Path) -> None:
    done = pytest_with(tmp_path, NEWS_REQUIRE_FRESHRSS="1")
    assert done.returncode == 1, done.stdout
    assert "FreshRSS is required here (NEWS_REQUIRE_FRESHRSS=1) but cannot run" in done.stdout
