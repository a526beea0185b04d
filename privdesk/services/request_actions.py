"""The workflow: every action checks its rule, changes the request, adds a timeline event
and an audit record, all in one unit of work (a broken rule changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from privdesk.domain.deadlines import compute_due, fmt, original_due
from privdesk.domain.request_rules import extension_dates_refusal, why_not
from privdesk.services.authz import Permission
from privdesk.services.request_base import RequestBase
from privdesk.services.request_records import (
    OPEN_STATUSES,
    REFUSAL_GROUNDS,
    RESPONSE_METHODS,
    RequestDetail,
    RequestError,
)
from privdesk.store.models import Request, RequestPause

Change = Callable[[Session, Request], tuple[str, str]]  # -> (event kind, event detail)


def _text(value: str | None, what: str, limit: int = 5000) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise RequestError(f"Please give {what}.")
    if len(cleaned) > limit:
        raise RequestError(f"{what[0].upper()}{what[1:]} is too long ({len(cleaned):,} characters; "
                           f"at most {limit:,}).")
    return cleaned


class RequestActions(RequestBase):
    def _act(self, key: int | str, action: str, on: date | None, change: Change,
             rule: str | None = None) -> RequestDetail:
        """Check the action's rule (domain.request_rules, the same the buttons ask), then
        make the change, a timeline event and an audit record in one unit of work."""
        self._ctx.require(Permission.EDIT, f"request.{action}", "request", key)
        with self._ctx.store.session() as s:
            req = self._load(s, key, lock=True)
            when = on or self._ctx.today()
            reason = why_not(rule or action, self.state(req), when, self._ctx.today())
            if reason is not None:
                raise RequestError(reason)
            kind, detail = change(s, req)
            self._event(s, req, when, kind, detail)
            self._ctx.record(s, f"request.{action}", "request", req.id, detail=detail)
            return self._detail(s, req)

    @staticmethod
    def _running_status(req: Request) -> str:
        return "extended" if req.extended_on is not None else "in_progress"

    # -- the clock -----------------------------------------------------------------------
    def id_received(self, key: int | str, on: date) -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            req.id_received_on = on
            if req.status == "awaiting_id":
                req.status = self._running_status(req)
            return "id_received", f"Proof of identity received: the clock starts {fmt(on)}."
        return self._act(key, "id_received", on, change, rule="verify_id")

    def ask_id(self, key: int | str, on: date, note: str = "") -> RequestDetail:
        """Ask for proof of identity after intake (promptly, as the ICO says): the clock
        stops, and runs afresh from the day the proof arrives."""
        def change(s: Session, req: Request) -> tuple[str, str]:
            req.id_requested = True
            req.id_asked_on = on
            req.status = "awaiting_id"
            extra = f" {note.strip()}" if note.strip() else ""
            return "id_requested", (f"Proof of identity asked for {fmt(on)}: the time limit runs "
                                    f"from the day it arrives.{extra}")
        return self._act(key, "ask_id", on, change)

    def pause(self, key: int | str, on: date, question: str = "") -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            req.pauses.append(RequestPause(paused_on=on))
            req.status = "awaiting_clarification"
            extra = f" Asked: {question.strip()}" if question.strip() else ""
            return "paused", f"Clarification asked: the clock stops {fmt(on)}.{extra}"
        return self._act(key, "pause", on, change)

    def resume(self, key: int | str, on: date) -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            pause = next(p for p in req.pauses if p.resumed_on is None)
            pause.resumed_on = on
            req.status = self._running_status(req)
            days = (on - pause.paused_on).days
            return "resumed", (f"Clarification answered: the clock restarts {fmt(on)} "
                               f"({days} day{'s' if days != 1 else ''} paused).")
        return self._act(key, "resume", on, change)

    def extend(self, key: int | str, on: date, reason: str,
               told_on: date | None = None) -> RequestDetail:
        """Extend to three months: decided on `on`, the person told on `told_on` (default
        the same day). Both must be on or before the original due date (Art. 12(3))."""
        told = told_on or on

        def change(s: Session, req: Request) -> tuple[str, str]:
            why = _text(reason, "the reason for the extension (it goes to the person)")
            if told > self._ctx.today():
                raise RequestError(f"{fmt(told)} is in the future: record the day the person "
                                   "was told once they have been.")
            first = original_due(self.facts(req), self.calendar(), on)
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
        return self._act(key, "extend", on, change)

    # -- people ----------------------------------------------------------------------------
    def assign(self, key: int | str, officer: str) -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            name = _text(officer, "the officer's name", limit=200)
            before = req.assignee
            req.assignee = name
            if req.status == "new":
                req.status = "in_progress"  # someone owns it now
            return "assigned", f"Assigned to {name}" + (f" (was {before})." if before else ".")
        return self._act(key, "assign", None, change)

    # -- endings ---------------------------------------------------------------------------
    def _record_response(self, s: Session, req: Request, on: date, method: str) -> str:
        if method not in RESPONSE_METHODS:
            raise RequestError(f"Unknown response method {method!r}: use one of "
                               f"{', '.join(RESPONSE_METHODS)}.")
        open_pause = next((p for p in req.pauses if p.resumed_on is None), None)
        if open_pause is not None:  # answering ends the wait for clarification
            open_pause.resumed_on = max(on, open_pause.paused_on)
        due = compute_due(self.facts(req), self.calendar()).due
        req.responded_on = on
        req.response_method = method
        req.late = due is not None and on > due
        if due is None:
            return "no due date had started"
        return f"{(on - due).days} days late" if req.late else f"on time (due {fmt(due)})"

    def respond(self, key: int | str, on: date, method: str, close: bool = False) -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            verdict = self._record_response(s, req, on, method)
            req.status = "closed" if close else "responded"
            if close:
                req.closed_at = self._ctx.now()
            return "responded", (f"Response sent by {RESPONSE_METHODS[method].lower()} {fmt(on)}: "
                                 f"{verdict}." + (" Closed." if close else ""))
        return self._act(key, "respond", on, change)

    def refuse(self, key: int | str, on: date, ground: str, reasons: str,
               method: str = "email") -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            if ground not in REFUSAL_GROUNDS:
                raise RequestError("A refusal must be because the request is manifestly "
                                   "unfounded or manifestly excessive.")
            why = _text(reasons, "the reasons for the refusal (they go to the person)")
            verdict = self._record_response(s, req, on, method)
            req.refusal_reason = f"{REFUSAL_GROUNDS[ground]}: {why}"  # words, never the code
            req.status = "refused"
            return "refused", (f"Refused as {REFUSAL_GROUNDS[ground].lower()}: {why}. Told of "
                               f"the right to complain to the ICO and to go to court; {verdict}.")
        return self._act(key, "refuse", on, change)

    def close(self, key: int | str, on: date, method: str | None = None) -> RequestDetail:
        """Close a request; one not yet answered needs the response date and method."""
        def change(s: Session, req: Request) -> tuple[str, str]:
            detail = "Closed."
            if req.status in OPEN_STATUSES:
                if method is None:
                    raise RequestError("Record how the response was sent before closing.")
                verdict = self._record_response(s, req, on, method)
                detail = f"Response sent by {RESPONSE_METHODS[method].lower()} {fmt(on)}: {verdict}. Closed."
            req.status = "closed"
            req.closed_at = self._ctx.now()
            return "closed", detail
        return self._act(key, "close", on, change)

    def withdraw(self, key: int | str, on: date, note: str = "") -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            req.status = "withdrawn"
            req.closed_at = self._ctx.now()
            extra = f" {note.strip()}" if note.strip() else ""
            return "withdrawn", f"Withdrawn by the requester {fmt(on)}.{extra}"
        return self._act(key, "withdraw", on, change)
