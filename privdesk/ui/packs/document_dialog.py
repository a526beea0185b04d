"""Preview a generated letter (or any stored PDF) from memory, then save, print or email
it. `open_letter_dialog` builds the letter first, off the UI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.authz import Permission
from privdesk.services.files import write_atomic
from privdesk.services.mailer import OutgoingMail
from privdesk.services.pack_records import BuiltDocument
from privdesk.ui.packs.email_flow import EmailFlow
from privdesk.ui.packs.paperwork import Paperwork
from privdesk.ui.packs.printing import PdfInMemory, ask_and_print
from privdesk.ui.permissions import guard
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window
from privdesk.ui.tasks import TaskRunner


class DocumentDialog(QDialog):
    def __init__(self, paperwork: Paperwork, tasks: TaskRunner, built: BuiltDocument,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paperwork = paperwork
        self._tasks = tasks
        self.built = built
        doc = built.document
        self.setWindowTitle(f"{doc.filename}")
        fit_window(self, 820, 900)
        self._pdf = PdfInMemory(built.content)
        self.view = QPdfView()
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self._pdf.document)
        self.status = QLabel(f"Kept in the store as document {doc.id} · {doc.pages} "
                             f"page{'s' if doc.pages != 1 else ''} · on the request's timeline")
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        if built.warnings:  # e.g. an extension notice built after the original due date
            self.status.setText("Warning: " + " ".join(built.warnings))
            self.status.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.save_button = QPushButton("Save PDF…")
        self.print_button = QPushButton("Print…")
        self.email_button = QPushButton("Email…")
        close = QPushButton("Close")
        self.save_button.clicked.connect(self._save)
        self.print_button.clicked.connect(lambda: ask_and_print(self, self.built.content))
        self.email_button.clicked.connect(self._email)
        close.clicked.connect(self.reject)
        ctx = paperwork.ctx
        guard(self.email_button, ctx, Permission.EMAIL, "email")
        self.flow = EmailFlow(self, paperwork, tasks, busy=self._busy, on_sent=self._emailed,
                              on_error=lambda exc: QMessageBox.warning(self, "Email", str(exc)))
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for b in (self.save_button, self.print_button, self.email_button, close):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        safe_default(self, close)

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save", str(Path.home() / self.built.document.filename), "PDF (*.pdf)")
        if not path:
            return
        content, out, kept = self.built.content, Path(path), self.status.text()
        self.status.setText(f"{kept} · saving {out.name}…")
        # On the worker: a slow or network drive must not freeze the window.
        self._tasks.run(lambda: write_atomic(out, content),  # never half a file
                        on_done=lambda _: self.status.setText(f"{kept} · saved to {out}"),
                        on_error=lambda exc: self._save_failed(out, exc, kept))

    def _save_failed(self, path: Path, exc: Exception, kept: str) -> None:
        self.status.setText(kept)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        QMessageBox.warning(self, "Save", f"Could not save {path}: {reason}")

    def _email(self) -> None:
        doc, mail = self.built.document, self._paperwork.mail
        self.flow.start(lambda: mail.compose(doc.request_reference or "", doc.id))

    def _busy(self, text: str | None) -> None:
        """One click, one email: Email/Save/Print wait while the email is prepared or sent."""
        can_email = self._paperwork.ctx.can(Permission.EMAIL)
        for button in (self.save_button, self.print_button):
            button.setEnabled(text is None)
        self.email_button.setEnabled(text is None and can_email)
        if text is not None:
            self.status.setText(text)

    def _emailed(self, mail: OutgoingMail) -> None:
        self.status.setText(f"Emailed to {mail.to}.")

    def done(self, result: int) -> None:
        self.view.setDocument(None)  # type: ignore[arg-type]
        self._pdf.close()
        super().done(result)


def open_letter_dialog(parent: QWidget | None, paperwork: Paperwork, tasks: TaskRunner,
                       request_ref: str, kind: str, *, due_on: date | None = None,
                       new_due_on: date | None = None, reasons: tuple[str, ...] = (),
                       questions: tuple[str, ...] = (),
                       recipients: tuple[str, ...] | None = None) -> None:
    """Build a letter (see LetterService.build for each kind's values) off the UI thread,
    then show it to save, print or email. Errors are shown in plain words."""
    def show(built: BuiltDocument) -> None:
        dialog = DocumentDialog(paperwork, tasks, built, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    tasks.run(lambda: paperwork.letters.build(request_ref, kind, due_on=due_on,
                                             new_due_on=new_due_on, reasons=reasons,
                                             questions=questions, recipients=recipients),
              on_done=show,
              on_error=lambda exc: QMessageBox.warning(parent, "Letter", str(exc)))
