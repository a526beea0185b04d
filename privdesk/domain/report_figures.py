"""The management report's figures, worked out from plain facts about each request,
deletion and breach. Pure: the service gathers the facts, the PDF draws the result, and
tests check each figure against the requests that made it.

Definitions (said in the report too):
- received: requests whose received date is in the period, by calendar month and type;
- answered: requests with a response date in the period (refusals included); on time
  when the response was on or before the due date; the on-time rate is on time / answered;
- days to respond: calendar days from receipt to response, median over those answered;
- overdue now: open requests past their due date on the report's "today";
- extensions: requests extended on a date in the period; refusals: refused in the period;
- erasures and purges: tombstones written in the period (erasure rule vs retention rules).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


class ReportPeriodError(ValueError):
    pass


@dataclass(frozen=True)
class RequestFact:
    reference: str
    type: str
    received: date
    responded_on: date | None
    late: bool | None
    extended_on: date | None
    refused: bool
    is_open: bool
    due: date | None


@dataclass(frozen=True)
class DeletionFact:
    on: date
    rule: str
    erasure: bool
    records: int


@dataclass(frozen=True)
class BreachFact:
    reference: str
    aware: str  # local words: Fri 23 Oct 2026 09:00 BST
    notify_by: str
    outcome: str  # clock running / overdue / notified in time / notified late / not notified
    hours_taken: float | None


@dataclass(frozen=True)
class ReportFigures:
    start: date
    end: date
    today: date
    months: tuple[str, ...]  # "2026-01"...
    received: dict[str, tuple[int, ...]]  # type -> count per month
    answered: int
    on_time: int
    late: int
    median_days: float | None
    overdue_now: int
    extensions: int
    refusals: int
    erasures: int
    purges: int
    deleted_records: int
    purges_by_rule: dict[str, int]
    breaches: tuple[BreachFact, ...]

    @property
    def received_total(self) -> int:
        return sum(sum(v) for v in self.received.values())

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "today": self.today.isoformat(), "months": list(self.months),
            "received": {k: list(v) for k, v in self.received.items()},
            "received_total": self.received_total, "answered": self.answered,
            "on_time": self.on_time, "late": self.late,
            "on_time_rate": round(self.on_time_rate, 4) if self.on_time_rate is not None else None,
            "median_days_to_respond": self.median_days, "overdue_now": self.overdue_now,
            "extensions": self.extensions, "refusals": self.refusals,
            "erasures": self.erasures, "purges": self.purges,
            "deleted_records": self.deleted_records, "purges_by_rule": self.purges_by_rule,
            "breaches": [{"reference": b.reference, "aware": b.aware, "notify_by": b.notify_by,
                          "outcome": b.outcome, "hours_taken": b.hours_taken}
                         for b in self.breaches],
        }


def month_keys(start: date, end: date) -> tuple[str, ...]:
    keys, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(keys)


def compute(requests: Iterable[RequestFact], deletions: Iterable[DeletionFact],
            breaches: Sequence[BreachFact], start: date, end: date, today: date,
            types: Sequence[str]) -> ReportFigures:
    if start > end:
        raise ReportPeriodError(f"The period starts ({start.isoformat()}) after it ends "
                                f"({end.isoformat()}).")
    months = month_keys(start, end)
    if len(months) > 120:
        raise ReportPeriodError("The period is longer than ten years: choose a shorter one.")
    column = {k: i for i, k in enumerate(months)}
    received = {t: [0] * len(months) for t in types}
    answered = on_time = late = overdue = extensions = refusals = 0
    spans: list[int] = []

    def inside(d: date | None) -> bool:
        return d is not None and start <= d <= end

    for r in requests:
        if inside(r.received):
            received.setdefault(r.type, [0] * len(months))[column[f"{r.received:%Y-%m}"]] += 1
        if inside(r.responded_on):
            assert r.responded_on is not None
            answered += 1
            if r.late:
                late += 1
            else:
                on_time += 1
            spans.append((r.responded_on - r.received).days)
            if r.refused:
                refusals += 1
        if inside(r.extended_on):
            extensions += 1
        if r.is_open and r.due is not None and r.due < today:
            overdue += 1
    erasures = purges = records = 0
    by_rule: dict[str, int] = {}
    for d in deletions:
        if not inside(d.on):
            continue
        records += d.records
        if d.erasure:
            erasures += 1
        else:
            purges += 1
            by_rule[d.rule] = by_rule.get(d.rule, 0) + d.records
    return ReportFigures(
        start=start, end=end, today=today, months=months,
        received={k: tuple(v) for k, v in received.items()}, answered=answered,
        on_time=on_time, late=late,
        median_days=float(statistics.median(spans)) if spans else None,
        overdue_now=overdue, extensions=extensions, refusals=refusals, erasures=erasures,
        purges=purges, deleted_records=records, purges_by_rule=by_rule,
        breaches=tuple(breaches),
    )
