"""Which backups to keep: the newest of each of the last N days, weeks and months
(grandfather-father-son). Pure: given the backups' times, returns the ones to keep."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def backups_to_keep(stamps: Iterable[datetime], daily: int = 7, weekly: int = 4,
                    monthly: int = 12) -> set[datetime]:
    """The newest backup of each of the `daily` most recent days that have one, of each of
    the `weekly` most recent ISO weeks, and of each of the `monthly` most recent months.
    The newest backup overall is always kept."""
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    for count, bucket in ((daily, lambda d: d.date()),
                          (weekly, lambda d: d.isocalendar()[:2]),
                          (monthly, lambda d: (d.year, d.month))):
        seen: list[object] = []
        for stamp in ordered:
            key = bucket(stamp)
            if key in seen:
                continue
            if len(seen) >= max(0, count):
                break
            seen.append(key)
            keep.add(stamp)
    return keep
