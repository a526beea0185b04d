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
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import StoreError, UnlockError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNLOCK = 0, 1, 2, 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def add_store_args(p: argparse.ArgumentParser, json_flag: bool = True) -> None:
    p.add_argument("--store", required=True, type=Path, help="path of the encrypted store")
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


def read_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    """--passphrase-file, then $PRIVDESK_PASSPHRASE, then an interactive prompt."""
    if getattr(args, "passphrase_file", None):
        try:
            lines = Path(args.passphrase_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError(f"Cannot read the passphrase file: {exc.strerror}", EXIT_USAGE) from exc
        return lines[0] if lines else ""
    env = os.environ.get("PRIVDESK_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise CliError("No passphrase: use --passphrase-file or PRIVDESK_PASSPHRASE.", EXIT_USAGE)
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Repeat passphrase: ") != first:
        raise CliError("The passphrases do not match.", EXIT_USAGE)
    return first


def actor_from(args: argparse.Namespace) -> Actor:
    name = getattr(args, "user", None) or os.environ.get("PRIVDESK_USER") or getpass.getuser()
    return Actor(name=name)


def open_context(args: argparse.Namespace) -> ServiceContext:
    """Unlock the store named by --store and build the services' context."""
    try:
        policy = load_policy()
        store = Store.open(args.store, StoreKey.passphrase(read_passphrase(args)))
    except UnlockError as exc:
        raise CliError(str(exc), EXIT_UNLOCK) from exc
    except (StoreError, PolicyError) as exc:
        raise CliError(str(exc), EXIT_UNLOCK if isinstance(exc, StoreError) else EXIT_ERROR) \
            from exc
    today = getattr(args, "today", None)
    ctx = ServiceContext(store=store, policy=policy, actor=actor_from(args))
    if today is not None:
        ctx.today = lambda: today
    return ctx


def emit(args: argparse.Namespace, value: Any, text: Callable[[Any], str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(value, indent=2, default=str, ensure_ascii=False))
    else:
        print(text(value))
