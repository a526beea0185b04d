"""The retention calendar: what falls due when, legal holds, recomputing due dates.

Every list is an index range scan on contacts.retention_due (kept current on save by
the contacts service through `domain.retention.retention_due`, and here by holds and
`recompute_all`), so the calendar stays instant at a million contacts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from privdesk.domain.retention import (
    RetentionFacts,
    RetentionResult,
    RetentionRule,
    retention_due,
    rule_name,
)
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.errors import ServiceError
from privdesk.store.models import Contact

MAX_HOLD_REASON = 2000
RECOMPUTE_BATCH = 5000


class RetentionError(ServiceError, ValueError):
    """Bad input to a retention action, in plain words; nothing was changed."""


@dataclass(frozen=True)
class DueContact:
    contact_id: int
    name: str
    status: str
    rule_key: str | None
    rule_name: str
    due: date
    days_left: int  # negative when overdue
    held_until: date | None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def as_json(self) -> dict[str, Any]:
        return {"contact_id": self.contact_id, "name": self.name, "rule": self.rule_name,
                "rule_key": self.rule_key, "due": self.due.isoformat(),
                "overdue": self.overdue, "days_left": self.days_left}


@dataclass(frozen=True)
class DueSummary:
    today: date
    overdue: int
    due_today: int
    next_30: int  # due within 30 days from today, overdue not included
    next_90: int


@dataclass(frozen=True)
class HoldInfo:
    contact_id: int
    reason: str | None
    until: date | None
    rule_name: str
    due: date | None
    working: str

    @property
    def active(self) -> bool:
        return self.reason is not None


def facts_of(c: Any) -> RetentionFacts:
    """The retention facts of a contact row (ORM object or a selected row)."""
    return RetentionFacts(status=c.status, last_activity=c.last_activity,
                          first_contact=c.first_contact, ceased=c.ceased,
                          legal_hold=c.legal_hold_reason is not None,
                          legal_hold_until=c.legal_hold_until)


class RetentionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @property
    def rules(self) -> tuple[RetentionRule, ...]:
        return retention_specs(self._ctx.policy)

    # -- lists -------------------------------------------------------------------------
    def due_within(self, days: int, today: date | None = None,
                   limit: int | None = None) -> list[DueContact]:
        """Everything due on or before today + days, overdue included, soonest first."""
        if days < 0:
            raise RetentionError(f"The number of days must not be negative, got {days}.")
        today = today or self._ctx.today()
        return self._list(None, today + timedelta(days=days), today, limit)

    def overdue(self, today: date | None = None, limit: int | None = None) -> list[DueContact]:
        today = today or self._ctx.today()
        return self._list(None, today - timedelta(days=1), today, limit)

    def between(self, start: date, end: date, today: date | None = None,
                limit: int | None = None) -> list[DueContact]:
        """Contacts due from start to end inclusive (a day, or a range picked in the
        calendar); the order of the two dates does not matter."""
        start, end = min(start, end), max(start, end)
        return self._list(start, end, today or self._ctx.today(), limit)

    def _list(self, start: date | None, end: date, today: date,
              limit: int | None) -> list[DueContact]:
        q = (select(Contact.id, Contact.name, Contact.status, Contact.retention_rule,
                    Contact.retention_due, Contact.legal_hold_until)
             .where(Contact.retention_due.is_not(None), Contact.retention_due <= end)
             .order_by(Contact.retention_due, Contact.id))
        if start is not None:
            q = q.where(Contact.retention_due >= start)
        if limit is not None:
            q = q.limit(limit)
        rules = self.rules
        with self._ctx.store.session() as s:
            rows = s.execute(q).all()
        return [DueContact(r.id, r.name, r.status, r.retention_rule,
                           rule_name(r.retention_rule, rules), r.retention_due,
                           (r.retention_due - today).days, r.legal_hold_until) for r in rows]

    def summary(self, today: date | None = None) -> DueSummary:
        today = today or self._ctx.today()
        due = Contact.retention_due

        def count(s: Session, *where: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(Contact).where(*where)) or 0)

        with self._ctx.store.session() as s:
            return DueSummary(
                today=today,
                overdue=count(s, due.is_not(None), due < today),
                due_today=count(s, due == today),
                next_30=count(s, due >= today, due <= today + timedelta(days=30)),
                next_90=count(s, due >= today, due <= today + timedelta(days=90)),
            )

    def month_counts(self, year: int, month: int) -> dict[date, int]:
        """How many contacts fall due on each day of a month (days with none left out)."""
        if not 1 <= month <= 12 or not 1 <= year <= 9999:
            raise RetentionError(f"Not a month: {year}-{month}.")
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        q = (select(Contact.retention_due, func.count())
             .where(Contact.retention_due >= first, Contact.retention_due <= last)
             .group_by(Contact.retention_due))
        with self._ctx.store.session() as s:
            return {d: int(n) for d, n in s.execute(q).all() if d is not None}

    # -- legal holds -------------------------------------------------------------------
    def hold(self, contact_id: int) -> HoldInfo:
        with self._ctx.store.session() as s:
            c = self._contact(s, contact_id)
            result = retention_due(facts_of(c), self.rules)
            return HoldInfo(c.id, c.legal_hold_reason, c.legal_hold_until, result.rule_name,
                            result.due, result.working)

    def set_hold(self, contact_id: int, reason: str, until: date | None = None) -> HoldInfo:
        """Put a contact under legal hold (open-ended when until is None)."""
        reason = (reason or "").strip()
        if not reason:
            raise RetentionError("Give the reason for the legal hold.")
        if len(reason) > MAX_HOLD_REASON:
            raise RetentionError(f"The reason is too long ({len(reason):,} characters; "
                                 f"at most {MAX_HOLD_REASON:,}).")
        if until is not None and until < self._ctx.today():
            raise RetentionError(f"The hold's end date {until.isoformat()} is in the past.")
        self._ctx.require(Permission.EDIT, "retention.hold_set", "contact", contact_id)
        with self._ctx.store.session() as s:
            c = self._contact(s, contact_id)
            c.legal_hold_reason, c.legal_hold_until = reason, until
            c.updated_at = self._ctx.now()
            self._apply(c, retention_due(facts_of(c), self.rules))
            self._ctx.record(s, "retention.hold_set", "contact", contact_id,
                             detail=f"until={until.isoformat() if until else 'open'}")
        return self.hold(contact_id)

    def lift_hold(self, contact_id: int) -> HoldInfo:
        self._ctx.require(Permission.EDIT, "retention.hold_lift", "contact", contact_id)
        with self._ctx.store.session() as s:
            c = self._contact(s, contact_id)
            if c.legal_hold_reason is None:
                raise RetentionError(f"Contact {contact_id} is not under a legal hold.")
            c.legal_hold_reason, c.legal_hold_until = None, None
            c.updated_at = self._ctx.now()
            self._apply(c, retention_due(facts_of(c), self.rules))
            self._ctx.record(s, "retention.hold_lift", "contact", contact_id)
        return self.hold(contact_id)

    # -- recomputing -------------------------------------------------------------------
    def recompute(self, contact_id: int) -> RetentionResult:
        """Recompute one contact's rule and due date from its facts, and store them."""
        with self._ctx.store.session() as s:
            c = self._contact(s, contact_id)
            result = retention_due(facts_of(c), self.rules)
            self._apply(c, result)
            return result

    def recompute_all(self) -> int:
        """After the policy's rules change: recompute every contact, in batches by id,
        writing only rows whose rule or date moved. Returns how many changed."""
        self._ctx.require(Permission.EDIT, "retention.recompute", "contacts", None)
        rules = self.rules
        changed, last_id = 0, 0
        cols = (Contact.id, Contact.status, Contact.last_activity, Contact.first_contact,
                Contact.ceased, Contact.legal_hold_reason, Contact.legal_hold_until,
                Contact.retention_rule, Contact.retention_due)
        with self._ctx.store.session() as s:
            while True:
                rows = s.execute(select(*cols).where(Contact.id > last_id)
                                 .order_by(Contact.id).limit(RECOMPUTE_BATCH)).all()
                if not rows:
                    break
                last_id = rows[-1].id
                updates = []
                for r in rows:
                    result = retention_due(facts_of(r), rules)
                    if (result.rule_key, result.due) != (r.retention_rule, r.retention_due):
                        updates.append({"id": r.id, "retention_rule": result.rule_key,
                                        "retention_due": result.due})
                if updates:
                    s.execute(update(Contact), updates)
                    changed += len(updates)
            self._ctx.record(s, "retention.recompute", "contacts", None,
                             detail=f"changed={changed}")
        return changed

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _contact(s: Session, contact_id: int) -> Contact:
        c = s.get(Contact, contact_id)
        if c is None:
            raise RetentionError(f"There is no contact with id {contact_id}.")
        return c

    @staticmethod
    def _apply(c: Contact, result: RetentionResult) -> None:
        c.retention_rule, c.retention_due = result.rule_key, result.due
