"""Import contacts from CSV or vCard: preview with the detected encoding and a column
mapping, validate every row and every source/status value, then commit in one
transaction: all-or-nothing, or only the valid rows when asked.

People already in the register (same email or phone) are skipped, filled in, or
imported as new, as the officer chooses; an objection in the file is recorded on them
whatever the choice, and never cleared. Long files report progress and can be
cancelled; a cancel or any failure rolls the whole transaction back.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from privdesk.domain.contact_csv import EncodingUncertain, parse_reading, parse_table
from privdesk.domain.contact_encoding import detect, non_ascii_samples
from privdesk.domain.contact_headers import guess_mapping, recognise, unread_opt_out_columns
from privdesk.domain.contact_rows import RowRules
from privdesk.domain.contact_values import value_key
from privdesk.services.authz import Permission
from privdesk.services.contacts_import_check import (
    Cancelled,
    Checked,
    ImportCancelled,
    ImportOptions,
    Progress,
    RowError,
    ValueChoice,
    checked_chunks,
    prepare,
    report_values,
    rules_for,
)
from privdesk.services.contacts_import_match import Existing
from privdesk.services.contacts_import_pool import PARALLEL_MAX, RowChecker
from privdesk.services.contacts_import_result import (
    ImportPreview,
    ImportResult,
    summary_rows,
    write_report,
)
from privdesk.services.contacts_import_run import ImportDuplicate, ImportMatch, ImportPass, Writing
from privdesk.services.contacts_import_write import (
    SearchIndexAside,
    index_cache,
    remember_maps,
    remembered_maps,
)
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.errors import ServiceError
from privdesk.services.settings import SettingsService
from privdesk.services.suppression import SuppressionList
from privdesk.services.team import tidy_search_windows

__all__ = ["ContactImportService", "ImportCancelled", "ImportDuplicate", "ImportMatch",
           "ImportOptions", "ImportPreview", "ImportResult", "RowError", "ValueChoice",
           "summary_rows", "write_report"]
Suppressed = Callable[[str | None, str | None], bool]
ON_EXISTING = ("skip", "fill", "new")


class _NothingWritten(ServiceError):
    """Raised inside the import's session to roll it back (a row failed); never
    leaves run()."""


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
        # Detected once, for the table and for the choices shown (~1.3 s at 1,000,000
        # rows in a code page; it ran twice).
        detection = detect(data) if encoding is None else None
        try:
            table = parse_table(data, encoding, detection)
        except EncodingUncertain as exc:
            certain = False
            options = tuple(r.encoding for r in exc.detection.readings[:5])
            guess = exc.detection.guess
            if not exc.detection.readings:
                raise
            best = exc.detection.readings[0]
            table = parse_reading(data, best)  # from the bytes: not the whole text
        if certain and detection is not None:
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
        with RowChecker(data) as checker:
            checked = prepare(data, opts, checker)
            if checked.blocked:
                return self._result(checked, [], {}, opts)
            rules = self._rules(opts, checked)
            with self._ctx.store.session() as s:
                scan = ImportPass(s, None)
                self._stream(checked, rules, scan, lambda: False, progress, cancel, checker)
        return self._result(checked, scan.report(), scan.matches, opts)

    def run(self, data: bytes, mapping: Mapping[int, str] | None = None,
            skip_invalid: bool = False, default_source: str | None = None,
            is_suppressed: Suppressed | None = None, progress: Progress | None = None,
            cancel: Cancelled | None = None, **options: object) -> ImportResult:
        """Import, streamed: each chunk of rows is checked, matched and written in the
        one transaction before the next is read. Without skip_invalid, any invalid row
        means the transaction is rolled back and nothing is written; a blocker
        (encoding, date order, an unread opt-out column) always does."""
        self._ctx.require(Permission.IMPORT, "contacts.import", "contact")
        opts = ImportOptions(mapping, default_source, **options)  # type: ignore[arg-type]
        if opts.on_existing not in ON_EXISTING:
            raise ValueError(f"on_existing must be one of {', '.join(ON_EXISTING)}")
        with RowChecker(data) as checker:
            return self._import(data, opts, skip_invalid, is_suppressed, progress, cancel,
                                checker)

    def _import(self, data: bytes, opts: ImportOptions, skip_invalid: bool,
                is_suppressed: Suppressed | None, progress: Progress | None,
                cancel: Cancelled | None, checker: RowChecker) -> ImportResult:
        checked = prepare(data, opts, checker)
        if checked.blocked:
            return self._result(checked, [], {}, opts)
        rules = replace(self._rules(opts, checked), specs=retention_specs(self._ctx.policy))
        suppression = SuppressionList(self._ctx)
        listed = suppression.listed()
        writing = Writing(opts.on_existing, listed or None, suppression.normalised_digests_in,
                          self._region(), self._ctx.policy,
                          self._ctx.actor.name, self._ctx.now(), self._ctx.today(),
                          is_suppressed)
        try:
            with _heap_set_aside(), self._ctx.store.session() as s, index_cache(s, checked.total):
                index = SearchIndexAside(s)
                # A million-row file keeps reading similar names chunk by chunk: all its
                # people held to the end would be ~100 MB more (the < 500 MB bound).
                later = self._ctx.store.session if checked.total <= PARALLEL_MAX else None
                scan = ImportPass(s, writing, index.catch_up, reader=later)
                self._stream(checked, rules, scan, lambda: skip_invalid or not checked.errors,
                             progress, cancel, checker)
                if checked.blocked or (checked.errors and not skip_invalid) or not checked.valid:
                    raise _NothingWritten()
                index.finish()
                remember_maps(s, self._chosen(opts))
                self._ctx.record(s, "contacts.import", "contact", None,
                                 detail=f"imported {scan.imported}, updated {scan.updated}, "
                                        f"rejected {len({e.line for e in checked.errors})}, "
                                        f"suppressed {len(scan.suppressed)}")
                scan.score_deferred()  # while the commit runs
        except _NothingWritten:
            return self._result(checked, self._reported(checked, scan), scan.matches, opts)
        tidy_search_windows(self._ctx.store)  # a team store's search windows (no-op here)
        if progress is not None:
            progress(checked.total, checked.total)
        dups = self._reported(checked, scan)
        return replace(self._result(checked, dups, {}, opts), imported=scan.imported,
                       updated=scan.updated, committed=True,
                       suppressed=tuple(sorted(scan.suppressed)), matched=tuple(scan.matched))

    @staticmethod
    def _reported(checked: Checked, scan: ImportPass) -> list[ImportDuplicate]:
        """The pass's possible duplicates; what it could not check goes on the warnings."""
        dups = scan.report()
        checked.warnings += scan.notes
        return dups

    def _rules(self, opts: ImportOptions, checked: Checked) -> RowRules:
        with self._ctx.store.session() as s:
            remembered = remembered_maps(s)
        sources = {src.key: src.label for src in self._ctx.policy.sources}
        return rules_for(opts, checked, sources, self._region(), self._ctx.today(), remembered)

    @staticmethod
    def _stream(checked: Checked, rules: RowRules, scan: ImportPass, write: Callable[[], bool],
                progress: Progress | None, cancel: Cancelled | None,
                checker: RowChecker) -> None:
        """Every chunk checked and handed to `scan`; values reported at the end."""
        for valid, done in checked_chunks(checked, rules, cancel, checker):
            scan.chunk(valid, write())
            if cancel is not None and cancel():
                raise ImportCancelled()  # the session rolls everything back
            if progress is not None:
                progress(done, checked.total)
        checked.table.release()
        report_values(checked, rules)

    # -- internals ---------------------------------------------------------------------
    def _region(self) -> str:
        return str(self._settings.get("phone_region") or "GB")

    @staticmethod
    def _chosen(opts: ImportOptions) -> dict[str, dict[str, str]]:
        return {"source": {value_key(k): v for k, v in opts.source_map.items()},
                "status": {value_key(k): v for k, v in opts.status_map.items()}}

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
            encoding=checked.table.encoding, valid=0 if file_level else checked.valid,
            warnings=tuple(checked.warnings), values=tuple(checked.values),
            matched=tuple(sorted(planned, key=lambda m: m.line)),
            objections=checked.objections,
            needs=tuple(dict.fromkeys(checked.needs)), date_order=checked.date_order,
            kind=checked.kind)


@contextmanager
def _heap_set_aside() -> Iterator[None]:
    """The objects alive before the import left out of the collector's full passes
    while it runs (gc.freeze): a million rows allocate tens of millions of objects,
    and every full pass rescanned the whole application's heap besides them (~1 s of
    a 100,000-row import in the command line; more in the GUI's bigger heap). Nothing
    leaks: objects freed by reference counting go as usual, and the rest are
    collected after `unfreeze`."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
