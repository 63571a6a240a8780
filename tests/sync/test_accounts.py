"""Accounts in the config, and their passwords: stored only where the owner
alone can read them, or fetched by a command run without a shell."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from reader.accounts import (
    Account,
    AccountError,
    accounts,
    delete,
    name_for,
    password,
    password_source,
    save,
    secret_path,
    store_password,
)
from reader.config import ConfigError, config_path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_account_is_saved_beside_what_the_config_had() -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text('# my reader\n[highlight]\nkeywords = ["Tesla"]  # the one I follow\n')
    save(Account("home", "https://rss.example.org/api/greader.php", "alice"))
    save(Account("work", "https://w.example/api", "bob", ("pass", "show", "rss")))
    text = path.read_text()
    assert text.startswith('# my reader\n[highlight]\nkeywords = ["Tesla"]  # the one I follow\n')
    assert accounts() == [
        Account("home", "https://rss.example.org/api/greader.php", "alice"),
        Account("work", "https://w.example/api", "bob", ("pass", "show", "rss")),
    ]
    delete("home")
    assert [a.name for a in accounts()] == ["work"]
    assert "# the one I follow" in path.read_text()


def test_the_password_is_in_a_file_only_its_owner_can_read() -> None:
    account = Account("home", "https://h/api", "alice")
    assert password_source(account) == "missing"
    store_password("home", "s3cret pass\n with a line")
    assert password(account) == "s3cret pass\n with a line"
    assert password_source(account) == "stored"
    assert mode(secret_path("home")) == 0o600
    assert mode(secret_path("home").parent) == 0o700

    os.chmod(secret_path("home"), 0o644)  # loosened by hand
    assert password(account) == "s3cret pass\n with a line"
    assert mode(secret_path("home")) == 0o600

    store_password("home", "new one")  # replaced whole
    assert password(account) == "new one"
    assert [p.name for p in secret_path("home").parent.iterdir()] == ["home"]
    delete("home")
    assert not secret_path("home").exists()


def test_a_missing_password_says_how_to_give_one() -> None:
    with pytest.raises(AccountError, match="no password stored for account home: add it again"):
        password(Account("home", "https://h/api", "alice"))


def test_a_password_command_runs_without_a_shell() -> None:
    echo = [sys.executable, "-c", "import sys; print(sys.argv[1])"]
    account = Account("cmd", "https://h/api", "alice", (*echo, "pw; touch owned $(id)"))
    assert password(account) == "pw; touch owned $(id)"
    assert password_source(account) == "command"
    assert not Path("owned").exists()


def test_a_failing_password_command_is_named_with_its_last_words() -> None:
    fails = (
        sys.executable,
        "-c",
        "import sys; sys.stderr.write('gpg: \\x1b[31mno key\\n'); exit(2)",
    )
    with pytest.raises(AccountError) as caught:
        password(Account("cmd", "https://h/api", "alice", fails))
    assert caught.value.args[0].endswith("failed with exit status 2: gpg: no key")
    with pytest.raises(AccountError, match="not found"):
        password(Account("cmd", "https://h/api", "alice", ("/no/such/program",)))
    with pytest.raises(AccountError, match="printed nothing"):
        password(Account("cmd", "https://h/api", "alice", (sys.executable, "-c", "")))


def test_an_account_table_that_does_not_read_is_named() -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(
        '[accounts.home]\nurl = "https://h/api"\nuser = "a"\npassword_command = "pass"\n'
    )
    with pytest.raises(ConfigError, match=r"\[accounts.home\]: password_command must be a list"):
        accounts()
    path.write_text('[accounts.home]\nurl = "https://h/api"\n')
    with pytest.raises(ConfigError, match="needs url and user"):
        accounts()


def test_a_name_is_made_from_the_host() -> None:
    assert name_for("https://rss.example.org/api/greader.php") == "rss.example.org"
    assert name_for("http://127.0.0.1:8080/api") == "127.0.0.1-8080"
    assert name_for("https://u@www.inoreader.com", ["www.inoreader.com"]) == "www.inoreader.com-2"
    with pytest.raises(AccountError, match="cannot name an account"):
        save(Account("../evil", "https://h/api", "a"))
