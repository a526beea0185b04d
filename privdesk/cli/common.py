"""What every subcommand shares: where the passphrase comes from, opening the store,
exit codes, and printing results as text or JSON."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from privdesk.policy import PolicyError, load_policy
from privdesk.services.container import Services
from privdesk.services.context import ServiceContext
from privdesk.services.session import begin_session
from privdesk.store import team, vault
from privdesk.store.engine import Store
from privdesk.store.errors import StoreError, UnlockError
from privdesk.store.server_url import is_server_url

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNLOCK = 0, 1, 2, 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def store_location(value: str) -> Path | str:
    """A local store's path, or a team server's URL (postgresql://USER@HOST:PORT/DB)."""
    return value.strip() if is_server_url(value) else Path(value)


def add_store_args(p: argparse.ArgumentParser, json_flag: bool = True) -> None:
    p.add_argument("--store", required=True, type=store_location,
                   help="path of the encrypted store, or a team server's URL "
                        "(postgresql://USER@HOST:PORT/DB, TLS required over the network)")
    p.add_argument("--passphrase-file", type=Path,
                   help="read the passphrase from this file (first line)")
    p.add_argument("--user", default=None,
                   help="officer acting (default: $PRIVDESK_USER, else your login name)")
    if json_flag:
        p.add_argument("--json", action="store_true", help="print one JSON value")


def add_today_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--today", type=parse_date, default=None,
                   help="treat this ISO date as today (scripts, reproducible reports)")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from exc


def read_passphrase_file(path: Path) -> str:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CliError(f"Cannot read the passphrase file: {exc.strerror}", EXIT_USAGE) from exc
    return lines[0] if lines else ""


def prompt_passphrase(label: str, confirm: bool, hint: str) -> str:
    if not sys.stdin.isatty():
        raise CliError(f"No passphrase: {hint}.", EXIT_USAGE)
    first = getpass.getpass(f"{label}: ")
    if confirm and getpass.getpass(f"Repeat {label.lower()}: ") != first:
        raise CliError("The passphrases do not match.", EXIT_USAGE)
    return first


def read_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    """--passphrase-file, then $PRIVDESK_PASSPHRASE, then an interactive prompt (asked
    once per command: `officers passwd` needs it again after unlocking)."""
    cached = getattr(args, "_passphrase", None)
    if isinstance(cached, str):
        return cached
    if getattr(args, "passphrase_file", None):
        value = read_passphrase_file(args.passphrase_file)
    elif (env := os.environ.get("PRIVDESK_PASSPHRASE")) is not None:
        value = env
    else:
        value = prompt_passphrase("Passphrase", confirm,
                                  "use --passphrase-file or PRIVDESK_PASSPHRASE")
    args._passphrase = value
    return value


def officer_name(args: argparse.Namespace) -> str:
    """--user, then $PRIVDESK_USER, then the login name."""
    return getattr(args, "user", None) or os.environ.get("PRIVDESK_USER") or getpass.getuser()


def open_context(args: argparse.Namespace, verify_trail: bool = False,
                 before_writing: Callable[[Store], None] | None = None) -> ServiceContext:
    """Unlock the store named by --store with the officer's key slot, and build the
    services' context (the unlock, and any failed attempts before it, are audited).
    before_writing runs on the unlocked store before anything is written to it (`check`).
    What the unlock found wrong (a role edited in SQL, a trail cut short) goes to stderr."""
    try:
        policy = load_policy()
        store = unlock_store(args.store, officer_name(args), read_passphrase(args),
                             migrate=before_writing is None)
    except UnlockError as exc:
        raise CliError(str(exc), EXIT_UNLOCK) from exc
    except (StoreError, PolicyError) as exc:
        raise CliError(str(exc), EXIT_UNLOCK if isinstance(exc, StoreError) else EXIT_ERROR) \
            from exc
    if before_writing is not None:
        try:
            before_writing(store)
        except BaseException:
            store.close()
            raise
    today = getattr(args, "today", None)
    try:
        ctx = begin_session(store, policy, today=(lambda: today) if today is not None else None,
                            verify_trail=verify_trail)
    except StoreError as exc:
        store.close()
        raise CliError(str(exc), EXIT_UNLOCK) from exc
    for warning in ctx.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return ctx


def unlock_store(location: Path | str, officer: str, passphrase: str,
                 migrate: bool = True) -> Store:
    if isinstance(location, str):
        return team.open_team_store(location, officer, passphrase, migrate=migrate)
    return vault.open_store(location, officer, passphrase, migrate=migrate)


def emit(args: argparse.Namespace, value: Any, text: Callable[[Any], str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(value, indent=2, default=str, ensure_ascii=False))
    else:
        print(text(value))


def run_service(args: argparse.Namespace, work: Callable[[Services], Any],
                refusals: tuple[type[Exception], ...]) -> Any:
    """Open the store, run one service call, and turn the given refusals (rule breaks,
    a role that may not) into plain messages: exit 1, no traceback."""
    ctx = open_context(args)
    with ctx.store:
        try:
            return work(Services.build(ctx))
        except refusals as exc:
            raise CliError(str(exc.args[0] if exc.args else exc)) from exc
