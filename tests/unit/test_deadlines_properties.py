"""Properties of the response clock that must hold for every date, not just the examples."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from privdesk.domain.deadlines import (
    ClockFacts,
    Pause,
    WorkingDays,
    add_months,
    compute_due,
    days_left,
)

CALENDARS = {n: WorkingDays(n) for n in ("ENG", "SCT", "NIR")}
dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 6, 30))
nations = st.sampled_from(sorted(CALENDARS))


@st.composite
def facts(draw: st.DrawFn) -> ClockFacts:
    received = draw(dates)
    id_requested = draw(st.booleans())
    id_received = received + timedelta(days=draw(st.integers(0, 20))) if id_requested else None
    pauses: list[Pause] = []
    cursor = received
    for _ in range(draw(st.integers(0, 3))):
        asked = cursor + timedelta(days=draw(st.integers(0, 15)))
        answered = asked + timedelta(days=draw(st.integers(0, 15)))
        pauses.append(Pause(asked, answered))
        cursor = answered
    extended = received + timedelta(days=draw(st.integers(0, 25))) if draw(st.booleans()) else None
    return ClockFacts(received, id_requested, id_received, extended, tuple(pauses))


@settings(max_examples=300)
@given(facts(), nations)
def test_due_is_a_working_day_on_or_after_start_plus_months(f: ClockFacts, nation: str) -> None:
    cal = CALENDARS[nation]
    result = compute_due(f, cal)
    assert result.due is not None and result.start is not None
    assert cal.is_working_day(result.due)
    assert result.due >= add_months(result.start, result.months) + timedelta(days=result.paused_days)
    # the roll never skips a working day
    d = result.unrolled
    assert d is not None
    while d < result.due:
        assert not cal.is_working_day(d)
        d += timedelta(days=1)


@settings(max_examples=300)
@given(dates, dates, nations)
def test_due_is_monotone_in_the_received_date(a: date, b: date, nation: str) -> None:
    a, b = min(a, b), max(a, b)
    cal = CALENDARS[nation]
    assert compute_due(ClockFacts(a), cal).due <= compute_due(ClockFacts(b), cal).due  # type: ignore[operator]


@settings(max_examples=300)
@given(facts(), st.integers(0, 40), st.integers(0, 40), nations)
def test_a_pause_never_shortens_the_deadline(f: ClockFacts, gap: int, length: int,
                                               nation: str) -> None:
    cal = CALENDARS[nation]
    before = compute_due(f, cal).due
    last = f.pauses[-1].answered if f.pauses else f.received
    assert last is not None
    asked = last + timedelta(days=gap)
    paused = ClockFacts(f.received, f.id_requested, f.id_received, f.extended_on,
                        (*f.pauses, Pause(asked, asked + timedelta(days=length))))
    after = compute_due(paused, cal).due
    assert before is not None and after is not None and after >= before


@settings(max_examples=300)
@given(facts(), nations)
def test_an_extension_never_brings_the_date_earlier(f: ClockFacts, nation: str) -> None:
    cal = CALENDARS[nation]
    plain = ClockFacts(f.received, f.id_requested, f.id_received, None, f.pauses)
    extended = ClockFacts(f.received, f.id_requested, f.id_received, f.received, f.pauses)
    assert compute_due(extended, cal).due > compute_due(plain, cal).due  # type: ignore[operator]


@settings(max_examples=200)
@given(dates, dates, nations)
def test_days_left_agree_in_sign(due: date, today: date, nation: str) -> None:
    left = days_left(due, today, CALENDARS[nation])
    assert (left.calendar_days > 0) == (due > today)
    assert abs(left.working_days) <= abs(left.calendar_days)
    if due > today and CALENDARS[nation].is_working_day(due):
        assert left.working_days >= 1
