"""privdesk pack REF --out FILE.pdf [--password-file F] --store PATH [--json]"""

from __future__ import annotations

import argparse
from pathlib import Path

from privdesk.cli.common import EXIT_OK, EXIT_USAGE, CliError, add_store_args, emit, open_context
from privdesk.services.authz import PermissionDenied
from privdesk.services.files import write_atomic
from privdesk.services.pack_records import PackError
from privdesk.services.packs import PackService


def _password(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CliError(f"Cannot read the password file: {exc.strerror}", EXIT_USAGE) from exc
    if not lines or not lines[0]:
        raise CliError("The password file is empty.", EXIT_USAGE)
    return lines[0]


def _check_out(out: Path, force: bool) -> None:
    """Before the store is opened: a refused --out must not leave a pack stored."""
    if out.exists() and not force:
        raise CliError(f"{out} already exists (use --force to replace it).", EXIT_USAGE)
    if not out.parent.is_dir():
        raise CliError(f"The folder {out.parent} does not exist.", EXIT_USAGE)


def _write(out: Path, content: bytes, force: bool) -> None:
    """Write via a temporary file in the same folder, so a failure leaves no half PDF."""
    _check_out(out, force)
    try:
        write_atomic(out, content)
    except OSError as exc:
        raise CliError(f"Cannot write {out}: {exc.strerror}") from exc


def _pack(args: argparse.Namespace) -> int:
    fmt = args.format
    password = _password(args.password_file)
    if password and fmt != "pdf":
        raise CliError("--password-file protects a PDF; the JSON and CSV copies are not "
                       "password-protected.", EXIT_USAGE)
    if not args.out.name.lower().endswith(f".{fmt}"):
        raise CliError(f"--out must name a .{fmt} file.", EXIT_USAGE)
    _check_out(args.out, args.force)
    ctx = open_context(args)
    with ctx.store:
        try:
            packs = PackService(ctx)
            built = (packs.build(args.reference, password=password,
                                 include_schedule=not args.no_schedule, how="saved to a file")
                     if fmt == "pdf" else packs.export(args.reference, fmt))
        except (PackError, PermissionDenied) as exc:
            raise CliError(str(exc)) from exc
    _write(args.out, built.content, args.force)
    d = built.document
    value = {"path": str(args.out.resolve()), "format": fmt, "sha256": d.sha256,
             "pages": d.pages, "protected": d.protected, "size": d.size, "document_id": d.id}
    def text(v: dict[str, object]) -> str:
        pages = f"{v['pages']} pages, " if v["pages"] else ""
        lock = ", password-protected (AES-256)" if v["protected"] else ""
        return (f"Wrote {v['path']} ({pages}{v['size']:,} bytes{lock})\n"
                f"SHA-256 {v['sha256']}; kept in the store as document {v['document_id']}.")

    emit(args, value, text)
    return EXIT_OK


def _items(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with ctx.store:
        try:
            items = PackService(ctx).items(args.reference)
        except PackError as exc:
            raise CliError(str(exc)) from exc
    value = [i.as_json() for i in items]

    def text(v: list[dict[str, object]]) -> str:
        state = {None: "shown", "redact": "REDACTED", "exclude": "WITHHELD"}
        return "\n".join(f"{i['ref']!s:<28} {state.get(str(i['action'] or '') or None, '?'):<9} "
                         f"{i['label']}" for i in v) or "No items."

    emit(args, value, text)
    return EXIT_OK


def _redact(args: argparse.Namespace) -> int:
    action = "exclude" if args.withhold else "redact"
    ctx = open_context(args)
    with ctx.store:
        try:
            packs = PackService(ctx)
            packs.redact(args.reference, args.item_ref, action, args.reason)
            items = packs.items(args.reference)
        except (PackError, PermissionDenied) as exc:
            raise CliError(str(exc)) from exc
    follows = [i.as_json() for i in items if i.follows]
    value = {"reference": args.reference, "item": args.item_ref, "action": action,
             "reason": args.reason.strip(), "also_redacted": follows}
    emit(args, value, lambda v: (
        f"{v['item']} {'withheld' if v['action'] == 'exclude' else 'redacted'} in "
        f"{v['reference']}; {len(v['also_redacted'])} other item(s) repeat it and are "
        "redacted too."))
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("pack", help="build the response pack (PDF) or the electronic copy "
                                    "(JSON, CSV) for a request")
    p.add_argument("reference", help="the request's reference, e.g. SAR-2026-0001")
    p.add_argument("--format", choices=("pdf", "json", "csv"), default="pdf",
                   help="pdf (the pack), or json/csv (the electronic copy); default pdf")
    p.add_argument("--out", required=True, type=Path, help="the file to write")
    p.add_argument("--password-file", type=Path,
                   help="protect the PDF (AES-256) with the password on this file's first line")
    p.add_argument("--no-schedule", action="store_true",
                   help="leave the redaction log out of the pack")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    add_store_args(p)
    p.set_defaults(func=_pack)

    p = sub.add_parser("pack-items", help="the items of data a request's pack holds, with "
                                          "their redaction state")
    p.add_argument("reference", metavar="REF")
    add_store_args(p)
    p.set_defaults(func=_items)

    p = sub.add_parser("redact", help="redact (or withhold) an item of a request's pack, "
                                      "with the reason kept in the redaction log")
    p.add_argument("reference", metavar="REF")
    p.add_argument("item_ref", metavar="ITEM_REF", help="as `pack-items REF` lists it")
    p.add_argument("--reason", required=True, help="why (kept in the redaction log)")
    p.add_argument("--withhold", action="store_true", help="withhold the whole item")
    add_store_args(p)
    p.set_defaults(func=_redact)
