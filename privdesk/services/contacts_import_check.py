"""Checking an import before anything is written: the file's blockers (encoding,
missing name column, an opt-out column nobody mapped, the date order), every row, the
source and status values and how each was mapped, and who is already in the register."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from privdesk.domain.contact_csv import CsvError, CsvTable, parse_table
from privdesk.domain.contact_headers import (
    guess_mapping,
    recognise,
    unread_opt_out_columns,
    whole_file_objection,
)
from privdesk.domain.contact_records import STATUSES
from privdesk.domain.contact_rows import DATE_FIELDS, RowRules
from privdesk.domain.contact_values import (
    AUTO_SOURCES,
    AUTO_STATUSES,
    map_value,
    value_key,
)
from privdesk.domain.import_rows import ImportRow
from privdesk.services.contacts_import_pool import RowChecker
from privdesk.services.errors import ServiceError

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
BATCH = 2000
EMAIL_WORDS = {"email", "e mail", "e-mail", "received by email", "by email"}
ORDER_WORDS = {"dmy": "day first (dd/mm/yyyy)", "mdy": "month first (mm/dd/yyyy)"}


class ImportCancelled(ServiceError):
    """The officer cancelled; nothing was written."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class ValueChoice:
    """A distinct source or status value of the file and what it maps to."""

    kind: str  # "source" / "status"
    value: str
    key: str | None
    how: str  # direct / chosen / remembered / auto / unmapped
    rows: int

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "value": self.value, "key": self.key, "how": self.how,
                "rows": self.rows}


@dataclass(frozen=True)
class ImportOptions:
    """What the officer decided for this file (dialog or command line)."""

    mapping: Mapping[int, str] | None = None
    default_source: str | None = None
    encoding: str | None = None
    date_order: str | None = None
    source_map: Mapping[str, str] = field(default_factory=dict)  # file value -> key
    status_map: Mapping[str, str] = field(default_factory=dict)
    on_existing: str = "skip"  # skip / fill / new


@dataclass
class Checked:
    table: CsvTable
    mapping: dict[int, str]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    values: list[ValueChoice] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    date_order: str | None = None
    kind: str | None = None
    objection_file: str | None = None
    total: int = 0  # rows in the file
    valid: int = 0  # rows that passed every check
    objections: int = 0  # valid rows objecting to marketing
    sources: Counter[str] = field(default_factory=Counter)  # file value -> rows
    statuses: Counter[str] = field(default_factory=Counter)
    no_email: int = 0  # valid rows whose source is "by email" but that give no address
    no_email_lines: list[int] = field(default_factory=list)  # the first ten of them

    @property
    def blocked(self) -> bool:
        return bool(self.needs) and set(self.needs) != {"values"}


def _folded(table: Mapping[str, str]) -> dict[str, str]:
    return {value_key(k): v for k, v in table.items()}


def _date_order(checked: Checked, given: str | None, checker: RowChecker) -> str | None:
    columns = [i for i, t in checked.mapping.items() if t in (*DATE_FIELDS, "opt_out_date")]
    if given is not None or not columns:
        return given
    dmy, mdy, ambiguous = checker.date_order_evidence(checked.table.rows, columns)
    if dmy and mdy:
        checked.errors.append(RowError(1, "date order", "The file mixes day-first and "
                                       "month-first dates: choose the order (--date-order "
                                       "dmy or mdy) and fix the rows that do not fit"))
        checked.needs.append("date_order")
        return None
    order = "dmy" if dmy else "mdy" if mdy else None
    if order is None and ambiguous:
        checked.errors.append(RowError(1, "date order", "Dates like 03/04/2024 could be "
                                       "3 April or 4 March: choose the file's date order "
                                       "(--date-order dmy or mdy)"))
        checked.needs.append("date_order")
    elif order is not None:
        checked.warnings.append(f"Dates read {ORDER_WORDS[order]}, as the file's own dates show.")
    return order


