"""Subject-access packs: the data held, redactions with reasons, the PDF stored in the
encrypted store and on the request's timeline, and JSON/CSV electronic copies."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.filenames import safe_filename
from privdesk.domain.spreadsheet import neutralise
from privdesk.reports.pack import build_pack
from privdesk.reports.pack_model import PackInput, PackTable, RedactionEntry
from privdesk.reports.protect import PasswordError, protect
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.pack_data import TABLES, HeldItem, gather, linked_contacts, person_facts
from privdesk.services.pack_data import tables as pack_tables
from privdesk.services.pack_records import (
    BuiltDocument,
    PackError,
    PackItem,
    RedactionRecord,
    StoredDocument,
)
from privdesk.store.models import Document, Redaction, Request, RequestEvent

PACK_TYPES = ("access", "portability")
ACTIONS = ("redact", "exclude")


def find_request(session: Session, reference: str) -> Request:
    request = session.scalar(select(Request).where(Request.reference == reference.strip()))
    if request is None:
        raise PackError(f"There is no request with reference {reference.strip()!r}.")
    return request


def stored(doc: Document, reference: str | None) -> StoredDocument:
    return StoredDocument(doc.id, reference, doc.kind, doc.filename, doc.mime, doc.sha256,
                          doc.size, doc.pages, doc.protected, doc.author, doc.created_at)


class PackService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- reading ----------------------------------------------------------------------
    def items(self, reference: str) -> list[PackItem]:
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            marks = self._marks(s, request)
            return [PackItem(i.ref, _section(i), i.label, _content(i),
                             marks[i.ref].action if i.ref in marks else None,
                             marks[i.ref].reason if i.ref in marks else None)
                    for i in gather(s, request, self._ctx.policy)]

    def redactions(self, reference: str) -> list[RedactionRecord]:
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            return [RedactionRecord(r.id, r.item_ref, r.action, r.reason, r.officer, r.at)
                    for r in self._marks(s, request).values()]

    # -- redaction log ----------------------------------------------------------------
    def redact(self, reference: str, item_ref: str, action: str, reason: str) -> RedactionRecord:
        """Withhold an item ("redact" its free text or "exclude" it entirely); a reason is
        required and kept in the request's redaction log."""
        if action not in ACTIONS:
            raise PackError(f"Unknown action {action!r}: use redact or exclude.")
        if not reason.strip():
            raise PackError("Give a reason for the redaction: it is kept in the redaction log.")
        self._ctx.require(Permission.EDIT, "pack.redact", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            items = {i.ref: i for i in gather(s, request, self._ctx.policy)}
            if item_ref not in items:
                raise PackError(f"{item_ref!r} is not an item of request {reference}.")
            label = _in_words(items[item_ref])
            existing = self._marks(s, request).get(item_ref)
            if existing is not None:
                s.delete(existing)
            row = Redaction(request_id=request.id, item_ref=item_ref, action=action,
                            reason=reason.strip(), officer=self._ctx.actor.name,
                            at=self._ctx.now())
            s.add(row)
            verb = "Redacted" if action == "redact" else "Withheld"
            # In words on the timeline (the item as the officer saw it, and why).
            add_event(self._ctx, s, request, "redaction", f"{verb}: {label} ({reason.strip()})")
            self._ctx.record(s, "pack.redact", "request", request.id,
                             detail=f"{verb.lower()} {label} [{item_ref}]")
            s.flush()
            return RedactionRecord(row.id, row.item_ref, row.action, row.reason, row.officer,
                                   row.at)

    def unredact(self, reference: str, item_ref: str, reason: str) -> None:
        if not reason.strip():
            raise PackError("Give a reason for lifting the redaction.")
        self._ctx.require(Permission.EDIT, "pack.unredact", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            existing = self._marks(s, request).get(item_ref)
            if existing is None:
                raise PackError(f"{item_ref!r} is not redacted.")
            s.delete(existing)
            found = [i for i in gather(s, request, self._ctx.policy) if i.ref == item_ref]
            label = _in_words(found[0]) if found else item_ref
            add_event(self._ctx, s, request, "redaction_lifted",
                        f"Redaction lifted: {label} ({reason.strip()})")
            self._ctx.record(s, "pack.unredact", "request", request.id,
                             detail=f"{label} [{item_ref}]")

    # -- the pack ---------------------------------------------------------------------
    def preview(self, reference: str, include_schedule: bool = True) -> bytes:
        """The pack as it would be built now, in memory only (for the preview dialog).
        Reading, not an export: any role may look; building, saving and sending need more."""
        self._ctx.require(Permission.VIEW, "pack.preview", "request", reference)
        with self._ctx.store.session() as s:
            return build_pack(self._input(s, find_request(s, reference), include_schedule,
                                          protected=False)).content

    def build(self, reference: str, password: str | None = None,
              include_schedule: bool = True) -> BuiltDocument:
        """Build the pack, optionally AES-256 protected, store it with its SHA-256, size,
        pages and author, and put it on the request's timeline."""
        self._ctx.require(Permission.PACK, "pack.build", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            pack = self._input(s, request, include_schedule, protected=bool(password))
            rendered = build_pack(pack)
            content = rendered.content
            if password:
                try:
                    content = protect(content, password)
                except PasswordError as exc:
                    raise PackError(str(exc)) from exc
            name = safe_filename(f"{request.reference} subject access response.pdf")
            doc = save_document(self._ctx, s, request, "pack", name, "application/pdf", content,
                              rendered.pages, bool(password))
            add_event(self._ctx, s, request, "pack_generated",
                        f"Subject-access pack generated ({rendered.pages} pages"
                        f"{', password-protected' if password else ''}, "
                        f"SHA-256 {doc.sha256[:12]}…)")
            self._ctx.record(s, "pack.build", "request", request.id,
                             detail=f"document {doc.id}, {rendered.pages} pages")
            return BuiltDocument(stored(doc, request.reference), content)

    def export(self, reference: str, fmt: str) -> BuiltDocument:
        """The person's data as JSON or CSV (electronic copy, Art. 15(3); portability,
        Art. 20), with redactions applied, stored like a pack."""
        if fmt not in ("json", "csv"):
            raise PackError(f"Unknown export format {fmt!r}: use json or csv.")
        self._ctx.require(Permission.EXPORT, "pack.export", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            self._require_contacts(s, request)
            marks = {k: v.action for k, v in self._marks(s, request).items()}
            tables = pack_tables(gather(s, request, self._ctx.policy), marks)
            content = (_json(request.reference, tables) if fmt == "json" else _csv(tables))
            mime = "application/json" if fmt == "json" else "text/csv"
            name = safe_filename(f"{request.reference} personal data.{fmt}")
            doc = save_document(self._ctx, s, request, f"export_{fmt}", name, mime, content, None, False)
            add_event(self._ctx, s, request, "export_generated", f"Electronic copy ({fmt.upper()})")
            self._ctx.record(s, "pack.export", "request", request.id,
                             detail=f"document {doc.id}, {fmt}")
            return BuiltDocument(stored(doc, request.reference), content)

    def documents(self, reference: str) -> list[StoredDocument]:
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            docs = s.scalars(select(Document).where(Document.request_id == request.id)
                             .order_by(Document.id))
            return [stored(d, request.reference) for d in docs]

    def content(self, document_id: int) -> bytes:
        self._ctx.require(Permission.EXPORT, "document.read", "document", document_id)
        with self._ctx.store.session() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise PackError(f"There is no document {document_id}.")
            self._ctx.record(s, "document.read", "document", document_id)
            return bytes(doc.content)

    # -- helpers ----------------------------------------------------------------------
    def _marks(self, s: Session, request: Request) -> dict[str, Redaction]:
        rows = s.scalars(select(Redaction).where(Redaction.request_id == request.id)
                         .order_by(Redaction.id))
        return {r.item_ref: r for r in rows}

    def _require_contacts(self, s: Session, request: Request) -> None:
        if request.type not in PACK_TYPES:
            raise PackError(f"{request.reference} is a {request.type} request; packs and "
                            "electronic copies are for access and portability requests.")
        if not linked_contacts(s, request):
            raise PackError(f"{request.reference} is not linked to any contact record: link "
                            "the person's record first, or send a letter that we hold no data.")

    def _input(self, s: Session, request: Request, include_schedule: bool,
               protected: bool) -> PackInput:
        self._require_contacts(s, request)
        policy = self._ctx.policy
        marks = self._marks(s, request)
        items = gather(s, request, policy)
        labels = {i.ref: i.label for i in items}
        sources, retention = person_facts(linked_contacts(s, request), policy)
        address = tuple(line.strip() for line in (request.requester_address or "").splitlines()
                        if line.strip()) or ((request.requester_email,)
                                             if request.requester_email else ())
        return PackInput(
            policy=policy, reference=request.reference, request_type=request.type,
            received_on=request.received_on, issued_on=self._ctx.today(),
            officer=self._ctx.actor.name, requester_name=request.requester_name,
            requester_address=address,
            tables=pack_tables(items, {k: v.action for k, v in marks.items()}),
            sources=sources, retention=retention,
            redactions=tuple(RedactionEntry(labels.get(r.item_ref, r.item_ref), r.action,
                                            r.reason, r.officer, r.at) for r in marks.values()),
            include_schedule=include_schedule, protected=protected,
            id_received_on=request.id_received_on, extended_on=request.extended_on)


def save_document(ctx: ServiceContext, s: Session, request: Request, kind: str, filename: str,
                  mime: str, content: bytes, pages: int | None, protected: bool) -> Document:
    """Keep a generated file inside the encrypted store with its hash, size and author.

    A pack or letter carries the person's data, so it is tied to their contact record:
    purging or erasing that contact deletes it too (documents.contact_id cascades)."""
    linked = sorted(c.id for c in request.contacts)
    doc = Document(request_id=request.id, contact_id=linked[0] if linked else None, kind=kind,
                   filename=filename,
                   mime=mime, content=content, sha256=hashlib.sha256(content).hexdigest(),
                   size=len(content), pages=pages, protected=protected,
                   author=ctx.actor.name, created_at=ctx.now())
    s.add(doc)
    s.flush()
    return doc


def add_event(ctx: ServiceContext, s: Session, request: Request, kind: str, detail: str) -> None:
    """A line on the request's timeline."""
    s.add(RequestEvent(request_id=request.id, at=ctx.now(), on_date=ctx.today(), kind=kind,
                       detail=detail, officer=ctx.actor.name))


def _content(item: HeldItem) -> str:
    if item.table == "contact":  # the field's name is already the item's label
        return item.cells[1]
    return " · ".join(c for c in item.cells if c)


def _section(item: HeldItem) -> str:
    return next(t.title for t in TABLES if t.key == item.table)


def _json(reference: str, tables: tuple[PackTable, ...]) -> bytes:
    data: dict[str, object] = {"reference": reference}
    for t in tables:
        if t.key == "contact":  # field/value rows read best as one object
            data[t.key] = {r.cells[0]: r.cells[1] for r in t.rows}
            continue
        cols = [c.lower().replace(" ", "_") for c in t.columns]
        data[t.key] = [dict(zip(cols, r.cells, strict=True)) for r in t.rows]
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def _csv(tables: tuple[PackTable, ...]) -> bytes:
    """One CSV: section, item, then the row's columns as column/value pairs, so every
    table fits one sheet without empty columns."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "field", "value"])
    for t in tables:
        for r in t.rows:
            pairs = [(r.cells[0], r.cells[1])] if t.key == "contact" \
                else list(zip(t.columns, r.cells, strict=True))
            for col, cell in pairs:
                writer.writerow([neutralise(x) for x in (t.title, r.ref, col, cell)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def _in_words(item: HeldItem) -> str:
    """"Interactions · Enquiry of 15 Dec 2015": the item as the preview lists it."""
    return item.label if ":" in item.label else f"{_section(item)} · {item.label}"
