"""The import dialog's value mapping: each source and status value the file holds,
how many rows carry it, and what it imports as (a dropdown of the policy's sources or our
statuses, in words; each key in its tooltip). Values privdesk mapped itself are shown with
how ("obvious", "remembered"), never silently; values it could not map wait for the officer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QWidget

from privdesk.domain.contact_records import STATUS_LABELS
from privdesk.services.contacts_import import ValueChoice

HOW = {"direct": "matches a key", "chosen": "your choice", "remembered": "remembered for "
       "this store", "auto": "obvious: check it", "unmapped": "needs your choice"}
CHOOSE = "(choose…)"


class ValuesPanel(QScrollArea):
    changed = Signal()

    def __init__(self, sources: list[tuple[str, str]]) -> None:
        super().__init__()
        self._options = {"source": sources, "status": list(STATUS_LABELS.items())}
        self.grid = QGridLayout()
        self.grid.setContentsMargins(10, 8, 24, 8)
        self.grid.setVerticalSpacing(6)
        box = QWidget()
        box.setLayout(self.grid)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(box)
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self._chosen: dict[tuple[str, str], str] = {}

    def reset(self) -> None:
        """A new file: forget this file's choices (the store keeps what was imported)."""
        self._chosen.clear()
        self.show_values((), checked=False)

    def show_values(self, values: tuple[ValueChoice, ...], checked: bool = True) -> None:
        """The file's source and status values with a choice each; `checked` False while the
        file is still being read (its values are not known yet, not absent)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:  # hidden now: deleteLater waits for the event loop
                widget.hide()
                widget.deleteLater()
        self.combos = {}
        if not values:
            note = QLabel("The file gives no source or status values to map (the "
                          "“Source for rows without one” choice below applies)." if checked
                          else "The file's source and status values are listed here once "
                          "every row has been checked.")
            note.setObjectName("hint")
            note.setWordWrap(True)
            self.grid.addWidget(note, 0, 0, 1, 5)
            return
        for col, text in enumerate(("Column", "Value in the file", "Rows", "Imports as", "How")):
            head = QLabel(text)
            head.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(head, 0, col)
        ordered = sorted(values, key=lambda v: (v.kind, v.key is not None, -v.rows, v.value))
        for row, v in enumerate(ordered, 1):
            value = QLabel(v.value[:60])
            value.setTextFormat(Qt.TextFormat.PlainText)
            combo = QComboBox()
            combo.setMinimumWidth(220)
            combo.addItem(CHOOSE, None)
            for key, label in self._options[v.kind]:
                # The policy's words; the key (what a CSV may give) only in the tooltip.
                combo.addItem(label, key)
                combo.setItemData(combo.count() - 1, f"Key in a CSV file: {key}",
                                  Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(max(0, combo.findData(v.key)))
            combo.currentIndexChanged.connect(
                lambda _i, k=(v.kind, v.value), c=combo: self._picked(k, c))
            how = QLabel(HOW.get(v.how, v.how))
            how.setObjectName("hint")
            if v.key is None:
                how.setStyleSheet("color: #b00020; font-weight: 600;")
            self.combos[(v.kind, v.value)] = combo
            self.grid.addWidget(QLabel("Source" if v.kind == "source" else "Status"), row, 0)
            self.grid.addWidget(value, row, 1)
            self.grid.addWidget(QLabel(f"{v.rows:,}"), row, 2)
            self.grid.addWidget(combo, row, 3)
            self.grid.addWidget(how, row, 4)
        self.grid.setRowStretch(len(ordered) + 1, 1)
        self.grid.setColumnStretch(1, 1)

    def _picked(self, key: tuple[str, str], combo: QComboBox) -> None:
        data = combo.currentData()
        if data:
            self._chosen[key] = str(data)
        else:
            self._chosen.pop(key, None)
        self.changed.emit()

    def maps(self) -> tuple[dict[str, str], dict[str, str]]:
        """(source map, status map) of the officer's choices, file value -> key."""
        sources = {v: k for (kind, v), k in self._chosen.items() if kind == "source"}
        statuses = {v: k for (kind, v), k in self._chosen.items() if kind == "status"}
        return sources, statuses
