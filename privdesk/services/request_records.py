"""What the request services hand the faces: vocabularies and frozen records, never ORM
objects. The due date in a record is computed (domain.deadlines), never stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from privdesk.domain.deadlines import DaysLeft, urgency
from privdesk.domain.request_rules import OPEN_STATUSES as OPEN_STATUSES  # re-exported
from privdesk.domain.request_rules import RequestState

REQUEST_TYPES: dict[str, str] = {
    "access": "Access",
    "rectification": "Rectification",
    "erasure": "Erasure",
    "objection": "Objection to marketing",
    "restriction": "Restriction",
    "portability": "Portability",
    "complaint": "Complaint",
}
CHANNELS: dict[str, str] = {
    "email": "Email",
    "post": "Post",
    "phone": "Phone",
    "web_form": "Web form",
    "in_person": "In person",
}
STATUSES: dict[str, str] = {
    "new": "New",
    "awaiting_id": "Awaiting ID",
    "awaiting_clarification": "Awaiting clarification",
    "in_progress": "In progress",
    "extended": "Extended",
    "responded": "Responded",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "closed": "Closed",
}
REFUSAL_GROUNDS: dict[str, str] = {
    "manifestly_unfounded": "Manifestly unfounded",
    "manifestly_excessive": "Manifestly excessive",
}
RESPONSE_METHODS: dict[str, str] = {
    "email": "Email",
    "post": "Post",
    "secure_portal": "Secure portal",
    "in_person": "In person",
}


class RequestError(ValueError):
    """A request action that breaks a rule; the message says why in plain words."""


class RequestNotFound(LookupError):
    def __init__(self, key: object) -> None:
        super().__init__(f"No request {key}.")


@dataclass(frozen=True)
class NewRequest:
    type: str
    received: date
    requester_name: str
    requester_email: str | None = None
    requester_phone: str | None = None
    requester_address: str | None = None
    channel: str = "email"
    id_requested: bool = False
    contact_ids: tuple[int, ...] = ()
    assignee: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class RequestRow:
    """One line of the queue. days_left fields are as of `as_of`; a live view recomputes
    them from `due` with its own clock."""

    id: int
    reference: str
    type: str
    channel: str
    status: str
    requester_name: str
    received: date
    due: date | None
    clock_state: str  # running / awaiting_id / paused
    assignee: str | None
    responded_on: date | None
    late: bool | None
    as_of: date
    days_left: int | None
    working_days_left: int | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def urgency(self) -> str | None:
        """green / amber / red / overdue as of `as_of`; None with no running clock."""
        if self.days_left is None or self.working_days_left is None:
            return None
        return urgency(DaysLeft(self.days_left, self.working_days_left)).value

    @property
    def type_label(self) -> str:
        return REQUEST_TYPES.get(self.type, self.type)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "reference": self.reference, "type": self.type,
            "channel": self.channel, "status": self.status, "received": self.received.isoformat(),
            "due": self.due.isoformat() if self.due else None, "clock": self.clock_state,
            "days_left": self.days_left, "working_days_left": self.working_days_left,
            "urgency": self.urgency, "assignee": self.assignee,
            "responded": self.responded_on.isoformat() if self.responded_on else None,
            "late": self.late,
        }


@dataclass(frozen=True)
class TimelineEvent:
    on_date: date
    at: datetime
    kind: str
    detail: str
    officer: str


@dataclass(frozen=True)
class LinkedContact:
    id: int
    name: str
    email: str | None


@dataclass(frozen=True)
class PauseRecord:
    asked: date
    answered: date | None


@dataclass(frozen=True)
class RequestDetail:
    row: RequestRow
    requester_email: str | None
    requester_phone: str | None
    requester_address: str | None
    id_requested: bool
    id_received_on: date | None
    extended_on: date | None
    extension_reason: str | None
    refusal_reason: str | None
    response_method: str | None
    notes: str | None
    stopped_since: date | None
    original_due: date | None  # the one-month date: last day to decide an extension
    working: tuple[str, ...]
    pauses: tuple[PauseRecord, ...] = ()
    contacts: tuple[LinkedContact, ...] = ()
    events: tuple[TimelineEvent, ...] = field(default=())
    state: RequestState | None = None  # for domain.request_rules.why_not
    id_asked_on: date | None = None  # asked for after intake (None: at intake)
    extension_told_on: date | None = None

    @property
    def reference(self) -> str:
        return self.row.reference

    def as_json(self) -> dict[str, object]:
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            **self.row.as_json(),
            "requester": self.row.requester_name, "email": self.requester_email,
            "id_requested": self.id_requested, "id_received": iso(self.id_received_on),
            "extended_on": iso(self.extended_on), "extension_reason": self.extension_reason,
            "extension_told_on": iso(self.extension_told_on), "id_asked_on": iso(self.id_asked_on),
            "notes": self.notes, "address": self.requester_address,
            "original_due": iso(self.original_due), "stopped_since": iso(self.stopped_since),
            "refusal_reason": self.refusal_reason, "response_method": self.response_method,
            "pauses": [{"asked": iso(p.asked), "answered": iso(p.answered)} for p in self.pauses],
            "contacts": [c.id for c in self.contacts],
            "working": list(self.working),
            "timeline": [{"on": iso(e.on_date), "kind": e.kind, "detail": e.detail,
                          "officer": e.officer} for e in self.events],
        }


@dataclass(frozen=True)
class QueueStats:
    open: int
    due_this_week: int  # open, due in the next seven days (today included), not overdue
    overdue: int
    median_days_to_respond: float | None  # responses in the last 90 days
    responded_last_90_days: int


@dataclass(frozen=True)
class ContactHit:
    id: int
    name: str
    email: str | None
    company: str | None
