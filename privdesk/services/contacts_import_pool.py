"""Checking a long file's rows on a second core. The row checks (phonenumbers' parse and
validity, email_validator, dates, value maps) and the derived fields (folded name,
search text, retention date) are pure Python and most of an import's CPU; they are
pure (domain.contact_rows), so stretches of the file go to worker processes, which
parse, check and derive there and send back flat tuples (domain.import_rows).

The importing process keeps the work that needs the store (matching, writing, the
search index) and checks some chunks itself: the share that makes both sides finish
together, timed as they go (Balance). When matching and writing are the slower side
(a big register) it takes none; on a busy machine, where the worker falls behind, it
takes more.

The worker is started (and its libraries imported) before the file is read, so it is
ready when the first chunk is. Only a few chunks are in flight at once (each is cut
from the file's text as it is sent), so a million-row file never has every row's cells
in memory."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Generic, TypeVar

from privdesk.domain.contact_rows import RowRules
from privdesk.domain.contact_table import CsvRows, Row, RowsPiece, parsed
from privdesk.domain.contact_values import date_order_evidence
from privdesk.domain.import_rows import ImportRow, import_rows

PARALLEL_MIN = 20_000  # below this, starting a worker costs more than it saves
# Above this, checked in-process: a worker costs ~60 MB, and a 1,000,000-row file is held
# under 500 MB (measured, a 168 MB export: 497 MiB in-process, 512 + 56 MiB with a
# worker; the worker saved 30% of its 153 s). Speed is the goal for files up to here.
PARALLEL_MAX = 200_000
CHUNK = 5_000
MAX_WORKERS = 8
IN_FLIGHT = 2  # chunks queued per worker: one being checked, one waiting
MAX_AHEAD = 3  # chunks checked ahead of the one being written (bounds memory: ~6 MB each)
PATIENCE = 5.0  # seconds to wait for the worker's chunk before taking one, until timed
T = TypeVar("T")

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


def date_evidence(work: Work, columns: Sequence[int]) -> tuple[bool, bool, bool]:
    """date_order_evidence over a chunk's date cells (a worker's task while the
    importing process is still reading the file)."""
    return date_order_evidence(cells[i] for _line, cells in parsed(work) for i in columns
                               if i < len(cells))


class RowChecker:
    """The row checks of one import. Made before the file is read, so that a worker
    process is started and ready while the importing process reads the file; `close()`
    (or the with-block) stops it however the import ends."""

    def __init__(self, data: bytes) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._count = workers()
        if self._count and PARALLEL_MIN <= data.count(b"\n") <= PARALLEL_MAX:
            # Spawned, never forked: the GUI runs threads, and a fork of a threaded
            # process can hang.
            self._pool = ProcessPoolExecutor(max_workers=self._count,
                                             mp_context=multiprocessing.get_context("spawn"))
            for _ in range(self._count):
                self._pool.submit(_warm_up)

    def __enter__(self) -> RowChecker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            # Not waiting for the worker to exit (~0.3 s): it has nothing left to do.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def chunks(self, rows: Sequence[Row], mapping: Mapping[int, str], rules: RowRules,
               cancelled: Callable[[], bool]) -> Iterator[list[ImportRow]]:
        """Chunks of checked rows, in file order."""
        return self._each(rows, partial(import_rows, mapping=dict(mapping), rules=rules),
                          cancelled, PATIENCE)

    def date_order_evidence(self, rows: Sequence[Row], columns: Sequence[int]
                            ) -> tuple[bool, bool, bool]:
        """date_order_evidence over every row's `columns`, shared with the worker."""
        seen = [False, False, False]
        # Nothing to do with each chunk's answer: take one here whenever the worker's
        # is not in yet.
        for found in self._each(rows, partial(date_evidence, columns=list(columns)),
                                lambda: False, 0.0):
            seen = [a or b for a, b in zip(seen, found, strict=True)]
        return seen[0], seen[1], seen[2]

    def _each(self, rows: Sequence[Row], task: Callable[[Work], T],
              cancelled: Callable[[], bool], patience: float) -> Iterator[T]:
        if self._pool is None or len(rows) < PARALLEL_MIN:
            for work in pieces(rows, CHUNK):
                yield task(work)
            return
        yield from _shared(self._pool, self._count, pieces(rows, CHUNK), task, cancelled,
                           patience)


