"""privdesk team push: move a local store onto an empty team server database."""

from __future__ import annotations

import argparse
import sys

from privdesk.cli.common import EXIT_OK, CliError, add_store_args, emit, open_context
from privdesk.services.audit_trail import AuditService
from privdesk.services.session import begin_session
from privdesk.store import team, team_copy
from privdesk.store.errors import StoreError
from privdesk.store.server_url import is_server_url


def _push(args: argparse.Namespace) -> int:
    if isinstance(args.store, str):
        raise CliError("--store is the local store file to push; --to is the team server.")
    if not is_server_url(args.to):
        raise CliError(f"--to must be a team server's URL (postgresql://USER@HOST/DB), not {args.to!r}.")
    ctx = open_context(args)

    def progress(table: str, done: int) -> None:
        if not args.json:
            print(f"\r{table}: {done:,} rows", end="", file=sys.stderr, flush=True)

    with ctx.store as local:
        # Checked before the copy, and nothing written to the local store after it: the
        # copy must end where this workstation's record of the trail ends.
        local_check = AuditService(ctx).verify()
        if not local_check.ok:
            raise CliError(f"The local store's audit trail does not verify ({local_check.problem}); "
                           "nothing was pushed.")
        try:
            counts = team_copy.push_to_server(local, args.to, progress)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    if not args.json:
        print(file=sys.stderr)
    # Verify as an officer would meet it: unlock the team store with the same passphrase
    # and walk its audit chain.
    server = team.open_team_store(args.to, ctx.actor.name, args._passphrase)
    with server:
        server_check = AuditService(begin_session(server, ctx.policy)).verify()
        where = server.display()
    if not server_check.ok or server_check.checked < local_check.checked:
        raise CliError(f"The pushed audit chain does not verify: {server_check.problem}")
    value = {"ok": True, "to": where, "rows": counts, "audit_events_checked": server_check.checked}
    emit(args, value, lambda v: f"Pushed to {v['to']}: " + ", ".join(
        f"{t} {n:,}" for t, n in v["rows"].items() if n) +
        f"; audit chain verified ({v['audit_events_checked']} events). Officers unlock it with "
        "the passphrases they already have.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    team_parser = sub.add_parser("team", help="work as a team on a PostgreSQL server")
    tsub = team_parser.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    p = tsub.add_parser("push", help="copy a local store to an empty team server database, "
                                     "key slots included, in one transaction")
    add_store_args(p)
    p.add_argument("--to", required=True, help="the team server: postgresql://USER@HOST:PORT/DB")
    p.set_defaults(func=_push)
