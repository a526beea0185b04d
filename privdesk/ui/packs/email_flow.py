"""Emailing a document in one guarded flow: compose, ask first if this document was
already emailed, review, send, and only then record it. The face that starts the flow is
told when it is busy (to disable its Email/Save/Print buttons: one click, one email) and
when the email has gone (to offer to record the response)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from privdesk.domain.deadlines import fmt
from privdesk.services.mailer import OutgoingMail
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.packs.paperwork import Paperwork
from privdesk.ui.tasks import TaskRunner

Busy = Callable[[str | None], None]  # a line saying what is happening; None when idle


class EmailFlow:
    def __init__(self, parent: QWidget, paperwork: Paperwork, tasks: TaskRunner, *, busy: Busy,
                 on_sent: Callable[[OutgoingMail], None],
                 on_error: Callable[[Exception], object]) -> None:
        self._parent, self._paperwork, self._tasks = parent, paperwork, tasks
        self._busy, self._on_sent, self._on_error = busy, on_sent, on_error
        self.review: EmailReviewDialog | None = None  # tests reach the live steps here
        self.again: QMessageBox | None = None
        self.on_dialog: Callable[[QDialog], None] | None = None  # called before each exec
        self._withheld: str | None = None
        self._after_send: Callable[[OutgoingMail], Any] | None = None

    def start(self, compose: Callable[[], OutgoingMail], withheld: str | None = None,
              after_send: Callable[[OutgoingMail], Any] | None = None) -> None:
        """`compose` runs off the UI thread; `after_send` too, only once the server took
        the message (e.g. keep the pack on the timeline). `withheld` is the password."""
        self._withheld, self._after_send = withheld, after_send
        mail = self._paperwork.mail
        self._busy("Preparing the email…")

        def work() -> tuple[OutgoingMail, tuple[date, ...]]:
            m = compose()
            return m, mail.sent_before(m.reference, m.attachment_name)

        self._tasks.run(work, on_done=self._check_again, on_error=self._failed)

    # -- the steps ---------------------------------------------------------------------
    def _check_again(self, result: tuple[OutgoingMail, tuple[date, ...]]) -> None:
        mail, before = result
        if before:
            days = ", ".join(fmt(d) for d in before)
            box = QMessageBox(QMessageBox.Icon.Question, "Send again?",
                              f"“{mail.attachment_name}” was already emailed to the requester "
                              f"({days}). Send it again?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                              self._parent)
            box.setDefaultButton(QMessageBox.StandardButton.No)  # Return does not resend
            self.again = box
            if self.on_dialog is not None:
                self.on_dialog(box)
            answer = box.exec()
            self.again = None
            if answer != QMessageBox.StandardButton.Yes:
                self._busy(None)
                return
        self._review(mail)

    def _review(self, mail: OutgoingMail) -> None:
        ctx = self._paperwork.ctx
        dialog = EmailReviewDialog(mail, ctx,
                                   self._parent)
        self.review = dialog
        if self.on_dialog is not None:
            self.on_dialog(dialog)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted:
            self._busy(None)
            return
        edited, withheld = dialog.mail(), self._withheld
        mail_service = self._paperwork.mail
        if dialog.choice == EmailReviewDialog.DRAFT:
            folder = QFileDialog.getExistingDirectory(self._parent, "Save the .eml draft in",
                                                      str(Path.home()))
            if not folder:
                self._busy(None)
                return
            self._busy("Saving the draft…")
            self._tasks.run(lambda: mail_service.save_draft(edited, Path(folder), withheld),
                            on_done=lambda p: self._busy(f"Draft saved: {p}. It is not sent."),
                            on_error=self._failed)
            return
        self._busy(f"Sending to {edited.to}…")
        after = self._after_send

        def send() -> OutgoingMail:
            mail_service.send(edited, withheld)  # raises: nothing is recorded as sent
            if after is not None:
                after(edited)
            return edited

        self._tasks.run(send, on_done=self._sent, on_error=self._failed)

    def _sent(self, mail: OutgoingMail) -> None:
        self._busy(None)
        self._on_sent(mail)

    def _failed(self, exc: Exception) -> None:
        self._busy(None)
        self._on_error(exc)
