"""Data-subject requests: intake, the queue with its deadline clock, dashboard figures,
a contact picker, and the accountability log. The workflow actions are in
request_actions, the CSV log in request_log."""

from __future__ import annotations

import re
import statistics
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from privdesk.domain.deadlines import fmt
from privdesk.domain.identity import fold, fts_phrase, search_query
from privdesk.services.authz import Permission
from privdesk.services.contacts_search import like_escape
from privdesk.services.request_actions import RequestActions, _text
from privdesk.services.request_log import write_log
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
from privdesk.store.models import Contact, Officer, Request

_REF = re.compile(r"^[A-Z]{3}-(\d{4})-(\d{4,})$")
MEDIAN_WINDOW_DAYS = 90


WEEK_DAYS = 7  # "due this week": today and the six days after it


class RequestService(RequestActions):
    # -- intake --------------------------------------------------------------------------
    def create(self, new: NewRequest) -> RequestDetail:
        self._ctx.require(Permission.EDIT, "request.create", "request")
        if new.type not in REQUEST_TYPES:
            raise RequestError(f"Unknown request type {new.type!r}: use one of "
                               f"{', '.join(REQUEST_TYPES)}.")
        if new.channel not in CHANNELS:
            raise RequestError(f"Unknown channel {new.channel!r}: use one of {', '.join(CHANNELS)}.")
        name = _text(new.requester_name, "the requester's name", limit=1000)
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
                reference=self._next_reference(s, new.type, new.received.year), type=new.type,
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
            self._event(s, req, new.received, "received",
                        f"{REQUEST_TYPES[new.type]} request received by {how}.")
            if new.id_requested:
                self._event(s, req, new.received, "id_requested",
                            "Proof of identity requested: the clock starts when it arrives.")
            if contacts:
                self._event(s, req, new.received, "contacts_linked",
                            f"Linked to {len(contacts)} contact(s) in the register.")
            self._ctx.record(s, "request.create", "request", req.id,
                             detail=f"{REQUEST_TYPES[new.type]} request received by "
                                    f"{CHANNELS[new.channel].lower()}; {len(contacts)} "
                                    "contact record(s) linked")
            return self._detail(s, req)

    @staticmethod
    def _next_reference(s: Session, rtype: str, year: int) -> str:
        """SAR-2026-0007 for access, DSR-2026-0008 for the rest: one sequence per year,
        shared, so a number never means two requests."""
        refs = s.scalars(select(Request.reference).where(Request.reference.like(f"%-{year}-%")))
        numbers = [int(m.group(2)) for r in refs if (m := _REF.match(r)) and int(m.group(1)) == year]
        prefix = "SAR" if rtype == "access" else "DSR"
        return f"{prefix}-{year}-{max(numbers, default=0) + 1:04d}"

    def link_contact(self, key: int | str, contact_id: int) -> RequestDetail:
        def change(s: Session, req: Request) -> tuple[str, str]:
            contact = s.get(Contact, contact_id)
            if contact is None:
                raise RequestError(f"No contact with id {contact_id} in the register.")
            if contact in req.contacts:
                raise RequestError("That contact is already linked to this request.")
            req.contacts.append(contact)
            return "contact_linked", f"Linked to contact #{contact_id}."
        return self._act(key, "link_contact", None, change)

    # -- reading -------------------------------------------------------------------------
    def get(self, key: int | str) -> RequestDetail:
        with self._ctx.store.session() as s:
            return self._detail(s, self._load(s, key))

    def queue(self, today: date | None = None, include_closed: bool = False,
              overdue_only: bool = False) -> list[RequestRow]:
        """Rows sorted by due date (soonest first); requests with no due date (awaiting
        ID, clock stopped) after them, then closed ones."""
        today = today or self._ctx.today()
        calendar = self.calendar()
        with self._ctx.store.session() as s:
            query = select(Request).options(selectinload(Request.pauses))
            if not include_closed:
                query = query.where(Request.status.in_(OPEN_STATUSES))
            rows = [self._row(r, today, calendar) for r in s.scalars(query)]
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
        folded = search_query(typed).replace("\x00", "")  # FTS5 stops parsing at NUL
        if not folded:
            return []
        with self._ctx.store.session() as s:
            if len(folded) >= 3 and s.get_bind().dialect.name != "sqlite":
                ids = [r[0] for r in s.execute(text(  # a team store: pg_trgm, same matches
                    "SELECT id FROM contacts WHERE search_text LIKE :q ESCAPE '\\' LIMIT :n"),
                    {"q": f"%{like_escape(folded)}%", "n": limit})]
                found = s.scalars(select(Contact).where(Contact.id.in_(ids))).all()
            elif len(folded) >= 3:
                phrase = fts_phrase(folded)  # one literal FTS5 phrase
                ids = [r[0] for r in s.execute(text(
                    "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q LIMIT :n"),
                    {"q": phrase, "n": limit})]
                found = s.scalars(select(Contact).where(Contact.id.in_(ids))).all()
            else:
                found = s.scalars(select(Contact).where(Contact.norm_name.like(
                    fold(typed).replace("%", "").replace("_", "") + "%")).limit(limit)).all()
            hits = [ContactHit(c.id, c.name, c.email, c.company) for c in found]
        return sorted(hits, key=lambda h: (fold(h.name), h.id))

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
