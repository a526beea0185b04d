"""The Art. 33 clock: notify the ICO within 72 hours of becoming aware of a breach.

72 hours are real elapsed hours (RULES.md): the deadline is the moment of awareness plus
72 hours of wall-clock time, computed in UTC, then shown in the team's zone (Europe/London
by default). A breach found at 09:00 on Fri 23 Oct 2026 (BST) is due at 08:00 on Mon 26 Oct
(GMT): the clocks went back on Sunday, and that hour is not given away.

Local times an officer types are turned into instants here:
- a time that does not exist (01:30 on the last Sunday of March in London, when the clocks
  jump from 01:00 to 02:00) is refused with a plain reason;
- a time that happens twice (01:30 on the last Sunday of October) is taken as the earlier
  of the two, which gives the earlier deadline: the law's clock can only be shorter, never
  longer, than the one we show. An ISO time with an offset picks either one exactly.

Pure: zoneinfo only, no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from privdesk.domain.dates import month_year
from privdesk.domain.deadlines import Urgency

NOTIFY_HOURS = 72
DEFAULT_ZONE = "Europe/London"
AMBER_HOURS = 48  # amber once fewer than 48 whole hours remain ("47 h left")
RED_HOURS = 24  # red in the last day ("23 h left")


class BreachClockError(ValueError):
    """A time that cannot be a moment of awareness (does not exist, in the future...)."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BreachClockError(f"Unknown time zone {name!r}: use a name like Europe/London.") \
            from exc


def to_utc(moment: datetime, tz: ZoneInfo) -> datetime:
    """An instant as naive UTC (how the store keeps instants).

    A naive `moment` is a local wall-clock time in `tz`; an aware one is converted as is.
    """
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    earlier = moment.replace(tzinfo=tz, fold=0)
    later = moment.replace(tzinfo=tz, fold=1)
    # Round-trip through UTC: a wall time in a spring-forward gap comes back different.
    back = earlier.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != moment:
        raise BreachClockError(
            f"{moment:%H:%M} on {moment.day} {month_year(moment)} does not exist in {tz.key}: the "
            "clocks went forward. Give the time as it was shown, or with its UTC offset.")
    first, second = earlier.astimezone(UTC), later.astimezone(UTC)
    return min(first, second).replace(tzinfo=None)


def to_local(instant_utc: datetime, tz: ZoneInfo) -> datetime:
    """A stored (naive UTC) instant as an aware local date-time."""
    return instant_utc.replace(tzinfo=UTC).astimezone(tz)


def notify_by(aware_utc: datetime) -> datetime:
    """The Art. 33 deadline as naive UTC: 72 elapsed hours after awareness."""
    return aware_utc + timedelta(hours=NOTIFY_HOURS)


def iso_local(instant_utc: datetime, tz: ZoneInfo) -> str:
    """ISO 8601 local date-time with its offset: 2026-10-26T08:00:00+00:00."""
    return to_local(instant_utc, tz).isoformat(timespec="seconds")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def show_local(instant_utc: datetime, tz: ZoneInfo) -> str:
    """How an officer reads it: Mon 26 Oct 2026 08:00 GMT. English names spelt out here:
    strftime follows the desktop's locale once Qt has started (DESIGN.md)."""
    t = to_local(instant_utc, tz)
    return (f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t.year} {t:%H:%M} "
            f"{t.tzname()}")


@dataclass(frozen=True)
class ClockReading:
    """Where the 72-hour clock stands at one instant."""

    deadline_utc: datetime
    seconds_left: int  # negative once past

    @property
    def overdue(self) -> bool:
        return self.seconds_left < 0

    @property
    def hours_left(self) -> int:
        """Whole hours left, rounded down (71 h 59 min shows as 71 h)."""
        return self.seconds_left // 3600 if self.seconds_left >= 0 else -((-self.seconds_left) // 3600)

    @property
    def urgency(self) -> Urgency:
        if self.overdue:
            return Urgency.OVERDUE
        # By the whole hours shown, so the colour and the text never disagree.
        if self.seconds_left < RED_HOURS * 3600:
            return Urgency.RED
        if self.seconds_left < AMBER_HOURS * 3600:
            return Urgency.AMBER
        return Urgency.GREEN

    @property
    def text(self) -> str:
        """'71 h left', '45 min left', '5 h overdue': never colour alone."""
        s = self.seconds_left
        if s >= 3600:
            return f"{s // 3600} h left"
        if s >= 0:
            return f"{s // 60} min left"
        late = -s
        if late < 3600:
            return f"{max(late // 60, 1)} min overdue"
        return f"{late // 3600} h overdue"


def read_clock(aware_utc: datetime, now_utc: datetime) -> ClockReading:
    deadline = notify_by(aware_utc)
    return ClockReading(deadline, int((deadline - now_utc).total_seconds() // 1))


def is_late(aware_utc: datetime, notified_utc: datetime) -> bool:
    """Notified after the 72 hours: the notification must give reasons for the delay."""
    return notified_utc > notify_by(aware_utc)


def hours_taken(aware_utc: datetime, notified_utc: datetime) -> float:
    return (notified_utc - aware_utc).total_seconds() / 3600
