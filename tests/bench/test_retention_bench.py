"""The retention lists at a million contacts: index range scans on retention_due.

Run with `pytest -m bench tests/bench/test_retention_bench.py -s`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from privdesk.services.context import ServiceContext
from privdesk.services.retention import RetentionService
from tests.conftest import TODAY

pytestmark = pytest.mark.bench
N = 1_000_000


def fill(ctx: ServiceContext) -> None:
    """A million contacts: half customers (no due date), half due from 60 days ago to
    about seven years ahead."""
    start = (TODAY - timedelta(days=60)).toordinal()

    def load(raw: Any) -> None:
        raw.execute("BEGIN")
        raw.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO contacts (id, name, status, source, retention_rule, retention_due,"
            " search_text, created_at, updated_at) "
            "SELECT i, 'Person ' || i, CASE WHEN i % 2 THEN 'enquirer' ELSE 'customer' END,"
            " 'call', CASE WHEN i % 2 THEN 'enquiry' END,"
            " CASE WHEN i % 2 THEN date(? + (i * 7919) % 2600 + 1721424.5) END,"
            " '', '2026-01-01', '2026-01-01' FROM n", (N, start))
        raw.execute("COMMIT")
    ctx.store.run_raw(load)
    ctx.store.checkpoint()  # time the purge's own checkpoint, not the fill's


def best_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times)


def test_due_queries_at_a_million(ctx: ServiceContext) -> None:
    fill(ctx)
    svc = RetentionService(ctx)
    assert ctx.store.table_counts(["contacts"])["contacts"] == N
    rows = svc.due_within(30, limit=2000)
    assert rows and rows[0].overdue
    timings = {
        "due_within(30, limit=2000)": best_ms(lambda: svc.due_within(30, limit=2000)),
        "due_within(30) all rows": best_ms(lambda: svc.due_within(30)),
        "between(one day)": best_ms(lambda: svc.between(TODAY, TODAY)),
        "month_counts": best_ms(lambda: svc.month_counts(2026, 12)),
        "summary (4 counts)": best_ms(svc.summary),
    }
    for name, ms in timings.items():
        print(f"{name}: {ms:.1f} ms")
    print("rows due within 30 days:", len(svc.due_within(30)))
    assert timings["due_within(30, limit=2000)"] < 50
    assert timings["between(one day)"] < 50
    assert timings["month_counts"] < 50


def test_purge_overdue_at_a_million(ctx: ServiceContext) -> None:
    from privdesk.services.purge import PurgeService

    fill(ctx)
    purge = PurgeService(ctx)
    t = time.perf_counter()
    preview = purge.preview_due()
    t_preview = time.perf_counter() - t
    t = time.perf_counter()
    result = purge.purge(preview.contact_ids, confirmed_count=len(preview.items))
    t_purge = time.perf_counter() - t
    print(f"preview {len(preview.items):,} contacts: {t_preview:.2f} s; "
          f"purge: {t_purge:.2f} s; WAL truncated: {result.wal_truncated}")
    assert result.totals.contacts == len(preview.items) > 10_000
    assert result.wal_truncated
