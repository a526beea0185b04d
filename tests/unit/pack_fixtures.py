"""Requests and contacts for the pack tests, put straight into a real store via the ORM."""

from __future__ import annotations

from datetime import date, datetime

from privdesk.services.context import ServiceContext
from privdesk.store.models import (
    Contact,
    ContactChange,
    Disclosure,
    Interaction,
    Request,
    RequestContact,
)

REF = "SAR-2026-0101"
NAME = "Zoë Łukasiewicz"
NOTE = "Called about order 7731; mentioned her colleague Bob Smith is also interested"


def make_request(ctx: ServiceContext, name: str = NAME, email: str | None = "zoe@example.com",
                 reference: str = REF, rtype: str = "access", link: bool = True) -> int:
    now = datetime(2026, 11, 1, 9, 0)
    with ctx.store.session() as s:
        c = Contact(name=name, email=email, phone="+44 7700 900123", company="Acme Widgets Ltd",
                    location="Reading", status="former_customer", source="enquiry_form",
                    first_contact=date(2019, 3, 4), customer_since=date(2019, 4, 1),
                    ceased=date(2024, 6, 30), last_activity=date(2024, 6, 30),
                    notes="Prefers email", retention_rule="former_customer",
                    retention_due=date(2031, 6, 30), search_text="", created_at=now,
                    updated_at=now)
        s.add(c)
        s.flush()
        s.add_all([
            Interaction(contact_id=c.id, kind="call", occurred_on=date(2024, 5, 2), summary=NOTE,
                        officer="Priya Shah"),
            Interaction(contact_id=c.id, kind="email", occurred_on=date(2024, 6, 1),
                        summary="Sent quotation Q-2291 for 40 sensors", officer="Sam Okafor"),
            Disclosure(contact_id=c.id, recipient="optex_japan", purpose="Warranty claim",
                       disclosed_on=date(2024, 5, 20)),
            ContactChange(contact_id=c.id, field="phone", old_value="+44 7700 900000",
                          new_value="+44 7700 900123", officer="Priya Shah",
                          changed_at=datetime(2024, 2, 1, 10, 0)),
        ])
        r = Request(reference=reference, type=rtype, channel="email", status="in_progress",
                    requester_name=name, requester_email=email,
                    requester_address="12 Station Road\nMaidenhead\nSL6 1AA",
                    received_on=date(2026, 11, 2), created_at=now)
        s.add(r)
        s.flush()
        if link:
            s.add(RequestContact(request_id=r.id, contact_id=c.id))
        return r.id
