"""Python's cyclic garbage collector, run only on the GUI thread.

Automatic collection runs in whichever thread happens to allocate. When that is a
TaskRunner worker and the garbage holds a closed dialog (widgets, their lambdas and
connections form cycles), Qt objects are destroyed off the GUI thread and the process
dies with a segmentation fault. Found by the hostile-input suite, which opens and closes
the contact editor dozens of times while saves run in workers. So automatic collection
is switched off and a timer on the GUI thread collects instead, generation by
generation as the thresholds are reached (the approach pyqtgraph and Spyder use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Back to automatic collection (tests, shutdown)."""
        self._timer.stop()
        gc.enable()
