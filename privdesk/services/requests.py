"""Data-subject requests: intake, the workflow with its deadline clock, the queue and its
dashboard figures, a contact picker, and the accountability log.

Every public method is here. Its helpers are collaborators: the clock and the records in
request_clock, the workflow's changes (plain functions) in request_actions, the queries in
request_queries, the CSV log in request_log."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from privdesk.domain.deadlines import WorkingDays, fmt
from privdesk.domain.request_rules import why_not
from privdesk.services import request_actions as actions
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.request_actions import Change, required_text
from privdesk.services.request_clock import RequestClock, add_event, load_request, request_row
from privdesk.services.request_log import write_log
from privdesk.services.request_queries import find_contacts, next_reference
from privdesk.services.request_records import (
    CHANNELS,
    OPEN_STATUSES,
    REQUEST_TYPES,
    ContactHit,
    NewRequest,
    QueueStats,
    RequestDetail,
    RequestError,
    RequestRow,
)
from privdesk.services.settings import SettingsService
from privdesk.store.models import Contact, Officer, Request

MEDIAN_WINDOW_DAYS = 90
WEEK_DAYS = 7  # "due this week": today and the six days after it


class RequestService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self._ctx = ctx
        self._clock = RequestClock(ctx, settings)

    def calendar(self) -> WorkingDays:
        """Working days for the nation in the settings (read each time: it may change)."""
        return self._clock.calendar()

    # -- intake --------------------------------------------------------------------------
    def create(self, new: NewRequest) -> RequestDetail:
        self._ctx.require(Permission.EDIT, "request.create", "request")
        if new.type not in REQUEST_TYPES:
            raise RequestError(f"Unknown request type {new.type!r}: use one of "
                               f"{', '.join(REQUEST_TYPES)}.")
        if new.channel not in CHANNELS:
            raise RequestError(f"Unknown channel {new.channel!r}: use one of {', '.join(CHANNELS)}.")
        name = required_text(new.requester_name, "the requester's name", limit=1000)
        for value, what, limit in ((new.requester_address, "The postal address is", 2000),
                                   (new.notes, "The notes are", 20000)):
            if value is not None and len(value.strip()) > limit:
                raise RequestError(f"{what} too long ({len(value.strip()):,} characters; at "
                                   f"most {limit:,}).")
        if new.received > self._ctx.today():
            raise RequestError(f"The received date {fmt(new.received)} is in the future.")
        with self._ctx.store.session() as s:
            contacts = []
            for cid in dict.fromkeys(new.contact_ids):
                contact = s.get(Contact, cid)
                if contact is None:
                    raise RequestError(f"No contact with id {cid} in the register.")
                contacts.append(contact)
            now = self._ctx.now()
            req = Request(
                reference=next_reference(s, new.type, new.received.year), type=new.type,
                channel=new.channel, status="awaiting_id" if new.id_requested else "new",
                requester_name=name, requester_email=(new.requester_email or "").strip() or None,
                requester_phone=(new.requester_phone or "").strip() or None,
                requester_address=(new.requester_address or "").strip() or None,
                received_on=new.received, id_requested=new.id_requested,
                assignee=(new.assignee or "").strip() or None,
                notes=(new.notes or "").strip() or None, created_at=now,
            )
            req.contacts = contacts
            s.add(req)
            s.flush()
            how = CHANNELS[new.channel].lower()
            add_event(s, self._ctx, req, new.received, "received",
                      f"{REQUEST_TYPES[new.type]} request received by {how}.")
            if new.id_requested:
                add_event(s, self._ctx, req, new.received, "id_requested",
                          "Proof of identity requested: the clock starts when it arrives.")
            if contacts:
                add_event(s, self._ctx, req, new.received, "contacts_linked",
                          f"Linked to {len(contacts)} contact(s) in the register.")
            self._ctx.record(s, "request.create", "request", req.id,
                             detail=f"{REQUEST_TYPES[new.type]} request received by "
                                    f"{CHANNELS[new.channel].lower()}; {len(contacts)} "
                                    "contact record(s) linked")
            return self._clock.detail(s, req)

    def link_contact(self, key: int | str, contact_id: int) -> RequestDetail:
        return self._act(key, "link_contact", None, actions.link_contact(contact_id))

    # -- the workflow (each change is a plain function in request_actions) -------------
    def id_received(self, key: int | str, on: date) -> RequestDetail:
        return self._act(key, "id_received", on, actions.id_received(on), rule="verify_id")

    def ask_id(self, key: int | str, on: date, note: str = "") -> RequestDetail:
        """Ask for proof of identity after intake (promptly, as the ICO says): the clock
        stops, and runs afresh from the day the proof arrives."""
        return self._act(key, "ask_id", on, actions.ask_id(on, note))

    def pause(self, key: int | str, on: date, question: str = "") -> RequestDetail:
        return self._act(key, "pause", on, actions.pause(on, question))

    def resume(self, key: int | str, on: date) -> RequestDetail:
        return self._act(key, "resume", on, actions.resume(on))

    def extend(self, key: int | str, on: date, reason: str,
               told_on: date | None = None) -> RequestDetail:
        """Extend to three months: decided on `on`, the person told on `told_on` (default
        the same day). Both must be on or before the original due date (Art. 12(3))."""
        change = actions.extend(on, reason, told_on or on, self._ctx, self._clock)
        return self._act(key, "extend", on, change)

    def assign(self, key: int | str, officer: str) -> RequestDetail:
        return self._act(key, "assign", None, actions.assign(officer))

    def respond(self, key: int | str, on: date, method: str, close: bool = False) -> RequestDetail:
        return self._act(key, "respond", on,
                         actions.respond(on, method, close, self._ctx, self._clock))

    def refuse(self, key: int | str, on: date, ground: str, reasons: str,
               method: str = "email") -> RequestDetail:
        return self._act(key, "refuse", on, actions.refuse(on, ground, reasons, method, self._clock))

    def close(self, key: int | str, on: date, method: str | None = None) -> RequestDetail:
        """Close a request; one not yet answered needs the response date and method."""
        return self._act(key, "close", on, actions.close(on, method, self._ctx, self._clock))

    def withdraw(self, key: int | str, on: date, note: str = "") -> RequestDetail:
        return self._act(key, "withdraw", on, actions.withdraw(on, note, self._ctx))

    def _act(self, key: int | str, action: str, on: date | None, change: Change,
             rule: str | None = None) -> RequestDetail:
        """Check the action's rule (domain.request_rules, the same the buttons ask), then
        make the change, a timeline event and an audit record in one unit of work."""
        self._ctx.require(Permission.EDIT, f"request.{action}", "request", key)
        with self._ctx.store.session() as s:
            req = load_request(s, key, lock=True)
            when = on or self._ctx.today()
            reason = why_not(rule or action, self._clock.state(req), when, self._ctx.today())
            if reason is not None:
                raise RequestError(reason)
            kind, detail = change(s, req)
            add_event(s, self._ctx, req, when, kind, detail)
            self._ctx.record(s, f"request.{action}", "request", req.id, detail=detail)
            return self._clock.detail(s, req)

    # -- reading -------------------------------------------------------------------------
    def get(self, key: int | str) -> RequestDetail:
        with self._ctx.store.session() as s:
            return self._clock.detail(s, load_request(s, key))

    def queue(self, today: date | None = None, include_closed: bool = False,
              overdue_only: bool = False) -> list[RequestRow]:
        """Rows sorted by due date (soonest first); requests with no due date (awaiting
        ID, clock stopped) after them, then closed ones."""
        today = today or self._ctx.today()
        calendar = self._clock.calendar()
        with self._ctx.store.session() as s:
            query = select(Request).options(selectinload(Request.pauses))
            if not include_closed:
                query = query.where(Request.status.in_(OPEN_STATUSES))
            rows = [request_row(r, today, calendar) for r in s.scalars(query)]
        if overdue_only:
            rows = [r for r in rows if r.is_open and r.days_left is not None and r.days_left < 0]
        rows.sort(key=lambda r: (not r.is_open, r.due is None, r.due or date.max, r.reference))
        return rows

    def stats(self, today: date | None = None) -> QueueStats:
        today = today or self._ctx.today()
        # The next seven days from today, not "until Sunday": on a Sunday a request due on
        # Monday is due this week as far as the officer planning the week is concerned.
        week_end = today + timedelta(days=WEEK_DAYS - 1)
        open_rows = self.queue(today)
        since = today - timedelta(days=MEDIAN_WINDOW_DAYS)
        with self._ctx.store.session() as s:
            done = s.execute(select(Request.received_on, Request.responded_on).where(
                Request.responded_on.is_not(None), Request.responded_on >= since,
                Request.responded_on <= today)).all()
        spans = [(r - rec).days for rec, r in done if r is not None]
        return QueueStats(
            open=len(open_rows),
            due_this_week=sum(1 for r in open_rows if r.due and today <= r.due <= week_end),
            overdue=sum(1 for r in open_rows if r.due and r.due < today),
            median_days_to_respond=float(statistics.median(spans)) if spans else None,
            responded_last_90_days=len(spans),
        )

    def officers(self) -> list[str]:
        """Active officers who may be assigned work (viewers cannot act on requests)."""
        with self._ctx.store.session() as s:
            names = list(s.scalars(select(Officer.name).where(
                Officer.active.is_(True), Officer.role != "viewer").order_by(Officer.name)))
        if self._ctx.actor.name not in names and self._ctx.actor.role != "viewer":
            names.append(self._ctx.actor.name)
        return names

    def search_contacts(self, typed: str, limit: int = 20) -> list[ContactHit]:
        """The register, searched the way the contacts area searches it (FTS5 trigram
        over folded text); fewer than 3 characters fall back to a name prefix."""
        with self._ctx.store.session() as s:
            return find_contacts(s, typed, limit)

    # -- accountability ------------------------------------------------------------------
    def export_log(self, path: Path, today: date | None = None) -> int:
        """The request log as CSV (received, type, status, due, responded, on time/late,
        officer); returns the number of rows."""
        self._ctx.require(Permission.EXPORT, "request.export_log", "request_log")
        rows = self.queue(today, include_closed=True)
        count = write_log(path, rows)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "request.export_log", "request_log", None, detail=f"rows={count}")
        return count
