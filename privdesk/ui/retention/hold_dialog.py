"""Set or lift a legal hold on one contact: a reason, and an optional end date."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from privdesk.services.retention import MAX_HOLD_REASON, HoldInfo
from privdesk.ui.dialog_errors import ErrorLine
from privdesk.ui.retention.calendar import to_date, to_qdate
from privdesk.ui.safe_buttons import safe_default


class LegalHoldDialog(QDialog):
    """Asks; the caller does the work through the service (off the UI thread)."""

    LIFT = 2  # done() code when the officer lifts the hold

    def __init__(self, contact_label: str, hold: HoldInfo, today: date, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setWindowTitle("Legal hold")
        self.setMinimumWidth(460)
        intro = QLabel(f"<b>{_escape(contact_label)}</b><br>"
                       f"<span style='color:#56606b'>{_escape(hold.working)}</span>")
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit(hold.reason or "")
        self.reason.setPlaceholderText("Why the data must be kept (claim, inquiry, instruction)…")
        self.reason.setFixedHeight(80)
        self.open_ended = QCheckBox("No end date (until lifted)")
        self.until = QDateEdit(to_qdate(hold.until or today + timedelta(days=365)))
        self.until.setCalendarPopup(True)
        self.until.setMinimumDate(to_qdate(today))
        self.until.setDisplayFormat("ddd d MMM yyyy")
        self.open_ended.toggled.connect(lambda on: self.until.setEnabled(not on))
        self.open_ended.setChecked(hold.active and hold.until is None)
        self.error = ErrorLine()
        self.reason.textChanged.connect(self.error.hide)
        self.setStyleSheet("QDateEdit:disabled { color: #9aa3ad; background: #f1f3f5; }")
        form = QFormLayout()
        form.addRow("Reason", self.reason)
        form.addRow("Hold until", self.until)
        form.addRow("", self.open_ended)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save = self.buttons.addButton("Set hold" if not hold.active else "Update hold",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.lift = self.buttons.addButton("Lift hold", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.lift.setVisible(hold.active)
        safe_default(self, self.save)  # Return sets or updates; lifting needs a click
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.lift.clicked.connect(lambda: self.done(self.LIFT))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def values(self) -> tuple[str, date | None]:
        until = None if self.open_ended.isChecked() else to_date(self.until.date())
        return self.reason.toPlainText().strip(), until

    def _accept(self) -> None:
        reason, _ = self.values()
        if not reason:
            self.show_error("Give the reason for the legal hold.")
            return
        if len(reason) > MAX_HOLD_REASON:
            self.show_error(f"The reason is too long (at most {MAX_HOLD_REASON:,} characters).")
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.say(text)


def _escape(text: str) -> str:
    from html import escape

    flat = " ".join(text.split())
    return escape(flat if len(flat) <= 200 else flat[:199] + "…")