class Balance:
    """When the importing process should take the next chunk itself. Both sides are
    timed as they go: the worker's chunks (the gaps between its results), the chunks
    checked here (until one is, taken to cost what the worker's do), and what the
    importing process does with each chunk (matching, writing). It takes the share of
    chunks that makes both sides finish together, (worker - writing) / (worker + here),
    none when writing is the slower side. Until the first results are timed it waits
    up to `patience` for the worker's chunk before taking one: for the import the
    worker was started while the file was read, so the wait is the right call (measured,
    2 cores: taking a chunk whenever the worker's was not ready had the importing
    process check 4-8 of 20 and finish last; at a 1M register, where the importing
    process is the slower side, any chunk it takes is time added to the import)."""

    def __init__(self, patience: float) -> None:
        self._patience = patience
        self.finished: list[float] = []  # when each worker result came in (callback thread)
        self._here: list[float] = []
        self._writing: list[float] = []
        self.taken = self.total = 0

    def share(self) -> float | None:
        """The fraction of chunks to take here, once both sides have been timed."""
        if len(self.finished) < 3 or not self._writing:
            return None
        gaps = (self.finished[-1] - self.finished[0]) / (len(self.finished) - 1)
        here = sum(self._here) / len(self._here) if self._here else gaps
        writing = sum(self._writing[-5:]) / len(self._writing[-5:])
        return max(0.0, (gaps - writing) / (gaps + here))

    def take_here(self, head: Future[T]) -> bool:
        share = self.share()
        if share is None:
            try:
                head.result(timeout=self._patience)
            except TimeoutError:
                return True
            return False
        return not head.done() and self.taken < share * (self.total + 1)

    def timed_here(self, started: float) -> None:
        self._here.append(time.monotonic() - started)
        self.taken += 1

    def timed_writing(self, started: float) -> None:
        self._writing.append(time.monotonic() - started)


def _shared(pool: ProcessPoolExecutor, count: int, todo: Iterator[Work],
            task: Callable[[Work], T], cancelled: Callable[[], bool], patience: float
            ) -> Iterator[T]:
    """task(chunk) for every chunk, in order: sent to the workers, a few at a time,
    and taken here in the share Balance works out."""
    ahead: deque[Future[T] | Done[T]] = deque()
    balance = Balance(patience)
    sent = 0  # futures in `ahead`
    try:
        while not cancelled():
            while sent < IN_FLIGHT * count and len(ahead) < MAX_AHEAD:
                out = next(todo, None)
                if out is None:
                    break
                future = pool.submit(task, out)
                future.add_done_callback(lambda _f: balance.finished.append(time.monotonic()))
                ahead.append(future)
                sent += 1
            if not ahead:
                return
            head = ahead[0]
            if (isinstance(head, Future) and len(ahead) < MAX_AHEAD
                    and balance.take_here(head)):
                here = next(todo, None)
                if here is not None:
                    started = time.monotonic()
                    ahead.append(Done(task(here)))
                    balance.timed_here(started)
                    continue
            ahead.popleft()
            balance.total += 1
            value = head.result() if isinstance(head, Future) else head.value
            sent -= isinstance(head, Future)
            started = time.monotonic()
            yield value
            balance.timed_writing(started)
    finally:
        for item in ahead:
            if isinstance(item, Future):
                item.cancel()


@dataclass(frozen=True)
class Done(Generic[T]):
    """A chunk's result worked out in the importing process."""

    value: T
