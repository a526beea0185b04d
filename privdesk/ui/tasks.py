"""Run database work off the UI thread and hand the result back on it.

Two lanes, one worker thread each:

- `Lane.WORK` (the default): everything else, first in first out. Writes are serialised
  here as SQLite serialises them anyway, and a read asked after a write sees it.
- `Lane.LONG`: work that takes seconds to minutes (checking and importing a large file).
  It has its own thread, so searches and detail loads on the WORK lane do not wait behind
  it: the store is in WAL mode, where readers never wait for a writer. A short write asked
  during a long write waits on SQLite's busy timeout (10 s) rather than on this queue.

`key`: results are wanted only from the latest job asked under that key ("the detail of
the selected request", "the breach register"). An older job's result, or its error, is
dropped when a newer job with the same key has been asked, so a slow reply to an older
selection never replaces a newer one.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from enum import Enum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

UI_SWITCH_INTERVAL = 0.001  # seconds

T = TypeVar("T")


class Lane(Enum):
    WORK = "work"
    LONG = "long"


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable, Generic[T]):
    def __init__(self, fn: Callable[[], T], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the UI thread, which shows it
            # Not formatted here: the exception keeps its __traceback__, and on Python 3.11
            # formatting one calls ast.parse, which is not safe on two threads at once
            # ("AST constructor recursion depth mismatch": this job's failure would then
            # be lost and its caller wait for ever).
            self._signals.failed.emit(exc)
        else:
            self._signals.done.emit(result)


class TaskRunner(QObject):
    """`run(fn, on_done, on_error, key=, lane=)`: fn runs on a worker, the callbacks on
    the UI thread."""

    error = Signal(object)  # unhandled failures, for a window to show

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # While the worker runs Python (a search builds its rows), the UI thread waits
        # for the GIL up to the switch interval before it can paint or take a key:
        # 5 ms by default, on every keystroke. 1 ms keeps the UI thread's turn short;
        # the worker's own throughput barely changes (its time is mostly in SQLite,
        # which releases the GIL).
        sys.setswitchinterval(min(sys.getswitchinterval(), UI_SWITCH_INTERVAL))
        self._pools: dict[Lane, QThreadPool] = {}
        for lane in Lane:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._pools[lane] = pool
        self._live: set[_Signals] = set()
        self._tickets = itertools.count(1)
        self._latest: dict[str, int] = {}

    def run(self, fn: Callable[[], T], on_done: Callable[[T], object] | None = None,
            on_error: Callable[[Exception], object] | None = None, *, key: str | None = None,
            lane: Lane = Lane.WORK) -> None:
        signals = _Signals()
        self._live.add(signals)
        ticket = next(self._tickets)
        if key is not None:
            self._latest[key] = ticket

        def current() -> bool:
            self._live.discard(signals)
            return key is None or self._latest.get(key) == ticket

        def finish(result: Any) -> None:  # a T: Signal(object) carries it untyped
            if current() and on_done is not None:
                on_done(result)

        def fail(exc: Exception) -> None:
            if not current():
                return
            if on_error is not None:
                on_error(exc)
            else:
                self.error.emit(exc)

        signals.done.connect(finish)
        signals.failed.connect(fail)
        self._pools[lane].start(_Job(fn, signals))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until queued work in every lane is done (shutdown, lock, tests)."""
        return all(pool.waitForDone(msecs) for pool in self._pools.values())

    @property
    def busy(self) -> bool:
        return any(p.activeThreadCount() > 0 for p in self._pools.values()) or bool(self._live)
