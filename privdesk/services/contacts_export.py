"""Export the register to CSV: our import columns (so an export imports back) plus the
derived retention columns. Every cell is neutralised against formula injection.
`ContactExport` is the use case; ContactService.export_csv offers it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from privdesk.domain.contact_csv import COLUMNS
from privdesk.domain.contact_records import ContactQuery
from privdesk.domain.spreadsheet import SafeCsvWriter
from privdesk.services.authz import Permission
from privdesk.services.contacts_search import filter_clauses, matching_ids, sort_keys
from privdesk.services.context import ServiceContext
from privdesk.services.files import atomic_text

EXTRA = ("opt_out_on", "legal_hold_reason", "legal_hold_until", "retention_rule",
         "retention_due")
EXPORT_COLUMNS = ("id", *COLUMNS, *EXTRA)


class ContactExport:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def write_csv(self, path: Path, query: ContactQuery, region: str) -> int:
        """Write the register (or the part `query` matches) to CSV; returns the rows written."""
        self._ctx.require(Permission.EXPORT, "contacts.export", "contact")
        with self._ctx.store.session() as s:
            count = _write(s, path, query, region)
            self._ctx.record(s, "contacts.export", "contact", None, detail=f"rows {count}")
        return count


def _write(s: Session, path: Path, query: ContactQuery, region: str) -> int:
    # An export takes every match, not the first CAP the screen shows.
    matches = matching_ids(query, region, cap=None, dialect=s.get_bind().dialect.name)
    clauses, params = filter_clauses(query)
    if matches is not None:
        clauses, params = [f"c.id IN ({matches[0]})"], matches[1]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    cols = ", ".join(f"c.{c}" for c in EXPORT_COLUMNS)
    order = ", ".join(sort_keys(query, unsorted="c.name"))
    result = s.execute(text(f"SELECT {cols} FROM contacts c {where} ORDER BY {order}"),
                       params)
    count = 0
    opt_out = EXPORT_COLUMNS.index("marketing_opt_out")
    # utf-8-sig: Excel only reads UTF-8 correctly when the file starts with a BOM. Written
    # private (0600) under a temporary name, renamed only when complete (services.files).
    with atomic_text(path, "utf-8-sig") as fh:
        writer = SafeCsvWriter(fh)
        writer.row(EXPORT_COLUMNS)
        for row in result:
            cells = list(row)
            cells[opt_out] = bool(row[opt_out])  # stored 0/1: written yes/no
            writer.row(cells)
            count += 1
    return count
