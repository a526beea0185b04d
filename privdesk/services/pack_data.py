"""Gathering what we hold about the person behind an access request, straight from the
ORM, into the rows a pack, a preview list and the JSON/CSV exports share.

Every row has a `ref` ("interaction:42", "contact:7:notes") by which the officer can
redact or exclude it; redactions are applied here, so the report layer never sees the
withheld text at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.contact_records import STATUS_LABELS
from privdesk.domain.dates import long_date, short_date
from privdesk.policy import Policy
from privdesk.reports.pack_model import PackRow, PackTable
from privdesk.reports.text import REDACTED
from privdesk.store.models import Contact, Request, RequestContact


@dataclass(frozen=True)
class HeldItem:
    """One redactable item: what the preview lists and the exports contain."""

    ref: str
    table: str  # the PackTable key it belongs to
    label: str  # describes the item without quoting its content (for the schedule)
    cells: tuple[str, ...]
    free_text: tuple[int, ...]  # the cells a "redact" hides; "exclude" hides them all
    # Items whose text this one repeats (a history entry repeats the field it changed):
    # redacting one of them redacts this too (services.pack_redaction).
    repeats: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    intro: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]


TABLES = (
    TableSpec("contact", "Contact record", "The details in our contact register.",
              ("Field", "Value"), (0.3, 0.7)),
    TableSpec("interactions", "Interactions",
              "Enquiries, calls, emails, messages, meetings and events we have recorded.",
              ("Date", "Kind", "Summary", "Officer"), (0.14, 0.14, 0.52, 0.20)),
    TableSpec("disclosures", "Disclosures", "Occasions on which we shared your data.",
              ("Date", "Recipient", "Purpose"), (0.14, 0.40, 0.46)),
    TableSpec("history", "Rectification history", "Changes made to your contact record.",
              ("Date", "Field", "Old value", "New value", "Officer"),
              (0.14, 0.14, 0.26, 0.26, 0.20)),
    TableSpec("requests", "Your requests", "Data-protection requests you have made to us.",
              ("Reference", "Type", "Received", "Status", "Responded"),
              (0.22, 0.18, 0.18, 0.24, 0.18)),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return short_date(value.date())
    if isinstance(value, date):
        return short_date(value)
    return str(value)


def _words(key: str) -> str:
    return key.replace("_", " ").capitalize()


# History values of these fields are written with ISO dates ("2026-11-29", "Call on
# 2026-11-29: ..."); the person reads them as the rest of the pack does ("29 Nov 2026").
# Free-text fields (notes) are left exactly as the officer typed them.
_DATED_FIELDS = frozenset({"first_contact", "customer_since", "ceased", "last_activity",
                           "opt_out_on", "interaction", "disclosure"})
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _iso_days_in_words(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        try:
            return short_date(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return m[0]
    return _ISO_DAY.sub(one, value)


def history_words(field: str, value: str | None, policy: Policy) -> str:
    """A history value as the person reads it: the policy's words for stored keys
    (relationship, source, recipient), never the key itself, and dates as the rest of
    the pack writes them."""
    if value is None:
        return ""
    if field in _DATED_FIELDS:
        value = _iso_days_in_words(value)
    if field == "marketing_opt_out":  # stored "yes"/"no"; the record itself says Yes/No
        return {"yes": "Yes", "no": "No"}.get(value, value)
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "source":
        return policy.source_label(value)
    if field == "disclosure":  # "to optex_japan on …" written by older versions
        for r in policy.recipients:
            value = value.replace(f"to {r.key} on ", f"to {r.name} on ")
    return value


def linked_contacts(session: Session, request: Request) -> list[Contact]:
    ids = select(RequestContact.contact_id).where(RequestContact.request_id == request.id)
    return list(session.scalars(select(Contact).where(Contact.id.in_(ids)).order_by(Contact.id)))


def _contact_items(c: Contact, policy: Policy) -> list[HeldItem]:
    fields: list[tuple[str, str, object]] = [
        ("name", "Name", c.name), ("email", "Email", c.email), ("phone", "Telephone", c.phone),
        ("company", "Company", c.company), ("location", "Location", c.location),
        ("status", "Relationship", STATUS_LABELS.get(c.status, c.status)),
        ("source", "Where your data came from", policy.source_label(c.source)),
        ("first_contact", "First contact", c.first_contact),
        ("customer_since", "Customer since", c.customer_since),
        ("ceased", "Ceased to be a customer", c.ceased),
        ("last_activity", "Last activity", c.last_activity),
        ("marketing_opt_out", "Opted out of marketing",
         f"Yes, on {_text(c.opt_out_on)}" if c.marketing_opt_out and c.opt_out_on
         else c.marketing_opt_out),
        ("notes", "Notes", c.notes),
        ("legal_hold_reason", "Legal hold", c.legal_hold_reason),
    ]
    return [HeldItem(f"contact:{c.id}:{key}", "contact", f"Contact record: {label.lower()}",
                     (label, _text(value)), (1,))
            for key, label, value in fields if value not in (None, "")]


def gather(session: Session, request: Request, policy: Policy) -> list[HeldItem]:
    """Every item held about the people linked to this request, in pack order."""
    contacts = linked_contacts(session, request)
    items: list[HeldItem] = []
    for c in contacts:
        items += _contact_items(c, policy)
    for c in contacts:
        for i in sorted(c.interactions, key=lambda x: (x.occurred_on, x.id)):
            items.append(HeldItem(
                f"interaction:{i.id}", "interactions",
                f"{_words(i.kind)} of {_text(i.occurred_on)}",
                (_text(i.occurred_on), _words(i.kind), i.summary, i.officer), (2,)))
        for d in sorted(c.disclosures, key=lambda x: (x.disclosed_on, x.id)):
            rec = policy.recipient(d.recipient)
            name = rec.name if rec else d.recipient
            items.append(HeldItem(
                f"disclosure:{d.id}", "disclosures", f"Disclosure of {_text(d.disclosed_on)}",
                (_text(d.disclosed_on), name, d.purpose), (2,)))
        for h in sorted(c.history, key=lambda x: (x.changed_at, x.id)):
            field = _words(h.field).lower()
            items.append(HeldItem(
                f"change:{h.id}", "history", f"Change to {field} on {_text(h.changed_at)}",
                (_text(h.changed_at), _words(h.field), history_words(h.field, h.old_value, policy),
                 history_words(h.field, h.new_value, policy), h.officer), (2, 3),
                (f"contact:{h.contact_id}:{h.field}",)))
    ids = [c.id for c in contacts]
    linked = select(RequestContact.request_id).where(RequestContact.contact_id.in_(ids))
    for r in session.scalars(select(Request).where(Request.id.in_(linked))
                             .order_by(Request.received_on, Request.id)):
        items.append(HeldItem(
            f"request:{r.id}", "requests", f"Request {r.reference}",
            (r.reference, _words(r.type), _text(r.received_on), _words(r.status),
             _text(r.responded_on)), ()))
    return items


def hidden_cells(item: HeldItem, action: str | None) -> frozenset[int]:
    """The cells an action hides: redact the free text, exclude it all (a contact field
    keeps its name, so the person sees what was withheld)."""
    if action is None:
        return frozenset()
    if item.table == "contact":
        return frozenset({1})
    if action == "exclude" or not item.free_text:
        return frozenset(range(len(item.cells)))
    return frozenset(item.free_text)


def apply(item: HeldItem, hide: frozenset[int]) -> PackRow:
    """The row as the pack shows it, the hidden cells replaced by [redacted]."""
    if not hide:
        return PackRow(item.ref, item.cells)
    cells = tuple(REDACTED if i in hide else cell for i, cell in enumerate(item.cells))
    return PackRow(item.ref, cells, redacted=True)


def tables(items: list[HeldItem], hidden: Mapping[str, frozenset[int]]) -> tuple[PackTable, ...]:
    """The pack's tables; `hidden` (from pack_redaction.resolve) says which cells of which
    items are withheld, including every copy of a redacted item's text."""
    return tuple(
        PackTable(spec.key, spec.title, spec.intro, spec.columns, spec.widths,
                  tuple(apply(i, hidden.get(i.ref, frozenset())) for i in items
                        if i.table == spec.key))
        for spec in TABLES
    )


def person_facts(contacts: list[Contact], policy: Policy) -> tuple[tuple[str, ...],
                                                                     tuple[str, ...]]:
    """(sources, retention lines) for THIS person, from their contact records."""
    sources = tuple(dict.fromkeys(policy.source_label(c.source) for c in contacts))
    retention = []
    for c in contacts:
        rule = policy.retention_rule_for(c.status)
        if c.legal_hold_reason:
            line = "Your data is currently kept under a legal hold and will not be deleted " \
                   "until the hold is lifted."
        elif c.retention_due:
            line = f"Your data falls due for deletion on {long_date(c.retention_due)}."
        else:
            line = "We keep your data while you remain a customer."
        retention.append(f"{rule.name}: {line}" if rule else line)
    return sources, tuple(dict.fromkeys(retention))
