"""The errors the contact services raise (contacts.py re-exports them, so callers keep
importing them from privdesk.services.contacts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from privdesk.domain.contact_records import FieldError
from privdesk.services.errors import ServiceError


class ContactValidationError(ServiceError, ValueError):
    """The input has problems; `errors` lists each with its field, in plain words."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))
        self.errors = tuple(errors)


class ContactNotFound(ServiceError, LookupError):
    def __init__(self, contact_id: int) -> None:
        super().__init__(f"No contact with id {contact_id} (it may have been merged or deleted).")
        self.contact_id = contact_id


class ContactChanged(ServiceError, RuntimeError):
    """Optimistic check: someone saved this contact after the editor loaded it. Nothing
    was written; the officer reloads and re-applies (the editor keeps their text)."""

    def __init__(self, contact_id: int, officer: str, at: datetime) -> None:
        super().__init__(f"this contact was changed by {officer} at {at:%Y-%m-%d %H:%M} UTC "
                         "— reload it to see their change, then save yours again")
        self.contact_id, self.officer, self.at = contact_id, officer, at


class ContactMergeError(ServiceError, ValueError):
    """A merge that cannot be made (a contact into itself); nothing was changed."""
