"""The statutory response clock (UK GDPR Art. 12(3); ICO right-of-access guidance).

Every rule lives here, pure, so that one fix corrects every open request (the due date
is never stored). The rules, in the order they are applied:

1. Start: the day the request was received, working day or not; when proof of identity
   was requested at intake, the day that proof arrived. While it is awaited the clock has
   not started and there is no due date.
2. Months: start + 1 calendar month (3 with an extension), to the same day number, or the
   month's last day when that day does not exist (31 Jan -> 28/29 Feb).
3. Paused days: each clarification pause adds (answered - asked) calendar days. The day
   of asking is paused; the day the answer arrives counts again. Asked Tue 10 Feb,
   answered Fri 13 Feb: 10, 11 and 12 Feb are paused, 3 days. Answered the same day:
   0 days. A pause still open means the clock is stopped: no due date, no countdown.
4. Roll: a due date on a Saturday, Sunday or bank holiday of the team's nation moves to
   the next working day.

Extension: decided and notified on or before the original (one-month) due date. The ICO
says "within the first month", so the due day itself is still in time; the day after is
too late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import holidays
from dateutil.relativedelta import relativedelta

from privdesk.domain.dates import day_date, month_name

STANDARD_MONTHS = 1
EXTENDED_MONTHS = 3

NATIONS: dict[str, str] = {
    "ENG": "England and Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}


class ClockState(StrEnum):
    RUNNING = "running"
    AWAITING_ID = "awaiting_id"  # ID requested at intake and not yet received
    PAUSED = "paused"  # clarification asked, answer not yet received


class DeadlineError(ValueError):
    """Facts that cannot describe a real request (answer before question, ...)."""


def fmt(d: date) -> str:
    """The way officers read a date: Mon 2 Mar 2026 (the one en-GB formatter)."""
    return day_date(d)


def add_months(start: date, months: int) -> date:
    """Calendar months to the same day number, clamped to the month's last day."""
    result: date = start + relativedelta(months=months)
    return result


