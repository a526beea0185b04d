"""privdesk officers / audit / backup / restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from privdesk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_UNLOCK,
    CliError,
    add_store_args,
    emit,
    officer_name,
    open_context,
    parse_date,
    prompt_passphrase,
    read_passphrase,
    read_passphrase_file,
)
from privdesk.paths import app_paths
from privdesk.services.audit import AuditCheck
from privdesk.services.audit_trail import AuditFilter, AuditService
from privdesk.services.authz import ROLES, Permission, PermissionDenied
from privdesk.services.backup import BackupService, restore_backup
from privdesk.services.context import ServiceContext
from privdesk.services.officers import OfficerService
from privdesk.store import team_copy
from privdesk.store.errors import StoreError, UnlockError
from privdesk.store.server import ServerStore


def _new_passphrase(args: argparse.Namespace, label: str = "New officer's passphrase") -> str:
    if args.new_passphrase_file:
        return read_passphrase_file(args.new_passphrase_file)
    return prompt_passphrase(label, True, "use --new-passphrase-file")


def _officer_op(args: argparse.Namespace, op: str) -> int:
    ctx = open_context(args)
    with ctx.store:
        service = OfficerService(ctx)
        try:
            if op == "add":
                row = service.add(args.name, args.role, _new_passphrase(args))
                result: dict[str, object] = {"ok": True, "added": row.name, "role": row.role}
            elif op == "remove":
                service.remove(args.name)
                result = {"ok": True, "removed": args.name}
            elif op == "role":
                service.set_role(args.name, args.role)
                result = {"ok": True, "officer": args.name, "role": args.role}
            elif op == "passwd":
                service.change_own_passphrase(read_passphrase(args),
                                              _new_passphrase(args, "New passphrase"))
                result = {"ok": True, "officer": ctx.actor.name}
            else:
                result = {"ok": True, "key_id": service.rotate_key()}
        except (PermissionDenied, StoreError) as exc:
            raise CliError(str(exc)) from exc
    emit(args, result, lambda v: "Done: " + ", ".join(f"{k} {x}" for k, x in v.items() if k != "ok"))
    return EXIT_OK


def _officers_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with ctx.store:
        rows = OfficerService(ctx).list()
    value = [{"name": r.name, "role": r.role, "active": r.active, "can_unlock": r.has_slot}
             for r in rows]
    emit(args, value, lambda v: "\n".join(
        f"{o['name']:<30} {o['role']:<8} {'can unlock' if o['can_unlock'] else 'no key slot'}"
        f"{'' if o['active'] else ' (removed)'}" for o in v) or "No officers.")
    return EXIT_OK


def _audit_verify(args: argparse.Namespace) -> int:
    """The chain is checked before this unlock writes anything; what the unlock compared
    with this workstation's memory of the trail is part of the answer."""
    ctx = open_context(args, verify_trail=True)
    with ctx.store:
        before: AuditCheck = ctx.trail_check
        check = before if not before.ok else AuditService(ctx).verify()
    found = [w for w in ctx.warnings if "trail" in w]
    ok = check.ok and not found
    value = check.as_json() | {"ok": ok, "unlock_found": found}
    emit(args, value, lambda _v: (
        f"OK: {check.checked:,} audit events, chain intact." if ok
        else f"BROKEN: {check.problem if not check.ok else found[0]} "
             f"(checked {check.checked:,} events)."))
    return EXIT_OK if ok else EXIT_ERROR


def _audit_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    flt = AuditFilter(officer=args.officer, action=args.action, since=args.since,
                      until=args.until)
    with ctx.store:
        rows = AuditService(ctx).events(flt, limit=args.limit)
    emit(args, [r.as_json() for r in rows], lambda v: "\n".join(
        f"{e['id']:>6} {e['at'][:19]} {e['officer'][:24]:<24} {e['action']:<22} {e['outcome']:<7}"
        f" {e['target_type'] or ''} {e['target_id'] or ''} {e['detail']}" for e in v)
        or "No events.")
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    ctx: ServiceContext = open_context(args)
    if isinstance(ctx.store, ServerStore):
        return _backup_team(args, ctx, ctx.store)
    with ctx.store:
        service = BackupService(ctx)
        try:
            info = service.backup_to(args.out) if args.out else service.backup_now()
        except (PermissionDenied, StoreError) as exc:
            raise CliError(str(exc)) from exc
    emit(args, info.as_json(), lambda v: f"Backup written and verified: {v['path']}")
    return EXIT_OK


