"""privdesk retention due / retention purge / erase."""

from __future__ import annotations

import argparse
from typing import Any

from privdesk.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_store_args,
    add_today_arg,
    emit,
    open_context,
    parse_date,
)
from privdesk.services.authz import PermissionDenied
from privdesk.services.erasure import EXEMPTIONS, ErasureService
from privdesk.services.purge import PurgeError, PurgeService
from privdesk.services.retention import RetentionError, RetentionService


def _due(args: argparse.Namespace) -> int:
    if args.within < 0:
        raise CliError("--within must be 0 or more days.", EXIT_USAGE)
    ctx = open_context(args)
    with ctx.store:
        try:
            rows = RetentionService(ctx).due_within(args.within)
        except RetentionError as exc:
            raise CliError(str(exc)) from exc

    def text(value: list[dict[str, Any]]) -> str:
        if not value:
            return f"Nothing falls due within {args.within} days."
        lines = [f"{len(value)} contact(s) due within {args.within} days (overdue included):"]
        for r in value:
            flag = " OVERDUE" if r["overdue"] else ""
            lines.append(f"  {r['due']}{flag}  #{r['contact_id']}  {r['name']}  ({r['rule']})")
        return "\n".join(lines)

    emit(args, [r.as_json() for r in rows], text)
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with ctx.store:
        purge = PurgeService(ctx)
        try:
            preview = purge.preview_due(args.due_by)
            if args.dry_run or not preview.items:
                value: dict[str, Any] = {
                    "dry_run": args.dry_run, "due_by": preview.due_by, "deleted": False,
                    "contacts": len(preview.items), "totals": preview.totals.as_json(),
                    # ids, rules and counts only: a scheduler's log must not hold names.
                    "items": [{"contact_id": i.contact_id, "rule": i.rule_name,
                               "due": i.due, "counts": i.counts.as_json()}
                              for i in preview.items],
                    "held": [h.as_json() for h in preview.held]}
            else:
                result = purge.purge(preview.contact_ids, preview.due_by,
                                     confirmed_count=len(preview.items))
                value = {"dry_run": False, "due_by": preview.due_by, "deleted": True,
                         "contacts": result.totals.contacts, "totals": result.totals.as_json(),
                         "wal_truncated": result.wal_truncated,
                         "tombstones": [t.as_json() for t in result.tombstones],
                         "held": [h.as_json() for h in preview.held]}
        except (PurgeError, PermissionDenied) as exc:
            raise CliError(str(exc)) from exc

    def text(v: dict[str, Any]) -> str:
        totals = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in v["totals"].items())
        verb = "Deleted" if v["deleted"] else "Would delete"
        held = [f"Kept contact {h['contact_id']}: {h['reason']}." for h in v["held"]]
        if not v["contacts"]:
            return "\n".join([f"Nothing can be deleted by {v['due_by']}." if held
                              else f"Nothing is due for deletion by {v['due_by']}.", *held])
        return "\n".join([f"{verb} {v['contacts']} contact(s) due by {v['due_by']}: {totals}.",
                          *held])

    emit(args, value, text)
    return EXIT_OK


def _erase(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with ctx.store:
        try:
            result = ErasureService(ctx).erase([args.contact_id], args.request, args.exemption)
        except (PurgeError, PermissionDenied) as exc:
            raise CliError(str(exc)) from exc

    def text(v: dict[str, Any]) -> str:
        if not v["erased"]:
            kept = "; ".join(e["label"] for e in v["exemptions"])
            return f"Not erased: the data is kept under {kept}."
        told = ", ".join(v["recipients_told"]) or "none"
        return (f"Erased {v['contact_count']} contact record(s) on {v['erased_on']}"
                f"{' for ' + v['reference'] if v['reference'] else ''}. "
                f"Recipients to tell: {told}.")

    emit(args, result.as_json(), text)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("retention", help="the retention calendar and purges")
    rsub = p.add_subparsers(dest="retention_command", metavar="ACTION", required=True)

    d = rsub.add_parser("due", help="contacts falling due within DAYS, overdue included")
    d.add_argument("--within", type=int, required=True, metavar="DAYS")
    add_store_args(d)
    add_today_arg(d)
    d.set_defaults(func=_due)

    q = rsub.add_parser("purge", help="delete everything due by a date (one transaction)")
    q.add_argument("--due-by", type=parse_date, default=None, metavar="DATE",
                   help="purge what fell due on or before this date (default today)")
    q.add_argument("--dry-run", action="store_true", help="show what would go; delete nothing")
    add_store_args(q)
    add_today_arg(q)
    q.set_defaults(func=_purge)

    e = sub.add_parser("erase", help="erase a contact for an erasure request")
    e.add_argument("contact_id", type=int, metavar="CONTACT_ID")
    e.add_argument("--request", default=None, metavar="REF",
                   help="the erasure request's reference (records the result on it)")
    e.add_argument("--exemption", action="append", default=[], metavar="KEY[:NOTE]",
                   help=f"keep the data under an exemption: {', '.join(EXEMPTIONS)}")
    add_store_args(e)
    add_today_arg(e)
    e.set_defaults(func=_erase)
