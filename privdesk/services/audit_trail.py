"""Reading the audit trail: filtered lists, the chain check, CSV export (admins)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.spreadsheet import SafeCsvWriter
from privdesk.services.audit import AuditCheck, AuditLog
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.store.atomic import write_atomic
from privdesk.store.keyring import KeyRing
from privdesk.store.models import AuditEvent, Breach, Contact, Officer, Request

MAX_ROWS = 50_000
TAMPER = "audit.tamper"  # what an unlock found wrong with the trail or the roles


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    officer: str
    action: str
    target_type: str | None
    target_id: str | None
    outcome: str
    detail: str
    target_name: str = ""  # the request's reference, the officer's or contact's name

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "at": self.at.isoformat(), "officer": self.officer,
                "action": self.action, "target_type": self.target_type,
                "target_id": self.target_id, "outcome": self.outcome, "detail": self.detail}


@dataclass(frozen=True)
class AuditFilter:
    officer: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." ("officer.")
    since: date | None = None
    until: date | None = None  # inclusive
    outcome: str | None = None


CSV_HEADER = ["id", "at_utc", "officer", "action", "target_type", "target_id", "outcome", "detail"]


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def events(self, flt: AuditFilter = AuditFilter(), limit: int = MAX_ROWS) -> list[AuditRow]:  # noqa: B008
        q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if flt.officer:
            q = q.where(AuditEvent.officer == flt.officer)
        if flt.action:
            q = q.where(AuditEvent.action.startswith(flt.action, autoescape=True)
                        if flt.action.endswith(".") else AuditEvent.action == flt.action)
        if flt.outcome:
            q = q.where(AuditEvent.outcome == flt.outcome)
        if flt.since:
            q = q.where(AuditEvent.at >= datetime.combine(flt.since, time()))
        if flt.until:
            q = q.where(AuditEvent.at < datetime.combine(flt.until + timedelta(days=1), time()))
        with self._ctx.store.session() as s:
            events = list(s.scalars(q))
            names = _target_names(s, events)
            return [AuditRow(e.id, e.at, e.officer, e.action, e.target_type, e.target_id,
                             e.outcome, e.detail,
                             names.get((e.target_type or "", e.target_id or ""), ""))
                    for e in events]

    def officers(self) -> list[str]:
        with self._ctx.store.session() as s:
            return sorted(s.scalars(select(AuditEvent.officer).distinct()), key=str.casefold)

    def actions(self) -> list[str]:
        with self._ctx.store.session() as s:
            return sorted(s.scalars(select(AuditEvent.action).distinct()))

    def verify(self) -> AuditCheck:
        """The chain, each event's signature against the signed roster, and what earlier
        unlocks found (a trail cut short is recorded by the next unlock that sees it)."""
        keyring = self._ctx.store.keyring
        roster = keyring.roster if isinstance(keyring, KeyRing) else None
        with self._ctx.store.session() as s:
            check = AuditLog.verify(s, roster)
            found = s.execute(select(AuditEvent.id, AuditEvent.at, AuditEvent.detail).where(
                AuditEvent.action == TAMPER).order_by(AuditEvent.id).limit(20)).all()
        if check.ok and found:
            first = found[0]
            return AuditCheck(False, check.checked, first.id,
                              f"the unlock on {first.at:%Y-%m-%d %H:%M} found: {first.detail}"
                              + (f" (and {len(found) - 1} more finding(s))" if len(found) > 1 else ""))
        return check

    def export_csv(self, out: Path, flt: AuditFilter = AuditFilter()) -> int:  # noqa: B008
        """Write the filtered trail as CSV (admins only); returns the number of rows."""
        self._ctx.require(Permission.AUDIT_EXPORT, "audit.export", "audit", None)
        rows = self.events(flt, limit=10_000_000)
        buffer = io.StringIO(newline="")
        writer = SafeCsvWriter(buffer)
        writer.row(CSV_HEADER)
        for r in reversed(rows):
            writer.row([r.id, r.at.isoformat(), r.officer, r.action, r.target_type,
                        r.target_id or None, r.outcome, r.detail])
        write_atomic(Path(out), buffer.getvalue().encode("utf-8-sig"))
        with self._ctx.store.session() as s:
            self._ctx.record(s, "audit.export", "audit", None, detail=f"{len(rows)} events")
        return len(rows)


_NAMED: dict[str, tuple[Any, Any]] = {
    "request": (Request, Request.reference), "officer": (Officer, Officer.name),
    "contact": (Contact, Contact.name), "breach": (Breach, Breach.reference)}


def _target_names(s: Session, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """What each event's record is called now: one query per kind of record. An erased
    contact or removed officer has no name left, and shows by number."""
    names: dict[tuple[str, str], str] = {}
    for kind, (model, column) in _NAMED.items():
        ids = {int(e.target_id) for e in events
               if e.target_type == kind and e.target_id and e.target_id.isdigit()}
        for chunk in _chunks(sorted(ids), 500):
            for rid, name in s.execute(select(model.id, column).where(model.id.in_(chunk))):
                names[(kind, str(rid))] = " ".join(str(name).split())[:80]
    return names


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
