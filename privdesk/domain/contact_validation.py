"""Validating what an officer types (or an import supplies) for a contact.

Every problem comes back as a FieldError in plain words; nothing raises on bad input,
so the editor can show all errors inline and an import can report every row.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from privdesk.domain.contact_records import STATUSES, ContactInput, FieldError

MAX_LENGTH = {"name": 300, "email": 320, "phone": 40, "company": 300, "location": 300,
              "notes": 20_000, "legal_hold_reason": 2_000}
TEXT_FIELDS = ("name", "email", "phone", "company", "location", "notes", "legal_hold_reason")


def clean_text(value: str | None) -> str | None:
    """Trimmed text, or None when nothing is left (so "" and None compare equal)."""
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def cleaned(data: ContactInput) -> ContactInput:
    values: dict[str, str | None] = {f: clean_text(getattr(data, f)) for f in TEXT_FIELDS}
    values["name"] = values["name"] or ""
    return replace(data, **values)  # type: ignore[arg-type]


# Addresses of the plainest shape (dot-atom local part, LDH domain labels, alphabetic
# TLD, not a special-use domain) are all accepted by email_validator, which costs
# ~60 us an address: an import of 100,000 rows checks those shapes here instead.
# tests/unit/test_import_speed.py compares the two on a corpus.
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9_+-]{1,64}(?:\.[A-Za-z0-9_+-]{1,64})*@"
                          r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                          r"[A-Za-z]{2,63}")
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def plain_email(email: str) -> bool:
    if len(email) > 254 or not _PLAIN_EMAIL.fullmatch(email):
        return False
    local, domain = email.rsplit("@", 1)
    if len(local) > 64 or len(domain) > 253:
        return False
    labels = domain.lower().split(".")
    # "xn--" style labels go through IDNA in email_validator: leave them to it.
    return labels[-1] not in _SPECIAL_USE and not any(lab[2:4] == "--" for lab in labels)


def email_error(email: str) -> str | None:
    if plain_email(email):
        return None
    try:
        # No DNS: deliverability checks are slow, flaky offline and leak what we look up.
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"Not a valid email address: {exc}"
    return None


def phone_error(phone: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return "Not a phone number"
    if not phonenumbers.is_valid_number(parsed):
        return f"Not a valid phone number (for a number outside {region}, start with +)"
    return None


def validate_contact(data: ContactInput, sources: Collection[str], region: str, today: date,
                     previous: ContactInput | None = None, *, phone_checked: bool = False
                     ) -> list[FieldError]:
    """All problems with `data`. An email or phone left as it already was is not
    re-checked, so an old oddity never blocks correcting something else; nor is a phone
    the caller has already checked (`phone_checked`: an import parses each once)."""
    errors: list[FieldError] = []
    if not data.name:
        errors.append(FieldError("name", "A name is required"))
    for name, limit in MAX_LENGTH.items():
        value = getattr(data, name)
        if value is not None and len(value) > limit:
            errors.append(FieldError(name, f"Too long: at most {limit:,} characters"))
    if data.email and (previous is None or previous.email != data.email) and len(data.email) <= 320:
        reason = email_error(data.email)
        if reason:
            errors.append(FieldError("email", reason))
    if (data.phone and not phone_checked and (previous is None or previous.phone != data.phone)
            and len(data.phone) <= 40):
        reason = phone_error(data.phone, region)
        if reason:
            errors.append(FieldError("phone", reason))
    if data.status not in STATUSES:
        errors.append(FieldError("status", "Status must be enquirer, customer or former_customer"))
    if data.source not in sources:
        errors.append(FieldError("source", f"Unknown source; use one of: {', '.join(sources)}"))
    for name in ("first_contact", "customer_since", "ceased", "last_activity"):
        value = getattr(data, name)
        if value is not None and value > today:
            errors.append(FieldError(name, "Cannot be in the future"))
    if data.status == "former_customer" and data.ceased is None:
        errors.append(FieldError("ceased", "A former customer needs the date they ceased "
                                           "(the 7-year retention runs from it)"))
    if data.status == "enquirer" and (data.customer_since or data.ceased):
        errors.append(FieldError("status", "An enquirer has no customer dates; "
                                           "choose customer or former customer"))
    if data.customer_since and data.ceased and data.ceased < data.customer_since:
        errors.append(FieldError("ceased", "Cannot be before the customer-since date"))
    if data.legal_hold_until and not data.legal_hold_reason:
        errors.append(FieldError("legal_hold_reason", "Give the reason for the legal hold"))
    return errors
