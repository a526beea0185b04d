"""Run database work off the UI thread and hand the result back on it.

One worker thread: SQLite writes are serialised anyway, and a single queue keeps
results in the order they were asked for (a search typed "ab" then "abc" never shows
the "ab" rows last).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

UI_SWITCH_INTERVAL = 0.001  # seconds


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the UI thread, which shows it
            exc.__privdesk_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._signals.failed.emit(exc)
        else:
            self._signals.done.emit(result)


class TaskRunner(QObject):
    """`run(fn, on_done, on_error)`: fn runs on the worker, callbacks on the UI thread."""

    error = Signal(object)  # unhandled failures, for a window to show

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # While the worker runs Python (a search builds its rows), the UI thread waits
        # for the GIL up to the switch interval before it can paint or take a key:
        # 5 ms by default, on every keystroke. 1 ms keeps the UI thread's turn short;
        # the worker's own throughput barely changes (its time is mostly in SQLite,
        # which releases the GIL).
        sys.setswitchinterval(min(sys.getswitchinterval(), UI_SWITCH_INTERVAL))
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._live: set[_Signals] = set()

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None) -> None:
        signals = _Signals()
        self._live.add(signals)

        def finish(result: Any) -> None:
            self._live.discard(signals)
            if on_done is not None:
                on_done(result)

        def fail(exc: Exception) -> None:
            self._live.discard(signals)
            if on_error is not None:
                on_error(exc)
            else:
                self.error.emit(exc)

        signals.done.connect(finish)
        signals.failed.connect(fail)
        self._pool.start(_Job(fn, signals))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until queued work is done (shutdown, lock, tests)."""
        return self._pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return self._pool.activeThreadCount() > 0 or bool(self._live)
