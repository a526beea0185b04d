"""Optional password protection of a generated PDF: AES-256 via pypdf, in memory.

ReportLab's own encryption is RC4 by default and its AES-256 output is unreadable by
pypdf and poppler, so the PDF is built into a buffer and encrypted here; the
unprotected bytes never touch disk.
"""

from __future__ import annotations

import io
import secrets

from pypdf import PdfReader, PdfWriter

# No 0/O, 1/l/I: a password read out over the phone must not be misheard or mistyped.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MIN_PASSWORD = 8


class PasswordError(ValueError):
    pass


def strong_password(groups: int = 4, size: int = 5) -> str:
    """A random password in readable groups, e.g. 'k7Rmq-Tz4pA-...': 4 x 5 characters
    from 56 symbols is about 116 bits."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size))
                    for _ in range(groups))


def protect(pdf: bytes, user_password: str) -> bytes:
    """The same PDF encrypted with AES-256. The owner password is random, different from
    the user's, and thrown away: nobody can lift the restrictions with it."""
    if len(user_password) < MIN_PASSWORD:
        raise PasswordError(f"The password must have at least {MIN_PASSWORD} characters.")
    if any(ord(c) < 32 for c in user_password):
        raise PasswordError("The password must not contain control characters.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    owner = secrets.token_urlsafe(32)
    while owner == user_password:  # pragma: no cover - astronomically unlikely
        owner = secrets.token_urlsafe(32)
    writer.encrypt(user_password, owner_password=owner, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