class WorkingDays:
    """Working days for one UK nation: not Saturday, not Sunday, not a bank holiday
    (observed substitutes included, e.g. Mon 28 Dec 2026 for Boxing Day)."""

    def __init__(self, nation: str = "ENG") -> None:
        if nation not in NATIONS:
            raise DeadlineError(
                f"Unknown bank-holiday nation {nation!r}: use one of {', '.join(NATIONS)}.")
        self.nation = nation
        # Years are filled in on first look-up (holidays' expand=True).
        self._holidays: Any = holidays.UK(subdiv=nation)  # type: ignore[attr-defined]

    @property
    def nation_name(self) -> str:
        return NATIONS[self.nation]

    def holiday_name(self, d: date) -> str | None:
        name = self._holidays.get(d)
        return str(name) if name else None

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._holidays

    def why_not_working(self, d: date) -> str | None:
        if d.weekday() == 5:
            return "a Saturday"
        if d.weekday() == 6:
            return "a Sunday"
        name = self.holiday_name(d)
        return f"a bank holiday in {self.nation_name} ({name})" if name else None

    def next_working_day(self, d: date) -> date:
        """d itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def count_between(self, a: date, b: date) -> int:
        """Working days in (a, b] when b > a; minus those in (b, a] when b < a; 0 if equal."""
        if a == b:
            return 0
        lo, hi, sign = (a, b, 1) if b > a else (b, a, -1)
        # By offset, not by stepping past `hi`: hi may be the calendar's last day.
        n = sum(self.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
        return sign * n


@dataclass(frozen=True)
class Pause:
    """A clarification pause: asked on `asked`, answered on `answered` (None: still open)."""

    asked: date
    answered: date | None = None

    def days(self) -> int:
        if self.answered is None:
            raise DeadlineError("An open pause has no length yet.")
        return (self.answered - self.asked).days


@dataclass(frozen=True)
class ClockFacts:
    received: date
    id_requested: bool = False
    id_received: date | None = None
    extended_on: date | None = None
    pauses: tuple[Pause, ...] = ()
    id_asked_on: date | None = None  # None: at intake; else asked for after receipt

    def validate(self) -> None:
        if self.id_received is not None and self.id_received < self.received:
            raise DeadlineError("ID cannot arrive before the request was received.")
        if self.id_asked_on is not None and self.id_received is not None \
                and self.id_received < self.id_asked_on:
            raise DeadlineError("ID cannot arrive before it was asked for.")
        if self.extended_on is not None and self.extended_on < self.received:
            raise DeadlineError("A request cannot be extended before it was received.")
        previous_end: date | None = None
        for i, p in enumerate(self.pauses):
            if p.asked < self.received:
                raise DeadlineError("Clarification cannot be asked before the request arrived.")
            if p.answered is not None and p.answered < p.asked:
                raise DeadlineError("A clarification cannot be answered before it was asked.")
            if p.answered is None and i != len(self.pauses) - 1:
                raise DeadlineError("Only the latest clarification pause may still be open.")
            if previous_end is not None and p.asked < previous_end:
                raise DeadlineError("Clarification pauses must not overlap.")
            previous_end = p.answered


@dataclass(frozen=True)
class DueResult:
    state: ClockState
    start: date | None  # None while ID is awaited
    months: int
    due: date | None  # None while the clock has not started or is stopped
    unrolled: date | None  # start + months + paused days, before the roll
    paused_days: int  # closed pauses only (an open one is in paused_so_far)
    stopped_since: date | None  # the open pause's start
    working: tuple[str, ...]  # how the date was worked out, one step a line

def clock_start(facts: ClockFacts) -> date | None:
    if not facts.id_requested:
        return facts.received
    return facts.id_received


def _counted_pause_days(p: Pause, start: date) -> int:
    """Days of a closed pause after the clock started (days before it stop nothing)."""
    assert p.answered is not None
    return max(0, (p.answered - max(p.asked, start)).days)


def compute_due(facts: ClockFacts, calendar: WorkingDays, months: int | None = None) -> DueResult:
    """The due date and its working. `months` overrides the extension (used to find the
    original one-month due date of an extended request). Raises only DeadlineError."""
    facts.validate()
    try:
        return _compute_due(facts, calendar, months)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DeadlineError):
            raise
        # A date typed as year 9999 (or a pause of millennia) runs off the calendar: say so
        # rather than fail with Python's "year 10000 is out of range".
        raise DeadlineError("The due date falls beyond the end of the calendar (year 9999): "
                            "check the dates entered.") from exc


def _compute_due(facts: ClockFacts, calendar: WorkingDays, months: int | None) -> DueResult:
    if months is None:
        months = EXTENDED_MONTHS if facts.extended_on is not None else STANDARD_MONTHS
    lines = [f"Received {fmt(facts.received)}."]
    start = clock_start(facts)
    asked = (f"asked for on {fmt(facts.id_asked_on)}" if facts.id_asked_on
             else "requested at intake")
    if start is None:
        lines.append(f"Proof of identity was {asked} and has not arrived: the clock "
                     "has not started, so there is no due date yet.")
        return DueResult(ClockState.AWAITING_ID, None, months, None, None, 0, None, tuple(lines))
    if facts.id_requested:
        lines.append(f"Proof of identity {asked} arrived {fmt(start)}: "
                     "the clock starts that day.")
    else:
        lines.append("The clock starts on the day received.")

    base = add_months(start, months)
    plural = "month" if months == 1 else "months"
    reason = " (extended)" if months == EXTENDED_MONTHS and facts.extended_on else ""
    gone = f"{start.day} {month_name(base.month, short=True)}"
    clamp = (f"; {gone} does not exist, so the last day of the month"
             if base.day != start.day else "")
    lines.append(f"+ {months} calendar {plural}{reason} -> {fmt(base)}{clamp}.")

    paused = 0
    open_pause: Pause | None = None
    for p in facts.pauses:
        if p.answered is None:
            open_pause = p
            continue
        days = _counted_pause_days(p, start)
        paused += days
        lines.append(f"+ {days} day{'s' if days != 1 else ''} paused: clarification asked "
                     f"{fmt(p.asked)}, answered {fmt(p.answered)}.")
    if open_pause is not None:
        lines.append(f"Clarification asked {fmt(open_pause.asked)} and not yet answered: the "
                     "clock is stopped, so there is no due date until the answer arrives.")
        return DueResult(ClockState.PAUSED, start, months, None, None, paused, open_pause.asked,
                         tuple(lines))

    unrolled = base + timedelta(days=paused)
    if paused:
        lines.append(f"With {paused} paused day{'s' if paused != 1 else ''} -> {fmt(unrolled)}.")
    due = calendar.next_working_day(unrolled)
    if due != unrolled:
        # Name every day skipped, so "why the 29th?" is answered over Christmas too.
        skipped = [unrolled + timedelta(days=i) for i in range((due - unrolled).days)]
        reasons = [f"{fmt(d)} is {calendar.why_not_working(d)}" for d in skipped]
        lines.append(f"{', '.join(reasons)}: moved to the next working day, {fmt(due)}.")
    lines.append(f"Due {fmt(due)}.")
    return DueResult(ClockState.RUNNING, start, months, due, unrolled, paused, None, tuple(lines))


def original_due(facts: ClockFacts, calendar: WorkingDays, on: date | None = None) -> date | None:
    """The one-month due date, the last day an extension may be decided. An open pause
    is treated as answered on `on`: the real original due date can only be later."""
    if on is not None and facts.pauses and facts.pauses[-1].answered is None:
        last = facts.pauses[-1]
        closed = Pause(last.asked, max(on, last.asked))
        facts = ClockFacts(facts.received, facts.id_requested, facts.id_received,
                           None, (*facts.pauses[:-1], closed), facts.id_asked_on)
    return compute_due(facts, calendar, months=STANDARD_MONTHS).due


@dataclass(frozen=True)
class DaysLeft:
    calendar_days: int  # negative when overdue
    working_days: int  # working days after today up to and including the due date

    @property
    def overdue(self) -> bool:
        return self.calendar_days < 0


def days_left(due: date, today: date, calendar: WorkingDays) -> DaysLeft:
    return DaysLeft((due - today).days, calendar.count_between(today, due))


class Urgency(StrEnum):
    GREEN = "green"  # more than 10 working days left
    AMBER = "amber"  # 10 or fewer
    RED = "red"  # 5 or fewer (due today included)
    OVERDUE = "overdue"  # past the due date (dark red)


def urgency(left: DaysLeft) -> Urgency:
    if left.overdue:
        return Urgency.OVERDUE
    if left.working_days <= 5:
        return Urgency.RED
    if left.working_days <= 10:
        return Urgency.AMBER
    return Urgency.GREEN


def countdown_text(left: DaysLeft) -> str:
    """'12 working days left', 'Due today', '3 days overdue': never colour alone."""
    if left.calendar_days == 0:
        return "Due today"
    if left.overdue:
        n = -left.calendar_days
        return f"{n} day{'s' if n != 1 else ''} overdue"
    n = left.working_days
    if n == 0:  # due on a later non-working day cannot happen after the roll; be safe
        return f"Due in {left.calendar_days} days"
    return f"{n} working day{'s' if n != 1 else ''} left"
