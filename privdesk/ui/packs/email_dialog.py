"""The review step before a pack or letter is emailed: to, subject, body, attachment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.mailer import OutgoingMail
from privdesk.ui.permissions import guard
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window


class EmailReviewDialog(QDialog):
    """Shows exactly what will be sent. Accepted with Send or Save draft; `choice` says
    which, and `mail()` returns the message with the officer's edits."""

    SEND, DRAFT = "send", "draft"

    def __init__(self, mail: OutgoingMail, ctx: ServiceContext,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review email — {mail.reference}")
        fit_window(self, 640, 520)
        self._mail = mail
        self.choice = ""
        self.to = QLabel(mail.to)
        self.to.setTextFormat(Qt.TextFormat.PlainText)
        self.sender_label = QLabel(mail.sender)  # not `sender`: that hides QObject.sender()
        self.sender_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subject = QLineEdit(mail.subject)
        self.body = QPlainTextEdit(mail.body)
        size = f"{len(mail.attachment) / 1024:,.0f} KB"
        lock = " · password-protected (send the password separately)" if mail.protected else ""
        self.attachment = QLabel(f"{mail.attachment_name} ({size}){lock}")
        self.attachment.setTextFormat(Qt.TextFormat.PlainText)
        self.attachment.setWordWrap(True)
        form = QFormLayout()
        form.addRow("To:", self.to)
        form.addRow("From:", self.sender_label)
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
            guard(button, ctx, Permission.EMAIL, "email packs")
        # Sending cannot be undone: Return (and Escape) cancel, Send needs a click.
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        safe_default(self, cancel)
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
