"""Import contacts from CSV: preview with a column mapping, validate every row, then
commit all-or-nothing in one transaction (or only the valid rows, when asked).

Long files report progress and can be cancelled; a cancel or any failure rolls the whole
transaction back, so an import never half-happens.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from privdesk.domain import identity
from privdesk.domain.contact_csv import (
    CsvError,
    CsvTable,
    guess_mapping,
    neutralise,
    parse_table,
)
from privdesk.domain.contact_records import EDITABLE_FIELDS, ContactInput
from privdesk.domain.contact_rows import RowRules, row_to_input
from privdesk.services.authz import Permission
from privdesk.services.contact_fields import apply_identity_fields
from privdesk.services.context import ServiceContext
from privdesk.services.duplicates import find_duplicates
from privdesk.services.retention_fields import apply_retention_fields
from privdesk.services.settings import SettingsService
from privdesk.services.suppression import SuppressionList
from privdesk.store.models import Contact, ContactChange

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Suppressed = Callable[[str | None, str | None], bool]
BATCH = 500


class ImportCancelled(Exception):
    """The officer cancelled; nothing was written."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class ImportDuplicate:
    line: int
    other: str  # "contact #12" or "line 7"
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "other": self.other, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ImportPreview:
    encoding: str
    headers: tuple[str, ...]
    mapping: Mapping[int, str]
    sample: tuple[tuple[str, ...], ...]
    rows: int


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

    def as_json(self) -> dict[str, object]:
        return {"imported": self.imported, "rejected": self.rejected,
                "errors": [e.as_json() for e in self.errors],
                "duplicates": [d.as_json() for d in self.duplicates],
                "suppressed": [{"line": n, "reason": "on the suppression list"}
                               for n in self.suppressed],
                "committed": self.committed, "rows": self.total_rows,
                "encoding": self.encoding, "warnings": list(self.warnings)}


@dataclass
class _Checked:
    table: CsvTable
    inputs: list[tuple[int, ContactInput]]
    errors: list[RowError]
    duplicates: list[ImportDuplicate]
    warnings: list[str]


