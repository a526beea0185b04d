"""The management report: how the team is doing over a period (requests received per
month by type, on-time rate, median days to respond, overdue now, extensions, refusals,
erasures and purges, breaches and their clocks), as figures and as a PDF with charts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from privdesk.domain.breach_clock import hours_taken, show_local, to_local
from privdesk.domain.report_figures import (
    BreachFact,
    DeletionFact,
    ReportFigures,
    ReportPeriodError,
    RequestFact,
    compute,
)
from privdesk.reports.management import build_report
from privdesk.services.authz import Permission
from privdesk.services.breaches import BreachService
from privdesk.services.context import ServiceContext
from privdesk.services.errors import ServiceError
from privdesk.services.files import write_atomic
from privdesk.services.purge import ERASURE_RULE
from privdesk.services.request_records import REQUEST_TYPES
from privdesk.services.requests import RequestService
from privdesk.store.models import Request, Tombstone


class ReportError(ServiceError, ValueError):
    """A report that cannot be made as asked (a period that ends before it starts...)."""


class ManagementReportService:
    def __init__(self, ctx: ServiceContext, requests: RequestService,
                 breaches: BreachService) -> None:
        self._ctx, self._requests, self._breaches = ctx, requests, breaches

    def period(self, start: date | None, end: date | None) -> tuple[date, date]:
        """Default: the twelve months up to today (first day of the month 11 months ago)."""
        end = end or self._ctx.today()
        start = start or (end - relativedelta(months=11)).replace(day=1)
        return start, end

    def figures(self, start: date | None = None, end: date | None = None) -> ReportFigures:
        start, end = self.period(start, end)
        today = self._ctx.today()
        rows = {r.id: r for r in self._requests.queue(today, include_closed=True)}
        with self._ctx.store.session() as s:
            extra = {i: (ext, refusal) for i, ext, refusal in s.execute(
                select(Request.id, Request.extended_on, Request.refusal_reason))}
            tombs = s.execute(select(Tombstone.deleted_at, Tombstone.rule,
                                     Tombstone.counts)).all()
        requests = [RequestFact(
            reference=r.reference, type=r.type, received=r.received,
            responded_on=r.responded_on, late=r.late, extended_on=extra[i][0],
            refused=r.status == "refused" or extra[i][1] is not None, is_open=r.is_open,
            due=r.due) for i, r in rows.items()]
        deletions = [DeletionFact(on=at.date(), rule=rule, erasure=rule == ERASURE_RULE,
                                  records=int(json.loads(counts or "{}").get("contacts", 0)))
                     for at, rule, counts in tombs]
        now, tz = self._breaches.now(), self._breaches.zone()
        breaches = []
        for b in sorted(self._breaches.register(), key=lambda r: r.aware_at):
            if not start <= to_local(b.aware_at, tz).date() <= end:
                continue
            if b.ico_decision == "not_notify":
                outcome = "not notified (reasons recorded)"
            elif b.ico_decision == "notify":
                outcome = "notified late" if b.late else "notified in time"
            else:
                outcome = "overdue" if b.reading(now).overdue else f"clock running: {b.reading(now).text}"
            breaches.append(BreachFact(
                b.reference, show_local(b.aware_at, tz), show_local(b.deadline, tz), outcome,
                round(hours_taken(b.aware_at, b.notified_at), 1) if b.notified_at else None))
        try:
            return compute(requests, deletions, breaches, start, end, today, list(REQUEST_TYPES))
        except ReportPeriodError as exc:
            raise ReportError(str(exc)) from exc

    def pdf(self, path: Path, figures: ReportFigures | None = None) -> int:
        """Write the report as a PDF; returns its page count."""
        self._ctx.require(Permission.EXPORT, "report.export", "report")
        figures = figures or self.figures()
        rendered = build_report(self._ctx.policy, figures, REQUEST_TYPES, self._ctx.actor.name)
        write_atomic(Path(path), rendered.content)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "report.export", "report", None,
                             detail=f"{figures.start.isoformat()}..{figures.end.isoformat()}")
        return rendered.pages
