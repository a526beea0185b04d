"""privdesk breaches add / list / show / decide / close / letters / ico-draft: the breach
register and its 72-hour clock for scripts, over the same services as the GUI.

Times are ISO local date-times in the store's zone (Europe/London unless the `timezone`
setting says otherwise), or ISO with an offset. `--now` fixes the clock for scripts;
`--today D` alone means noon on D, local time.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any

from privdesk.cli.common import EXIT_OK, CliError, add_store_args, add_today_arg, emit, open_context
from privdesk.services.authz import PermissionDenied
from privdesk.services.breach_records import (
    CYBER,
    DATA_CATEGORIES,
    SUBJECT_CATEGORIES,
    BreachDetail,
    BreachError,
    BreachNotFound,
    NewBreach,
)
from privdesk.services.container import Services
from privdesk.services.files import write_atomic


def parse_moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO date-time (YYYY-MM-DDTHH:MM, optionally with +01:00): {text!r}") from exc


def _run(args: argparse.Namespace, work: Callable[[Services], Any]) -> Any:
    ctx = open_context(args)
    with ctx.store:
        services = Services.build(ctx)
        try:
            moment = args.now or (datetime.combine(args.today, time(12)) if args.today else None)
            if moment is not None:
                fixed = services.breaches.instant(moment)
                ctx.now = lambda: fixed
                local_day = services.breaches.local(fixed).date()
                ctx.today = lambda: local_day
            return work(services)
        except (BreachError, BreachNotFound, PermissionDenied) as exc:
            raise CliError(str(exc.args[0] if exc.args else exc)) from exc


def _detail_text(d: BreachDetail, now: datetime) -> str:
    v = d.as_json(now)
    lines = [f"{d.reference}  {v['status']}  {v['clock']}",
             f"  Aware: {d.local(d.row.aware_at)}",
             f"  Notify the ICO by: {d.local(d.row.deadline)}",
             f"  What happened: {d.row.summary}"]
    lines += [f"  Decision ({x.at:%Y-%m-%d %H:%M} UTC, {x.officer}): {x.label}. {x.reasons}"
              + (f" Delay: {x.delay_reasons}" if x.delay_reasons else "") for x in d.decisions]
    return "\n".join(lines)


def _show_detail(args: argparse.Namespace, work: Callable[[Services], BreachDetail],
                 verb: str = "") -> int:
    result: list[tuple[BreachDetail, datetime]] = []

    def run(s: Services) -> None:
        result.append((work(s), s.breaches.now()))

    _run(args, run)
    detail, now = result[0]
    emit(args, detail.as_json(now),
         lambda _: (f"{detail.reference} {verb}.\n" if verb else "") + _detail_text(detail, now))
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    new = NewBreach(
        aware_at=args.aware, summary=args.summary, occurred_at=args.occurred,
        discovery=args.discovery, cyber=args.cyber,
        data_categories=tuple(args.data_category or ()),
        subject_categories=tuple(args.subject_category or ()), people_count=args.people,
        records_count=args.records, consequences=args.consequences, measures=args.measures,
        contact_ids=tuple(args.contact or ()))
    return _show_detail(args, lambda s: s.breaches.add(new), "recorded")


def _show(args: argparse.Namespace) -> int:
    return _show_detail(args, lambda s: s.breaches.get(args.ref))


def _list(args: argparse.Namespace) -> int:
    def work(s: Services) -> list[dict[str, object]]:
        now = s.breaches.now()
        return [r.as_json(now) for r in s.breaches.register(include_closed=not args.open)]

    rows = _run(args, work)

    def text(v: list[dict[str, Any]]) -> str:
        if not v:
            return "No breaches recorded."
        return "\n".join(f"{r['reference']:<13} {r['status']:<7} notify by {r['notify_ico_by']}  "
                         f"{r['clock']}" for r in v)

    emit(args, rows, text)
    return EXIT_OK


def _decide(args: argparse.Namespace) -> int:
    if args.ico is None and args.people is None:
        raise CliError("Say what was decided: --ico notify|not-notify and/or --people "
                       "tell|not-tell.")
    # Both decisions or neither: a missing reason must not leave the first one recorded.
    if args.ico is not None and not (args.reason or "").strip():
        raise CliError("Give --reason for the ICO decision (for not notifying: why the breach "
                       "is unlikely to result in a risk to people's rights and freedoms).")
    if args.people is not None and not (args.people_reason or "").strip():
        raise CliError("Give --people-reason for the decision about telling the people.")

    def work(s: Services) -> BreachDetail:
        detail = None
        if args.ico is not None:
            detail = s.breaches.decide_ico(
                args.ref, notify=args.ico == "notify", reasons=args.reason or "",
                notified_at=args.notified_at, delay_reasons=args.delay_reason,
                ico_reference=args.ico_reference)
        if args.people is not None:
            detail = s.breaches.decide_people(args.ref, tell=args.people == "tell",
                                              reasons=args.people_reason or "")
        assert detail is not None
        return detail

    return _show_detail(args, work, "decision recorded")


def _close(args: argparse.Namespace) -> int:
    return _show_detail(args, lambda s: s.breaches.close(args.ref, args.note), "closed")


def _letters(args: argparse.Namespace) -> int:
    built = _run(args, lambda s: s.breach_documents.letters(args.ref, args.advice))
    args.out.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in built:
        path = args.out / doc.document.filename
        write_atomic(path, doc.content)
        paths.append(str(path))
    emit(args, {"letters": paths}, lambda v: "\n".join(f"Wrote {p}" for p in v["letters"]))
    return EXIT_OK


def _draft(args: argparse.Namespace) -> int:
    built = _run(args, lambda s: s.breach_documents.ico_draft(args.ref))
    write_atomic(args.out, built.content)
    emit(args, {"path": str(args.out), "pages": built.document.pages},
         lambda v: f"Wrote the ICO report draft ({v['pages']} pages) to {v['path']}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    top = sub.add_parser("breaches", help="personal data breaches and the 72-hour ICO clock")
    cmds = top.add_subparsers(dest="breaches_command", metavar="ACTION", required=True)

    def command(name: str, help_text: str, func: Callable[[argparse.Namespace], int],
                ref: bool = True) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_text)
        if ref:
            p.add_argument("ref", metavar="REF", help="the breach reference, e.g. BR-2026-0001")
        add_store_args(p)
        add_today_arg(p)
        p.add_argument("--now", type=parse_moment, default=None,
                       help="treat this ISO local date-time as now (scripts)")
        p.set_defaults(func=func)
        return p

    p = command("add", "record a breach (the 72-hour clock starts at --aware)", _add, ref=False)
    p.add_argument("--aware", required=True, type=parse_moment,
                   help="when the team became aware, ISO local date-time (e.g. 2026-10-23T09:00)")
    p.add_argument("--summary", required=True, help="what happened")
    p.add_argument("--occurred", type=parse_moment, default=None, help="when it happened, if known")
    p.add_argument("--discovery", default=None, help="how the team found out")
    p.add_argument("--cyber", default="unknown", choices=list(CYBER),
                   help="caused by a cyber incident?")
    p.add_argument("--data-category", action="append", choices=list(DATA_CATEGORIES),
                   help="category of personal data (repeatable)")
    p.add_argument("--subject-category", action="append", choices=list(SUBJECT_CATEGORIES),
                   help="category of people (repeatable)")
    p.add_argument("--people", type=int, default=None, help="approximate number of people")
    p.add_argument("--records", type=int, default=None, help="approximate number of records")
    p.add_argument("--consequences", default=None, help="likely consequences for the people")
    p.add_argument("--measures", default=None, help="measures taken or proposed")
    p.add_argument("--contact", type=int, action="append", help="link a contact id (repeatable)")

    p = command("list", "the register, running clocks first", _list, ref=False)
    p.add_argument("--open", action="store_true", help="only open breaches")
    command("show", "one breach with its clock and decisions", _show)
    p = command("decide", "record the ICO (Art. 33) and/or people (Art. 34) decision", _decide)
    p.add_argument("--ico", choices=("notify", "not-notify"), default=None)
    p.add_argument("--reason", default=None,
                   help="why (for not notifying: why the breach is unlikely to be a risk)")
    p.add_argument("--notified-at", type=parse_moment, default=None,
                   help="when the ICO was notified (default: now)")
    p.add_argument("--delay-reason", default=None, help="why later than 72 hours (required then)")
    p.add_argument("--ico-reference", default=None, help="the ICO's case reference")
    p.add_argument("--people", choices=("tell", "not-tell"), default=None)
    p.add_argument("--people-reason", default=None, help="why the people are (not) told")
    p = command("close", "close a decided breach", _close)
    p.add_argument("--note", required=True, help="what was done and learnt")
    p = command("letters", "write the Art. 34 letter to each linked person", _letters)
    p.add_argument("--out", required=True, type=Path, help="folder to write the letters to")
    p.add_argument("--advice", default=None, help="what people can do to protect themselves")
    p = command("ico-draft", "write the ICO breach report draft (PDF)", _draft)
    p.add_argument("--out", required=True, type=Path, help="the PDF file to write")
