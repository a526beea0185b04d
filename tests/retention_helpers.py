"""Test data for the retention, purge and suppression tests: real rows in a real store,
written through the ORM the way the contacts service writes them."""

from __future__ import annotations

from datetime import date, datetime

from privdesk.domain.identity import fold, normalise_email, normalise_phone, search_text
from privdesk.domain.retention import RetentionFacts, retention_due
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.store.models import (
    Contact,
    ContactChange,
    Disclosure,
    Document,
    Interaction,
    Request,
    RequestContact,
)

NOW = datetime(2026, 11, 24, 9, 30)


def add_contact(ctx: ServiceContext, name: str = "Ada Lovelace", *, status: str = "enquirer",
                last_activity: date | None = date(2025, 11, 1), ceased: date | None = None,
                email: str | None = None, phone: str | None = None, notes: str | None = None,
                interactions: int = 1, disclosures: tuple[str, ...] = (), history: int = 0,
                documents: int = 0, hold: tuple[str, date | None] | None = None) -> int:
    """One contact with its dependent rows; retention computed as the contacts service
    does on save. Returns the contact id."""
    facts = RetentionFacts(status, last_activity, last_activity, ceased,
                           hold is not None, hold[1] if hold else None)
    result = retention_due(facts, retention_specs(ctx.policy))
    with ctx.store.session() as s:
        c = Contact(name=name, email=email, phone=phone, company="Analytical Engines Ltd",
                    location="London", status=status, source="enquiry_form",
                    first_contact=last_activity, ceased=ceased, last_activity=last_activity,
                    notes=notes, legal_hold_reason=hold[0] if hold else None,
                    legal_hold_until=hold[1] if hold else None,
                    retention_rule=result.rule_key, retention_due=result.due,
                    norm_email=normalise_email(email), norm_phone=normalise_phone(phone),
                    norm_name=fold(name), search_text=search_text(name, email, phone, None),
                    created_at=NOW, updated_at=NOW)
        s.add(c)
        s.flush()
        for i in range(interactions):
            s.add(Interaction(contact_id=c.id, kind="call", occurred_on=last_activity or NOW.date(),
                              summary=f"Call {i} with {name}", officer="Test Officer"))
        for key in disclosures:
            s.add(Disclosure(contact_id=c.id, recipient=key, purpose="Support",
                             disclosed_on=date(2025, 1, 1)))
        for i in range(history):
            s.add(ContactChange(contact_id=c.id, field="name", old_value=f"{name} old {i}",
                                new_value=name, officer="Test Officer", changed_at=NOW))
        for i in range(documents):
            body = f"%PDF-1.4 letter to {name} {i}".encode()
            s.add(Document(contact_id=c.id, kind="letter", filename=f"letter-{i}.pdf",
                           mime="application/pdf", content=body, sha256="0" * 64, size=len(body),
                           author="Test Officer", created_at=NOW))
        return c.id


def add_request(ctx: ServiceContext, reference: str, contact_ids: tuple[int, ...] = (),
                rtype: str = "erasure", requester: str = "The Requester",
                status: str = "in_progress") -> int:
    with ctx.store.session() as s:
        r = Request(reference=reference, type=rtype, channel="email", status=status,
                    requester_name=requester, received_on=date(2026, 11, 1), created_at=NOW)
        s.add(r)
        s.flush()
        for cid in contact_ids:
            s.add(RequestContact(request_id=r.id, contact_id=cid))
        return r.id
