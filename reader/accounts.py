"""Sync accounts: where they are in the config, and their passwords.

An account is a table in config.toml, so a person can read and edit it:

    [accounts.home]
    url = "https://rss.example.org/api/greader.php"
    user = "alice"
    password_command = ["pass", "show", "rss"]   # optional

Its password is either what ``password_command`` prints (run as an argument
list, never through a shell, so nothing in it is interpreted), or a secret
file written when the account was added: ``secrets/NAME`` in the config
folder, the file 0600 in a 0700 folder, written whole or not at all. A
password is never in the library, the config, a log or an error message.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.config import (
    ConfigError,
    config_dir,
    config_path,
    open_for_edit,
    table_for_edit,
    write_config,
)
from reader.sanitize import clean_line

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SECRETS = "secrets"
COMMAND_TIMEOUT = 60.0  # a password manager may ask for its own passphrase first
_SHOWN = 200


class AccountError(Exception):
    """An account that cannot be used or saved; the message says why."""


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    api_url: str
    user: str
    password_command: tuple[str, ...] | None = None


def accounts(path: Path | None = None) -> list[Account]:
    """The accounts in the config, in its order. ConfigError when the file or
    an account's table cannot be read."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    table = data.get("accounts", {})
    if not isinstance(table, dict):
        raise ConfigError(f"config {path}: [accounts] must be a table of accounts")
    return [_account(name, entry, path) for name, entry in table.items()]


def _account(name: str, entry: object, path: Path) -> Account:
    where = f"config {path}: [accounts.{clean_line(name)}]"
    if not NAME.fullmatch(name):
        raise ConfigError(f"{where}: a name is letters, digits, '.', '-' and '_'")
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table")
    url, user = entry.get("url"), entry.get("user")
    if not isinstance(url, str) or not url.strip() or not isinstance(user, str) or not user:
        raise ConfigError(f"{where} needs url and user")
    command = entry.get("password_command")
    if command is not None and (
        not isinstance(command, list)
        or not command
        or not all(isinstance(part, str) and part for part in command)
    ):
        raise ConfigError(
            f'{where}: password_command must be a list of words, like ["pass", "rss"]'
        )
    return Account(name, url.strip(), user, tuple(command) if command else None)


def find(name: str, path: Path | None = None) -> Account:
    for account in accounts(path):
        if account.name == name:
            return account
    raise AccountError(f"no account named {clean_line(name)!r}; `news accounts` lists them")


def name_for(api_url: str, taken: Sequence[str] = ()) -> str:
    """A name for an account at this address when none is given: its host
    (with the port, if any), made unique among ``taken``."""
    host = re.sub(r"^[a-z]+://", "", api_url.strip().lower()).split("/", 1)[0].split("@")[-1]
    base = re.sub(r"[^a-z0-9._-]+", "-", host).strip("-._")[:60] or "account"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


# The config -------------------------------------------------------------------------


def save(account: Account, path: Path | None = None) -> None:
    """Add (or replace) the account's table in config.toml, keeping the rest of
    the file and its comments as they were."""
    if not NAME.fullmatch(account.name):
        raise AccountError(
            f"{clean_line(account.name)!r} cannot name an account: "
            "use letters, digits, '.', '-' and '_' (at most 64)"
        )
    import tomlkit

    path, doc = open_for_edit(path)
    table = table_for_edit(path, doc, "accounts", super_table=True)
    entry = tomlkit.table()
    entry["url"] = account.api_url
    entry["user"] = account.user
    if account.password_command:
        entry["password_command"] = list(account.password_command)
    table[account.name] = entry
    write_config(path, doc)


def delete(name: str, path: Path | None = None) -> None:
    """Take the account out of config.toml and delete its stored password."""
    path, doc = open_for_edit(path)
    table = table_for_edit(path, doc, "accounts", super_table=True)
    if name in table:
        del table[name]
        write_config(path, doc)
    forget_password(name)


# Passwords --------------------------------------------------------------------------


def secret_path(name: str) -> Path:
    return config_dir() / SECRETS / name


def store_password(name: str, password: str) -> None:
    """Write the account's password to its own file, readable by its owner
    only, replacing any old one whole (a temporary file, synced, renamed)."""
    if not NAME.fullmatch(name):
        raise AccountError(f"{clean_line(name)!r} cannot name an account")
    folder = secret_path(name).parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # made earlier with a looser mode, or by umask
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(password)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, secret_path(name))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as exc:
        raise AccountError(f"cannot store the password in {folder}: {exc.strerror}") from None


def forget_password(name: str) -> None:
    if NAME.fullmatch(name):
        with contextlib.suppress(FileNotFoundError):
            secret_path(name).unlink()


def password_source(account: Account) -> str:
    """Where the account's password comes from: "command", "stored" or "missing"."""
    if account.password_command:
        return "command"
    return "stored" if secret_path(account.name).is_file() else "missing"


def password(account: Account) -> str:
    """The account's password: its command's output (one trailing line end
    dropped), else its stored secret. AccountError saying why when neither
    gives one; the password itself is never in a message."""
    if account.password_command:
        return run_password_command(account.password_command, account.name)
    path = secret_path(account.name)
    try:
        info = path.stat()
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, 0o600)  # someone loosened it: only the owner reads a secret
        secret = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccountError(
            f"no password stored for account {account.name}: add it again "
            "(news account add) or give it a password_command"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise AccountError(f"cannot read the password of account {account.name}: {why}") from None
    return secret


def run_password_command(command: Sequence[str], name: str) -> str:
    """Run a password command (an argument list, no shell) and return what it
    printed, less one trailing line end. Its error output is captured (the
    reader may own the terminal) and its last line named when it fails."""
    shown = clean_line(command[0])[:_SHOWN]
    what = f"password_command of account {name} ({shown})"
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise AccountError(f"{what}: not found") from None
    except subprocess.TimeoutExpired:
        raise AccountError(f"{what} gave no answer in {COMMAND_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise AccountError(f"{what}: {exc.strerror}") from None
    if done.returncode:
        said = [
            line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()
        ]
        why = f": {clean_line(said[-1])[:_SHOWN]}" if said else ""
        raise AccountError(f"{what} failed with exit status {done.returncode}{why}")
    text = done.stdout.decode("utf-8", "replace")
    text = text[:-1] if text.endswith("\n") else text
    text = text[:-1] if text.endswith("\r") else text
    if not text:
        raise AccountError(f"{what} printed nothing")
    return text
