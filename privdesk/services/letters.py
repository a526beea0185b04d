"""Letters for a request (acknowledgement, ID request, clarification, extension,
refusal, erasure confirmation), stored in the encrypted store and on the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from privdesk.domain.dates import long_date
from privdesk.domain.deadlines import ClockState, original_due
from privdesk.domain.filenames import safe_filename
from privdesk.reports.letters import LETTER_KINDS, LetterInput, TemplateError, Value, build_letter
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.pack_records import BuiltDocument, PackError
from privdesk.services.packs import add_event, find_request, save_document, stored
from privdesk.services.request_clock import RequestClock, clock_facts
from privdesk.services.request_records import REFUSAL_GROUNDS
from privdesk.services.settings import SettingsService
from privdesk.store.models import Request

REQUEST_WORDS = {"access": "subject access", "sar": "subject access"}


def _items(values: Sequence[str], what: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in values if v.strip())
    if not items:
        raise PackError(f"Give at least one {what}.")
    return items


def refusal_words(reason: str) -> str:
    """A refusal reason as the person reads it: a stored ground code becomes its words."""
    ground, sep, why = reason.partition(":")
    if sep and ground.strip() in REFUSAL_GROUNDS:
        return f"{REFUSAL_GROUNDS[ground.strip()]}: {why.strip()}"
    return reason


class LetterService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._clock = RequestClock(ctx, SettingsService(ctx))

    def _reply_by(self, request: Request) -> tuple[str, str | None]:
        """The acknowledgement's promise, worded for the request's state, and the due
        date when the clock runs."""
        if request.status in ("responded", "refused", "closed") and request.responded_on:
            return f"We responded to it on {long_date(request.responded_on)}.", None
        if request.status == "withdrawn":
            return "You have since told us that you withdraw it.", None
        clock = self._clock.due(request)
        if clock.state is ClockState.AWAITING_ID:
            return ("Before we can deal with it we need proof of your identity. We will reply "
                    "within one month of the day we receive it.", None)
        if clock.state is ClockState.PAUSED:
            return ("We have asked you to clarify your request. The time we have to respond is "
                    "paused until your answer arrives; we will then reply within the time "
                    "that remains.", None)
        assert clock.due is not None
        return f"We will reply by {long_date(clock.due)} at the latest.", long_date(clock.due)

    def _extension_warnings(self, request: Request) -> tuple[str, ...]:
        today = self._ctx.today()
        if request.extended_on is None:
            return ("This request is not recorded as extended: record the extension (Extend…) "
                    "with the day the person is told.",)
        first = original_due(clock_facts(request), self._clock.calendar(), today)
        if first is not None and today > first:
            return (f"This notice is built after the original due date, {long_date(first)}: the "
                    "person had to be told of the extension, with reasons, by then "
                    "(UK GDPR Art. 12(3)). Check that they were.",)
        return ()

    def build(self, reference: str, kind: str, *, due_on: date | None = None,
              new_due_on: date | None = None, reasons: Sequence[str] = (),
              questions: Sequence[str] = (), recipients: Sequence[str] | None = None,
              ) -> BuiltDocument:
        """Build a letter, store it and note it on the request's timeline.

        acknowledgement is worded for the request's state (due_on is not needed: the
        clock says); clarification needs questions; extension takes reasons and new_due_on
        (default: the recorded extension), and warns when built after the original due
        date; refusal needs reasons; erasure_confirmation takes the
        names of the recipients who were told (an empty list says nobody needed telling).
        """
        if kind not in LETTER_KINDS:
            raise PackError(f"Unknown letter {kind!r}: choose one of {', '.join(LETTER_KINDS)}.")
        values: dict[str, Value] = {}
        if kind == "clarification":
            values["questions"] = _items(questions, "question")
        elif kind == "refusal":
            values["reasons"] = tuple(refusal_words(r) for r in
                                      _items(reasons, "reason for the refusal"))
        elif kind == "erasure_confirmation":
            told = tuple(r.strip() for r in (recipients or ()) if r.strip())
            values["recipients"] = told or (
                "None: we had not shared your data with anyone else.",)
        self._ctx.require(Permission.PACK, "letter.build", "request", reference)
        warnings: tuple[str, ...] = ()
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            if kind == "acknowledgement":  # worded for the state the request is in
                values["reply_by"], due = self._reply_by(request)
                if due is not None:
                    values["due_on"] = due
            elif kind == "extension":
                extended_due = self._clock.due(request).due if request.extended_on else None
                new_due = new_due_on or extended_due
                if new_due is None:
                    raise PackError("An extension notice needs the new due date: record the "
                                    "extension first (Extend…).")
                given = tuple(r for r in reasons if r.strip()) or (
                    (request.extension_reason,) if request.extension_reason else ())
                values["reasons"] = _items(given, "reason for the extension")
                values["new_due_on"] = long_date(new_due)
                warnings = self._extension_warnings(request)
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
                             detail=f"{LETTER_KINDS[kind]} letter, document {doc.id}")
            return BuiltDocument(stored(doc, request.reference), rendered.content, warnings)
