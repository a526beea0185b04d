"""Runs a tour script: a generator that does something, then yields what to wait for.

A timer drives the script, so it keeps running inside a dialog's own event loop
(`exec()`); anything that may open such a dialog is started with `later()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from privdesk.ui.tour.check import Misfit, misfits

TICK_MS = 40


@dataclass(frozen=True)
class Wait:
    what: str
    ready: Callable[[], bool]
    seconds: float = 60.0


@dataclass
class TourResult:
    shots: list[Path] = field(default_factory=list)
    misfits: list[Misfit] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.misfits and not self.error


class Tour:
    """The helpers a tour script uses, and the timer that runs it."""

    def __init__(self, app: QApplication, out: Path, screen: QRect) -> None:
        self.app, self.out, self.screen = app, out, screen
        self.result = TourResult()
        self._script: Iterator[Wait] | None = None
        self._waiting: Wait | None = None
        self._deadline = 0.0
        self._busy = False
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # -- for scripts --------------------------------------------------------------------
    @staticmethod
    def later(fn: Callable[[], object]) -> None:
        QTimer.singleShot(0, fn)

    @staticmethod
    def until(what: str, ready: Callable[[], bool], seconds: float = 60.0) -> Wait:
        return Wait(what, ready, seconds)

    def settle(self, frames: int = 3) -> Wait:
        """A few timer ticks, for layouts and repaints to finish."""
        left = [frames]

        def ready() -> bool:
            left[0] -= 1
            return left[0] < 0

        return Wait("the window to settle", ready, 10)

    def shot(self, widget: QWidget, name: str) -> None:
        """Save a PNG of the window and record what does not fit the screen."""
        window = widget.window()
        self.app.processEvents()
        path = self.out / f"{name}.png"
        window.grab().save(str(path))
        self.result.shots.append(path)
        self.result.misfits.extend(misfits(window, name, self.screen))

    def top_level(self, kind: type, title: str = "") -> QWidget | None:
        """The visible top-level window of that kind (and title part), newest last."""
        found = [w for w in self.app.topLevelWidgets()
                 if isinstance(w, kind) and w.isVisible() and title in w.windowTitle()]
        return found[-1] if found else None

    # -- running --------------------------------------------------------------------------
    def run(self, script: Iterator[Wait]) -> TourResult:
        self._script = script
        self._timer.start()
        self.app.exec()
        return self.result

    def _tick(self) -> None:
        if self._busy or self._script is None:
            return
        self._busy = True
        try:
            while True:
                if self._waiting is not None and not self._waiting.ready():
                    if time.monotonic() > self._deadline:
                        self._stop(f"timed out waiting for {self._waiting.what}")
                    return
                self._waiting = next(self._script)
                self._deadline = time.monotonic() + self._waiting.seconds
        except StopIteration:
            self._stop("")
        except Exception as exc:  # a broken step ends the tour with its reason
            self._stop(f"{type(exc).__name__}: {exc}")
        finally:
            self._busy = False

    def _stop(self, error: str) -> None:
        self.result.error = error
        self._timer.stop()
        self._script = None
        self.app.exit(0)  # the caller closes the session, then the windows
