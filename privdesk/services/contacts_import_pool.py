"""Checking a long file's rows on every core. phonenumbers' parse and validity check
and email_validator are most of an import's cost and pure Python; row checks are pure
(domain.contact_rows), so chunks of rows go to worker processes and come back in file
order. Short files, and machines with one core, are checked in-process.

Only a few chunks are in flight at once (the rows are read from the file's text as
they are sent), so a million-row file never has every row's cells in memory."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from privdesk.domain.contact_rows import Checked, RowRules, check_many
from privdesk.domain.contact_table import CsvRows, Row

PARALLEL_MIN = 20_000  # below this, starting workers costs more than it saves
CHUNK = 5_000
MAX_WORKERS = 8


def workers() -> int:
    """Worker processes worth starting: the cores that are free besides the one the
    importing process needs (it matches, writes, and unpickles every checked row).
    Measured on 2 cores, 100,000 rows: in-process 19.1 s; two workers 21.8 s at load
    1.2 and 47 s at load 3-4 (they compete with the importing process). So 1 (check
    in-process) unless at least two cores are free beside it."""
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # not available on this system
        busy = 0.0
    free = int(cores - busy + 0.5) - 1
    return max(1, min(MAX_WORKERS, free))


def chunks(rows: Sequence[Row], size: int) -> Iterator[list[Row]]:
    """The rows a chunk at a time, parsed from the text only as each chunk is reached."""
    if isinstance(rows, CsvRows):
        yield from rows.chunks(size)
        return
    for first in range(0, len(rows), size):
        yield list(rows[first:first + size])


def checked_rows(rows: Sequence[Row], mapping: Mapping[int, str], rules: RowRules,
                 cancelled: Callable[[], bool]) -> Iterator[list[Checked]]:
    """Chunks of checked rows, in file order. Workers are spawned, never forked: the GUI
    runs threads, and a fork of a threaded process can hang."""
    count = workers() if len(rows) >= PARALLEL_MIN else 1
    if count == 1:
        for chunk in chunks(rows, CHUNK):
            yield check_many(chunk, mapping, rules)
        return
    context = multiprocessing.get_context("spawn")
    window = 2 * count
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        pending: deque[Future[list[Checked]]] = deque()
        try:
            for chunk in chunks(rows, CHUNK):
                pending.append(pool.submit(check_many, chunk, dict(mapping), rules))
                if len(pending) >= window:
                    if cancelled():
                        return
                    yield pending.popleft().result()
            while pending and not cancelled():
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
