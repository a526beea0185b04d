"""The request's paperwork: the response pack, erasure, and letters from the templates.

Lives beside the detail pane's actions; it takes the erasure service and the
pack and letter dialogs' `Paperwork`, because a pack or an erasure reaches beyond the request
service.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QInputDialog,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from privdesk.services.authz import Permission
from privdesk.services.erasure import ErasureResult, ErasureService
from privdesk.services.request_records import RequestDetail
from privdesk.ui.change_notice import Change
from privdesk.ui.packs import Paperwork, open_letter_dialog, open_pack_dialog
from privdesk.ui.permissions import guard
from privdesk.ui.retention.erasure_dialog import ErasureDialog
from privdesk.ui.tasks import TaskRunner

PACK_TYPES = ("access", "portability")
LETTERS = {
    "acknowledgement": "Acknowledgement",
    "id_request": "ID request",
    "clarification": "Clarification request",
    "extension": "Extension notice",
    "refusal": "Refusal",
}


class RequestDocumentsBox(QGroupBox):
    def __init__(self, erasure: ErasureService, paperwork: Paperwork, tasks: TaskRunner,
                 on_changed: Callable[..., None], parent: QWidget | None = None) -> None:
        """`on_changed(*kinds)`: after a write, with the kinds besides the request's own."""
        super().__init__("Response and letters", parent)
        self._erasure, self._paperwork = erasure, paperwork
        self._tasks, self._on_changed = tasks, on_changed
        self.detail: RequestDetail | None = None
        self.erasure_dialog: ErasureDialog | None = None
        self.pack_button = QPushButton("Response pack…")
        self.pack_button.clicked.connect(self.open_pack)
        self.erase_button = QPushButton("Erase…")
        self.erase_button.clicked.connect(self.open_erasure)
        self.letter_button = QToolButton()
        self.letter_button.setText("Letter")
        self.letter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.letter_button)
        for kind, label in LETTERS.items():
            menu.addAction(label, functools.partial(self.open_letter, kind))
        self.letter_button.setMenu(menu)
        grid = QGridLayout(self)
        grid.addWidget(self.pack_button, 0, 0)
        grid.addWidget(self.erase_button, 0, 1)
        grid.addWidget(self.letter_button, 0, 2)
        grid.setColumnStretch(3, 1)

    def set_detail(self, d: RequestDetail) -> None:
        self.detail = d
        ctx, kind = self._paperwork.ctx, d.row.type
        guard(self.pack_button, ctx, Permission.PACK, "build packs", unless=lambda: None
              if kind in PACK_TYPES else "A response pack is for access and portability requests.")
        guard(self.erase_button, ctx, Permission.PURGE, "erase data", unless=lambda: None
              if kind == "erasure" else "Erasure is for erasure requests.")
        guard(self.letter_button, ctx, Permission.PACK, "write letters", tip="")

    # -- actions -----------------------------------------------------------------------
    def open_pack(self) -> None:
        if self.detail is not None:
            open_pack_dialog(self.window(), self._paperwork, self._tasks, self.detail.reference,
                             self._on_changed)

    def open_letter(self, kind: str) -> None:
        d = self.detail
        if d is None:
            return
        questions: tuple[str, ...] = ()
        if kind == "clarification":
            text, ok = QInputDialog.getMultiLineText(
                self, "Clarification request", "What do you need the person to clarify?")
            if not ok or not text.strip():
                return
            questions = tuple(line for line in text.splitlines() if line.strip())
        reasons = (d.extension_reason,) if kind == "extension" and d.extension_reason else (
            (d.refusal_reason,) if kind == "refusal" and d.refusal_reason else ())
        open_letter_dialog(self.window(), self._paperwork, self._tasks, d.reference, kind,
                           due_on=d.row.due, new_due_on=d.row.due, reasons=reasons,
                           questions=questions)

    def open_erasure(self) -> None:
        d = self.detail
        if d is None:
            return
        erasure = self._erasure
        self._tasks.run(lambda: erasure.preview((), d.reference),
                        on_done=self._show_erasure,
                        on_error=lambda exc: QMessageBox.warning(self, "Erasure", str(exc)))

    def _show_erasure(self, preview: object) -> None:
        ctx = self._paperwork.ctx
        dialog = ErasureDialog(self._erasure, self._tasks, preview,  # type: ignore[arg-type]
                               ctx, self.window())
        dialog.erased.connect(self._erased)
        self.erasure_dialog = dialog
        dialog.open()

    def _erased(self, result: ErasureResult) -> None:
        self._on_changed(Change.CONTACTS, Change.RETENTION)
        if result.erased and result.reference:
            # The confirmation names every recipient who was told (Art. 19).
            open_letter_dialog(self.window(), self._paperwork, self._tasks, result.reference,
                               "erasure_confirmation", recipients=result.recipients_told)
