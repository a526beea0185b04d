"""Demo requests in every state, with the timeline and the late flag the real workflow
would have written: due dates are computed by domain.deadlines (England and Wales), and
open requests are received over the last ~6 weeks so their due dates fall on both sides
of today."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from privdesk.domain.deadlines import ClockFacts, Pause, WorkingDays, compute_due, fmt

REQUEST_STATES = ["new", "awaiting_id", "awaiting_clarification", "in_progress", "extended",
                  "responded", "refused", "withdrawn", "closed"]
REQUEST_TYPES = ["access", "access", "access", "rectification", "erasure", "objection",
                 "restriction", "portability", "complaint"]
CHANNELS = ["email", "post", "phone", "web_form", "in_person"]
ANSWERED = ("responded", "closed", "refused")
FINISHED = (*ANSWERED, "withdrawn")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _stamp(d: date) -> str:
    return datetime.combine(d, datetime.min.time()).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_demo_requests(raw: Any, rng: random.Random, count: int, today: date, contacts: int,
                         officers: list[str]) -> None:
    """Insert `count` requests inside the caller's transaction on a raw connection."""
    calendar = WorkingDays("ENG")
    for n in range(count):
        status = REQUEST_STATES[n % len(REQUEST_STATES)]
        cid = rng.randint(1, contacts)
        name, email = raw.execute("SELECT name, email FROM contacts WHERE id = ?", (cid,)).fetchone()
        received = today - timedelta(days=rng.randint(20, 120) if status in FINISHED
                                     else rng.randint(1, 45))
        rtype = REQUEST_TYPES[n % len(REQUEST_TYPES)]
        ref = f"{'SAR' if rtype == 'access' else 'DSR'}-{received.year}-{n + 1:04d}"
        officer = officers[n % len(officers)]
        events: list[tuple[date, str, str, str]] = [
            (received, "received", f"{rtype.replace('_', ' ').capitalize()} request received.",
             "system")]
        id_requested = status == "awaiting_id" or rng.random() < 0.2
        id_received = None
        if id_requested:
            events.append((received, "id_requested", "Proof of identity requested: the clock "
                           "starts when it arrives.", officer))
            if status not in ("awaiting_id", "new"):
                id_received = min(today, received + timedelta(days=rng.randint(1, 9)))
                events.append((id_received, "id_received", "Proof of identity received: the "
                               f"clock starts {fmt(id_received)}.", officer))
        start = id_received or received
        pauses: list[Pause] = []
        if status == "awaiting_clarification":
            pauses.append(Pause(min(today, start + timedelta(days=3))))
            events.append((pauses[0].asked, "paused", "Clarification asked: the clock stops "
                           f"{fmt(pauses[0].asked)}.", officer))
        extended = extension_reason = None
        if status == "extended":
            extended = min(today, received + timedelta(days=rng.randint(5, 20)))
            extension_reason = "Complex request spanning several systems"
            events.append((extended, "extended", "Extended to three months from the start, "
                           f"decided {fmt(extended)}; the person was told, with the reasons, "
                           f"{fmt(extended)}. Reason: {extension_reason}.", officer))
        facts = ClockFacts(received, id_requested, id_received, extended, tuple(pauses))
        due = compute_due(facts, calendar).due
        responded = method = refusal = late = None
        if status in ANSWERED:
            responded = min(today, received + timedelta(days=rng.randint(5, 40)))
            method = rng.choice(["email", "post"])
            late = due is not None and responded > due
            verdict = f"{(responded - due).days} days late" if late and due else "on time"
            if status == "refused":
                refusal = "Manifestly excessive: Repeated request for the same information"
                events.append((responded, "refused", "Refused as manifestly excessive; told of "
                               f"the right to complain to the ICO and to go to court; {verdict}.",
                               officer))
            else:
                events.append((responded, "responded", f"Response sent by {method} "
                               f"{fmt(responded)}: {verdict}.", officer))
        closed_on = None
        if status == "closed":
            closed_on = responded
            events.append((responded, "closed", "Closed.", officer))  # type: ignore[arg-type]
        if status == "withdrawn":
            closed_on = received + timedelta(days=rng.randint(2, 15))
            events.append((closed_on, "withdrawn", "Withdrawn by the requester.", officer))
        cur = raw.execute(
            "INSERT INTO requests (reference, type, channel, status, requester_name,"
            " requester_email, received_on, id_requested, id_received_on, extended_on,"
            " extension_told_on, extension_reason, assignee, notes, refusal_reason,"
            " responded_on, response_method, late, created_at, closed_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (ref, rtype, rng.choice(CHANNELS), status, name, email, _iso(received),
             int(id_requested), _iso(id_received), _iso(extended), _iso(extended),
             extension_reason,
             None if status == "new" else officer, None, refusal, _iso(responded), method,
             None if late is None else int(late), _stamp(received),
             _stamp(closed_on) if closed_on else None))
        rid = cur.lastrowid
        raw.execute("INSERT INTO request_contacts VALUES (?, ?)", (rid, cid))
        for p in pauses:
            raw.execute("INSERT INTO request_pauses (request_id, paused_on, resumed_on)"
                        " VALUES (?,?,?)", (rid, _iso(p.asked), _iso(p.answered)))
        raw.executemany(
            "INSERT INTO request_events (request_id, at, on_date, kind, detail, officer)"
            " VALUES (?,?,?,?,?,?)",
            [(rid, _stamp(on), _iso(on), kind, detail, who) for on, kind, detail, who in events])
