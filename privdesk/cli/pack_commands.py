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
    password = _password(args.password_file)
    if not args.out.name.lower().endswith(".pdf"):
        raise CliError("--out must name a .pdf file.", EXIT_USAGE)
    _check_out(args.out, args.force)
    ctx = open_context(args)
    with ctx.store:
        try:
            built = PackService(ctx).build(args.reference, password=password,
                                           include_schedule=not args.no_schedule)
        except (PackError, PermissionDenied) as exc:
            raise CliError(str(exc)) from exc
    _write(args.out, built.content, args.force)
    d = built.document
    value = {"path": str(args.out.resolve()), "sha256": d.sha256, "pages": d.pages,
             "protected": d.protected, "size": d.size, "document_id": d.id}
    emit(args, value, lambda v: (
        f"Wrote {v['path']} ({v['pages']} pages, {v['size']:,} bytes"
        f"{', password-protected (AES-256)' if v['protected'] else ''})\n"
        f"SHA-256 {v['sha256']}; kept in the store as document {v['document_id']}."))
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("pack", help="build a subject-access response pack (PDF) for a request")
    p.add_argument("reference", help="the request's reference, e.g. SAR-2026-0001")
    p.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    p.add_argument("--password-file", type=Path,
                   help="protect the PDF (AES-256) with the password on this file's first line")
    p.add_argument("--no-schedule", action="store_true",
                   help="leave the redaction log out of the pack")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    add_store_args(p)
    p.set_defaults(func=_pack)
