"""The import dialog's file options: the encoding the file is read in (with the
detector's guess and the names to check), the order of its dates, and what to do with
people already in the register."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from privdesk.domain.contact_encoding import CANDIDATES, label
from privdesk.services.contacts_import import ImportPreview

DATE_ORDERS = (("(as the file's dates show)", None), ("Day first: dd/mm/yyyy", "dmy"),
               ("Month first: mm/dd/yyyy", "mdy"))
ON_EXISTING = (("Skip them (report only)", "skip"), ("Fill in their empty fields", "fill"),
               ("Import them as new contacts", "new"))


class ImportOptions(QWidget):
    encoding_changed = Signal()
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.encoding = QComboBox()
        self.encoding.setMinimumWidth(260)
        self.encoding_note = QLabel("")
        self.encoding_note.setWordWrap(True)
        self.encoding_note.setTextFormat(Qt.TextFormat.PlainText)
        self.letters = QLabel("")
        self.letters.setWordWrap(True)
        self.letters.setTextFormat(Qt.TextFormat.PlainText)
        self.date_order = QComboBox()
        for text, key in DATE_ORDERS:
            self.date_order.addItem(text, key)
        self.on_existing = QComboBox()
        self.on_existing.setMinimumWidth(260)
        for text, key in ON_EXISTING:
            self.on_existing.addItem(text, key)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("Encoding:"), 0, 0)
        grid.addWidget(self.encoding, 0, 1)
        grid.addWidget(self.encoding_note, 0, 2)
        grid.addWidget(self.letters, 1, 1, 1, 2)
        grid.addWidget(QLabel("Dates:"), 2, 0)
        grid.addWidget(self.date_order, 2, 1)
        existing = QLabel("Already in the register:")
        existing.setToolTip("People with the same email or phone as a contact already "
                            "in the register. An objection in the file is recorded on them "
                            "whatever is chosen here.")
        grid.addWidget(existing, 3, 0)
        grid.addWidget(self.on_existing, 3, 1)
        grid.setColumnStretch(2, 1)
        self.encoding.activated.connect(lambda _i: self.encoding_changed.emit())
        self.date_order.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.on_existing.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def show_preview(self, preview: ImportPreview, chosen: str | None) -> None:
        self.encoding.blockSignals(True)
        self.encoding.clear()
        for enc in dict.fromkeys((preview.encoding, *preview.encodings, *CANDIDATES, "utf-8")):
            self.encoding.addItem(label(enc), enc)
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(preview.encoding)))
        self.encoding.blockSignals(False)
        guess = f" Detector's guess: {label(preview.encoding_guess)}." if (
            preview.encoding_guess and preview.encoding_guess != preview.encoding) else ""
        if chosen:
            text, style = "Read as you chose.", ""
        elif preview.encoding_certain:
            text, style = "Detected." + guess, ""
        else:
            text = ("Uncertain: more than one encoding reads this file. Check the names "
                    "below and choose the one that shows them as written." + guess)
            style = "color: #b00020; font-weight: 600;"
        self.encoding_note.setText(text)
        self.encoding_note.setStyleSheet(style)
        self.letters.setText("Names with accents or other scripts, as read: "
                             + (", ".join(preview.letters) if preview.letters else "(none)"))

    def chosen_encoding(self) -> str | None:
        data = self.encoding.currentData()
        return str(data) if data else None
