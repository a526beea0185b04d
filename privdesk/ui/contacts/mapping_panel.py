"""The import dialog's column mapping: one line per column of the file, with its first
values and a choice of what it imports as (guessed from the header)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QSizePolicy, QWidget

from privdesk.domain.contact_headers import IGNORE, looks_like_opt_out
from privdesk.services.contacts_import import ImportPreview

TARGET_LABELS = (
    (None, "(do not import)"), (IGNORE, "(ignore on purpose: not an opt-out)"),
    ("name", "Name"), ("first_name", "First name"), ("middle_name", "Middle name"),
    ("last_name", "Last name"), ("email", "Email"), ("phone", "Phone"),
    ("mobile", "Mobile (used when Phone is empty)"), ("company", "Company"),
    ("location", "Location"), ("city", "City (location)"), ("region", "County / state (location)"),
    ("country", "Country (location, phone region)"), ("status", "Status"), ("source", "Source"),
    ("first_contact", "First contact"), ("customer_since", "Customer since"),
    ("ceased", "Ceased"), ("last_activity", "Last activity"),
    ("marketing_opt_out", "Marketing opt-out (yes/no)"),
    ("opt_out_status", "Marketing opt-out (status: Unsubscribed…)"),
    ("opt_out_date", "Marketing opt-out (date)"), ("notes", "Notes"),
)


class MappingPanel(QScrollArea):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout()
        self.grid.setContentsMargins(10, 8, 24, 8)  # clear of the scroll bar
        self.grid.setVerticalSpacing(6)
        box = QWidget()
        box.setLayout(self.grid)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(box)
        self.combos: list[QComboBox] = []

    def show_preview(self, preview: ImportPreview) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = []
        for col, text in enumerate(("Column in the file", "First values", "Imports as")):
            head = QLabel(text)
            head.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(head, 0, col)
        for i, header in enumerate(preview.headers):
            name = QLabel(header[:60] or f"(column {i + 1})")
            name.setTextFormat(Qt.TextFormat.PlainText)
            if looks_like_opt_out(header) and i not in preview.mapping:
                # An objection must never be lost: this column waits for a decision.
                name.setText(f"⚠ {header[:58]}")
                name.setStyleSheet("color: #b00020; font-weight: 600;")
                name.setToolTip("Looks like a marketing opt-out: import it as one, or "
                                "choose “ignore on purpose”.")
            sample = ", ".join(r[i] for r in preview.sample[:3] if i < len(r) and r[i])
            values = QLabel(sample[:70] + ("…" if len(sample) > 70 else ""))
            values.setObjectName("hint")
            values.setTextFormat(Qt.TextFormat.PlainText)
            # Long samples are cut by the column, never push the mapping off screen.
            values.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            combo = QComboBox()
            combo.setMinimumWidth(220)
            for key, label in TARGET_LABELS:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(i))))
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.combos.append(combo)
            self.grid.addWidget(name, i + 1, 0)
            self.grid.addWidget(values, i + 1, 1)
            self.grid.addWidget(combo, i + 1, 2)
        self.grid.setRowStretch(len(preview.headers) + 1, 1)
        self.grid.setColumnStretch(1, 1)

    def mapping(self) -> dict[int, str]:
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}
