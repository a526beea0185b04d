"""Shared between the contact services: loading a contact, its derived columns, and
ORM -> record mapping."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from privdesk.domain import identity
from privdesk.domain.contact_records import EDITABLE_FIELDS, ContactInput
from privdesk.policy import Policy
from privdesk.services.contact_errors import ContactNotFound
from privdesk.services.context import ServiceContext
from privdesk.services.retention_fields import apply_retention_fields
from privdesk.store.models import Contact, ContactChange


def load_contact(s: Session, contact_id: int, lock: bool = False) -> Contact:
    """The contact, or ContactNotFound; lock holds the row (FOR UPDATE on a team store)."""
    contact = s.get(Contact, contact_id, with_for_update=lock or None)
    if contact is None:
        raise ContactNotFound(contact_id)
    return contact


def note_change(s: Session, ctx: ServiceContext, contact: Contact, field: str,
                old: str | None, new: str | None) -> None:
    """One line of the rectification history: the field, old and new, who and when."""
    s.add(ContactChange(contact_id=contact.id, field=field, old_value=old, new_value=new,
                        officer=ctx.actor.name, changed_at=ctx.now()))


def derive(contact: Contact, policy: Policy, region: str) -> None:
    """Every derived column after a change: identifiers, search text, retention."""
    apply_identity_fields(contact, region)
    apply_retention_fields(policy, contact)


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