def _backup_team(args: argparse.Namespace, ctx: ServiceContext, store: ServerStore) -> int:
    """A team store's backup: an ordinary encrypted local store file and its key file,
    which open offline with the same passphrases."""
    stamp = ctx.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or app_paths().backups / f"{store.path.name}-team-{stamp}.privdesk"
    with store:
        try:
            ctx.require(Permission.BACKUP, "backup.create", "store", None)
            counts = team_copy.backup_server(store, out)
            with store.session() as s:
                ctx.record(s, "backup.create", "store", None, detail=f"team store to {out.name}")
        except (PermissionDenied, StoreError) as exc:
            raise CliError(str(exc)) from exc
    value = {"path": str(out), "at": ctx.now().isoformat(), "size": out.stat().st_size,
             "rows": counts}
    emit(args, value, lambda v: f"Backup of the team store written and verified: {v['path']} "
                                "(opens offline with the same passphrases)")
    return EXIT_OK


def _restore_to_server(args: argparse.Namespace) -> int:
    from privdesk.policy import load_policy
    from privdesk.services.team_restore import restore_to_server

    try:
        done = restore_to_server(args.file, args.store, officer_name(args), read_passphrase(args),
                                 load_policy())
    except UnlockError as exc:
        raise CliError(str(exc), EXIT_UNLOCK) from exc
    except (PermissionDenied, StoreError) as exc:
        raise CliError(str(exc)) from exc
    value = {"ok": True, "to": done.to, "rows": done.rows,
             "audit_events_checked": done.audit_events_checked}
    emit(args, value, lambda v: f"Restored {args.file.name} onto {v['to']}: " + ", ".join(
        f"{t} {n:,}" for t, n in v["rows"].items() if n) +
        f"; audit chain verified ({v['audit_events_checked']} events). Officers unlock it with "
        "the passphrases the backup knew.")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    if isinstance(args.store, str):  # a team server: only into an empty database
        return _restore_to_server(args)
    try:
        result = restore_backup(args.file, args.store, officer_name(args), read_passphrase(args))
    except UnlockError as exc:
        raise CliError(str(exc), EXIT_UNLOCK) from exc
    except (PermissionDenied, StoreError) as exc:
        raise CliError(str(exc)) from exc
    value = {"ok": True, "store": str(result.store),
             "previous_kept_as": str(result.replaced_kept_as) if result.replaced_kept_as else None}
    emit(args, value, lambda v: f"Restored {v['store']}" + (
        f"; the replaced store is kept as {v['previous_kept_as']}" if v["previous_kept_as"] else ""))
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    officers = sub.add_parser("officers", help="who can unlock the store, and their roles")
    osub = officers.add_subparsers(dest="officers_command", metavar="ACTION", required=True)
    p = osub.add_parser("list", help="list officers")
    add_store_args(p)
    p.set_defaults(func=_officers_list)
    p = osub.add_parser("add", help="add an officer with their own key slot (admin)")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, default="officer")
    p.add_argument("--new-passphrase-file", type=Path,
                   help="the new officer's first passphrase (else a prompt)")
    add_store_args(p)
    p.set_defaults(func=lambda a: _officer_op(a, "add"))
    p = osub.add_parser("remove", help="remove an officer; their key slot is deleted (admin)")
    p.add_argument("name")
    add_store_args(p)
    p.set_defaults(func=lambda a: _officer_op(a, "remove"))
    p = osub.add_parser("role", help="change an officer's role (admin)")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, required=True)
    add_store_args(p)
    p.set_defaults(func=lambda a: _officer_op(a, "role"))
    p = osub.add_parser("passwd", help="change your own passphrase")
    p.add_argument("--new-passphrase-file", type=Path, help="the new passphrase (else a prompt)")
    add_store_args(p)
    p.set_defaults(func=lambda a: _officer_op(a, "passwd"))
    p = osub.add_parser("rotate-key", help="re-encrypt the store under a new data key (admin)")
    add_store_args(p)
    p.set_defaults(func=lambda a: _officer_op(a, "rotate"))

    audit = sub.add_parser("audit", help="the tamper-evident audit trail")
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = asub.add_parser("verify", help="check the HMAC chain; exits 1 when it is broken")
    add_store_args(p)
    p.set_defaults(func=_audit_verify)
    p = asub.add_parser("list", help="list events, newest first")
    add_store_args(p)
    p.add_argument("--officer")
    p.add_argument("--action", help="an action, or a prefix ending in '.' (officer.)")
    p.add_argument("--since", type=parse_date)
    p.add_argument("--until", type=parse_date)
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(func=_audit_list)

    p = sub.add_parser("backup", help="an encrypted, verified backup of the store")
    add_store_args(p)
    p.add_argument("--out", type=Path, help="write here (default: the dated, rotated backups)")
    p.set_defaults(func=_backup)

    p = sub.add_parser("restore", help="replace the store by a verified backup (admin); with "
                                       "--store URL, onto an empty team server database")
    p.add_argument("file", type=Path)
    add_store_args(p)
    p.set_defaults(func=_restore)
