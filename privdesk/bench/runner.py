"""Run every benchmark at one size and print the table (or JSON)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path

from privdesk.bench import cases
from privdesk.bench.harness import BenchData, BenchResult, prepare

Case = Callable[[BenchData], BenchResult]
CASES: list[Case] = [cases.bench_demo_data, cases.bench_open_store, cases.bench_search,
                     cases.bench_retention]


def run_all(folder: Path, size: str, log: Callable[[str], None] = print) -> list[BenchResult]:
    data = prepare(folder, size, log)
    results = []
    for case in CASES:
        log(f"running {case.__name__}…")
        results.append(case(data))
    return results


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(results: list[BenchResult]) -> str:
    head = "| figure | value | target | baseline | ratio | met |\n|---|---|---|---|---|---|"
    rows = [
        f"| {r.name} | {r.value} {r.unit} | {r.target} | "
        f"{'' if r.baseline is None else f'{r.baseline} {r.unit}'} | "
        f"{'' if r.ratio is None else f'{r.ratio}x'} | {'yes' if r.met else 'NO'} |"
        for r in results
    ]
    return "\n".join([head, *rows])
