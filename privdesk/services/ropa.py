"""The record of processing activities (Art. 30): the policy file plus the register's
live counts, as a PDF or a CSV. Exporting it is audited."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from privdesk.domain.spreadsheet import SafeCsvWriter
from privdesk.reports.ropa import RopaCounts, build_ropa, ropa_rows
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.files import write_atomic
from privdesk.services.request_records import OPEN_STATUSES, REQUEST_TYPES
from privdesk.store.models import Breach, Contact, Request, Suppression, Tombstone

CSV_COLUMNS = ("section", "item", "detail", "count_or_safeguard")


class RopaService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def counts(self, as_of: date | None = None) -> RopaCounts:
        as_of = as_of or self._ctx.today()
        year_ago = as_of - relativedelta(months=12)
        with self._ctx.store.session() as s:
            by_status: dict[str, int] = {k: n for k, n in s.execute(
                select(Contact.status, func.count()).group_by(Contact.status))}
            by_source: dict[str, int] = {k: n for k, n in s.execute(
                select(Contact.source, func.count()).group_by(Contact.source))}
            requests = s.execute(select(Request.type, Request.status, Request.responded_on,
                                        Request.received_on)).all()
            decisions = [d for (d,) in s.execute(select(Breach.ico_decision))]
            tombstones = s.scalar(select(func.count()).select_from(Tombstone)) or 0
            suppressed = s.scalar(select(func.count()).select_from(Suppression)) or 0
        by_type: dict[str, tuple[int, int, int]] = {}
        for key, label in REQUEST_TYPES.items():
            mine = [r for r in requests if r.type == key]
            by_type[label] = (len(mine), sum(1 for r in mine if r.status in OPEN_STATUSES),
                              sum(1 for r in mine if r.responded_on is not None))
        return RopaCounts(
            as_of=as_of, people_by_status=by_status, people_by_source=by_source,
            requests_by_type=by_type,
            requests_last_12_months=sum(1 for r in requests if year_ago < r.received_on <= as_of),
            breaches=(len(decisions), decisions.count("notify"), decisions.count("not_notify")),
            deletions=tombstones, suppressed=suppressed,
        )

    def pdf(self, path: Path, as_of: date | None = None) -> int:
        """Write the record as a PDF; returns its page count."""
        self._ctx.require(Permission.EXPORT, "ropa.export", "ropa")
        rendered = build_ropa(self._ctx.policy, self.counts(as_of), self._ctx.actor.name)
        write_atomic(Path(path), rendered.content)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "ropa.export", "ropa", None, detail=f"pdf pages={rendered.pages}")
        return rendered.pages

    def csv(self, path: Path, as_of: date | None = None) -> int:
        """Write the record as CSV (one row per element); returns the number of rows."""
        self._ctx.require(Permission.EXPORT, "ropa.export", "ropa")
        rows = ropa_rows(self._ctx.policy, self.counts(as_of))
        buffer = io.StringIO(newline="")
        writer = SafeCsvWriter(buffer)
        writer.row(CSV_COLUMNS)
        writer.rows(rows)
        write_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"))
        with self._ctx.store.session() as s:
            self._ctx.record(s, "ropa.export", "ropa", None, detail=f"csv rows={len(rows)}")
        return len(rows)