class ContactImportService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService | None = None) -> None:
        self._ctx = ctx
        self._settings = settings or SettingsService(ctx)

    def preview(self, data: bytes, sample: int = 20) -> ImportPreview:
        """The first rows and the guessed mapping; raises CsvError for an unreadable file."""
        table = parse_table(data)
        return ImportPreview(table.encoding, tuple(table.headers), guess_mapping(table.headers),
                             tuple(tuple(cells) for _, cells in table.rows[:sample]),
                             len(table.rows))

    def validate(self, data: bytes, mapping: Mapping[int, str] | None = None,
                 default_source: str | None = None, progress: Progress | None = None,
                 cancel: Cancelled | None = None) -> ImportResult:
        """Check every row and report, writing nothing."""
        checked = self._check(data, mapping, default_source, progress, cancel, total_factor=1)
        return self._result(checked, imported=0, committed=False, suppressed=())

    def run(self, data: bytes, mapping: Mapping[int, str] | None = None,
            skip_invalid: bool = False, default_source: str | None = None,
            is_suppressed: Suppressed | None = None, progress: Progress | None = None,
            cancel: Cancelled | None = None) -> ImportResult:
        """Import. Without skip_invalid, any invalid row means nothing is written."""
        self._ctx.require(Permission.IMPORT, "contacts.import", "contact")
        checked = self._check(data, mapping, default_source, progress, cancel, total_factor=2)
        if checked.errors and not skip_invalid or not checked.inputs:
            return self._result(checked, imported=0, committed=False, suppressed=())
        if is_suppressed is None:
            # The store's own suppression list, read once for the whole file: an erased
            # or objecting person is never silently added back (RULES.md).
            flags = SuppressionList(self._ctx).check_many(
                [(d.email, d.phone) for _line, d in checked.inputs])
        else:
            flags = [is_suppressed(d.email, d.phone) for _line, d in checked.inputs]
        suppressed = tuple(line for (line, _d), flag in zip(checked.inputs, flags, strict=True)
                           if flag)
        keep = [(line, d) for line, d in checked.inputs if line not in set(suppressed)]
        region = self._region()
        total = 2 * len(checked.table.rows)
        offset = len(checked.table.rows)
        with self._ctx.store.session() as s:
            for n, (_line, d) in enumerate(keep, 1):
                self._insert(s, d, region)
                if n % BATCH == 0:
                    s.flush()
                    if cancel is not None and cancel():
                        raise ImportCancelled()  # the session rolls everything back
                    if progress is not None:
                        progress(offset + n * offset // max(1, len(keep)), total)
            self._ctx.record(s, "contacts.import", "contact", None,
                             detail=f"imported {len(keep)}, rejected "
                                    f"{len({e.line for e in checked.errors})}, "
                                    f"suppressed {len(suppressed)}")
        if progress is not None:
            progress(total, total)
        return self._result(checked, imported=len(keep), committed=True, suppressed=suppressed)

    # -- internals ---------------------------------------------------------------------
    def _region(self) -> str:
        return str(self._settings.get("phone_region") or "GB")

    def _insert(self, s: Session, d: ContactInput, region: str) -> None:
        now, today = self._ctx.now(), self._ctx.today()
        contact = Contact(**{f: getattr(d, f) for f in EDITABLE_FIELDS}, created_at=now,
                          updated_at=now, opt_out_on=today if d.marketing_opt_out else None)
        apply_identity_fields(contact, region)
        apply_retention_fields(self._ctx.policy, contact)
        contact.history.append(ContactChange(field="created", old_value=None,
                                             new_value="imported from CSV",
                                             officer=self._ctx.actor.name, changed_at=now))
        s.add(contact)

    def _check(self, data: bytes, mapping: Mapping[int, str] | None, default_source: str | None,
               progress: Progress | None, cancel: Cancelled | None,
               total_factor: int) -> _Checked:
        try:
            table = parse_table(data)
        except CsvError as exc:  # reported like any other error: line, field, reason
            checked = _Checked(CsvTable("", [], []), [], [], [], [])
            checked.errors.append(RowError(exc.line, "file", exc.reason))
            return checked
        mapping = dict(guess_mapping(table.headers) if mapping is None else mapping)
        checked = _Checked(table, [], [], [], [])
        targets = set(mapping.values())
        if not table.headers:
            checked.errors.append(RowError(1, "header", "The file is empty: no header row"))
            return checked
        if "name" not in targets and not targets & {"first_name", "last_name"}:
            checked.errors.append(RowError(1, "header", "No name column: add a 'name' column "
                                                        "(or 'First Name' and 'Last Name')"))
            return checked
        unmapped = [h for i, h in enumerate(table.headers) if i not in mapping and h]
        if unmapped:
            checked.warnings.append(f"Columns not imported: {', '.join(unmapped)[:300]}")
        region = self._region()
        rules = RowRules({s.key: s.label for s in self._ctx.policy.sources}, region,
                         self._ctx.today(), default_source)
        seen_email: dict[str, int] = {}
        seen_phone: dict[str, int] = {}
        total = total_factor * len(table.rows)
        with self._ctx.store.session() as s:
            for n, (line, cells) in enumerate(table.rows, 1):
                data_in, errors = row_to_input(cells, mapping, rules)
                checked.errors += [RowError(line, e.field, e.reason) for e in errors]
                if data_in is not None:
                    checked.inputs.append((line, data_in))
                    self._duplicates(s, checked, line, data_in, region, seen_email, seen_phone)
                if n % BATCH == 0:
                    if cancel is not None and cancel():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(n, total)
        if progress is not None:
            progress(len(table.rows), total)
        return checked

    @staticmethod
    def _duplicates(s: Session, checked: _Checked, line: int, d: ContactInput, region: str,
                    seen_email: dict[str, int], seen_phone: dict[str, int]) -> None:
        for cand in find_duplicates(s, d, region):
            checked.duplicates.append(ImportDuplicate(line, f"contact #{cand.id}", cand.reasons))
        for key, seen, reason in ((identity.normalise_email(d.email), seen_email, "same email"),
                                  (identity.normalise_phone(d.phone, region), seen_phone,
                                   "same phone")):
            if key is None:
                continue
            if key in seen:
                checked.duplicates.append(ImportDuplicate(line, f"line {seen[key]}", (reason,)))
            else:
                seen[key] = line

    @staticmethod
    def _result(checked: _Checked, imported: int, committed: bool,
                suppressed: tuple[int, ...]) -> ImportResult:
        return ImportResult(
            total_rows=len(checked.table.rows), imported=imported,
            rejected=len({e.line for e in checked.errors if e.field != "header"}) or (
                len(checked.table.rows) if checked.errors else 0),
            errors=tuple(checked.errors), duplicates=tuple(checked.duplicates),
            suppressed=suppressed, committed=committed, encoding=checked.table.encoding,
            valid=len(checked.inputs), warnings=tuple(checked.warnings))


def write_report(path: Path, result: ImportResult) -> None:
    """The validation report as CSV (line, field, reason), formula-safe."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "field", "reason"])
        for e in result.errors:
            writer.writerow([e.line, neutralise(e.field), neutralise(e.reason)])
        for d in result.duplicates:
            writer.writerow([d.line, "duplicate", neutralise(f"looks like {d.other} "
                                                             f"({', '.join(d.reasons)})")])
        for line in result.suppressed:
            writer.writerow([line, "suppressed", "on the suppression list: not imported"])
