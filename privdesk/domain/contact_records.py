"""Plain records the contact services hand to the faces (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

STATUSES = ("enquirer", "customer", "former_customer")
STATUS_LABELS = {"enquirer": "Enquirer", "customer": "Customer",
                 "former_customer": "Former customer"}
INTERACTION_KINDS = ("enquiry", "call", "email", "online_message", "meeting", "event")
INTERACTION_LABELS = {"enquiry": "Enquiry", "call": "Call", "email": "Email",
                      "online_message": "Online message", "meeting": "Meeting",
                      "event": "Event"}

# The fields an officer edits (and an import fills), in display order.
EDITABLE_FIELDS = ("name", "email", "phone", "company", "location", "status", "source",
                   "first_contact", "customer_since", "ceased", "last_activity",
                   "marketing_opt_out", "notes", "legal_hold_reason", "legal_hold_until")


@dataclass(frozen=True)
class ContactInput:
    """What an officer can set on a contact. Empty strings mean "not recorded"."""

    name: str
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    location: str | None = None
    status: str = "enquirer"
    source: str = "enquiry_form"
    first_contact: date | None = None
    customer_since: date | None = None
    ceased: date | None = None
    last_activity: date | None = None
    marketing_opt_out: bool = False
    notes: str | None = None
    legal_hold_reason: str | None = None
    legal_hold_until: date | None = None


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


@dataclass(frozen=True)
class ContactRow:
    """One line of the register table."""

    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    location: str | None
    status: str
    source: str
    last_activity: date | None
    marketing_opt_out: bool
    retention_due: date | None

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "email": self.email, "phone": self.phone,
                "company": self.company, "location": self.location, "status": self.status,
                "source": self.source,
                "last_activity": self.last_activity.isoformat() if self.last_activity else None,
                "marketing_opt_out": self.marketing_opt_out,
                "retention_due": self.retention_due.isoformat() if self.retention_due else None}


@dataclass(frozen=True)
class ContactPage:
    """A page of search results. `total` is exact unless `capped` (very broad short
    queries stop counting at a cap so the register stays fast at a million rows)."""

    total: int
    offset: int
    rows: tuple[ContactRow, ...]
    capped: bool = False


@dataclass(frozen=True)
class IdPage:
    total: int
    offset: int
    ids: tuple[int, ...]
    capped: bool = False


@dataclass(frozen=True)
class ContactQuery:
    text: str = ""
    status: str | None = None
    source: str | None = None
    sort: str = ""  # a ContactRow field; "": by name, or a search in match order
    descending: bool = False


@dataclass(frozen=True)
class InteractionRecord:
    id: int
    kind: str
    occurred_on: date
    summary: str
    officer: str


@dataclass(frozen=True)
class DisclosureRecord:
    id: int
    recipient: str
    purpose: str
    disclosed_on: date


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    field: str
    old_value: str | None
    new_value: str | None
    officer: str
    changed_at: datetime


@dataclass(frozen=True)
class ContactDetail:
    id: int
    data: ContactInput
    opt_out_on: date | None
    retention_rule: str | None
    retention_due: date | None
    retention_working: str
    created_at: datetime
    updated_at: datetime
    interactions: tuple[InteractionRecord, ...] = ()
    disclosures: tuple[DisclosureRecord, ...] = ()
    history: tuple[ChangeRecord, ...] = ()
    request_ids: tuple[int, ...] = ()
    request_refs: tuple[str, ...] = ()  # the same requests' references, in the same order


@dataclass(frozen=True)
class DuplicateCandidate:
    """A contact that is probably the same person, and why we think so."""

    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    reasons: tuple[str, ...] = field(default=())

    @property
    def reason_text(self) -> str:
        return ", ".join(self.reasons)


@dataclass(frozen=True)
class NewInteraction:
    kind: str
    occurred_on: date
    summary: str = ""


@dataclass(frozen=True)
class NewDisclosure:
    recipient: str
    purpose: str
    disclosed_on: date


@dataclass(frozen=True)
class RelatedChanges:
    """Interactions and disclosures added or removed in the editor, saved with the
    contact in one transaction (Cancel discards them all)."""

    new_interactions: tuple[NewInteraction, ...] = ()
    removed_interactions: tuple[int, ...] = ()
    new_disclosures: tuple[NewDisclosure, ...] = ()
    removed_disclosures: tuple[int, ...] = ()
