"""The error line under a dialog's fields, and "OK runs the service, then closes".

Dialogs that record something through a service built the same two pieces each: a hidden,
word-wrapped red line (`QLabel#error` in app.qss) for the refusal, and a done/failed pair
around `TaskRunner.run`. They live here once:

- `ErrorLine`: hidden until it has something to say; wrapped, so a long refusal stays
  inside the dialog; always plain text, because refusals quote what people typed (a name
  written as markup shows as the characters typed, never as formatting).
- `run_then_accept`: the OK button is disabled while the work runs on the worker; a
  refusal is shown in the line in the service's own words and the button comes back
  (everything typed is still there); success hands the result over and accepts.

Dialogs that do more around the same step (the unlock dialog's busy bar and focus, the
contact editor's per-field errors) use `ErrorLine` and keep their own pair, on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel, QWidget

from privdesk.ui.screen_fit import largest
from privdesk.ui.tasks import TaskRunner

T = TypeVar("T")


def plain_words(exc: BaseException) -> str:
    """What a service error says: its message (the first argument), not a tuple's repr."""
    return str(exc.args[0]) if exc.args else str(exc)


class ErrorLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote typed names
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.show()
        self._fit_window()

    def _fit_window(self) -> None:
        """A dialog of fixed-height fields (a closing note) could not make room for a long
        message: the last lines were cut. Grow the window to what its layout needs at its
        width, never past the screen; a window with room (a scrolled form) is left alone."""
        window = self.window()
        layout = window.layout()
        if window is self or layout is None or not window.isVisible():
            return
        layout.activate()
        width = window.width()
        needed = (layout.totalMinimumHeightForWidth(width) if layout.hasHeightForWidth()
                  else layout.totalMinimumSize().height())
        if needed > window.height():
            window.resize(width, min(needed, largest(window)[1]))

    def say_error(self, exc: BaseException) -> None:
        self.say(plain_words(exc))


def run_then_accept(dialog: QDialog, tasks: TaskRunner, work: Callable[[], T],
                    on_done: Callable[[T], object], button: QAbstractButton,
                    error: ErrorLine) -> None:
    """Run `work` off the UI thread with `button` disabled; on success `on_done(result)`
    then `dialog.accept()`; on failure the button comes back and `error` says why."""
    button.setEnabled(False)
    error.hide()

    def done(result: T) -> None:
        on_done(result)
        dialog.accept()

    def failed(exc: Exception) -> None:
        button.setEnabled(True)
        error.say_error(exc)

    tasks.run(work, on_done=done, on_error=failed)
