"""Sync accounts: `news account add`, `news accounts`, `news account remove`.

Adding logs in once, so a wrong password or address is said at once and
nothing is stored; the password comes from a prompt (never echoed), standard
input or a command, and is never printed. See `reader.accounts`.
"""

from __future__ import annotations

import getpass
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from reader.accounts import (
    NAME,
    Account,
    AccountError,
    accounts,
    delete,
    find,
    name_for,
    password_source,
    run_password_command,
    save,
    store_password,
)
from reader.cli.common import UserError, apply_paths, parser, print_json, shown
from reader.config import Config
from reader.wording import counted

if TYPE_CHECKING:
    from reader.library.articles import Library
    from reader.sync.answers import SyncError

FAILED = 1  # the server said no, or could not be reached
# What `news accounts` and `news sync` both say when there is none.
NO_ACCOUNTS = "No sync accounts. Add one with `news account add API_URL --user NAME`."


def cmd_account(argv: list[str], config: Config) -> int:
    p = parser("news account", "Add or remove a sync account (a Google Reader API server).")
    sub = p.add_subparsers(dest="action", required=True, metavar="add|remove")
    add = sub.add_parser(
        "add",
        help="add an account, logging in once to check it",
        description="Add an account on a server that speaks the Google Reader API (FreshRSS,"
        " Miniflux, Inoreader, The Old Reader, BazQux). It logs in once to check the user"
        " name and password; when they are wrong nothing is stored.",
    )
    add.add_argument(
        "api_url",
        metavar="API_URL",
        help="the server's API root, e.g. https://HOST/api/greader.php",
    )
    add.add_argument("--user", required=True, metavar="NAME", help="your user name there")
    add.add_argument("--name", metavar="N", help="what to call the account (default: its host)")
    given = add.add_mutually_exclusive_group()
    given.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    given.add_argument(
        "--password-command",
        metavar="CMD",
        help="a command that prints the password (e.g. 'pass show rss'), run at each sync"
        " without a shell; nothing is stored",
    )
    add.epilog = "Exit status: 0 added, 1 the server refused or could not be reached, 2 an error."
    remove = sub.add_parser(
        "remove",
        help="remove an account and its stored password",
        description="Remove an account and its stored password, keeping or dropping the"
        " stories synced from it. On a terminal it asks both; elsewhere pass --yes (the"
        " stories are kept unless --drop-stories).",
    )
    remove.add_argument("name", metavar="NAME", help="the account, as `news accounts` names it")
    remove.add_argument("-y", "--yes", action="store_true", help="remove without asking")
    stories = remove.add_mutually_exclusive_group()
    stories.add_argument(
        "--keep-stories",
        dest="stories",
        action="store_const",
        const="keep",
        help="keep the stories synced from it in the library (the default with --yes)",
    )
    stories.add_argument(
        "--drop-stories",
        dest="stories",
        action="store_const",
        const="drop",
        help="remove its stories from the library too (their bookmarks stay, marked missing)",
    )
    remove.epilog = "Exit status: 0 removed, 1 kept when the answer was no, 2 an error."
    args = p.parse_args(argv)
    apply_paths(args)
    try:
        if args.action == "add":
            return _add(
                args.api_url, args.user, args.name, args.password_stdin, args.password_command
            )
        return _remove(args.name, args.yes, args.stories)
    except AccountError as exc:
        raise UserError(str(exc)) from None


def cmd_accounts(argv: list[str], config: Config) -> int:
    p = parser("news accounts", "The sync accounts: name, user, address, where the password is.")
    p.add_argument("--json", action="store_true", help="print JSON")
    args = p.parse_args(argv)
    apply_paths(args)
    found = accounts()
    if args.json:
        print_json(
            [
                {
                    "name": a.name,
                    "url": a.api_url,
                    "user": a.user,
                    "password": password_source(a),
                    "password_command": list(a.password_command) if a.password_command else None,
                }
                for a in found
            ]
        )
        return 0
    if not found:
        print(NO_ACCOUNTS)
        return 0
    where = {"stored": "password stored", "command": "password from a command", "missing": ""}
    for a in found:
        missing = "no password: add it again"
        said = where[password_source(a)] or missing
        print(f"{shown(a.name)}  {shown(a.user)} at {shown(a.api_url)}  ({said})")
    return 0


