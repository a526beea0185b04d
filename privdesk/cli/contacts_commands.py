"""privdesk contacts import / search / export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from privdesk.cli import contact_edit_commands
from privdesk.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError, add_store_args, emit, open_context
from privdesk.domain.contact_csv import CsvError
from privdesk.domain.contact_headers import IGNORE, TARGETS, guess_mapping
from privdesk.domain.contact_records import STATUSES, ContactQuery
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_import import ContactImportService, ImportResult

_NEEDS = {
    "encoding": "Name the file's encoding with --encoding (e.g. --encoding cp1252).",
    "date_order": "Name the file's date order with --date-order dmy or --date-order mdy.",
    "columns": "Map the opt-out column with --map-column \"HEADER=marketing_opt_out\" "
               "(or opt_out_status / opt_out_date), or --ignore-column \"HEADER\".",
    "values": "Map each unknown value with --map-source \"VALUE=key\" / "
              "--map-status \"VALUE=enquirer|customer|former_customer\".",
}


def _import_text(result: ImportResult) -> str:
    lines = []
    if result.committed:
        lines.append(f"Imported {result.imported:,} of {result.total_rows:,} rows "
                     f"({result.encoding}).")
    else:
        lines.append(f"Nothing imported: {result.rejected:,} of {result.total_rows:,} rows "
                     "have errors (use --skip-invalid to import only the valid rows).")
    if result.rejected and result.committed:
        lines.append(f"Rejected {result.rejected:,} invalid rows.")
    lines += [f"  line {e.line}, {e.field}: {e.reason}" for e in result.errors[:200]]
    if len(result.errors) > 200:
        lines.append(f"  … and {len(result.errors) - 200:,} more errors (see --json)")
    if result.duplicates:
        lines.append(f"Possible duplicates: {len(result.duplicates):,}")
        lines += [f"  line {d.line} looks like {d.other} ({', '.join(d.reasons)})"
                  for d in result.duplicates[:50]]
    if result.suppressed:
        lines.append(f"Skipped {len(result.suppressed):,} rows on the suppression list "
                     f"(lines {', '.join(map(str, result.suppressed[:50]))}).")
    if result.kind:
        lines.append(f"Recognised as: {result.kind}.")
    mapped = [v for v in result.values if v.how in ("auto", "remembered", "chosen")]
    if mapped:
        lines.append("Values mapped: " + "; ".join(f"{v.kind} {v.value!r} -> {v.key} ({v.how})"
                                                   for v in mapped[:30]))
    unmapped = [v for v in result.values if v.key is None]
    if unmapped:
        lines.append("Values to map: " + "; ".join(f"{v.kind} {v.value!r} ({v.rows:,} rows)"
                                                   for v in unmapped[:30]))
    if result.objections:
        lines.append(f"Objections to marketing in the file: {result.objections:,}.")
    if result.matched:
        lines.append(f"Already in the register: {len(result.matched):,}")
        lines += [f"  line {m.line}: contact #{m.contact_id} ({m.reason}): {m.action}"
                  for m in result.matched[:50]]
    lines += list(result.warnings)
    lines += [_NEEDS[n] for n in result.needs if n in _NEEDS]
    return "\n".join(lines)


def _pairs(items: list[str] | None, flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items or []:
        value, sep, key = item.rpartition("=")
        if not sep or not value.strip() or not key.strip():
            raise CliError(f"{flag} takes VALUE=KEY, e.g. {flag} \"Trade Show=event\"",
                           EXIT_USAGE)
        pairs[value.strip()] = key.strip()
    return pairs


def _mapping(args: argparse.Namespace, ctx: Any, data: bytes) -> dict[int, str] | None:
    """The guessed mapping with --map-column / --ignore-column applied by header."""
    columns, ignored = _pairs(args.map_column, "--map-column"), args.ignore_column or []
    if not columns and not ignored:
        return None
    try:
        headers = list(ContactImportService(ctx).preview(data, encoding=args.encoding).headers)
    except CsvError:
        return None  # the import reports the file's problem itself
    mapping = guess_mapping(headers)
    for header, target in [*columns.items(), *((h, IGNORE) for h in ignored)]:
        if header not in headers:
            raise CliError(f"No column {header!r} in the file (columns: "
                           f"{', '.join(headers)[:300]})", EXIT_USAGE)
        if target not in (*TARGETS, IGNORE):
            raise CliError(f"Unknown target {target!r}: use one of {', '.join(TARGETS)}",
                           EXIT_USAGE)
        mapping[headers.index(header)] = target
    return mapping


def _import(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"Cannot read {args.file}: {exc.strerror}", EXIT_USAGE) from exc
    ctx = open_context(args)
    with ctx.store:
        if args.default_source and args.default_source not in {s.key for s in ctx.policy.sources}:
            raise CliError(f"Unknown source {args.default_source!r}: use one of "
                           f"{', '.join(s.key for s in ctx.policy.sources)}", EXIT_USAGE)
        keys = {s.key for s in ctx.policy.sources}
        source_map = _pairs(args.map_source, "--map-source")
        status_map = _pairs(args.map_status, "--map-status")
        for value, key in source_map.items():
            if key not in keys:
                raise CliError(f"--map-source {value}={key}: {key!r} is not a source; use one "
                               f"of {', '.join(sorted(keys))}", EXIT_USAGE)
        for value, key in status_map.items():
            if key not in STATUSES:
                raise CliError(f"--map-status {value}={key}: use one of {', '.join(STATUSES)}",
                               EXIT_USAGE)
        result = ContactImportService(ctx).run(
            data, mapping=_mapping(args, ctx, data), skip_invalid=args.skip_invalid,
            default_source=args.default_source, encoding=args.encoding,
            date_order=args.date_order, source_map=source_map, status_map=status_map,
            on_existing=args.on_existing)
    emit(args, result.as_json(), lambda _v: _import_text(result))
    if (result.errors or result.needs) and not result.committed:
        return EXIT_ERROR
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with ctx.store:
        page = ContactService(ctx).search(
            ContactQuery(text=args.text, status=args.status, source=args.source), 0, args.limit)
    rows: list[dict[str, Any]] = [r.as_json() for r in page.rows]

    def text(_v: Any) -> str:
        more = "+" if page.capped else ""
        head = f"{page.total:,}{more} match{'es' if page.total != 1 else ''}"
        body = [f"{r['id']:>7}  {r['name'][:40]:<40}  {(r['email'] or '')[:32]:<32}  "
                f"{(r['phone'] or ''):<18} {r['status']:<16} due {r['retention_due'] or '-'}"
                + ("  OPTED OUT" if r["marketing_opt_out"] else "") for r in rows]
        shown = len(rows)
        if shown < page.total or page.capped:  # never let a cut list pass for all of it
            head += (f"; showing the first {shown:,} (narrow the search, or show more with "
                     "--limit N)")
        return "\n".join([head, *body])

    emit(args, rows, text)
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with ctx.store:
        try:
            count = ContactService(ctx).export_csv(
                Path(args.out), ContactQuery(status=args.status, source=args.source))
        except OSError as exc:
            raise CliError(f"Cannot write {args.out}: {exc.strerror}") from exc
    emit(args, {"exported": count, "path": str(args.out)},
         lambda v: f"Exported {v['exported']:,} contacts to {v['path']}.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("contacts", help="the contact register: import, search, export")
    csub = p.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)

    q = csub.add_parser("import", help="import contacts from a CSV or vCard file "
                                       "(all-or-nothing)")
    q.add_argument("file", type=Path, help="CSV export (HubSpot, Salesforce, Mailchimp, "
                                           "Outlook, Google, Zoho, Pipedrive, Thunderbird, "
                                           "our template) or a .vcf file")
    add_store_args(q)
    q.add_argument("--skip-invalid", action="store_true",
                   help="import the valid rows and report the rest")
    q.add_argument("--default-source", default=None,
                   help="policy source key for rows that give none (e.g. enquiry_form)")
    q.add_argument("--encoding", default=None,
                   help="the file's encoding when it cannot be told for sure "
                        "(cp1252, cp1250, mac_roman, cp932, gbk, utf-8...)")
    q.add_argument("--date-order", choices=["dmy", "mdy"], default=None,
                   help="how to read dates like 03/04/2024 when the file does not show it")
    q.add_argument("--map-source", action="append", metavar="VALUE=KEY",
                   help="map a source value to a policy source, e.g. \"Trade Show=event\" "
                        "(repeatable; remembered for this store)")
    q.add_argument("--map-status", action="append", metavar="VALUE=STATUS",
                   help="map a status/stage value, e.g. \"Lead=enquirer\" (repeatable)")
    q.add_argument("--map-column", action="append", metavar="HEADER=TARGET",
                   help="import a column as TARGET, e.g. \"Newsletter=opt_out_status\"")
    q.add_argument("--ignore-column", action="append", metavar="HEADER",
                   help="do not import this column, on purpose (needed for an "
                        "opt-out-looking column privdesk cannot read)")
    q.add_argument("--on-existing", choices=["skip", "fill", "new"], default="skip",
                   help="people already in the register (same email or phone): skip them "
                        "(default), fill their empty fields, or import as new")
    q.set_defaults(func=_import)

    q = csub.add_parser("search", help="find contacts by name, email, phone or company")
    q.add_argument("text", help="what to look for (case, accents, spacing, +44/0 ignored)")
    add_store_args(q)
    q.add_argument("--status", choices=["enquirer", "customer", "former_customer"])
    q.add_argument("--source", default=None)
    q.add_argument("--limit", type=int, default=50)
    q.set_defaults(func=_search)

    q = csub.add_parser("export", help="export contacts to CSV (formula-safe)")
    q.add_argument("--out", required=True, type=Path, help="CSV file to write")
    add_store_args(q)
    q.add_argument("--status", choices=["enquirer", "customer", "former_customer"])
    q.add_argument("--source", default=None)
    q.set_defaults(func=_export)

    contact_edit_commands.register(csub)  # contacts set / add-interaction
