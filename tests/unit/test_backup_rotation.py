from __future__ import annotations

from datetime import datetime, timedelta

from privdesk.domain.backups import backups_to_keep


def test_a_year_of_daily_backups_keeps_7_daily_4_weekly_12_monthly() -> None:
    start = datetime(2025, 11, 25, 18, 0)
    stamps = [start + timedelta(days=i) for i in range(365)]
    keep = backups_to_keep(stamps)
    newest = stamps[-1]
    assert newest in keep
    assert all(newest - timedelta(days=i) in keep for i in range(7))
    assert newest - timedelta(days=7) not in keep or (newest - timedelta(days=7)).weekday() == 6
    months = {(d.year, d.month) for d in keep}
    assert len(months) == 12
    weeks = {d.isocalendar()[:2] for d in keep}
    assert len(weeks) >= 4
    assert len(keep) <= 7 + 4 + 12


def test_several_a_day_keeps_the_newest_of_each_day() -> None:
    day = datetime(2026, 11, 24)
    stamps = [day.replace(hour=h) for h in (9, 12, 17)] + [day - timedelta(days=1)]
    assert backups_to_keep(stamps, daily=7, weekly=0, monthly=0) == {
        day.replace(hour=17), day - timedelta(days=1)}


def test_zero_everywhere_still_keeps_the_newest() -> None:
    stamps = [datetime(2026, 1, d) for d in range(1, 20)]
    assert backups_to_keep(stamps, 0, 0, 0) == {datetime(2026, 1, 19)}
