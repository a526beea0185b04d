"""Runs the benchmark suite at a size given by PRIVDESK_BENCH_SIZE (default 100k) and
prints the table. Figures are reported, not asserted: speed is measured, not tested."""

from __future__ import annotations

import os
from pathlib import Path

from privdesk.bench.runner import machine, run_all, table


def test_benchmarks(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    size = os.environ.get("PRIVDESK_BENCH_SIZE", "100k")
    folder = Path(os.environ.get("PRIVDESK_BENCH_DIR", tmp_path_factory.mktemp("bench")))
    results = run_all(folder, size)
    print(f"\nprivdesk bench --size {size} on {machine()}\n{table(results)}")
    assert results and all(r.value >= 0 for r in results)
