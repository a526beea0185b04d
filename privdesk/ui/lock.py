"""Auto-lock: an idle timer reset by any input anywhere in the app, and the cover that
hides the window while the store is locked.

Locking never closes anything: open dialogs (editors with unsaved text) are disabled
behind the lock and enabled again, the same widgets, once the same officer unlocks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride,
})


class IdleLock(QObject):
    """Calls `on_idle` after `interval_ms` without keyboard, mouse or touch input.
    An interval of 0 turns auto-lock off."""

    def __init__(self, app: QApplication, interval_ms: int, on_idle: Callable[[], None]) -> None:
        super().__init__(app)
        self._app = app
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(on_idle)
        self.set_interval(interval_ms)
        app.installEventFilter(self)

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(max(0, interval_ms))
        self.restart()

    def restart(self) -> None:
        if self._timer.interval() > 0:
            self._timer.start()
        else:
            self._timer.stop()

    def pause(self) -> None:
        self._timer.stop()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def remaining_ms(self) -> int:
        """Time left before the lock (-1 when not counting down)."""
        return self._timer.remainingTime()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in INPUT_EVENTS and self._timer.isActive():
            self._timer.start()  # restart the countdown
        return False

    def stop(self) -> None:
        self._timer.stop()
        self._app.removeEventFilter(self)


class LockCover(QLabel):
    """An opaque panel over the window's contents: nothing personal shows while locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__("privdesk is locked", window)
        self.setObjectName("lockCover")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lockCover { background: #eef1f5; color: #4a5560; font-size: 20px; }")
        self._window = window
        window.installEventFilter(self)
        self.hide()

    def cover(self) -> None:
        self._fit()
        self.show()
        self.raise_()

    def _fit(self) -> None:
        self.setGeometry(self._window.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._window and event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False


class DialogCovers:
    """Open dialogs (editors) are covered and disabled while locked, never closed:
    closing would lose unsaved text, and hiding a dialog ends its exec() loop."""

    def __init__(self) -> None:
        self._covered: list[tuple[QWidget, LockCover]] = []

    def cover(self, keep: QWidget | None) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget is not keep and widget.isVisible() \
                    and widget.isEnabled():
                cover = LockCover(widget)
                widget.setEnabled(False)
                cover.cover()
                self._covered.append((widget, cover))

    def uncover(self) -> None:
        for widget, cover in self._covered:
            cover.hide()
            cover.deleteLater()
            widget.setEnabled(True)
        self._covered.clear()
