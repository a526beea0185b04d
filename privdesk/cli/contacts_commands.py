"""privdesk contacts import / search / export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from privdesk.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError, add_store_args, emit, open_context
from privdesk.domain.contact_records import ContactQuery
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_import import ContactImportService, ImportResult


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
    lines += list(result.warnings)
    return "\n".join(lines)


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
        result = ContactImportService(ctx).run(data, skip_invalid=args.skip_invalid,
                                               default_source=args.default_source)
    emit(args, result.as_json(), lambda _v: _import_text(result))
    if result.errors and not result.committed:
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

    q = csub.add_parser("import", help="import contacts from a CSV file (all-or-nothing)")
    q.add_argument("file", type=Path, help="CSV file (UTF-8, UTF-16 or Windows-1252)")
    add_store_args(q)
    q.add_argument("--skip-invalid", action="store_true",
                   help="import the valid rows and report the rest")
    q.add_argument("--default-source", default=None,
                   help="policy source key for rows that give none (e.g. enquiry_form)")
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
