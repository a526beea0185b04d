"""What the Contacts table shows for one contact, worked out once per row when the row
arrives (on the worker thread), so that painting is dictionary and tuple lookups: Qt
asks data() about seven roles for every visible cell on every paint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from privdesk.domain.contact_records import STATUS_LABELS, ContactRow
from privdesk.domain.dates import short_date
from privdesk.domain.display import without_bidi_controls

(COL_NAME, COL_EMAIL, COL_PHONE, COL_COMPANY, COL_LOCATION, COL_STATUS, COL_SOURCE,
 COL_LAST_ACTIVITY, COL_OPT_OUT, COL_RETENTION_DUE) = range(10)
OPTED_OUT = "Opted out"
MAX_CELL = 200  # a 10,000-character name is shown cut, with the whole in the tooltip


def format_date(d: date | None) -> str:
    return short_date(d)


class Line:
    """One contact as the table shows it: the record, each column's full text, and the
    text painted (cut at MAX_CELL)."""

    __slots__ = ("record", "full", "shown", "opted_out", "due", "styled")

    def __init__(self, record: ContactRow, full: tuple[str, ...]) -> None:
        self.record = record
        self.full = full
        self.shown = tuple(t if len(t) <= MAX_CELL else t[:MAX_CELL] + "…" for t in full)
        self.opted_out = record.marketing_opt_out
        self.due = record.retention_due
        self.styled = self.opted_out or self.due is not None  # any colour, swatch or bold


def texts(r: ContactRow, source_label: Callable[[str], str]) -> tuple[str, ...]:
    """Every column's text for one contact, in column order."""
    return (
        without_bidi_controls(r.name),
        without_bidi_controls(r.email or ""),
        without_bidi_controls(r.phone or ""),
        without_bidi_controls(r.company or ""),
        without_bidi_controls(r.location or ""),
        STATUS_LABELS.get(r.status, r.status),
        source_label(r.source),
        format_date(r.last_activity),
        OPTED_OUT if r.marketing_opt_out else "",
        format_date(r.retention_due) if r.retention_due else (
            "While customer" if r.status == "customer" else ""),
    )


def lines_for(ids: list[int], rows: list[ContactRow],
              source_label: Callable[[str], str]) -> list[Line | None]:
    """Lines aligned with ids (None where a contact vanished since its id was listed)."""
    by_id = {r.id: r for r in rows}
    out: list[Line | None] = []
    for cid in ids:
        r = by_id.get(cid)
        out.append(Line(r, texts(r, source_label)) if r is not None else None)
    return out
