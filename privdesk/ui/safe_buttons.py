"""Return must never trigger an irreversible action.

Qt makes every QPushButton in a dialog an "auto-default" button: the one with focus, or
the first one, is pressed by Return, and a QDialogButtonBox makes its first accept button
the default when shown. In a dialog with an objection, a merge, a send or a deletion among
its buttons that is one keypress from a permanent record. `safe_default` turns that off
for every button of the dialog and makes only the safe one (Save, Cancel, Close, or none
at all) the default, again each time the dialog is shown (buttons added or re-parented
later are covered too).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


class _SafeDefaults(QObject):
    def __init__(self, dialog: QWidget, default: QPushButton | None) -> None:
        super().__init__(dialog)
        self._dialog, self._default = dialog, default

    def apply(self) -> None:
        for button in self._dialog.findChildren(QPushButton):
            button.setAutoDefault(False)
            if button is not self._default:
                button.setDefault(False)
        if self._default is not None:
            self._default.setDefault(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Only Show matters; anything else (a dialog being torn down) passes untouched.
        if event.type() == QEvent.Type.Show and watched is getattr(self, "_dialog", None):
            self.apply()
        return False


def safe_default(dialog: QWidget, default: QPushButton | None) -> None:
    """No button of `dialog` answers Return except `default` (None: none does)."""
    guard = _SafeDefaults(dialog, default)
    dialog.installEventFilter(guard)
    dialog.setProperty("safe_defaults", True)
    dialog._safe_defaults = guard  # type: ignore[attr-defined]  # keep the Python side alive
    guard.apply()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question whose default (Return, Escape) is No."""
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
