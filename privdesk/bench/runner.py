"""Run every benchmark at one size and print the table (or JSON)."""

from __future__ import annotations

import functools
import os
import platform
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from privdesk.bench import cases, io_cases, ui_cases, wait_cases
from privdesk.bench.harness import BenchData, BenchResult, prepare

Case = Callable[[BenchData], BenchResult]
CASES: list[Case] = [cases.bench_search, ui_cases.bench_view_keystroke,
                     ui_cases.bench_main_window, cases.bench_open_store,
                     ui_cases.bench_scroll_rss, cases.bench_retention, io_cases.bench_import,
                     cases.bench_demo_data, io_cases.bench_pack, wait_cases.bench_unlock,
                     wait_cases.bench_first_window, wait_cases.bench_preview_first_page]


def case_name(case: Case) -> str:
    """bench_view_keystroke -> view_keystroke: what `privdesk bench --case` takes."""
    func = case.func if isinstance(case, functools.partial) else case
    return func.__name__.removeprefix("bench_")


def pick(names: list[str] | None, pg_url: str | None = None,
         log: Callable[[str], None] = print) -> list[Case]:
    """The cases named (in the runner's order), or all of them; an unknown name is an
    error that lists the known ones. With pg_url, the team store's search on that
    PostgreSQL database (bench.pg_cases) comes second, after the local search."""
    available: list[Case] = list(CASES)
    if pg_url is not None:
        from privdesk.bench.pg_cases import bench_search_server

        available.insert(1, functools.partial(bench_search_server, url=pg_url, log=log))
    if not names:
        return available
    known = {case_name(c): c for c in available}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"No benchmark case {unknown[0]!r}; the cases are: "
                         f"{', '.join(known)}.")
    return [c for c in available if case_name(c) in names]


def run_all(folder: Path, size: str, log: Callable[[str], None] = print,
            only: list[str] | None = None, pg_url: str | None = None) -> list[BenchResult]:
    chosen = pick(only, pg_url, log)
    data = prepare(folder, size, log)
    results = []
    for case in chosen:
        start = time.perf_counter()
        log(f"running {case_name(case)}…")
        result = replace(case(data), load=round(os.getloadavg()[0], 1))
        results.append(result)
        log(f"  {case_name(case)}: {time.perf_counter() - start:.0f} s, load average "
            f"{result.load}")
    return results


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(results: list[BenchResult]) -> str:
    head = ("| figure | value | target | baseline | ratio | met | load | note |\n"
            "|---|---|---|---|---|---|---|---|")
    rows = [
        f"| {r.name} | {r.value} {r.unit} | {r.target} | "
        f"{'' if r.baseline is None else f'{r.baseline} {r.unit}'} | "
        f"{'' if r.ratio is None else f'{r.ratio}x'} | {'yes' if r.met else 'NO'} | "
        f"{'' if r.load is None else r.load} | {r.note} |"
        for r in results
    ]
    return "\n".join([head, *rows])