def _add(
    api_url: str, user: str, name: str | None, from_stdin: bool, command_text: str | None
) -> int:
    from reader.sync.greader import SyncError

    if name is not None and not NAME.fullmatch(name):
        raise UserError(
            f"{shown(name)!r} cannot name an account: use letters, digits, '.', '-' and '_'"
        )
    known = accounts()
    same = [a for a in known if a.api_url == api_url.strip() and a.user == user]
    if name is None:
        name = same[0].name if same else name_for(api_url, [a.name for a in known])
    elif any(a.name == name for a in known) and not any(a.name == name for a in same):
        raise UserError(
            f"an account named {shown(name)!r} exists for another server or user;"
            " give another --name, or remove it first"
        )
    command = _command(command_text)
    if command:
        secret = run_password_command(command, name)
    elif from_stdin:
        secret = _stdin_password()
    else:
        secret = _ask_password(user, api_url)
    try:
        api_url, subscriptions = _log_in(api_url.strip(), user, secret)
    except SyncError as exc:
        print(f"news: {shown(exc.reason)} (nothing stored)", file=sys.stderr)
        return FAILED
    account = Account(name, api_url, user, command)
    save(account)
    if command is None:
        store_password(name, secret)
    else:
        from reader.accounts import forget_password

        forget_password(name)  # a command replaces a password stored before
    verb = "Updated" if any(a.name == name for a in known) else "Added"
    print(
        f"{verb} account {shown(name)}: {shown(user)} at {shown(account.api_url)},"
        f" {counted(subscriptions, 'subscription')}; `news sync` brings them."
    )
    return 0


def _log_in(api_url: str, user: str, secret: str) -> tuple[str, int]:
    """Log in once at `api_url`: the API root it turned out to be, and how
    many subscriptions the account has. An address that answers as no API
    does (a web page, a redirect, HTTP 404, 405 or 501) was most likely the
    server's web address, so the API roots known below it are tried
    (`reader.sync.roots`) and the one that answers is said and used. When
    none does, each tried is named with what it answered; a wrong password
    at one of them stops there, said with where."""
    from reader.sync.greader import BadAnswer, GReader, SyncError, WrongPassword
    from reader.sync.roots import other_roots

    def check(url: str) -> int:
        with GReader(url, user, secret) as server:
            server.login()
            return len(server.subscriptions())

    try:
        return api_url, check(api_url)
    except BadAnswer as first:
        roots = other_roots(api_url)
        if not roots:
            raise
        tried: list[tuple[str, SyncError]] = [(api_url, first)]
    for root in roots:
        try:
            count = check(root)
        except WrongPassword as refused:
            raise WrongPassword(f"{refused.reason} at {root}, the API root of {api_url}") from None
        except SyncError as failed:
            tried.append((root, failed))
            continue
        print(f"{shown(api_url)} is not the Google Reader API root; {shown(root)} is: using that.")
        return root, count
    said = ", ".join(f"{url} ({_answered(failed)})" for url, failed in tried)
    raise BadAnswer(f"no Google Reader API answered; tried {said}")


def _answered(failed: SyncError) -> str:
    """What an address tried answered, in a few words."""
    from reader.sync.answers import NotHere

    return failed.answered if isinstance(failed, NotHere) else failed.reason


def _command(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    try:
        words = tuple(shlex.split(text))
    except ValueError as exc:
        raise UserError(f"--password-command does not read: {exc}") from None
    if not words:
        raise UserError("--password-command is empty")
    return words


def _stdin_password() -> str:
    text = sys.stdin.read()
    text = text[:-1] if text.endswith("\n") else text
    text = text[:-1] if text.endswith("\r") else text
    if not text:
        raise UserError("no password on standard input")
    return text


def _ask_password(user: str, api_url: str) -> str:
    if not sys.stdin.isatty():
        raise UserError(
            "no terminal to ask for the password on: pass --password-stdin or --password-command"
        )
    try:
        secret = getpass.getpass(f"Password for {shown(user)} at {shown(api_url)}: ")
    except EOFError:
        secret = ""
    if not secret:
        raise UserError("no password given (nothing stored)")
    return secret


def _remove(name: str, yes: bool, stories: str | None) -> int:
    account = find(name)
    what = f"account {shown(account.name)} ({shown(account.user)} at {shown(account.api_url)})"
    if not yes and not _confirm(f"Remove {what}?", f"{what} not removed: pass --yes"):
        print(f"Kept {what}.")
        return 1
    dropped = None
    if stories == "drop" or (stories is None and not yes and _has_stories(account.name)):
        with _library() as library:
            count = len(library.synced_items(account.name))
            if stories == "drop" or _confirm(
                f"Drop its {counted(count, 'story')} from the library too?", ""
            ):
                dropped = library.drop_account(account.name)
    delete(account.name)
    if dropped is None:
        print(f"Removed {what}; its stories stay in the library.")
    else:
        print(f"Removed {what} and its {counted(dropped, 'story')}.")
    return 0


def _has_stories(name: str) -> bool:
    from reader.library.db import default_path

    if not default_path().exists():
        return False
    with _library() as library:
        return bool(library.synced_items(name))


@contextmanager
def _library() -> Iterator[Library]:
    from reader.library.articles import Library
    from reader.library.db import LibraryError

    try:
        library = Library.open()
    except LibraryError as exc:
        raise UserError(str(exc)) from None
    try:
        yield library
    finally:
        library.close()


def _confirm(question: str, script_error: str) -> bool:
    """Yes only when a person at a terminal says so; a script is told what to pass."""
    if not sys.stdin.isatty():
        raise UserError(script_error)
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print(file=sys.stderr)
    return answer.strip().casefold() in ("y", "yes")
