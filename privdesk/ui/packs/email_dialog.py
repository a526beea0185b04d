"""The review step before a pack or letter is emailed: to, subject, body, attachment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.authz import Permission
from privdesk.services.container import Services
from privdesk.services.mailer import OutgoingMail
from privdesk.ui.screen_fit import fit_window
from privdesk.ui.tasks import TaskRunner


class EmailReviewDialog(QDialog):
    """Shows exactly what will be sent. Accepted with Send or Save draft; `choice` says
    which, and `mail()` returns the message with the officer's edits."""

    SEND, DRAFT = "send", "draft"

    def __init__(self, mail: OutgoingMail, can_email: bool, role: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review email — {mail.reference}")
        fit_window(self, 640, 520)
        self._mail = mail
        self.choice = ""
        self.to = QLabel(mail.to)
        self.to.setTextFormat(Qt.TextFormat.PlainText)
        self.sender = QLabel(mail.sender)
        self.sender.setTextFormat(Qt.TextFormat.PlainText)
        self.subject = QLineEdit(mail.subject)
        self.body = QPlainTextEdit(mail.body)
        size = f"{len(mail.attachment) / 1024:,.0f} KB"
        lock = " · password-protected (send the password separately)" if mail.protected else ""
        self.attachment = QLabel(f"{mail.attachment_name} ({size}){lock}")
        self.attachment.setTextFormat(Qt.TextFormat.PlainText)
        self.attachment.setWordWrap(True)
        form = QFormLayout()
        form.addRow("To:", self.to)
        form.addRow("From:", self.sender)
        form.addRow("Subject:", self.subject)
        form.addRow("Attachment:", self.attachment)
        hint = QLabel("Check the address and the attachment before sending. The pack's "
                      "password is never sent in the same email.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        # Personal data sent by email unprotected: say so at the moment of sending.
        self.unprotected = QLabel(
            "The attachment is not password-protected: anyone who reads this email can open "
            "it. To protect it, close this and tick Password-protect before emailing.")
        self.unprotected.setObjectName("error")
        self.unprotected.setWordWrap(True)
        self.unprotected.setVisible(not mail.protected)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.draft_button = buttons.addButton("Save .eml draft…",
                                              QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.send_button, self.draft_button):
            button.setEnabled(can_email)
            if not can_email:
                button.setToolTip(f"Your role ({role}) cannot email packs.")
        self.send_button.clicked.connect(lambda: self._done(self.SEND))
        self.draft_button.clicked.connect(lambda: self._done(self.DRAFT))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Message:"))
        layout.addWidget(self.body, 1)
        layout.addWidget(self.unprotected)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _done(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def mail(self) -> OutgoingMail:
        return self._mail.edited(subject=self.subject.text(), body=self.body.toPlainText())


def email_document(parent: QWidget, services: Services, tasks: TaskRunner, reference: str,
                   document_id: int, withheld: str | None, status: Callable[[str], None],
                   on_error: Callable[[Exception], None],
                   review: Callable[[EmailReviewDialog], None] | None = None) -> None:
    """Compose the email for a stored document, show the review step, then send it or
    save an .eml draft. `withheld` is the document's password: never sent with it."""
    ctx = services.ctx
    mail_service = services.mail

    def show(mail: OutgoingMail) -> None:
        dialog = EmailReviewDialog(mail, ctx.can(Permission.EMAIL), ctx.actor.role, parent)
        if review is not None:
            review(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        edited = dialog.mail()
        if dialog.choice == EmailReviewDialog.DRAFT:
            folder = QFileDialog.getExistingDirectory(parent, "Save the .eml draft in",
                                                      str(Path.home()))
            if folder:
                tasks.run(lambda: mail_service.save_draft(edited, Path(folder), withheld),
                          on_done=lambda p: status(f"Draft saved: {p}"), on_error=on_error)
            return
        note = (" Give the password to the requester separately, for example by phone."
                if withheld else "")
        tasks.run(lambda: mail_service.send(edited, withheld),
                  on_done=lambda _: status(f"Emailed to {edited.to}.{note}"), on_error=on_error)

    tasks.run(lambda: mail_service.compose(reference, document_id), on_done=show,
              on_error=on_error)
