"""What the breach service hands the faces: vocabularies and frozen records. Instants
are naive UTC; the zone they are shown in travels with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from privdesk.domain.breach_clock import (
    ClockReading,
    hours_taken,
    iso_local,
    notify_by,
    read_clock,
    show_local,
)
from privdesk.services.errors import ServiceError

# The ICO breach report form's tick-boxes (categories of personal data, of people).
DATA_CATEGORIES: dict[str, str] = {
    "basic_identifiers": "Basic personal identifiers, e.g. name, contact details",
    "identification": "Identification data, e.g. usernames, passwords",
    "financial": "Economic and financial data, e.g. bank details",
    "official_documents": "Official documents, e.g. driving licences",
    "location": "Location data",
    "special_category": "Special category data (health, ethnicity, beliefs, biometrics...)",
    "criminal": "Criminal convictions, offences",
    "not_known": "Not yet known",
    "other": "Other",
}
SUBJECT_CATEGORIES: dict[str, str] = {
    "customers": "Customers or prospective customers",
    "employees": "Employees",
    "users": "Users",
    "subscribers": "Subscribers",
    "children": "Children",
    "vulnerable_adults": "Vulnerable adults",
    "not_known": "Not yet known",
    "other": "Other",
}
CYBER: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "Don't know"}
STATUSES: dict[str, str] = {"open": "Open", "closed": "Closed"}
ICO_DECISIONS: dict[str, str] = {"notify": "Notify the ICO", "not_notify": "Not notifying the ICO"}
PEOPLE_DECISIONS: dict[str, str] = {"tell": "Tell the people affected",
                                    "not_tell": "Not telling the people affected"}


class BreachError(ServiceError, ValueError):
    """A breach action that breaks a rule; the message says why in plain words."""


class BreachNotFound(ServiceError, LookupError):
    def __init__(self, key: object) -> None:
        super().__init__(f"No breach {key}.")


@dataclass(frozen=True)
class NewBreach:
    aware_at: datetime  # naive local (in the store's zone) or aware
    summary: str
    occurred_at: datetime | None = None
    discovery: str | None = None
    cyber: str = "unknown"
    data_categories: tuple[str, ...] = ()
    subject_categories: tuple[str, ...] = ()
    people_count: int | None = None
    records_count: int | None = None
    consequences: str | None = None
    measures: str | None = None
    contact_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class BreachRow:
    """One line of the register. The clock is live: `reading(now)` at any instant."""

    id: int
    reference: str
    aware_at: datetime  # naive UTC
    zone: str
    summary: str
    people_count: int | None
    status: str
    ico_decision: str | None
    notified_at: datetime | None
    people_decision: str | None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def deadline(self) -> datetime:
        return notify_by(self.aware_at)

    @property
    def clock_running(self) -> bool:
        """The clock runs until the ICO decision is taken (notified, or not notifying)."""
        return self.ico_decision is None and self.status == "open"

    def reading(self, now_utc: datetime) -> ClockReading:
        return read_clock(self.aware_at, now_utc)

    @property
    def late(self) -> bool | None:
        if self.ico_decision != "notify" or self.notified_at is None:
            return None
        return self.notified_at > self.deadline

    def clock_text(self, now_utc: datetime) -> str:
        if self.ico_decision == "not_notify":
            return "Not notifiable"
        if self.ico_decision == "notify" and self.notified_at is not None:
            hours = hours_taken(self.aware_at, self.notified_at)
            return f"Notified {'late' if self.late else 'in time'} ({hours:.0f} h)"
        if self.status != "open":
            return "Closed"
        return self.reading(now_utc).text

    def as_json(self, now_utc: datetime) -> dict[str, object]:
        tz = self.tz
        reading = self.reading(now_utc)
        return {
            "id": self.id, "reference": self.reference, "status": self.status,
            "aware_at": iso_local(self.aware_at, tz), "zone": self.zone,
            "notify_ico_by": iso_local(self.deadline, tz),
            "hours_left": reading.hours_left if self.clock_running else None,
            "overdue": reading.overdue if self.clock_running else None,
            "clock": self.clock_text(now_utc),
            "urgency": reading.urgency.value if self.clock_running else None,
            "summary": self.summary, "people_count": self.people_count,
            "ico_decision": self.ico_decision,
            "notified_at": iso_local(self.notified_at, tz) if self.notified_at else None,
            "late": self.late, "people_decision": self.people_decision,
        }


@dataclass(frozen=True)
class DecisionRecord:
    kind: str  # ico / people
    outcome: str
    reasons: str
    delay_reasons: str | None
    notified_at: datetime | None
    at: datetime
    officer: str

    @property
    def label(self) -> str:
        return {**ICO_DECISIONS, **PEOPLE_DECISIONS}.get(self.outcome, self.outcome)


@dataclass(frozen=True)
class LinkedPerson:
    id: int
    name: str
    email: str | None


@dataclass(frozen=True)
class BreachDetail:
    row: BreachRow
    occurred_at: datetime | None
    discovery: str | None
    cyber: str
    data_categories: tuple[str, ...]
    subject_categories: tuple[str, ...]
    records_count: int | None
    consequences: str | None
    measures: str | None
    ico_reference: str | None
    closing_note: str | None
    officer: str
    contacts: tuple[LinkedPerson, ...]
    decisions: tuple[DecisionRecord, ...]

    @property
    def reference(self) -> str:
        return self.row.reference

    def local(self, instant: datetime | None) -> str:
        return show_local(instant, self.row.tz) if instant else "Not known"

    def as_json(self, now_utc: datetime) -> dict[str, object]:
        tz = self.row.tz
        return {
            **self.row.as_json(now_utc),
            "occurred_at": iso_local(self.occurred_at, tz) if self.occurred_at else None,
            "discovery": self.discovery, "cyber": self.cyber,
            "data_categories": list(self.data_categories),
            "subject_categories": list(self.subject_categories),
            "records_count": self.records_count, "consequences": self.consequences,
            "measures": self.measures, "ico_reference": self.ico_reference,
            "closing_note": self.closing_note, "recorded_by": self.officer,
            "contacts": [{"id": c.id, "name": c.name} for c in self.contacts],
            "decisions": [{"kind": d.kind, "outcome": d.outcome, "reasons": d.reasons,
                           "delay_reasons": d.delay_reasons,
                           "notified_at": iso_local(d.notified_at, tz) if d.notified_at else None,
                           "at": iso_local(d.at, tz), "officer": d.officer}
                          for d in self.decisions],
        }
