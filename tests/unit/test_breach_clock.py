"""The Art. 33 clock: 72 real elapsed hours from awareness, shown in Europe/London."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from privdesk.domain.breach_clock import (
    BreachClockError,
    is_late,
    iso_local,
    notify_by,
    read_clock,
    show_local,
    to_local,
    to_utc,
)
from privdesk.domain.deadlines import Urgency

LONDON = ZoneInfo("Europe/London")


def test_every_hour_of_2026_is_exactly_72_elapsed_hours() -> None:
    """Each hour of the year (both clock changes included), typed as a local wall time
    wherever that time exists, gives a deadline 72 real hours later, and its local form
    is 72 hours on the wall clock except across a change (71 in March, 73 in October)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    wall_hours: dict[int, int] = {}
    checked = 0
    for h in range(366 * 24):
        instant = start + timedelta(hours=h)
        local = instant.astimezone(LONDON)
        aware = to_utc(local.replace(tzinfo=None), LONDON)
        if local.fold == 1:  # the repeated hour in October is typed with its offset
            aware = to_utc(local, LONDON)
        assert aware == instant.replace(tzinfo=None)
        deadline = notify_by(aware)
        assert deadline - aware == timedelta(hours=72)
        due_local = to_local(deadline, LONDON)
        wall = (due_local.replace(tzinfo=None) - local.replace(tzinfo=None))
        hours = int(wall.total_seconds() // 3600)
        wall_hours[hours] = wall_hours.get(hours, 0) + 1
        # The clock one second before the deadline is running, one second after it is late.
        assert not read_clock(aware, deadline - timedelta(seconds=1)).overdue
        assert read_clock(aware, deadline + timedelta(seconds=1)).overdue
        assert not is_late(aware, deadline) and is_late(aware, deadline + timedelta(seconds=1))
        checked += 1
    assert checked == 366 * 24
    # 72 hours on the wall for most hours; across the March change 71, across October 73.
    assert set(wall_hours) == {71, 72, 73}
    assert wall_hours[71] == 72 and wall_hours[73] == 72


def test_deadline_across_october_change() -> None:
    aware = to_utc(datetime(2026, 10, 23, 9, 0), LONDON)  # Fri 09:00 BST
    assert iso_local(notify_by(aware), LONDON) == "2026-10-26T08:00:00+00:00"
    assert show_local(notify_by(aware), LONDON) == "Mon 26 Oct 2026 08:00 GMT"


def test_deadline_across_march_change() -> None:
    aware = to_utc(datetime(2026, 3, 27, 9, 0), LONDON)  # Fri 09:00 GMT
    assert iso_local(notify_by(aware), LONDON) == "2026-03-30T10:00:00+01:00"


def test_time_in_the_spring_gap_is_refused() -> None:
    with pytest.raises(BreachClockError, match="does not exist in Europe/London"):
        to_utc(datetime(2026, 3, 29, 1, 30), LONDON)


def test_repeated_autumn_time_is_the_earlier_unless_offset_given() -> None:
    naive = datetime(2026, 10, 25, 1, 30)
    assert to_utc(naive, LONDON) == datetime(2026, 10, 25, 0, 30)  # 01:30 BST
    later = datetime.fromisoformat("2026-10-25T01:30:00+00:00")
    assert to_utc(later, LONDON) == datetime(2026, 10, 25, 1, 30)


@pytest.mark.parametrize(("hours_after", "text", "level"), [
    (0, "72 h left", Urgency.GREEN), (23.5, "48 h left", Urgency.GREEN),
    (24.5, "47 h left", Urgency.AMBER), (48, "24 h left", Urgency.AMBER),
    (48.5, "23 h left", Urgency.RED),
    (71.5, "30 min left", Urgency.RED), (72.25, "15 min overdue", Urgency.OVERDUE),
    (80, "8 h overdue", Urgency.OVERDUE),
])
def test_countdown_text_and_colour(hours_after: float, text: str, level: Urgency) -> None:
    aware = datetime(2026, 6, 1, 8, 0)
    reading = read_clock(aware, aware + timedelta(hours=hours_after))
    assert reading.text == text and reading.urgency is level
