"""The one en-GB date formatter every face uses (tables, letters, packs, the CLI).

Built from fixed English names, never `strftime`: once QApplication starts, Python's
`strftime` follows the desktop's locale (a Polish desktop wrote "29 listopada 2026" into a
UK letter), and flags such as `%-d` are glibc-only and raise on Windows. Letters and packs
go to UK data subjects, so they are en-GB whatever the desktop's language.
"""

from __future__ import annotations

from datetime import date, datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTHS_SHORT = tuple(m[:3] for m in MONTHS)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_SHORT = tuple(d[:3] for d in WEEKDAYS)


def long_date(value: date | None) -> str:
    """24 November 2026: the form a UK letter uses."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def short_date(value: date | None) -> str:
    """24 Nov 2026: table cells."""
    return f"{value.day} {MONTHS_SHORT[value.month - 1]} {value.year}" if value else ""


def day_date(value: date | None) -> str:
    """Tue 24 Nov 2026: how officers read a deadline (weekday included)."""
    if not value:
        return ""
    return f"{WEEKDAYS_SHORT[value.weekday()]} {short_date(value)}"


def month_name(month: int, short: bool = False) -> str:
    return (MONTHS_SHORT if short else MONTHS)[month - 1]


def date_time(value: datetime | None, seconds: bool = False, weekday: bool = False) -> str:
    """24 Nov 2026 14:05 (or Tue 24 Nov 2026 14:05:09): an instant in a table."""
    if not value:
        return ""
    day = day_date(value) if weekday else short_date(value)
    clock = f"{value:%H:%M:%S}" if seconds else f"{value:%H:%M}"  # digits only: locale-free
    return f"{day} {clock}"
