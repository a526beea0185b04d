"""privdesk init / check / demo-data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from privdesk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_store_args,
    emit,
    officer_name,
    open_context,
    read_passphrase,
)
from privdesk.domain.passwords import check_new_passphrase
from privdesk.policy import load_policy
from privdesk.services.context import ServiceContext
from privdesk.services.demo import DemoDataService
from privdesk.services.maintenance import CheckReport, check_store
from privdesk.services.session import begin_session
from privdesk.store import team, vault
from privdesk.store.engine import Store
from privdesk.store.errors import StoreError
from privdesk.store.server import ServerStore


def create_context(args: argparse.Namespace) -> ServiceContext:
    """A new store whose first officer (--user) is its admin."""
    passphrase = read_passphrase(args, confirm=True)
    label = args.store.stem if isinstance(args.store, Path) else args.store.rsplit("/", 1)[-1]
    problem = check_new_passphrase(passphrase, [officer_name(args), label])
    if problem:
        raise CliError(problem, EXIT_USAGE)
    store: Store
    try:
        if isinstance(args.store, str):  # a team server (an empty database)
            store = team.create_team_store(args.store, officer_name(args), passphrase)
        else:
            store = vault.create_store(args.store, officer_name(args), passphrase)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    return begin_session(store, load_policy())


def _init(args: argparse.Namespace) -> int:
    ctx = create_context(args)
    with ctx.store as store:
        if isinstance(store, ServerStore):
            emit(args, {"ok": True, "path": store.display(), "cipher_version": store.cipher_version(),
                        "admin": ctx.actor.name},
                 lambda v: f"Created team store {v['path']} ({v['cipher_version']}); "
                           f"its admin is {v['admin']}.")
            return EXIT_OK
        emit(args, {"ok": True, "path": str(store.path), "cipher_version": store.cipher_version(),
                    "admin": ctx.actor.name},
             lambda v: f"Created encrypted store {v['path']} (SQLCipher {v['cipher_version']}); "
                       f"its admin is {v['admin']}.")
    return EXIT_OK


class _Damaged(Exception):
    def __init__(self, report: CheckReport) -> None:
        super().__init__("damaged")
        self.report = report


def _check(args: argparse.Namespace) -> int:
    """Check before the unlock writes anything: a damaged store gets no unlock event (a
    write into a damaged file can only make it worse)."""

    def first(store: Store) -> None:
        found = check_store(store)
        if not found.ok:
            raise _Damaged(found)

    try:
        ctx = open_context(args, before_writing=first)
        with ctx.store:
            report = check_store(ctx.store)
    except _Damaged as damaged:
        report = damaged.report

    def text(v: dict[str, object]) -> str:
        counts = ", ".join(f"{k} {n}" for k, n in report.counts.items())
        return (f"{'OK' if report.ok else 'PROBLEM'}: {report.path}\n"
                f"  SQLCipher {report.cipher_version}, schema {report.schema_revision}\n"
                f"  integrity: {v['integrity']}\n  {counts}"
                + ("" if report.ok else "\n  Nothing was written to the store."))

    emit(args, report.as_json(), text)
    return EXIT_OK if report.ok else EXIT_ERROR


def _demo_data(args: argparse.Namespace) -> int:
    team = isinstance(args.store, str)  # a team server: made with `privdesk init` first
    ctx = open_context(args) if team or args.store.exists() else create_context(args)
    store = ctx.store

    def progress(done: int, total: int, stage: str) -> None:
        if not args.json:  # one line, rewritten: counts while people are made, then steps
            line = f"{stage}: {done:,} / {total:,} people" if total else f"{stage}…"
            print(f"\r{line:<48}", end="", file=sys.stderr, flush=True)

    with store:
        try:
            if team:
                from privdesk.services.team_demo import demo_to_server

                counts = demo_to_server(ctx, args.contacts, seed=args.seed, progress=progress)
            else:
                counts = DemoDataService(ctx).generate(contacts=args.contacts, seed=args.seed,
                                                       progress=progress)
        except RuntimeError as exc:
            raise CliError(str(exc)) from exc
    if not args.json:
        print(file=sys.stderr)
    emit(args, counts.as_json(), lambda v: ", ".join(f"{k}: {n:,}" for k, n in v.items()))
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create a new encrypted store")
    add_store_args(p)
    p.set_defaults(func=_init)

    p = sub.add_parser("check", help="verify a store's encryption and integrity")
    add_store_args(p)
    p.set_defaults(func=_check)

    p = sub.add_parser("demo-data", help="fill a new or empty store with realistic demo data")
    add_store_args(p)
    p.add_argument("--contacts", type=int, default=2000)
    p.add_argument("--seed", type=int, default=2018)
    p.set_defaults(func=_demo_data)
