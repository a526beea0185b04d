"""One sample personal-data breach for the demo store, recorded through the breach
register's own service (so the 72-hour clock, references and audit are the real ones)."""

from __future__ import annotations

import random
from datetime import UTC, timedelta

from privdesk.services.breach_records import NewBreach
from privdesk.services.breaches import BreachService
from privdesk.services.context import ServiceContext
from privdesk.services.settings import SettingsService

PEOPLE = 14


def add_demo_breach(ctx: ServiceContext, rng: random.Random, contacts: int) -> str:
    """A misdirected email, found yesterday: open, with the ICO decision recorded (not
    notifying, with reasons) and the decision on telling the people still to make.
    Returns its reference."""
    breaches = BreachService(ctx, SettingsService(ctx))
    now = ctx.now().replace(tzinfo=UTC)
    linked = tuple(sorted(rng.sample(range(1, contacts + 1), min(PEOPLE, contacts))))
    detail = breaches.add(NewBreach(
        aware_at=now - timedelta(hours=20), occurred_at=now - timedelta(hours=27),
        summary=("A spreadsheet of customers' names, email addresses and phone numbers was "
                 "attached by mistake to an email to a delivery supplier."),
        discovery="The supplier replied the next morning to say they had received it.",
        cyber="no", data_categories=("basic_identifiers",), subject_categories=("customers",),
        people_count=len(linked) or None, records_count=len(linked) or None,
        consequences=("Low: contact details only, sent to a known supplier under contract; "
                      "some risk of unwanted contact."),
        measures=("The supplier confirmed in writing that the email and attachment are "
                  "deleted; attachments to external addresses now need a second check."),
        contact_ids=linked))
    breaches.decide_ico(detail.row.id, notify=False, reasons=(
        "Unlikely to result in a risk to people's rights and freedoms: contact details only, "
        "received by a supplier bound by contract, deleted within a day and confirmed."))
    return detail.row.reference
