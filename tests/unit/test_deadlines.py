"""The response clock, rule by rule (RULES.md "The response clock"), with worked examples
checked by hand against the 2026-2028 UK bank-holiday calendars."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from privdesk.domain.deadlines import (
    ClockFacts,
    ClockState,
    DeadlineError,
    Pause,
    Urgency,
    WorkingDays,
    add_months,
    compute_due,
    countdown_text,
    days_left,
    fmt,
    original_due,
    urgency,
)
from privdesk.domain.request_rules import RequestState, extension_dates_refusal, why_not

ENG, SCT, NIR = WorkingDays("ENG"), WorkingDays("SCT"), WorkingDays("NIR")
D = date


def due(received: date, cal: WorkingDays = ENG, **kw: object) -> date | None:
    return compute_due(ClockFacts(received, **kw), cal).due  # type: ignore[arg-type]


# -- calendar months and the end-of-month clamp -------------------------------------------
@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
    (D(2028, 1, 29), 1, D(2028, 2, 29)),
    (D(2027, 1, 29), 1, D(2027, 2, 28)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 8, 31), 1, D(2026, 9, 30)),
    (D(2026, 12, 31), 1, D(2027, 1, 31)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2027, 11, 30), 3, D(2028, 2, 29)),
    (D(2026, 2, 28), 1, D(2026, 3, 28)),  # the 28th stays the 28th, not month end
])
def test_calendar_month_arithmetic(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_plain_request_is_due_one_month_later_same_day() -> None:
    result = compute_due(ClockFacts(D(2026, 2, 2)), ENG)
    assert result.state is ClockState.RUNNING and result.start == D(2026, 2, 2)
    assert result.due == D(2026, 3, 2)
    assert fmt(result.due) == "Mon 2 Mar 2026"
    assert result.working[-1] == "Due Mon 2 Mar 2026."


def test_month_end_clamp_then_weekend_roll() -> None:
    result = compute_due(ClockFacts(D(2026, 1, 31)), ENG)
    assert result.unrolled == D(2026, 2, 28)  # a Saturday
    assert result.due == D(2026, 3, 2)
    text = "\n".join(result.working)
    assert "31 Feb does not exist" in text and "Sat 28 Feb 2026 is a Saturday" in text


def test_leap_year_month_end() -> None:
    assert due(D(2028, 1, 31)) == D(2028, 2, 29)  # Tuesday, a working day
    assert due(D(2027, 1, 31)) == D(2027, 3, 1)  # Sun 28 Feb 2027 -> Mon 1 Mar


def test_received_on_a_weekend_still_starts_the_clock_that_day() -> None:
    assert due(D(2026, 3, 7)) == D(2026, 4, 7)  # received Saturday


# -- bank holidays, with observed substitutes ---------------------------------------------
@pytest.mark.parametrize(("received", "cal", "expected", "why"), [
    # Christmas 2026: Fri 25 Dec, Boxing Day Sat 26 observed Mon 28.
    (D(2026, 11, 25), ENG, D(2026, 12, 29), "Christmas Day"),
    (D(2026, 11, 28), ENG, D(2026, 12, 29), "Boxing Day (observed)"),
    (D(2026, 11, 28), SCT, D(2026, 12, 29), "Boxing Day (observed)"),
    # Christmas 2027: both on the weekend, observed Mon 27 and Tue 28.
    (D(2027, 11, 25), ENG, D(2027, 12, 29), "a Saturday"),
    (D(2027, 11, 27), NIR, D(2027, 12, 29), "Christmas Day (observed)"),
    # New Year 2028 on a Saturday: observed Mon 3 Jan; Scotland adds 2 Jan observed Tue 4.
    (D(2027, 12, 1), ENG, D(2028, 1, 4), "a Saturday"),
    (D(2027, 12, 1), SCT, D(2028, 1, 5), "a Saturday"),
    (D(2027, 12, 3), ENG, D(2028, 1, 4), "New Year's Day (observed)"),
    # Easter 2026 (Good Friday 3 Apr, Easter Monday 6 Apr: not a holiday in Scotland).
    (D(2026, 3, 3), ENG, D(2026, 4, 7), "Good Friday"),
    (D(2026, 3, 3), SCT, D(2026, 4, 6), "Good Friday"),
    (D(2026, 3, 6), ENG, D(2026, 4, 7), "Easter Monday"),
    # Easter 2027 and 2028.
    (D(2027, 2, 26), ENG, D(2027, 3, 30), "Good Friday"),
    (D(2028, 3, 14), NIR, D(2028, 4, 18), "Good Friday"),
    (D(2028, 3, 17), ENG, D(2028, 4, 18), "Easter Monday"),
    # Early May and spring bank holidays.
    (D(2026, 4, 4), ENG, D(2026, 5, 5), "May Day"),
    (D(2027, 4, 30), ENG, D(2027, 6, 1), "Spring Bank Holiday"),
    # Nation-specific days.
    (D(2026, 10, 30), SCT, D(2026, 12, 1), "Saint Andrew's Day"),
    (D(2026, 10, 30), ENG, D(2026, 11, 30), ""),
    (D(2027, 2, 17), NIR, D(2027, 3, 18), "Saint Patrick's Day"),
    (D(2027, 2, 17), ENG, D(2027, 3, 17), ""),
    (D(2026, 6, 13), NIR, D(2026, 7, 14), "Battle of the Boyne (observed)"),
    (D(2026, 6, 13), ENG, D(2026, 7, 13), ""),
    (D(2028, 7, 7), SCT, D(2028, 8, 8), "Summer Bank Holiday"),
    (D(2028, 7, 28), ENG, D(2028, 8, 29), "Late Summer Bank Holiday"),
])
def test_bank_holiday_roll(received: date, cal: WorkingDays, expected: date, why: str) -> None:
    result = compute_due(ClockFacts(received), cal)
    assert result.due == expected
    assert cal.is_working_day(expected)
    assert why in "\n".join(result.working)
    if why:
        assert "next working day" in "\n".join(result.working)


def test_observed_substitutes_are_not_working_days() -> None:
    for d in (D(2026, 12, 28), D(2027, 12, 27), D(2027, 12, 28), D(2028, 1, 3)):
        assert not ENG.is_working_day(d), d
    assert ENG.is_working_day(D(2026, 12, 29)) and ENG.is_working_day(D(2027, 12, 29))
    assert ENG.holiday_name(D(2026, 12, 28)) == "Boxing Day (observed)"
    assert SCT.is_working_day(D(2026, 4, 6)) and not ENG.is_working_day(D(2026, 4, 6))


def test_unknown_nation_is_refused() -> None:
    with pytest.raises(DeadlineError, match="ENG, SCT, NIR"):
        WorkingDays("WLS")


# -- proof of identity ----------------------------------------------------------------------
def test_id_requested_at_intake_has_no_due_date_until_it_arrives() -> None:
    result = compute_due(ClockFacts(D(2026, 2, 2), id_requested=True), ENG)
    assert result.state is ClockState.AWAITING_ID and result.due is None and result.start is None
    assert "has not started" in " ".join(result.working)


def test_clock_starts_on_the_day_id_arrives() -> None:
    result = compute_due(ClockFacts(D(2026, 2, 2), id_requested=True, id_received=D(2026, 2, 9)),
                         ENG)
    assert result.start == D(2026, 2, 9) and result.due == D(2026, 3, 9)
    assert "arrived Mon 9 Feb 2026" in result.working[1]


def test_id_received_without_being_requested_does_not_move_the_start() -> None:
    assert due(D(2026, 2, 2), id_received=D(2026, 2, 9)) == D(2026, 3, 2)


def test_id_before_receipt_is_rejected() -> None:
    with pytest.raises(DeadlineError, match="before the request"):
        compute_due(ClockFacts(D(2026, 2, 2), True, D(2026, 2, 1)), ENG)


# -- clarification pauses -----------------------------------------------------------------
def test_pause_worked_example() -> None:
    """Asked Tue 10 Feb, answered Fri 13 Feb: 10, 11, 12 Feb paused (3 days);
    Mon 2 Mar + 3 = Thu 5 Mar 2026."""
    result = compute_due(ClockFacts(D(2026, 2, 2), pauses=(Pause(D(2026, 2, 10), D(2026, 2, 13)),)),
                         ENG)
    assert result.paused_days == 3 and result.due == D(2026, 3, 5)
    assert any("+ 3 days paused" in line for line in result.working)


def test_pause_answered_the_same_day_adds_nothing() -> None:
    assert due(D(2026, 2, 2), pauses=(Pause(D(2026, 2, 10), D(2026, 2, 10)),)) == D(2026, 3, 2)


def test_several_pauses_add_up_and_then_roll() -> None:
    pauses = (Pause(D(2026, 2, 3), D(2026, 2, 5)), Pause(D(2026, 2, 10), D(2026, 2, 14)))
    result = compute_due(ClockFacts(D(2026, 2, 2), pauses=pauses), ENG)
    assert result.paused_days == 6 and result.unrolled == D(2026, 3, 8)  # a Sunday
    assert result.due == D(2026, 3, 9)


def test_open_pause_stops_the_clock() -> None:
    result = compute_due(ClockFacts(D(2026, 2, 2), pauses=(Pause(D(2026, 2, 10)),)), ENG)
    assert result.state is ClockState.PAUSED and result.due is None
    assert result.stopped_since == D(2026, 2, 10)
    assert "clock is stopped" in result.working[-1]


def test_pause_days_before_the_clock_started_do_not_count() -> None:
    facts = ClockFacts(D(2026, 2, 2), True, D(2026, 2, 9), pauses=(Pause(D(2026, 2, 4), D(2026, 2, 11)),))
    assert compute_due(facts, ENG).paused_days == 2  # 9 and 10 Feb only
    assert compute_due(facts, ENG).due == D(2026, 3, 11)


@pytest.mark.parametrize("pauses", [
    (Pause(D(2026, 2, 10), D(2026, 2, 9)),),
    (Pause(D(2026, 2, 1), D(2026, 2, 9)),),
    (Pause(D(2026, 2, 10)), Pause(D(2026, 2, 12), D(2026, 2, 13))),
    (Pause(D(2026, 2, 10), D(2026, 2, 15)), Pause(D(2026, 2, 12), D(2026, 2, 16))),
])
def test_impossible_pauses_are_rejected(pauses: tuple[Pause, ...]) -> None:
    with pytest.raises(DeadlineError):
        compute_due(ClockFacts(D(2026, 2, 2), pauses=pauses), ENG)


# -- extension ---------------------------------------------------------------------------
def test_extension_is_three_months_from_the_start() -> None:
    result = compute_due(ClockFacts(D(2026, 2, 2), extended_on=D(2026, 2, 20)), ENG)
    assert result.months == 3 and result.unrolled == D(2026, 5, 2)  # Saturday
    assert result.due == D(2026, 5, 5)  # Sun 3, Mon 4 May (May Day) -> Tue 5 May
    assert "3 calendar months (extended)" in "\n".join(result.working)


def test_extension_from_month_end_clamps() -> None:
    assert due(D(2026, 11, 30), extended_on=D(2026, 12, 1)) == D(2027, 3, 1)  # Sun 28 Feb
    assert due(D(2027, 11, 30), extended_on=D(2027, 12, 1)) == D(2028, 2, 29)


def _extension_refusal(facts: ClockFacts, on: date) -> str | None:
    """What the service asks (domain.request_rules): decided and told on `on`."""
    return extension_dates_refusal(on, on, original_due(facts, ENG, on))


def test_extension_window_includes_the_due_day_itself() -> None:
    facts = ClockFacts(D(2026, 2, 2))
    assert _extension_refusal(facts, D(2026, 3, 2)) is None  # the original due date: in time
    assert re.match("Too late to extend.*Mon 2 Mar 2026",
                    _extension_refusal(facts, D(2026, 3, 3)) or "")


def test_extension_window_follows_the_rolled_due_date() -> None:
    facts = ClockFacts(D(2026, 1, 31))  # 28 Feb is a Saturday: due Mon 2 Mar
    assert _extension_refusal(facts, D(2026, 3, 2)) is None
    assert _extension_refusal(facts, D(2026, 3, 3)) is not None
    assert due(D(2026, 1, 31), extended_on=D(2026, 3, 2)) == D(2026, 4, 30)


def test_extension_window_follows_pauses() -> None:
    facts = ClockFacts(D(2026, 2, 2), pauses=(Pause(D(2026, 2, 10), D(2026, 2, 13)),))
    assert _extension_refusal(facts, D(2026, 3, 5)) is None
    assert _extension_refusal(facts, D(2026, 3, 6)) is not None


def test_extension_during_an_open_pause() -> None:
    facts = ClockFacts(D(2026, 2, 2), pauses=(Pause(D(2026, 2, 20)),))
    assert original_due(facts, ENG, D(2026, 3, 4)) == D(2026, 3, 16)  # +12 -> Sat 14 -> Mon 16
    assert _extension_refusal(facts, D(2026, 3, 4)) is None


def test_extension_while_id_is_awaited_is_allowed_and_twice_is_not() -> None:
    def state(**kw: object) -> RequestState:
        return RequestState(**{"reference": "SAR-2026-0001", "type": "access",  # type: ignore[arg-type]
                               "status": "in_progress", "received": D(2026, 2, 2), **kw})

    awaiting = ClockFacts(D(2026, 2, 2), id_requested=True)
    assert original_due(awaiting, ENG, D(2026, 6, 1)) is None  # no clock yet: no window
    assert why_not("extend", state(status="awaiting_id", id_requested=True),
                   D(2026, 6, 1), D(2026, 6, 1)) is None
    assert "already extended" in (why_not("extend", state(extended_on=D(2026, 2, 3)),
                                          D(2026, 2, 4), D(2026, 2, 4)) or "")
    assert "before the request was received" in (why_not("extend", state(), D(2026, 2, 1),
                                                         D(2026, 2, 4)) or "")


# -- days left and urgency ---------------------------------------------------------------
TODAY = D(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(("due_on", "cal_days", "work_days", "level", "text"), [
    (D(2026, 12, 9), 15, 11, Urgency.GREEN, "11 working days left"),
    (D(2026, 12, 8), 14, 10, Urgency.AMBER, "10 working days left"),
    (D(2026, 12, 2), 8, 6, Urgency.AMBER, "6 working days left"),
    (D(2026, 12, 1), 7, 5, Urgency.RED, "5 working days left"),
    (D(2026, 11, 25), 1, 1, Urgency.RED, "1 working day left"),
    (D(2026, 11, 24), 0, 0, Urgency.RED, "Due today"),
    (D(2026, 11, 23), -1, -1, Urgency.OVERDUE, "1 day overdue"),
    (D(2026, 11, 20), -4, -2, Urgency.OVERDUE, "4 days overdue"),
])
def test_days_left_urgency_and_text(due_on: date, cal_days: int, work_days: int,
                                    level: Urgency, text: str) -> None:
    left = days_left(due_on, TODAY, ENG)
    assert (left.calendar_days, left.working_days) == (cal_days, work_days)
    assert urgency(left) is level
    assert countdown_text(left) == text


def test_working_days_left_skip_christmas() -> None:
    left = days_left(D(2026, 12, 29), D(2026, 12, 23), ENG)
    assert left.calendar_days == 6 and left.working_days == 2  # Thu 24 and Tue 29


def test_working_shows_every_step() -> None:
    facts = ClockFacts(D(2026, 11, 20), True, D(2026, 11, 25), pauses=(
        Pause(D(2026, 11, 26), D(2026, 11, 27)),))
    lines = compute_due(facts, ENG).working
    assert lines == (
        "Received Fri 20 Nov 2026.",
        "Proof of identity requested at intake arrived Wed 25 Nov 2026: the clock starts that day.",
        "+ 1 calendar month -> Fri 25 Dec 2026.",
        "+ 1 day paused: clarification asked Thu 26 Nov 2026, answered Fri 27 Nov 2026.",
        "With 1 paused day -> Sat 26 Dec 2026.",
        "Sat 26 Dec 2026 is a Saturday, Sun 27 Dec 2026 is a Sunday, Mon 28 Dec 2026 is a bank "
        "holiday in England and Wales (Boxing Day (observed)): moved to the next working day, "
        "Tue 29 Dec 2026.",
        "Due Tue 29 Dec 2026.",
    )
    assert isinstance(TODAY + timedelta(days=1), date)
