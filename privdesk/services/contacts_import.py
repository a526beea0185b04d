"""Import contacts from CSV or vCard: preview with the detected encoding and a column
mapping, validate every row and every source/status value, then commit in one
transaction: all-or-nothing, or only the valid rows when asked.

People already in the register (same email or phone) are skipped, filled in, or
imported as new, as the officer chooses; an objection in the file is recorded on them
whatever the choice, and never cleared. Long files report progress and can be
cancelled; a cancel or any failure rolls the whole transaction back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from privdesk.domain import identity
from privdesk.domain.contact_csv import EncodingUncertain, parse_table, parse_text
from privdesk.domain.contact_encoding import detect, non_ascii_samples
from privdesk.domain.contact_headers import guess_mapping, recognise, unread_opt_out_columns
from privdesk.domain.contact_values import value_key
from privdesk.domain.spreadsheet import SafeCsvWriter
from privdesk.services.authz import Permission
from privdesk.services.contacts_import_check import (
    BATCH,
    Cancelled,
    Checked,
    ImportCancelled,
    ImportOptions,
    Progress,
    RowError,
    ValueChoice,
    check_rows,
    prepare,
    rules_for,
    within_file_duplicates,
)
from privdesk.services.contacts_import_match import Existing, existing_matches, similar_names
from privdesk.services.contacts_import_write import (
    NewRow,
    insert_contacts,
    remember_maps,
    remembered_maps,
    update_existing,
)
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.settings import SettingsService
from privdesk.services.suppression import SuppressionList

__all__ = ["ContactImportService", "ImportCancelled", "ImportOptions", "ImportPreview",
           "ImportResult", "RowError", "ValueChoice", "write_report"]
Suppressed = Callable[[str | None, str | None], bool]
ON_EXISTING = ("skip", "fill", "new")


@dataclass(frozen=True)
class ImportDuplicate:
    line: int
    other: str  # "contact #12" or "line 7"
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "other": self.other, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ImportMatch:
    line: int
    contact_id: int
    reason: str
    action: str  # skipped / filled / imported as new / objection recorded

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "contact": self.contact_id, "reason": self.reason,
                "action": self.action}


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


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value[:10])


class ContactImportService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService | None = None) -> None:
        self._ctx = ctx
        self._settings = settings or SettingsService(ctx)

    def preview(self, data: bytes, sample: int = 20, encoding: str | None = None) -> ImportPreview:
        """The first rows, the guessed mapping and the encoding reading to check. An
        uncertain encoding previews its best reading and says so; raises CsvError only
        for a file that cannot be read at all."""
        certain, guess = True, None
        options: tuple[str, ...] = ()
        try:
            table = parse_table(data, encoding)
        except EncodingUncertain as exc:
            certain = False
            options = tuple(r.encoding for r in exc.detection.readings[:5])
            guess = exc.detection.guess
            if not exc.detection.readings:
                raise
            best = exc.detection.readings[0]
            table = parse_text(best.text, best.encoding)
        if certain and encoding is None:
            detection = detect(data)
            guess = detection.guess
            options = tuple(r.encoding for r in detection.readings if r.marks == 0)[:5]
        mapping = guess_mapping(table.headers)
        text = "\n".join(" ".join(cells) for _line, cells in table.rows[:2000])
        return ImportPreview(table.encoding, tuple(table.headers), mapping,
                             tuple(tuple(cells) for _, cells in table.rows[:sample]),
                             len(table.rows), certain, options or (table.encoding,), guess,
                             non_ascii_samples(text), "vCard" if table.kind == "vcard"
                             else recognise(table.headers), table.notes,
                             tuple(unread_opt_out_columns(table.headers, dict(mapping))))

    def validate(self, data: bytes, mapping: Mapping[int, str] | None = None,
                 default_source: str | None = None, progress: Progress | None = None,
                 cancel: Cancelled | None = None, **options: object) -> ImportResult:
        """Check every row and report, writing nothing."""
        opts = ImportOptions(mapping, default_source, **options)  # type: ignore[arg-type]
        checked, dups, matches = self._check(data, opts, progress, cancel, 1)
        return self._result(checked, dups, matches, opts)

    def run(self, data: bytes, mapping: Mapping[int, str] | None = None,
            skip_invalid: bool = False, default_source: str | None = None,
            is_suppressed: Suppressed | None = None, progress: Progress | None = None,
            cancel: Cancelled | None = None, **options: object) -> ImportResult:
        """Import. Without skip_invalid, any invalid row means nothing is written; a
        blocker (encoding, date order, an unread opt-out column) always does."""
        self._ctx.require(Permission.IMPORT, "contacts.import", "contact")
        opts = ImportOptions(mapping, default_source, **options)  # type: ignore[arg-type]
        if opts.on_existing not in ON_EXISTING:
            raise ValueError(f"on_existing must be one of {', '.join(ON_EXISTING)}")
        checked, dups, matches = self._check(data, opts, progress, cancel, 2)
        if checked.blocked or (checked.errors and not skip_invalid) or not checked.inputs:
            return self._result(checked, dups, matches, opts)
        people = [(d.email, d.phone) for _l, d, _x in checked.inputs]
        suppression = SuppressionList(self._ctx)
        flags = (suppression.check_many(people) if is_suppressed is None
                 else [is_suppressed(e, p) for e, p in people])
        suppressed = {line for (line, _d, _x), f in zip(checked.inputs, flags, strict=True) if f}
        # Every objection in the file goes on the suppression list too (as a recorded
        # opt-out does), so that no later import or edit can open them to marketing.
        objecting = suppression.digests_many(
            [(d.email, d.phone) for line, d, _x in checked.inputs
             if d.marketing_opt_out and line not in suppressed])
        region, officer = self._region(), self._ctx.actor.name
        now, specs = self._ctx.now(), retention_specs(self._ctx.policy)
        total, offset = 2 * checked.total, checked.total
        new: list[NewRow] = []
        done: list[ImportMatch] = []
        imported = updated = 0
        with self._ctx.store.session() as s:
            for n, (line, d, extras) in enumerate(checked.inputs, 1):
                row = NewRow(d, extras.opt_out_on, extras.norm_phone, extras.phone_forms)
                match = matches.get(line)
                if line in suppressed:
                    pass
                elif match is None or opts.on_existing == "new":
                    if match is not None and match.opted_out and not d.marketing_opt_out:
                        # The same person objected before: a second record of them must
                        # not be open to marketing.
                        row = replace(row, data=replace(d, marketing_opt_out=True),
                                      opt_out_on=_date(match.opt_out_on))
                    new.append(row)
                    if match is not None:
                        done.append(ImportMatch(line, match.id, match.reason, "imported as new"))
                else:
                    fields = update_existing(s, match.id, row, opts.on_existing == "fill",
                                             region, self._ctx.policy, officer, now)
                    updated += bool(fields)
                    action = ("objection recorded" if fields == ["marketing_opt_out"] else
                              "filled: " + ", ".join(fields) if fields else "skipped")
                    done.append(ImportMatch(line, match.id, match.reason, action))
                if len(new) >= BATCH or n == len(checked.inputs):
                    imported += insert_contacts(s, new, specs, officer, now)
                    new = []
                    if cancel is not None and cancel():
                        raise ImportCancelled()  # the session rolls everything back
                    if progress is not None:
                        progress(offset + n * offset // len(checked.inputs), total)
            SuppressionList.add_many_in(s, objecting, "objection", self._ctx.today())
            remember_maps(s, self._chosen(opts))
            self._ctx.record(s, "contacts.import", "contact", None,
                             detail=f"imported {imported}, updated {updated}, rejected "
                                    f"{len({e.line for e in checked.errors})}, "
                                    f"suppressed {len(suppressed)}")
        if progress is not None:
            progress(total, total)
        return replace(self._result(checked, dups, {}, opts), imported=imported, updated=updated,
                       committed=True, suppressed=tuple(sorted(suppressed)),
                       matched=tuple(done))

    # -- internals ---------------------------------------------------------------------
    def _region(self) -> str:
        return str(self._settings.get("phone_region") or "GB")

    @staticmethod
    def _chosen(opts: ImportOptions) -> dict[str, dict[str, str]]:
        return {"source": {value_key(k): v for k, v in opts.source_map.items()},
                "status": {value_key(k): v for k, v in opts.status_map.items()}}

    def _check(self, data: bytes, opts: ImportOptions, progress: Progress | None,
               cancel: Cancelled | None, factor: int
               ) -> tuple[Checked, list[ImportDuplicate], dict[int, Existing]]:
        checked = prepare(data, opts)
        if checked.blocked:
            return checked, [], {}
        region = self._region()
        with self._ctx.store.session() as s:
            remembered = remembered_maps(s)
        sources = {src.key: src.label for src in self._ctx.policy.sources}
        rules = rules_for(opts, checked, sources, region, self._ctx.today(), remembered)
        check_rows(checked, rules, progress, cancel, factor * checked.total)
        dups = [ImportDuplicate(line, f"line {other}", (reason,))
                for line, other, reason in within_file_duplicates(checked)]
        matches: dict[int, Existing] = {}
        rows = checked.inputs
        with self._ctx.store.session() as s:
            for start in range(0, len(rows), BATCH * 5):
                chunk = rows[start:start + BATCH * 5]
                keys = [(line, identity.normalise_email(d.email), x.norm_phone)
                        for line, d, x in chunk]
                for line, found in existing_matches(s, keys).items():
                    matches[line] = found
                    dups.append(ImportDuplicate(line, f"contact #{found.id}", (found.reason,)))
                for line, ids in similar_names(s, [(line, d) for line, d, _x in chunk]).items():
                    dups += [ImportDuplicate(line, f"contact #{i}",
                                             ("similar name at the same company",))
                             for i in ids if line not in matches or matches[line].id != i]
                if cancel is not None and cancel():
                    raise ImportCancelled()
        if progress is not None:
            progress(checked.total, factor * checked.total)
        dups.sort(key=lambda d: d.line)
        return checked, dups, matches

    @staticmethod
    def _result(checked: Checked, dups: list[ImportDuplicate],
                matches: Mapping[int, Existing], opts: ImportOptions) -> ImportResult:
        rows = checked.total
        file_level = checked.blocked
        action = {"skip": "will be skipped", "fill": "will be filled in",
                  "new": "will be imported as new"}[opts.on_existing]
        planned = tuple(ImportMatch(line, m.id, m.reason, action) for line, m in matches.items())
        return ImportResult(
            total_rows=rows, imported=0,
            rejected=rows if file_level else len({e.line for e in checked.errors}),
            errors=tuple(checked.errors), duplicates=tuple(dups), committed=False,
            encoding=checked.table.encoding, valid=0 if file_level else len(checked.inputs),
            warnings=tuple(checked.warnings), values=tuple(checked.values),
            matched=tuple(sorted(planned, key=lambda m: m.line)),
            objections=sum(1 for _l, d, _x in checked.inputs if d.marketing_opt_out),
            needs=tuple(dict.fromkeys(checked.needs)), date_order=checked.date_order,
            kind=checked.kind)


def write_report(path: Path, result: ImportResult) -> None:
    """The validation report as CSV (line, field, reason), formula-safe."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = SafeCsvWriter(fh)
        writer.row(["line", "field", "reason"])
        for e in result.errors:
            writer.row([e.line, e.field, e.reason])
        for d in result.duplicates:
            writer.row([d.line, "duplicate", f"looks like {d.other} ({', '.join(d.reasons)})"])
        for m in result.matched:
            writer.row([m.line, "already in the register",
                        f"contact #{m.contact_id} ({m.reason}): {m.action}"])
        for line in result.suppressed:
            writer.row([line, "suppressed", "on the suppression list: not imported"])
