"""Subject-access packs: the data held, redactions with reasons, the PDF stored in the
encrypted store and on the request's timeline, and JSON/CSV electronic copies."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.filenames import safe_filename
from privdesk.reports.pack import build_pack
from privdesk.reports.pack_model import PackInput, RedactionEntry
from privdesk.reports.protect import PasswordError, protect
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.pack_data import gather, linked_contacts, person_facts
from privdesk.services.pack_data import tables as pack_tables
from privdesk.services.pack_formats import csv_copy, item_text, json_copy, section_title
from privdesk.services.pack_records import (
    BuiltDocument,
    PackError,
    PackItem,
    PreparedPack,
    RedactionRecord,
    StoredDocument,
)
from privdesk.services.pack_redaction import Resolution, find_leak, json_text, pdf_text, resolve
from privdesk.store.models import Document, Redaction, Request, RequestEvent

PACK_TYPES = ("access", "portability")
ACTIONS = ("redact", "exclude")
ACTION_WORDS = {"redact": "redacted", "exclude": "withheld"}


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
            items = gather(s, request, self._ctx.policy)
            derived = resolve(items, {k: v.action for k, v in marks.items()}).derived()
            out = []
            for i in items:
                action, reason, follows = None, None, None
                if i.ref in marks:
                    action, reason = marks[i.ref].action, marks[i.ref].reason
                elif i.ref in derived:
                    follows = derived[i.ref].follows
                    action, reason = "redact", f"It repeats “{follows}”, which is redacted."
                out.append(PackItem(i.ref, section_title(i), i.label, item_text(i), action, reason,
                                    follows))
            return out

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
            labels = {i.ref: i.label for i in gather(s, request, self._ctx.policy)}
            if item_ref not in labels:
                raise PackError(f"{item_ref!r} is not an item of request {reference}: "
                                f"`privdesk pack-items {reference}` lists them.")
            existing = self._marks(s, request).get(item_ref)
            if existing is not None:
                s.delete(existing)
            row = Redaction(request_id=request.id, item_ref=item_ref, action=action,
                            reason=reason.strip(), officer=self._ctx.actor.name,
                            at=self._ctx.now())
            s.add(row)
            word = ACTION_WORDS[action]
            add_event(self._ctx, s, request, "redaction",
                      f"{word.capitalize()} in the pack: {labels[item_ref]}. "
                      f"Reason: {reason.strip()}")
            self._ctx.record(s, "pack.redact", "request", request.id,
                             detail=f"{word.capitalize()}: {labels[item_ref]} (item {item_ref})")
            s.flush()
            return RedactionRecord(row.id, row.item_ref, row.action, row.reason, row.officer,
                                   row.at)

    def unredact(self, reference: str, item_ref: str, reason: str) -> None:
        if not reason.strip():
            raise PackError("Give a reason for lifting the redaction.")
        self._ctx.require(Permission.EDIT, "pack.unredact", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            marks = self._marks(s, request)
            existing = marks.get(item_ref)
            items = gather(s, request, self._ctx.policy)
            labels = {i.ref: i.label for i in items}
            if existing is None:
                derived = resolve(items, {k: v.action for k, v in marks.items()}).derived()
                if item_ref in derived:
                    raise PackError(f"“{labels[item_ref]}” is redacted because it repeats "
                                    f"“{derived[item_ref].follows}”: lift that redaction instead.")
                raise PackError(f"{item_ref!r} is not redacted.")
            s.delete(existing)
            label = labels.get(item_ref, "an item no longer held")
            add_event(self._ctx, s, request, "redaction_lifted",
                      f"Redaction lifted: {label}. Reason: {reason.strip()}")
            self._ctx.record(s, "pack.unredact", "request", request.id,
                             detail=f"Redaction lifted: {label} (item {item_ref})")

    # -- the pack ---------------------------------------------------------------------
    def preview(self, reference: str, include_schedule: bool = True) -> bytes:
        """The pack as it would be built now, in memory only (for the preview dialog).
        Reading, not an export: any role may look; building, saving and sending need more."""
        self._ctx.require(Permission.VIEW, "pack.preview", "request", reference)
        with self._ctx.store.session() as s:
            pack, _ = self._input(s, find_request(s, reference), include_schedule,
                                  protected=False)
            return build_pack(pack).content

    def prepare(self, reference: str, password: str | None = None,
                include_schedule: bool = True) -> PreparedPack:
        """Build the pack and read it back (refusing any leak of redacted text), optionally
        AES-256 protected; nothing is stored yet (see keep)."""
        self._ctx.require(Permission.PACK, "pack.build", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            pack, resolution = self._input(s, request, include_schedule,
                                           protected=bool(password))
            rendered = build_pack(pack)
            # The last line of defence: read the PDF back before it exists anywhere else.
            self._refuse_leak(resolution, lambda: pdf_text(rendered.content), "PDF")
            content = rendered.content
            if password:
                try:
                    content = protect(content, password)
                except PasswordError as exc:
                    raise PackError(str(exc)) from exc
            name = safe_filename(f"{request.reference} subject access response.pdf")
            return PreparedPack(request.reference, name, content, rendered.pages,
                                bool(password))

    def keep(self, prepared: PreparedPack, how: str = "generated") -> StoredDocument:
        """Store a prepared pack with its SHA-256, size, pages and author, and put it on
        the request's timeline ("Subject-access pack emailed to …")."""
        self._ctx.require(Permission.PACK, "pack.build", "request", prepared.reference)
        with self._ctx.store.session() as s:
            request = find_request(s, prepared.reference)
            doc = save_document(self._ctx, s, request, "pack", prepared.filename,
                                "application/pdf", prepared.content, prepared.pages,
                                prepared.protected)
            add_event(self._ctx, s, request, "pack_generated",
                      f"Subject-access pack {how} ({prepared.pages} pages"
                      f"{', password-protected' if prepared.protected else ''}, "
                      f"SHA-256 {doc.sha256[:12]}…)")
            self._ctx.record(s, "pack.build", "request", request.id,
                             detail=f"document {doc.id}, {prepared.pages} pages, {how}")
            return stored(doc, request.reference)

    def build(self, reference: str, password: str | None = None,
              include_schedule: bool = True, how: str = "generated") -> BuiltDocument:
        """Build, check, store and time-line the pack in one call (CLI, Save, Print)."""
        prepared = self.prepare(reference, password, include_schedule)
        return BuiltDocument(self.keep(prepared, how), prepared.content)

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
            items = gather(s, request, self._ctx.policy)
            resolution = resolve(items, marks)
            tables = pack_tables(items, resolution.hidden)
            content = (json_copy(request.reference, tables) if fmt == "json" else csv_copy(tables))
            self._refuse_leak(resolution, lambda: json_text(content) if fmt == "json"
                              else content.decode("utf-8-sig"), f"{fmt.upper()} copy")
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
    @staticmethod
    def _refuse_leak(resolution: Resolution, read_back: Callable[[], str], what: str) -> None:
        """Read the output back (only when something is withheld: then nothing can leak)
        and refuse it if a withheld text appears."""
        if not any(w.texts for w in resolution.withheld):
            return
        leak = find_leak(read_back(), resolution.withheld)
        if leak is None:
            return
        word = ACTION_WORDS.get(leak.action, "redacted")
        raise PackError(
            f"The {what} was not produced: the text of “{leak.label}”, which is {word}, "
            f"still appears in it. Nothing was saved or sent. Redact the other place it "
            f"appears (the items list shows them), then try again.")

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
               protected: bool) -> tuple[PackInput, Resolution]:
        self._require_contacts(s, request)
        policy = self._ctx.policy
        marks = self._marks(s, request)
        items = gather(s, request, policy)
        resolution = resolve(items, {k: v.action for k, v in marks.items()})
        labels = {i.ref: i.label for i in items}
        schedule = [RedactionEntry(labels.get(r.item_ref, r.item_ref), r.action, r.reason,
                                   r.officer, r.at) for r in marks.values()]
        first = next(iter(marks.values()), None)
        for w in resolution.derived().values():
            mark = next((m for m in marks.values() if labels.get(m.item_ref) == w.follows), first)
            if mark is not None:
                schedule.append(RedactionEntry(
                    w.label, "redact", f"It repeats “{w.follows}”, which is "
                    f"{ACTION_WORDS[mark.action]}: {mark.reason}", mark.officer, mark.at))
        sources, retention = person_facts(linked_contacts(s, request), policy)
        address = tuple(line.strip() for line in (request.requester_address or "").splitlines()
                        if line.strip()) or ((request.requester_email,)
                                             if request.requester_email else ())
        return PackInput(
            policy=policy, reference=request.reference, request_type=request.type,
            received_on=request.received_on, issued_on=self._ctx.today(),
            officer=self._ctx.actor.name, requester_name=request.requester_name,
            requester_address=address,
            tables=pack_tables(items, resolution.hidden),
            sources=sources, retention=retention, redactions=tuple(schedule),
            include_schedule=include_schedule, protected=protected,
            id_received_on=request.id_received_on, extended_on=request.extended_on), resolution


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
