"""privdesk contacts set / contacts add-interaction: corrections and notes for scripts and
tests, through the same service as the contact editor (each change is a rectification,
kept in the history with the officer and the time)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from typing import Any

from privdesk.cli.common import EXIT_OK, EXIT_USAGE, CliError, add_store_args, emit, open_context
from privdesk.domain.contact_records import (
    EDITABLE_FIELDS,
    INTERACTION_KINDS,
    ContactDetail,
    NewInteraction,
    RelatedChanges,
)
from privdesk.services.authz import PermissionDenied
from privdesk.services.contacts import ContactNotFound, ContactService, ContactValidationError
from privdesk.services.suppression import MarketingSuppressed

DATE_FIELDS = {"first_contact", "customer_since", "ceased", "last_activity", "legal_hold_until"}
NOT_SETTABLE = {"marketing_opt_out": "an objection to marketing is recorded with its own "
                                     "action (it is absolute and dated), not set as a field"}


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """FIELD=VALUE pairs into typed values; an empty VALUE clears the field."""
    out: dict[str, Any] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip()
        if not sep:
            raise CliError(f"{pair!r} is not FIELD=VALUE.", EXIT_USAGE)
        if field in NOT_SETTABLE:
            raise CliError(f"{field}: {NOT_SETTABLE[field]}.", EXIT_USAGE)
        if field not in EDITABLE_FIELDS:
            raise CliError(f"Unknown field {field!r}: use one of "
                           f"{', '.join(f for f in EDITABLE_FIELDS if f not in NOT_SETTABLE)}.",
                           EXIT_USAGE)
        if field in DATE_FIELDS and value.strip():
            try:
                out[field] = date.fromisoformat(value.strip())
            except ValueError as exc:
                raise CliError(f"{field}: not an ISO date (YYYY-MM-DD): {value!r}",
                               EXIT_USAGE) from exc
        else:
            out[field] = value if value.strip() else None
    if "name" in out and out["name"] is None:
        raise CliError("name: a contact must have a name.", EXIT_USAGE)
    return out


def _update(args: argparse.Namespace, work: Any) -> ContactDetail:
    ctx = open_context(args)
    with ctx.store:
        contacts = ContactService(ctx)
        try:
            return work(contacts)  # type: ignore[no-any-return]
        except ContactValidationError as exc:
            raise CliError("Not saved: " + "; ".join(f"{e.field}: {e.reason}"
                                                     for e in exc.errors)) from exc
        except (ContactNotFound, PermissionDenied, MarketingSuppressed) as exc:
            raise CliError(str(exc)) from exc


def _summary(d: ContactDetail) -> dict[str, Any]:
    return {"id": d.id, "name": d.data.name, "history": len(d.history),
            "interactions": len(d.interactions),
            "retention_due": d.retention_due.isoformat() if d.retention_due else None}


def _set(args: argparse.Namespace) -> int:
    changes = parse_assignments(args.assignments)

    def work(contacts: ContactService) -> ContactDetail:
        detail = contacts.get(args.contact_id)
        return contacts.update(args.contact_id, replace(detail.data, **changes))

    detail = _update(args, work)
    emit(args, _summary(detail), lambda v: f"Contact {v['id']} corrected "
         f"({', '.join(changes)}); {v['history']} history entries.")
    return EXIT_OK


def _add_interaction(args: argparse.Namespace) -> int:
    if args.kind not in INTERACTION_KINDS:
        raise CliError(f"Unknown kind {args.kind!r}: use one of {', '.join(INTERACTION_KINDS)}.",
                       EXIT_USAGE)

    def work(contacts: ContactService) -> ContactDetail:
        detail = contacts.get(args.contact_id)
        return contacts.update(args.contact_id, detail.data, RelatedChanges(
            new_interactions=(NewInteraction(args.kind, args.on, args.text),)))

    detail = _update(args, work)
    emit(args, _summary(detail),
         lambda v: f"Contact {v['id']}: {args.kind} of {args.on.isoformat()} recorded.")
    return EXIT_OK


def register(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from privdesk.cli.common import parse_date

    q = csub.add_parser("set", help="correct fields of a contact (kept in its history)")
    q.add_argument("contact_id", type=int, metavar="ID")
    q.add_argument("assignments", nargs="+", metavar="FIELD=VALUE",
                   help="e.g. notes='Prefers post' email=new@example.com (empty clears)")
    add_store_args(q)
    q.set_defaults(func=_set)

    q = csub.add_parser("add-interaction", help="record a call, email, meeting… with a contact")
    q.add_argument("contact_id", type=int, metavar="ID")
    q.add_argument("--kind", required=True, help=f"one of {', '.join(INTERACTION_KINDS)}")
    q.add_argument("--on", required=True, type=parse_date, metavar="DATE")
    q.add_argument("--text", default="", help="what was said or done")
    add_store_args(q)
    q.set_defaults(func=_add_interaction)
