"""Small building blocks for the contact dialogs: an optional date, an inline field
error, and a read-only table model over plain rows of text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QToolButton, QWidget

from privdesk.ui.models.row_list import RowListModel

NO_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(QWidget):
    """A date that may be left unset (shown as "not set"), with a calendar and a clear
    button: QDateEdit alone cannot hold "no date"."""

    changed = Signal()

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("d MMM yyyy")
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText("not set")
        self.edit.setMinimumWidth(130)
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setToolTip("Clear the date")
        self.clear_button.setAutoRaise(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        self.set_value(value)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        popup = self.edit.calendarWidget()
        popup.setMinimumDate(QDate(1950, 1, 1))

    def value(self) -> date | None:
        d = self.edit.date()
        return None if d == NO_DATE else date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.edit.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))


class FieldError(QLabel):
    """The red line under a field that says what is wrong with it."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #b3261e; font-size: 9pt;")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # the reason may quote user text
        self.hide()

    def show_error(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


class TextRowsModel(RowListModel[tuple[str, ...]]):
    """Read-only rows of text with fixed headers (interactions, disclosures, history,
    import errors). Long cells are cut for display and whole in the tooltip."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> None:
        super().__init__()
        self.HEADERS = tuple(headers)
        self._rows = [tuple(r) for r in rows]
        self._muted: set[int] = set()

    def set_rows(self, rows: Sequence[Sequence[str]], muted: set[int] | None = None) -> None:
        self._muted = muted or set()
        super().set_rows([tuple(r) for r in rows])

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record_at(index)
        if row is None or not 0 <= index.column() < len(row):
            return None
        text = row[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            one_line = text.replace("\n", " ")
            return one_line if len(one_line) <= 200 else one_line[:200] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return text[:2000] if len(text) > 40 else None
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self._muted:
            return Qt.GlobalColor.darkGray
        return super().data(index, role)
