"""The workflow's changes, as plain functions. Each builds a `Change`: given the locked
request inside the unit of work, it changes it and says what happened (the timeline
event's kind and words). `RequestService._act` runs one after checking the action's rule
and records the event and the audit in the same transaction (a broken rule changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from privdesk.domain.deadlines import fmt, original_due
from privdesk.domain.request_rules import extension_dates_refusal
from privdesk.services.context import ServiceContext
from privdesk.services.request_clock import RequestClock, clock_facts
from privdesk.services.request_records import (
    OPEN_STATUSES,
    REFUSAL_GROUNDS,
    RESPONSE_METHODS,
    RequestError,
)
from privdesk.store.models import Contact, Request, RequestPause

Change = Callable[[Session, Request], tuple[str, str]]  # -> (event kind, event detail)


def required_text(value: str | None, what: str, limit: int = 5000) -> str:
    """The text stripped; a RequestError when it is empty or longer than `limit`."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise RequestError(f"Please give {what}.")
    if len(cleaned) > limit:
        raise RequestError(f"{what[0].upper()}{what[1:]} is too long ({len(cleaned):,} characters; "
                           f"at most {limit:,}).")
    return cleaned


def _running_status(req: Request) -> str:
    return "extended" if req.extended_on is not None else "in_progress"


# -- the clock -------------------------------------------------------------------------
def id_received(on: date) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        req.id_received_on = on
        if req.status == "awaiting_id":
            req.status = _running_status(req)
        return "id_received", f"Proof of identity received: the clock starts {fmt(on)}."
    return change


def ask_id(on: date, note: str) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        req.id_requested = True
        req.id_asked_on = on
        req.status = "awaiting_id"
        extra = f" {note.strip()}" if note.strip() else ""
        return "id_requested", (f"Proof of identity asked for {fmt(on)}: the time limit runs "
                                f"from the day it arrives.{extra}")
    return change


def pause(on: date, question: str) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        req.pauses.append(RequestPause(paused_on=on))
        req.status = "awaiting_clarification"
        extra = f" Asked: {question.strip()}" if question.strip() else ""
        return "paused", f"Clarification asked: the clock stops {fmt(on)}.{extra}"
    return change


def resume(on: date) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        open_pause = next(p for p in req.pauses if p.resumed_on is None)
        open_pause.resumed_on = on
        req.status = _running_status(req)
        days = (on - open_pause.paused_on).days
        return "resumed", (f"Clarification answered: the clock restarts {fmt(on)} "
                           f"({days} day{'s' if days != 1 else ''} paused).")
    return change


def extend(on: date, reason: str, told: date, ctx: ServiceContext, clock: RequestClock) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        why = required_text(reason, "the reason for the extension (it goes to the person)")
        if told > ctx.today():
            raise RequestError(f"{fmt(told)} is in the future: record the day the person "
                               "was told once they have been.")
        first = original_due(clock_facts(req), clock.calendar(), on)
        refusal = extension_dates_refusal(on, told, first)
        if refusal:
            raise RequestError(refusal)
        req.extended_on = on
        req.extension_told_on = told
        req.extension_reason = why
        if req.status in ("new", "in_progress"):
            req.status = "extended"
        return "extended", (f"Extended to three months from the start, decided {fmt(on)}; "
                            f"the person was told, with the reasons, {fmt(told)}. "
                            f"Reason: {why}.")
    return change


# -- people ----------------------------------------------------------------------------
def assign(officer: str) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        name = required_text(officer, "the officer's name", limit=200)
        before = req.assignee
        req.assignee = name
        if req.status == "new":
            req.status = "in_progress"  # someone owns it now
        return "assigned", f"Assigned to {name}" + (f" (was {before})." if before else ".")
    return change


def link_contact(contact_id: int) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        contact = s.get(Contact, contact_id)
        if contact is None:
            raise RequestError(f"No contact with id {contact_id} in the register.")
        if contact in req.contacts:
            raise RequestError("That contact is already linked to this request.")
        req.contacts.append(contact)
        return "contact_linked", f"Linked to contact #{contact_id}."
    return change


# -- endings ---------------------------------------------------------------------------
def _record_response(req: Request, on: date, method: str, clock: RequestClock) -> str:
    if method not in RESPONSE_METHODS:
        raise RequestError(f"Unknown response method {method!r}: use one of "
                           f"{', '.join(RESPONSE_METHODS)}.")
    open_pause = next((p for p in req.pauses if p.resumed_on is None), None)
    if open_pause is not None:  # answering ends the wait for clarification
        open_pause.resumed_on = max(on, open_pause.paused_on)
    due = clock.due(req).due
    req.responded_on = on
    req.response_method = method
    req.late = due is not None and on > due
    if due is None:
        return "no due date had started"
    return f"{(on - due).days} days late" if req.late else f"on time (due {fmt(due)})"


def respond(on: date, method: str, close: bool, ctx: ServiceContext,
            clock: RequestClock) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        verdict = _record_response(req, on, method, clock)
        req.status = "closed" if close else "responded"
        if close:
            req.closed_at = ctx.now()
        return "responded", (f"Response sent by {RESPONSE_METHODS[method].lower()} {fmt(on)}: "
                             f"{verdict}." + (" Closed." if close else ""))
    return change


def refuse(on: date, ground: str, reasons: str, method: str, clock: RequestClock) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        if ground not in REFUSAL_GROUNDS:
            raise RequestError("A refusal must be because the request is manifestly "
                               "unfounded or manifestly excessive.")
        why = required_text(reasons, "the reasons for the refusal (they go to the person)")
        verdict = _record_response(req, on, method, clock)
        req.refusal_reason = f"{REFUSAL_GROUNDS[ground]}: {why}"  # words, never the code
        req.status = "refused"
        return "refused", (f"Refused as {REFUSAL_GROUNDS[ground].lower()}: {why}. Told of "
                           f"the right to complain to the ICO and to go to court; {verdict}.")
    return change


def close(on: date, method: str | None, ctx: ServiceContext, clock: RequestClock) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        detail = "Closed."
        if req.status in OPEN_STATUSES:
            if method is None:
                raise RequestError("Record how the response was sent before closing.")
            verdict = _record_response(req, on, method, clock)
            detail = f"Response sent by {RESPONSE_METHODS[method].lower()} {fmt(on)}: {verdict}. Closed."
        req.status = "closed"
        req.closed_at = ctx.now()
        return "closed", detail
    return change


def withdraw(on: date, note: str, ctx: ServiceContext) -> Change:
    def change(s: Session, req: Request) -> tuple[str, str]:
        req.status = "withdrawn"
        req.closed_at = ctx.now()
        extra = f" {note.strip()}" if note.strip() else ""
        return "withdrawn", f"Withdrawn by the requester {fmt(on)}.{extra}"
    return change
