"""Erase a person for an erasure request, or record why the data is kept.

For the request queue: `ErasureDialog(services.erasure, tasks, preview, ctx)`
with `preview = services.erasure.preview(contact_ids, reference)`; `erased` carries the
`ErasureResult` the erasure confirmation letter is built from.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.display import plural
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.erasure import EXEMPTIONS, ErasurePreview, ErasureResult, ErasureService, Exemption
from privdesk.ui.permissions import guard
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.tasks import TaskRunner


class ErasureDialog(QDialog):
    erased = Signal(object)  # ErasureResult

    def __init__(self, erasure: ErasureService, tasks: TaskRunner, preview: ErasurePreview,
                 ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._erasure, self._tasks, self._preview = erasure, tasks, preview
        self._ctx = ctx
        self.result_: ErasureResult | None = None
        n, c = len(preview.contact_ids), preview.counts
        self.setWindowTitle("Erasure request")
        self.setMinimumWidth(800)
        heading = QLabel(f"Erase {n} contact record{'s' if n != 1 else ''}"
                         + (f" for {escape(preview.reference)}" if preview.reference else ""))
        heading.setObjectName("areaTitle")
        told = ", ".join(preview.recipients) or "no one (never disclosed)"
        what = QLabel(
            f"Deletes {plural(c.contacts, 'contact')}, {plural(c.interactions, 'interaction')}, "
            f"{plural(c.disclosures, 'disclosure')}, "
            f"{plural(c.history, 'history entry', 'history entries')}, "
            f"{plural(c.documents, 'document')} and {plural(c.request_links, 'link')} to requests, "
            "in one step, leaving a tombstone. The email address and phone number go on the "
            f"suppression list.<br><b>Recipients to tell:</b> {escape(told)}")
        what.setWordWrap(True)

        box = QGroupBox("Exemptions (tick to keep the data instead)")
        grid = QGridLayout(box)
        self.exempt: dict[str, tuple[QCheckBox, QLineEdit]] = {}
        for row, (key, label) in enumerate(EXEMPTIONS.items()):
            tick, note = QCheckBox(label), QLineEdit()
            note.setPlaceholderText("Note (optional)")
            note.setMaxLength(1000)
            note.setMinimumWidth(180)
            tick.toggled.connect(self._update)
            grid.addWidget(tick, row, 0)
            grid.addWidget(note, row, 1)
            self.exempt[key] = (tick, note)
        grid.setColumnStretch(1, 1)
        if preview.held:
            self.exempt["legal_hold"][0].setChecked(True)

        self.understand = QCheckBox(f"I understand this deletes {n} record{'s' if n != 1 else ''} "
                                    "for good")
        self.understand.toggled.connect(self._update)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Plain text: it names people and recipients as typed (markup shows as written).
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        self.go = QPushButton()
        self.go.setObjectName("danger")
        self.go.setStyleSheet(
            "QPushButton#danger:enabled { background: #b3261e; color: white; border-color: #8c1d17; }")
        self.go.clicked.connect(self.run)
        self.cancel = QPushButton("Cancel")
        self.cancel.setDefault(True)  # Enter must not erase, nor look like it does
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.understand)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.go)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        for w in (heading, what, box, self.status):
            layout.addWidget(w)
        layout.addLayout(buttons)
        if preview.blocked:  # another open request holds the data: erasing is refused
            self._say(preview.blocked, True)
        safe_default(self, self.cancel)
        self._update()

    def exemptions(self) -> list[Exemption]:
        return [Exemption(k, EXEMPTIONS[k], note.text().strip())
                for k, (tick, note) in self.exempt.items() if tick.isChecked()]

    def _update(self) -> None:
        keeping = bool(self.exemptions())
        self.understand.setVisible(not keeping)
        self.go.setText("Record exemptions" if keeping else "Erase")
        guard(self.go, self._ctx, Permission.PURGE, "erase data", unless=self._why_not)

    def _why_not(self) -> str | None:
        """What besides the role keeps Erase disabled ("" where the dialog says it already)."""
        if self._preview.blocked and not self.exemptions():
            return self._preview.blocked
        if self.result_ is not None or not (self.exemptions() or self.understand.isChecked()):
            return ""
        return None

    def run(self) -> None:
        if not self.go.isEnabled():
            return
        ids, ref, exemptions = self._preview.contact_ids, self._preview.reference, self.exemptions()
        self.go.setEnabled(False)
        self._say("Working…")
        self._tasks.run(lambda: self._erasure.erase(ids, ref, exemptions),
                        on_done=self._done, on_error=lambda e: self._say(f"Nothing changed: {e}", True))

    def _done(self, result: ErasureResult) -> None:
        self.result_ = result
        if result.erased:
            told = ", ".join(result.recipients_told) or "no one"
            self._say(f"Erased {result.contact_count} record(s). Tell: {told}.")
        else:
            self._say("Kept under: " + "; ".join(e.label for e in result.exemptions) + ".")
        self.cancel.setText("Close")
        self.go.hide()
        self.understand.hide()
        self.erased.emit(result)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b3261e; font-weight: 600;" if error else "")
        self.status.setVisible(bool(text))
