"""An import's checked rows as flat named tuples of the values the register stores.

An import's worker processes check rows and send them back; the importing process
matches and writes them. Sent as dataclasses (a ContactInput and its extras, with date
objects), 100,000 rows took 0.5 s to pickle, 1.0 s to unpickle and 0.9 s to rebuild,
most of it in the importing process, which is the one with the writing to do. An
ImportRow holds plain strings, ISO dates and flags, as they go into SQLite, and the
derived columns (normalised email, folded name, search text, retention date) worked
out beside the checks: it unpickles in a fifth of the time and is written as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from privdesk.domain import identity
from privdesk.domain.contact_derived import derive
from privdesk.domain.contact_records import ContactInput
from privdesk.domain.contact_rows import RowRules, row_to_input
from privdesk.domain.contact_table import Row, RowsPiece, parsed


class ImportRow(NamedTuple):
    line: int
    errors: tuple[tuple[str, str], ...]  # (field, reason); the row is written only if none
    source_value: str  # as the file gives them, for the mapping report
    status_value: str
    # ContactInput's fields as stored (dates ISO, "" as None)
    name: str
    email: str | None
    phone: str | None
    company: str | None
    location: str | None
    status: str
    source: str
    first_contact: str | None
    customer_since: str | None
    ceased: str | None
    last_activity: str | None
    marketing_opt_out: bool
    notes: str | None
    opt_out_on: str | None
    norm_email: str | None
    norm_phone: str | None  # E.164
    norm_name: str  # folded
    # Only when the rules carry the retention specs (an import that writes):
    search_text: str | None = None
    retention_rule: str | None = None
    retention_due: str | None = None

    def as_input(self) -> ContactInput:
        """The row as a ContactInput (for the few rows that update a contact)."""
        return ContactInput(name=self.name, email=self.email, phone=self.phone,
                            company=self.company, location=self.location, status=self.status,
                            source=self.source, first_contact=day(self.first_contact),
                            customer_since=day(self.customer_since), ceased=day(self.ceased),
                            last_activity=day(self.last_activity),
                            marketing_opt_out=self.marketing_opt_out, notes=self.notes)


def day(value: str | None) -> date | None:
    """A stored ISO date back as a date."""
    return None if value is None else date.fromisoformat(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def import_row(line: int, cells: list[str], mapping: Mapping[int, str],
               rules: RowRules) -> ImportRow:
    data, errors, x = row_to_input(cells, mapping, rules)
    problems = tuple((e.field, e.reason) for e in errors)
    if data is None:
        return ImportRow(line, problems, x.source_value, x.status_value, "", None, None, None,
                         None, "enquirer", "", None, None, None, None, False, None, None, None,
                         None, "")
    extra: tuple[str | None, str | None, str | None] = (None, None, None)
    if rules.specs:
        d = derive(data, x.phone_forms, rules.specs)
        email, folded, extra = d.norm_email, d.norm_name, (d.search_text, d.rule_key, d.due)
    else:
        email, folded = identity.normalise_email(data.email), identity.fold(data.name)
    return ImportRow(line, problems, x.source_value, x.status_value, data.name, data.email,
                     data.phone, data.company, data.location, data.status, data.source,
                     _iso(data.first_contact), _iso(data.customer_since), _iso(data.ceased),
                     _iso(data.last_activity), data.marketing_opt_out, data.notes,
                     _iso(x.opt_out_on), email, x.norm_phone, folded, *extra)


def import_rows(work: RowsPiece | list[Row], mapping: Mapping[int, str],
                rules: RowRules) -> list[ImportRow]:
    """What a worker process runs on a chunk: parse its stretch of the file (when it is
    sent one) and check every row."""
    return [import_row(line, cells, mapping, rules) for line, cells in parsed(work)]
