"""privdesk requests add / show / list / extend / pause / resume / id-received /
respond / export-log: the request queue for scripts, over the same service as the GUI."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from privdesk.cli.common import (
    EXIT_OK,
    add_store_args,
    add_today_arg,
    emit,
    parse_date,
    run_service,
)
from privdesk.domain.deadlines import countdown_text, days_left, fmt
from privdesk.services.authz import PermissionDenied
from privdesk.services.container import Services
from privdesk.services.request_records import (
    CHANNELS,
    REQUEST_TYPES,
    RESPONSE_METHODS,
    NewRequest,
    RequestDetail,
    RequestError,
    RequestNotFound,
    RequestRow,
)


def _run(args: argparse.Namespace, work: Callable[[Services], Any]) -> Any:
    return run_service(args, work, (RequestError, RequestNotFound, PermissionDenied))


def _countdown(row: RequestRow, services: Services) -> str:
    if row.due is None:
        return "clock stopped" if row.clock_state == "paused" else "awaiting ID"
    if not row.is_open:
        return row.status_label.lower()
    return countdown_text(days_left(row.due, row.as_of, services.requests.calendar()))


def _detail_text(d: RequestDetail) -> str:
    due = fmt(d.row.due) if d.row.due else "no due date"
    lines = [f"{d.reference}  {d.row.type_label}  {d.row.status_label}  due: {due}",
             *(f"  {line}" for line in d.working)]
    if d.row.days_left is not None and d.row.is_open:
        lines.append(f"  {d.row.days_left} calendar days, {d.row.working_days_left} working days left")
    return "\n".join(lines)


def _add(args: argparse.Namespace) -> int:
    address = None
    if args.address:
        address = "\n".join(x.strip() for x in args.address.replace("\\n", ";").split(";")
                            if x.strip())
    new = NewRequest(type=args.type, received=args.received, requester_name=args.name,
                     requester_email=args.email, channel=args.channel,
                     requester_address=address, notes=args.notes,
                     id_requested=args.id_requested, contact_ids=tuple(args.contact or ()))
    detail = _run(args, lambda s: s.requests.create(new))
    value = {"reference": detail.reference,
             "due": detail.row.due.isoformat() if detail.row.due else None,
             "status": detail.row.status, "working": list(detail.working)}
    emit(args, value, lambda v: f"{v['reference']}: {v['status']}, due {v['due'] or '(clock not started)'}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    detail = _run(args, lambda s: s.requests.get(args.ref))
    emit(args, detail.as_json(), lambda _: _detail_text(detail))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    def work(s: Services) -> list[tuple[RequestRow, str]]:
        rows = s.requests.queue(include_closed=args.all, overdue_only=args.overdue)
        return [(r, _countdown(r, s)) for r in rows]

    rows = _run(args, work)
    value = [{**r.as_json(), "countdown": countdown} for r, countdown in rows]

    def text(v: list[dict[str, Any]]) -> str:
        if not v:
            return "No requests."
        return "\n".join(f"{r['reference']:<14} {r['status']:<24} due {r['due'] or '-':<11} "
                         f"{r['countdown']}" for r in v)

    emit(args, value, text)
    return EXIT_OK


def _action(work: Callable[[Services, argparse.Namespace], RequestDetail], verb: str,
            ) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        detail = _run(args, lambda s: work(s, args))
        emit(args, detail.as_json(), lambda _: f"{detail.reference} {verb}.\n{_detail_text(detail)}")
        return EXIT_OK
    return run


def _export(args: argparse.Namespace) -> int:
    count = _run(args, lambda s: s.requests.export_log(args.out))
    emit(args, {"rows": count, "path": str(args.out)}, lambda v: f"Wrote {v['rows']} rows to {v['path']}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    top = sub.add_parser("requests", help="data-subject requests and their deadlines")
    cmds = top.add_subparsers(dest="requests_command", metavar="ACTION", required=True)

    def command(name: str, help_text: str, func: Callable[[argparse.Namespace], int],
                ref: bool = True, on: bool = False) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_text)
        if ref:
            p.add_argument("ref", metavar="REF", help="the request reference, e.g. SAR-2026-0007")
        if on:
            p.add_argument("--on", type=parse_date, default=None,
                           help="the date it happened (default: today)")
        add_store_args(p)
        add_today_arg(p)
        p.set_defaults(func=func)
        return p

    p = command("add", "record a new request", _add, ref=False)
    p.add_argument("--type", required=True, choices=list(REQUEST_TYPES))
    p.add_argument("--received", required=True, type=parse_date, help="ISO date received")
    p.add_argument("--name", required=True, help="the requester's name")
    p.add_argument("--email", default=None)
    p.add_argument("--contact", type=int, action="append", help="link a contact id (repeatable)")
    p.add_argument("--channel", default="email", choices=list(CHANNELS))
    p.add_argument("--id-requested", action="store_true",
                   help="proof of identity was asked for at intake (the clock waits for it)")
    p.add_argument("--address", default=None,
                   help="postal address for letters (lines separated by '\\n' or ';')")
    p.add_argument("--notes", default=None, help="notes on the request (for officers)")

    command("show", "one request with its due date and how it was worked out", _show)
    p = command("list", "the queue, soonest due first", _list, ref=False)
    p.add_argument("--overdue", action="store_true", help="only open requests past their due date")
    p.add_argument("--all", action="store_true", help="include answered and closed requests")

    p = command("extend", "extend to three months (on or before the original due date)",
                _action(lambda s, a: s.requests.extend(a.ref, a.on or s.ctx.today(), a.reason,
                                                       told_on=a.told), "extended"), on=True)
    p.add_argument("--reason", required=True, help="why (it goes to the person)")
    p.add_argument("--told", type=parse_date, default=None, metavar="DATE",
                   help="the day the person was told, with the reasons (default: --on)")
    p = command("pause", "clarification asked: stop the clock (not on or after the due date)",
                _action(lambda s, a: s.requests.pause(a.ref, a.on or s.ctx.today(), a.question),
                        "paused"), on=True)
    p.add_argument("--question", default="", help="what was asked (goes on the timeline)")
    p = command("ask-id", "proof of identity asked for after intake: the clock restarts when "
                "it arrives", _action(lambda s, a: s.requests.ask_id(
                    a.ref, a.on or s.ctx.today(), a.note), "waiting for proof of identity"),
                on=True)
    p.add_argument("--note", default="", help="what was asked for (goes on the timeline)")
    command("resume", "clarification answered: restart the clock",
            _action(lambda s, a: s.requests.resume(a.ref, a.on or s.ctx.today()), "resumed"), on=True)
    command("id-received", "proof of identity arrived: start the clock",
            _action(lambda s, a: s.requests.id_received(a.ref, a.on or s.ctx.today()),
                    "ID recorded"), on=True)
    p = command("respond", "record the response (late if after the due date)",
                _action(lambda s, a: s.requests.respond(a.ref, a.on or s.ctx.today(), a.method,
                                                        close=a.close), "answered"), on=True)
    p.add_argument("--method", required=True, choices=list(RESPONSE_METHODS))
    p.add_argument("--close", action="store_true", help="close it as well")
    p = command("export-log", "write the request log (CSV) for accountability", _export, ref=False)
    p.add_argument("--out", required=True, type=Path, help="the CSV file to write")
