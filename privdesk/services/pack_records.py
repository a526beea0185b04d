"""Frozen records the pack, letter and mail services return to the faces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from privdesk.services.errors import ServiceError


class PackError(ServiceError, ValueError):
    """Bad input for a pack, letter or email, in plain words for the officer."""


@dataclass(frozen=True)
class PackItem:
    """One item of data held, as the preview dialog lists it."""

    ref: str
    section: str
    label: str
    text: str  # the item's content, shown to the officer (never to the audit)
    action: str | None  # None, "redact" or "exclude"
    reason: str | None
    follows: str | None = None  # redacted because it repeats this (marked) item

    def as_json(self) -> dict[str, object]:
        return {"ref": self.ref, "section": self.section, "label": self.label,
                "text": self.text, "action": self.action, "reason": self.reason,
                "follows": self.follows}


@dataclass(frozen=True)
class RedactionRecord:
    id: int
    item_ref: str
    action: str
    reason: str
    officer: str
    at: datetime


@dataclass(frozen=True)
class StoredDocument:
    id: int
    request_reference: str | None
    kind: str
    filename: str
    mime: str
    sha256: str
    size: int
    pages: int | None
    protected: bool
    author: str
    created_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "reference": self.request_reference, "kind": self.kind,
                "filename": self.filename, "sha256": self.sha256, "size": self.size,
                "pages": self.pages, "protected": self.protected, "author": self.author,
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class BuiltDocument:
    """A document just made: its stored record and its bytes (kept only in memory)."""

    document: StoredDocument
    content: bytes
    warnings: tuple[str, ...] = ()  # what the officer must know before sending it


@dataclass(frozen=True)
class PreparedPack:
    """A pack built and checked but not yet kept: kept (stored, on the timeline) only
    once it has gone out, so a failed send records nothing."""

    reference: str
    filename: str
    content: bytes
    pages: int
    protected: bool
