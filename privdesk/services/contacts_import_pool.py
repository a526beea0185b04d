"""Checking a long file's rows on every core. phonenumbers' parse and validity check
and email_validator are most of an import's cost and pure Python; row checks are pure
(domain.contact_rows), so chunks of rows go to worker processes and come back in file
order. Short files, and machines with one core, are checked in-process."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor

from privdesk.domain.contact_rows import Checked, RowRules, check_many

PARALLEL_MIN = 20_000  # below this, starting workers costs more than it saves
CHUNK = 5_000
MAX_WORKERS = 8


def workers() -> int:
    return max(1, min(MAX_WORKERS, (os.cpu_count() or 1)))


def checked_rows(rows: list[tuple[int, list[str]]], mapping: Mapping[int, str],
                 rules: RowRules, cancelled: Callable[[], bool]) -> Iterator[list[Checked]]:
    """Chunks of checked rows, in file order; `rows` is emptied as it goes (the cells of
    a million-row file are ~1 GB). Workers are spawned, never forked: the GUI runs
    threads, and a fork of a threaded process can hang."""
    if len(rows) < PARALLEL_MIN or workers() == 1:
        while rows:  # each chunk's cells are let go as soon as it is checked
            chunk = rows[:CHUNK]
            del rows[:CHUNK]
            yield check_many(chunk, mapping, rules)
        return
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    rows.clear()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers(), mp_context=context) as pool:
        futures = [pool.submit(check_many, chunk, dict(mapping), rules) for chunk in chunks]
        del chunks
        try:
            for future in futures:
                if cancelled():
                    break
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
