"""The frozen input of a subject-access pack. Services build it from the store; the
report layer only lays it out (it never imports the store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from privdesk.policy import Policy


@dataclass(frozen=True)
class PackRow:
    """One item of data held. `ref` names it for redaction, e.g. "interaction:42"."""

    ref: str
    cells: tuple[str, ...]
    redacted: bool = False


@dataclass(frozen=True)
class PackTable:
    key: str  # contact / interactions / disclosures / history / requests
    title: str
    intro: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # fractions of the text width
    rows: tuple[PackRow, ...]
    empty_text: str = "We hold no records of this kind about you."


@dataclass(frozen=True)
class RedactionEntry:
    item: str  # what was withheld, described without the withheld content
    action: str  # redact / exclude
    reason: str
    officer: str
    at: datetime


@dataclass(frozen=True)
class PackInput:
    policy: Policy
    reference: str
    request_type: str
    received_on: date
    issued_on: date
    officer: str
    requester_name: str
    requester_address: tuple[str, ...]
    tables: tuple[PackTable, ...]
    sources: tuple[str, ...]  # labels of where THIS person's data came from
    retention: tuple[str, ...]  # the retention rules that apply to this person
    redactions: tuple[RedactionEntry, ...] = ()
    include_schedule: bool = True
    protected: bool = False
    id_received_on: date | None = None
    extended_on: date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