def prepare(data: bytes, options: ImportOptions, checker: RowChecker | None = None) -> Checked:
    """The table and its blockers; rows are not checked yet (the date-order pass on
    `checker`'s worker when it has one, else here)."""
    try:
        table = parse_table(data, options.encoding)
    except CsvError as exc:
        checked = Checked(CsvTable("", [], []), {})
        field_ = "encoding" if "encoding" in exc.reason or "garbled" in exc.reason else "file"
        checked.errors.append(RowError(exc.line, field_, exc.reason))
        checked.needs.append(field_)
        return checked
    mapping = dict(guess_mapping(table.headers) if options.mapping is None else options.mapping)
    checked = Checked(table, mapping, total=len(table.rows),
                      kind="vCard" if table.kind == "vcard" else recognise(table.headers),
                      objection_file=whole_file_objection(table.headers))
    checked.warnings += list(table.notes)
    targets = set(mapping.values())
    if not table.headers:
        checked.errors.append(RowError(1, "header", "The file is empty: no header row"))
        checked.needs.append("header")
        return checked
    if "name" not in targets and not targets & {"first_name", "last_name"}:
        checked.errors.append(RowError(1, "header", "No name column: add a 'name' column "
                                                    "(or 'First Name' and 'Last Name')"))
        checked.needs.append("header")
    for header in unread_opt_out_columns(table.headers, mapping):
        checked.errors.append(RowError(1, "header", f"Column {header[:60]!r} looks like a "
                                       "marketing opt-out that privdesk cannot read: map it "
                                       "to 'Marketing opt-out' (or its status or date), or "
                                       "ignore it on purpose"))
        checked.needs.append("columns")
    if checked.objection_file:
        checked.warnings.append(f"This is {checked.objection_file}: every row is recorded as "
                                "an objection to marketing.")
    unmapped = [h for i, h in enumerate(table.headers) if i not in mapping and h]
    if unmapped:
        checked.warnings.append(f"Columns not imported: {', '.join(unmapped)[:300]}")
    checked.date_order = _date_order(checked, options.date_order, checker or RowChecker(b""))
    return checked


def checked_chunks(checked: Checked, rules: RowRules, cancel: Cancelled | None,
                   checker: RowChecker) -> Iterator[tuple[list[ImportRow], int]]:
    """Every row checked, a chunk at a time: (the chunk's valid rows, rows done so
    far). Errors, source/status values and counts are gathered on `checked`; only the
    chunk in hand is held. Raises ImportCancelled."""
    done = 0
    stop = cancel or (lambda: False)
    by_email = email_sources(rules.sources)
    for chunk in checker.chunks(checked.table.rows, checked.mapping, rules, stop):
        valid: list[ImportRow] = []
        for row in chunk:
            if row.errors:
                checked.errors += [RowError(row.line, f, r) for f, r in row.errors]
            if row.source_value:
                checked.sources[row.source_value] += 1
            if row.status_value:
                checked.statuses[row.status_value] += 1
            if not row.errors:
                valid.append(row)
                checked.objections += row.marketing_opt_out
                if row.source in by_email and not row.email:
                    checked.no_email += 1
                    if len(checked.no_email_lines) < 10:
                        checked.no_email_lines.append(row.line)
        checked.valid += len(valid)
        done += len(chunk)
        if stop():
            raise ImportCancelled()
        yield valid, done
    if done < checked.total:  # the pool stopped early: cancelled
        raise ImportCancelled()


def email_sources(sources: Mapping[str, str]) -> set[str]:
    """The policy's source keys that mean "received by email" (key or label)."""
    return {k for k, label in sources.items()
            if value_key(k) in EMAIL_WORDS or value_key(label) in EMAIL_WORDS}


def report_values(checked: Checked, rules: RowRules) -> None:
    """The file's source and status values and how each was mapped, once every row is
    read; and rows that say they came by email but give no address, as a warning."""
    n = checked.no_email
    if n:
        lines = ", ".join(str(line) for line in checked.no_email_lines)
        more = f" and {n - 10:,} more" if n > 10 else ""
        checked.warnings.append(
            f"{n:,} row{'s say' if n != 1 else ' says'} the details came by email but "
            f"give{'' if n != 1 else 's'} no email address (line{'s' if n != 1 else ''} "
            f"{lines}{more}): imported as they are; check the source, or add the address "
            "so that a request from them can be matched.")
    direct_sources = rules.direct_sources()
    for value, count in checked.sources.items():
        key, how = map_value(value, direct_sources, rules.source_map, rules.remembered_sources,
                             AUTO_SOURCES)
        checked.values.append(ValueChoice("source", value, key, how, count))
    for value, count in checked.statuses.items():
        key, how = map_value(value, {s: s for s in STATUSES}, rules.status_map,
                             rules.remembered_statuses, AUTO_STATUSES)
        checked.values.append(ValueChoice("status", value, key, how, count))
    if any(v.key is None for v in checked.values):
        checked.needs.append("values")


def rules_for(options: ImportOptions, checked: Checked, sources: Mapping[str, str],
              region: str, today: object, remembered: Mapping[str, Mapping[str, str]]
              ) -> RowRules:
    return RowRules(sources, region, today, options.default_source,  # type: ignore[arg-type]
                    _folded(options.source_map), _folded(options.status_map),
                    remembered.get("source", {}), remembered.get("status", {}),
                    checked.date_order, checked.objection_file is not None)
