"""The request service's collaborators: the deadline clock for a stored request (working
days by the settings' nation), loading by reference or id, timeline events, and turning
ORM rows into the frozen records the service returns. Plain functions, and one small
class (`RequestClock`) because the calendar is read from the settings and cached."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from privdesk.domain.deadlines import (
    NATIONS,
    ClockFacts,
    ClockState,
    DueResult,
    Pause,
    WorkingDays,
    compute_due,
    days_left,
    original_due,
)
from privdesk.domain.request_rules import RequestState
from privdesk.services.context import ServiceContext
from privdesk.services.request_records import (
    OPEN_STATUSES,
    LinkedContact,
    PauseRecord,
    RequestDetail,
    RequestNotFound,
    RequestRow,
    TimelineEvent,
)
from privdesk.services.settings import SettingsService
from privdesk.store.models import Request, RequestEvent


def clock_facts(req: Request) -> ClockFacts:
    """What domain.deadlines needs from a stored request."""
    return ClockFacts(
        received=req.received_on, id_requested=bool(req.id_requested),
        id_received=req.id_received_on, extended_on=req.extended_on,
        pauses=tuple(Pause(p.paused_on, p.resumed_on) for p in req.pauses),
        id_asked_on=req.id_asked_on,
    )


class RequestClock:
    """The response clock of stored requests, on the calendar the settings name."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendars: dict[str, WorkingDays] = {}

    def calendar(self) -> WorkingDays:
        """Working days for the nation in the settings (read each time: it may change)."""
        nation = str(self._settings.get("bank_holiday_nation") or "ENG")
        if nation not in NATIONS:
            nation = "ENG"
        if nation not in self._calendars:
            self._calendars[nation] = WorkingDays(nation)
        return self._calendars[nation]

    def due(self, req: Request, calendar: WorkingDays | None = None) -> DueResult:
        return compute_due(clock_facts(req), calendar or self.calendar())

    def state(self, req: Request, result: DueResult | None = None,
              calendar: WorkingDays | None = None) -> RequestState:
        """What domain.request_rules needs to say whether an action may happen."""
        calendar = calendar or self.calendar()
        facts = clock_facts(req)
        result = result or compute_due(facts, calendar)
        open_pause = next((p for p in req.pauses if p.resumed_on is None), None)
        last = max((p.resumed_on for p in req.pauses if p.resumed_on), default=None)
        return RequestState(
            reference=req.reference, type=req.type, status=req.status,
            received=req.received_on, id_requested=bool(req.id_requested),
            id_asked_on=req.id_asked_on, id_received_on=req.id_received_on,
            extended_on=req.extended_on,
            paused_since=open_pause.paused_on if open_pause else None, last_resumed=last,
            due=result.due, original_due=original_due(facts, calendar, self._ctx.today()))

    def detail(self, s: Session, req: Request) -> RequestDetail:
        """The request as the faces show it, as of the context's today."""
        s.flush()
        s.refresh(req)
        calendar = self.calendar()
        today = self._ctx.today()
        result = compute_due(clock_facts(req), calendar)
        first = original_due(clock_facts(req), calendar, today)
        return RequestDetail(
            row=request_row(req, today, calendar, result),
            requester_email=req.requester_email, requester_phone=req.requester_phone,
            requester_address=req.requester_address, id_requested=bool(req.id_requested),
            id_received_on=req.id_received_on, extended_on=req.extended_on,
            state=self.state(req, result, calendar), id_asked_on=req.id_asked_on,
            extension_told_on=req.extension_told_on,
            extension_reason=req.extension_reason, refusal_reason=req.refusal_reason,
            response_method=req.response_method, notes=req.notes,
            stopped_since=result.stopped_since if result.state is ClockState.PAUSED else None,
            original_due=first, working=result.working,
            pauses=tuple(PauseRecord(p.paused_on, p.resumed_on) for p in req.pauses),
            contacts=tuple(LinkedContact(c.id, c.name, c.email) for c in req.contacts),
            events=tuple(TimelineEvent(e.on_date, e.at, e.kind, e.detail, e.officer)
                         for e in req.events),
        )


def load_request(s: Session, key: int | str, lock: bool = False) -> Request:
    """By id or reference. lock: the row is held until the unit of work ends (FOR UPDATE on
    a team store; SQLite has one writer anyway), so two officers' actions on one request
    take turns and each sees the other's result (who it was assigned to, the clock's state)."""
    query = select(Request).options(selectinload(Request.pauses), selectinload(Request.events),
                                    selectinload(Request.contacts))
    if lock:
        query = query.with_for_update(of=Request)
    if isinstance(key, int):
        req = s.scalars(query.where(Request.id == key)).one_or_none()
    else:
        req = s.scalars(query.where(Request.reference == key.strip().upper())).one_or_none()
    if req is None:
        raise RequestNotFound(key)
    return req


def add_event(s: Session, ctx: ServiceContext, req: Request, on: date, kind: str,
              detail: str) -> None:
    """A line on the request's timeline, by the acting officer."""
    s.add(RequestEvent(request_id=req.id, at=ctx.now(), on_date=on, kind=kind,
                       detail=detail, officer=ctx.actor.name))


def request_row(req: Request, today: date, calendar: WorkingDays,
                result: DueResult | None = None) -> RequestRow:
    result = result or compute_due(clock_facts(req), calendar)
    # Days left mean nothing once answered (and counting years of working days for
    # old closed requests would only slow the log down).
    left = (days_left(result.due, today, calendar)
            if result.due is not None and req.status in OPEN_STATUSES else None)
    return RequestRow(
        id=req.id, reference=req.reference, type=req.type, channel=req.channel,
        status=req.status, requester_name=req.requester_name, received=req.received_on,
        due=result.due, clock_state=result.state.value, assignee=req.assignee,
        responded_on=req.responded_on, late=req.late, as_of=today,
        days_left=left.calendar_days if left else None,
        working_days_left=left.working_days if left else None,
    )
