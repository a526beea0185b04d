"""Shared between the contact services: derived columns, and ORM -> record mapping."""

from __future__ import annotations

from datetime import date

from privdesk.domain import identity
from privdesk.domain.contact_records import EDITABLE_FIELDS, ContactInput
from privdesk.store.models import Contact


def apply_identity_fields(contact: Contact, region: str) -> None:
    """Normalised identifiers and the folded FTS text (the trigger re-indexes it)."""
    contact.norm_email = identity.normalise_email(contact.email)
    contact.norm_phone = identity.normalise_phone(contact.phone, region)
    contact.norm_name = identity.fold(contact.name)
    contact.search_text = identity.search_text(contact.name, contact.email, contact.phone,
                                               contact.company, region)


def to_input(contact: Contact) -> ContactInput:
    return ContactInput(**{f: getattr(contact, f) for f in EDITABLE_FIELDS})


def display_value(value: object) -> str | None:
    """How a field's value is written into the rectification history."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
