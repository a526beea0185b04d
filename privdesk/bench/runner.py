"""Run every benchmark at one size and print the table (or JSON)."""

from __future__ import annotations

import functools
import platform
from collections.abc import Callable
from pathlib import Path

from privdesk.bench import cases, io_cases, ui_cases, wait_cases
from privdesk.bench.harness import BenchData, BenchResult, prepare

Case = Callable[[BenchData], BenchResult]
CASES: list[Case] = [cases.bench_search, ui_cases.bench_view_keystroke,
                     ui_cases.bench_main_window, cases.bench_open_store,
                     ui_cases.bench_scroll_rss, cases.bench_retention, io_cases.bench_import,
                     cases.bench_demo_data, io_cases.bench_pack, wait_cases.bench_unlock,
                     wait_cases.bench_first_window, wait_cases.bench_preview_first_page]


def run_all(folder: Path, size: str, log: Callable[[str], None] = print,
            pg_url: str | None = None, only: str | None = None) -> list[BenchResult]:
    """Every case (or those whose function name holds `only`); with pg_url, also the team
    store's search on that PostgreSQL database (bench.pg_cases)."""
    data = prepare(folder, size, log)
    cases: list[Case] = list(CASES)
    if pg_url is not None:
        from privdesk.bench.pg_cases import bench_search_server

        cases.insert(1, functools.partial(bench_search_server, url=pg_url, log=log))
    results = []
    for case in cases:
        name = getattr(case, "__name__", None) or case.func.__name__  # type: ignore[attr-defined]
        if only and only not in name:
            continue
        log(f"running {name}…")
        results.append(case(data))
    return results


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(results: list[BenchResult]) -> str:
    head = ("| figure | value | target | baseline | ratio | met | note |\n"
            "|---|---|---|---|---|---|---|")
    rows = [
        f"| {r.name} | {r.value} {r.unit} | {r.target} | "
        f"{'' if r.baseline is None else f'{r.baseline} {r.unit}'} | "
        f"{'' if r.ratio is None else f'{r.ratio}x'} | {'yes' if r.met else 'NO'} | {r.note} |"
        for r in results
    ]
    return "\n".join([head, *rows])
