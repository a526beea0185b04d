"""What an import tells the officer: the preview of a file before it is read in full,
the result of a validation or an import, and that result as a report they can save
(CSV, formula-safe)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from privdesk.domain.display import plural
from privdesk.domain.spreadsheet import SafeCsvWriter
from privdesk.services.contacts_import_check import RowError, ValueChoice
from privdesk.services.contacts_import_run import ImportDuplicate, ImportMatch


@dataclass(frozen=True)
class ImportPreview:
    encoding: str
    headers: tuple[str, ...]
    mapping: Mapping[int, str]
    sample: tuple[tuple[str, ...], ...]
    rows: int
    encoding_certain: bool = True
    encodings: tuple[str, ...] = ()  # readings to offer, best first
    encoding_guess: str | None = None  # charset-normalizer's, shown not trusted
    letters: tuple[str, ...] = ()  # words with non-ASCII letters, for the officer to check
    kind: str | None = None
    notes: tuple[str, ...] = ()
    opt_out_columns: tuple[str, ...] = ()  # opt-out-looking columns nobody mapped yet


@dataclass(frozen=True)
class ImportResult:
    total_rows: int
    imported: int
    rejected: int
    errors: tuple[RowError, ...] = ()
    duplicates: tuple[ImportDuplicate, ...] = ()
    suppressed: tuple[int, ...] = ()
    committed: bool = False
    encoding: str = ""
    valid: int = 0
    warnings: tuple[str, ...] = field(default=())
    values: tuple[ValueChoice, ...] = ()
    matched: tuple[ImportMatch, ...] = ()
    updated: int = 0
    objections: int = 0
    needs: tuple[str, ...] = ()
    date_order: str | None = None
    kind: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"imported": self.imported, "rejected": self.rejected,
                "errors": [e.as_json() for e in self.errors],
                "duplicates": [d.as_json() for d in self.duplicates],
                "suppressed": [{"line": n, "reason": "on the suppression list"}
                               for n in self.suppressed],
                "committed": self.committed, "rows": self.total_rows,
                "encoding": self.encoding, "warnings": list(self.warnings),
                "values": [v.as_json() for v in self.values],
                "matched": [m.as_json() for m in self.matched], "updated": self.updated,
                "objections": self.objections, "needs": list(self.needs),
                "date_order": self.date_order, "format": self.kind}


def summary_rows(result: ImportResult) -> list[tuple[str, str, str]]:
    """After a committed import, what it did, as report rows with no line number: so a
    clean import (no row to report) still leaves a record the officer can save."""
    if not result.committed:
        return []
    n, total = result.imported, result.total_rows
    rows = [("", "summary", f"imported {n:,} of {plural(total, 'row')}")]
    if result.updated:
        rows.append(("", "summary", f"updated {result.updated:,} already in the register"))
    if result.rejected:
        rows.append(("", "summary", f"skipped {plural(result.rejected, 'invalid row')}"))
    if result.objections:
        rows.append(("", "summary",
                     f"recorded {plural(result.objections, 'objection')} to marketing"))
    # What the officer was told about the whole file (how its dates were read, columns
    # left out, a check that could not run) belongs in the record of the import too.
    rows += [("", "note", warning) for warning in result.warnings]
    return rows


def write_report(path: Path, result: ImportResult) -> None:
    """The import report as CSV (line, field, reason), formula-safe: after a committed
    import its summary first, then the rows with errors or notes."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = SafeCsvWriter(fh)
        writer.row(["line", "field", "reason"])
        for summary in summary_rows(result):
            writer.row(list(summary))
        for e in result.errors:
            writer.row([e.line, e.field, e.reason])
        for d in result.duplicates:
            writer.row([d.line, "duplicate", f"looks like {d.other} ({', '.join(d.reasons)})"])
        for m in result.matched:
            writer.row([m.line, "already in the register",
                        f"contact #{m.contact_id} ({m.reason}): {m.action}"])
        for line in result.suppressed:
            writer.row([line, "suppressed", "on the suppression list: not imported"])
