"""Checking a long file's rows on a second core. The row checks (phonenumbers' parse and
validity, email_validator, dates, value maps) and the derived fields (folded name,
search text, retention date) are pure Python and most of an import's CPU; they are
pure (domain.contact_rows), so stretches of the file go to worker processes, which
parse, check and derive there and send back flat tuples (domain.import_rows).

The importing process keeps the work that needs the store (matching, writing, the
search index). While it waits for the next chunk in file order it checks a chunk
itself instead of idling, so the two sides balance on their own: on a quiet 2-core
machine the worker takes about half the chunks; on a busy one, or when a worker is
slow to start, the importing process takes more, and the import is never slower than
checking in-process by more than the cost of the few chunks sent.

The worker is started (and its libraries imported) before the file is read, so it is
ready when the first chunk is. Only a few chunks are in flight at once (each is cut
from the file's text as it is sent), so a million-row file never has every row's cells
in memory."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date

from privdesk.domain.contact_rows import RowRules
from privdesk.domain.contact_table import CsvRows, Row, RowsPiece
from privdesk.domain.import_rows import ImportRow, import_rows

PARALLEL_MIN = 20_000  # below this, starting a worker costs more than it saves
CHUNK = 5_000
MAX_WORKERS = 8
IN_FLIGHT = 2  # chunks queued per worker: one being checked, one waiting
MAX_AHEAD = 8  # chunks checked ahead of the one being written (bounds memory)

Work = RowsPiece | list[Row]


def workers() -> int:
    """Worker processes to start beside the importing process: one per other core.
    No load guess: the importing process checks chunks itself whenever a worker is
    behind, so a busy machine only costs the chunks sent out."""
    return max(0, min(MAX_WORKERS, (os.cpu_count() or 1) - 1))


def pieces(rows: Sequence[Row], size: int) -> Iterator[Work]:
    """The rows a chunk at a time: a CSV as stretches of its text (parsed where they
    are checked), anything else (vCards) as parsed rows."""
    if isinstance(rows, CsvRows):
        yield from rows.pieces(size)
        return
    for first in range(0, len(rows), size):
        yield list(rows[first:first + size])


def _warm_up() -> None:
    """A worker's first task, sent before the file is even read: importing the checks'
    libraries (phonenumbers, email_validator) is most of a spawned worker's start."""
    import_rows([(1, ["Warm Up", "+44 20 7946 0000"])], {0: "name", 1: "phone"},
                RowRules({"x": "x"}, "GB", date(2000, 1, 1), "x"))


class RowChecker:
    """The row checks of one import. Made before the file is read, so that a worker
    process is started and ready (~1 s) while the importing process reads the file and
    its date order; `close()` (or the with-block) stops it however the import ends."""

    def __init__(self, data: bytes) -> None:
        self._pool: ProcessPoolExecutor | None = None
        count = workers()
        if count and data.count(b"\n") >= PARALLEL_MIN:
            # Spawned, never forked: the GUI runs threads, and a fork of a threaded
            # process can hang.
            self._pool = ProcessPoolExecutor(max_workers=count,
                                             mp_context=multiprocessing.get_context("spawn"))
            self._count = count
            for _ in range(count):
                self._pool.submit(_warm_up)

    def __enter__(self) -> RowChecker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def chunks(self, rows: Sequence[Row], mapping: Mapping[int, str], rules: RowRules,
               cancelled: Callable[[], bool]) -> Iterator[list[ImportRow]]:
        """Chunks of checked rows, in file order."""
        mapping = dict(mapping)
        if self._pool is None or len(rows) < PARALLEL_MIN:
            for work in pieces(rows, CHUNK):
                yield import_rows(work, mapping, rules)
            return
        yield from self._shared(self._pool, self._count, pieces(rows, CHUNK), mapping, rules,
                                cancelled)

    @staticmethod
    def _shared(pool: ProcessPoolExecutor, count: int, todo: Iterator[Work],
                mapping: dict[int, str], rules: RowRules, cancelled: Callable[[], bool]
                ) -> Iterator[list[ImportRow]]:
        ahead: deque[Future[list[ImportRow]] | list[ImportRow]] = deque()
        sent = 0  # futures in `ahead`
        try:
            while not cancelled():
                while sent < IN_FLIGHT * count and len(ahead) < MAX_AHEAD:
                    out = next(todo, None)
                    if out is None:
                        break
                    ahead.append(pool.submit(import_rows, out, mapping, rules))
                    sent += 1
                if not ahead:
                    return
                head = ahead[0]
                if isinstance(head, Future) and not head.done() and len(ahead) < MAX_AHEAD:
                    here = next(todo, None)
                    if here is not None:  # the worker is behind: check one here meanwhile
                        ahead.append(import_rows(here, mapping, rules))
                        continue
                ahead.popleft()
                if isinstance(head, Future):
                    sent -= 1
                    yield head.result()
                else:
                    yield head
        finally:
            for future in ahead:
                if isinstance(future, Future):
                    future.cancel()
