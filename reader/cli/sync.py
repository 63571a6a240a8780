"""`news sync`: every sync account brought up to date with its server.

Each account is one line when it is done: what it brought and sent, or why
it failed (a wrong password, a server that is down, a password command that
fails), so a person sees which account needs them; one account failing never
stops the others. With a terminal a bar shows the items being fetched. The
exit status is 1 when any account failed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reader.cli.common import UserError, apply_paths, console, parser, print_json, shown
from reader.config import Config
from reader.wording import counted

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from reader.accounts import Account
    from reader.library.articles import Library, Source
    from reader.sync.engine import Progress, SyncResult

FAILED = 1


def cmd_sync(argv: list[str], config: Config) -> int:
    p = parser(
        "news sync",
        "Sync every account with its server: send the changes made here, bring its"
        " subscriptions and new items, and make read and starred the same on both sides."
        " Exit status 1 if any account failed (each is named, with why).",
    )
    p.add_argument("--account", metavar="NAME", help="sync only this account")
    p.add_argument("--json", action="store_true", help="what each account did, as JSON")
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.accounts import AccountError, accounts, find

    try:
        chosen = [find(args.account)] if args.account else accounts()
    except AccountError as exc:
        raise UserError(str(exc)) from None
    out = console()
    if not chosen:
        if args.json:
            print_json([])
        else:
            from reader.cli.accounts import NO_ACCOUNTS

            out.print(NO_ACCOUNTS)
        return 0
    from reader.cli.common import open_library, rules_after

    with open_library(config) as library, rules_after(library, config, say=not args.json):
        results = _sync_all(library, chosen, config.sync_days, out, quiet=args.json)
    if args.json:
        print_json([_json(r) for r in results])
    else:
        ok = sum(r.ok for r in results)
        out.print(
            f"{counted(len(results), 'account')}: {ok:,} synced, {len(results) - ok:,} failed."
        )
    return 0 if all(r.ok for r in results) else FAILED


def _sync_all(
    library: Library, chosen: list[Account], days: int, out: Console, *, quiet: bool
) -> list[SyncResult]:
    from reader.bookmarks import Bookmarks
    from reader.state import ReadingState
    from reader.sync.engine import run_account

    state, bookmarks = ReadingState(), Bookmarks()
    results = []
    if quiet or not out.is_terminal:
        for account in chosen:
            result = run_account(library, account, state, bookmarks, days=days)
            results.append(result)
            if not quiet:
                for line in _lines(result):
                    out.print(line, soft_wrap=True)
        return results
    from reader.cli.progress import plain_progress

    with plain_progress(out, "Syncing") as progress:
        task = progress.add_task("", total=None)

        def show(step: Progress) -> None:
            total = step.total or None
            progress.update(
                task, total=total, completed=step.done, description=f"{step.account}: {step.stage}"
            )
            progress.refresh()

        for account in chosen:
            result = run_account(library, account, state, bookmarks, days=days, on_progress=show)
            results.append(result)
            for line in _lines(result):
                progress.console.print(line, soft_wrap=True)
    return results


def _line(result: SyncResult) -> Text:
    from rich.text import Text

    line = Text()
    if not result.ok:
        line.append("failed     ", style="bold red")
        line.append(shown(result.account))
        line.append(f": {shown(result.reason)}", style="red")
        return line
    line.append("synced     ", style="green")
    line.append(shown(result.account))
    parts = [counted(result.feeds, "feed"), counted(result.new, "new story", "new stories")]
    if result.updated:
        parts.append(f"{result.updated:,} updated")
    parts.append(f"{counted(result.sent, 'change')} sent")
    parts.append(f"{counted(result.marks, 'mark')} taken in")
    line.append(": " + ", ".join(parts), style="dim")
    return line


def _lines(result: SyncResult) -> list[Text]:
    """The account's line, then one for each feed unsubscribed on the server
    (gone here with its stories) and each bookmark kept for its note."""
    from rich.text import Text

    lines = [_line(result)]
    for title, count in result.unsubscribed:
        line = Text("removed    ", style="yellow")
        line.append(shown(title))
        line.append(
            f": unsubscribed on {shown(result.account)}, {counted(count, 'story')} removed",
            style="dim",
        )
        lines.append(line)
    for mark in result.kept:
        line = Text("kept       ", style="yellow")
        line.append(shown(mark.title or mark.article_id))
        line.append(
            f": unstarred on {shown(result.account)}; its bookmark and note stay here", style="dim"
        )
        lines.append(line)
    return lines


def _json(result: SyncResult) -> dict[str, object]:
    return {
        "account": result.account,
        "ok": result.ok,
        "reason": result.reason or None,
        "feeds": result.feeds,
        "new": result.new,
        "updated": result.updated,
        "sent": result.sent,
        "read": len(result.read),
        "unread": len(result.unread),
        "starred": len(result.starred),
        "unstarred": len(result.unstarred),
        "kept": len(result.kept),
        "unsubscribed": len(result.unsubscribed),
    }


# Subscribing and unsubscribing on the server (`news add --account`, `news remove`)


def subscribe(library: Library, name: str, url: str, folder: str, config: Config) -> int:
    """Subscribe the account to a feed on its server, then sync the account so
    its stories are here. 1 when the server refused or could not be reached."""
    from reader.accounts import AccountError, find, password
    from reader.bookmarks import Bookmarks
    from reader.state import ReadingState
    from reader.sync.engine import run_account
    from reader.sync.greader import GReader, SyncError
    from reader.urls import FETCH_SCHEMES, scheme

    if scheme(url.strip()) not in FETCH_SCHEMES:
        raise UserError(f"cannot add {url!r} to an account: its server fetches http and https only")
    try:
        account = find(name)
        with GReader(account.api_url, account.user, password(account)) as client:
            client.login()
            feed = client.subscribe(url.strip(), folder or None)
    except AccountError as exc:
        raise UserError(str(exc)) from None
    except SyncError as exc:
        print(f"news: {shown(name)}: {shown(str(exc))}", file=sys.stderr)
        return FAILED
    title = shown(feed.title or feed.url or feed.id)
    result = run_account(library, account, ReadingState(), Bookmarks(), days=config.sync_days)
    if not result.ok:
        print(
            f"Subscribed {shown(name)} to {title}; the sync after it failed: {shown(result.reason)}"
        )
        return FAILED
    print(
        f"Subscribed {shown(name)} to {title}; {counted(result.new, 'new story', 'new stories')}."
    )
    return 0


def unsubscribe(source: Source) -> bool:
    """Unsubscribe the account of a synced source from it on the server; False
    (said on standard error) when that could not be done, so the source is kept
    here too rather than come back with the next sync."""
    from reader.accounts import AccountError, find, password
    from reader.sync.greader import GReader, SyncError

    name = source.account or ""
    try:
        account = find(name)
        with GReader(account.api_url, account.user, password(account)) as client:
            client.login()
            client.unsubscribe(source.location)
    except (AccountError, SyncError) as exc:
        print(
            f"news: cannot unsubscribe {shown(source.name)} on {shown(name)}: {shown(str(exc))}"
            " (kept)",
            file=sys.stderr,
        )
        return False
    return True
