"""Letters for a request (acknowledgement, ID request, clarification, extension,
refusal, erasure confirmation), stored in the encrypted store and on the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from privdesk.domain.dates import long_date
from privdesk.domain.filenames import safe_filename
from privdesk.reports.letters import LETTER_KINDS, LetterInput, TemplateError, Value, build_letter
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.pack_records import BuiltDocument, PackError
from privdesk.services.packs import add_event, find_request, save_document, stored

REQUEST_WORDS = {"access": "subject access", "sar": "subject access"}


def _items(values: Sequence[str], what: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in values if v.strip())
    if not items:
        raise PackError(f"Give at least one {what}.")
    return items


class LetterService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def build(self, reference: str, kind: str, *, due_on: date | None = None,
              new_due_on: date | None = None, reasons: Sequence[str] = (),
              questions: Sequence[str] = (), recipients: Sequence[str] | None = None,
              ) -> BuiltDocument:
        """Build a letter, store it and note it on the request's timeline.

        acknowledgement needs due_on; clarification needs questions; extension needs
        reasons and new_due_on; refusal needs reasons; erasure_confirmation takes the
        names of the recipients who were told (an empty list says nobody needed telling).
        """
        if kind not in LETTER_KINDS:
            raise PackError(f"Unknown letter {kind!r}: choose one of {', '.join(LETTER_KINDS)}.")
        values: dict[str, Value] = {}
        if kind == "acknowledgement":
            if due_on is None:
                raise PackError("An acknowledgement needs the response due date.")
            values["due_on"] = _long(due_on)
        elif kind == "clarification":
            values["questions"] = _items(questions, "question")
        elif kind == "extension":
            if new_due_on is None:
                raise PackError("An extension notice needs the new due date.")
            values["reasons"] = _items(reasons, "reason for the extension")
            values["new_due_on"] = _long(new_due_on)
        elif kind == "refusal":
            values["reasons"] = _items(reasons, "reason for the refusal")
        elif kind == "erasure_confirmation":
            told = tuple(r.strip() for r in (recipients or ()) if r.strip())
            values["recipients"] = told or (
                "None: we had not shared your data with anyone else.",)
        self._ctx.require(Permission.PACK, "letter.build", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            values["request_type"] = REQUEST_WORDS.get(request.type,
                                                       request.type.replace("_", " "))
            address = tuple(x.strip() for x in (request.requester_address or "").splitlines()
                            if x.strip())
            letter = LetterInput(kind, self._ctx.policy, request.reference, self._ctx.today(),
                                 self._ctx.actor.name, request.requester_name, address,
                                 request.received_on, values)
            try:
                rendered = build_letter(letter)
            except TemplateError as exc:
                raise PackError(str(exc)) from exc
            name = safe_filename(f"{request.reference} {LETTER_KINDS[kind].lower()}.pdf")
            doc = save_document(self._ctx, s, request, f"letter_{kind}", name, "application/pdf",
                               rendered.content, rendered.pages, False)
            add_event(self._ctx, s, request, f"letter_{kind}", f"{LETTER_KINDS[kind]} letter generated")
            self._ctx.record(s, "letter.build", "request", request.id,
                             detail=f"{kind}, document {doc.id}")
            return BuiltDocument(stored(doc, request.reference), rendered.content)


def _long(d: date) -> str:
    return long_date(d)
