"""A table model over a list of frozen records: the plumbing every small table shares.

Subclasses give HEADERS and `data()`; loading, row access, counts and headers live here.
(The Contacts register has its own lazy, paged model: a million rows do not fit a list.)
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
_EMPTY = QModelIndex()


class RowListModel(QAbstractTableModel, Generic[T]):
    HEADERS: list[str] = []

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[T] = []

    def set_rows(self, rows: list[T]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, r: int) -> T:
        return self._rows[r]

    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _EMPTY) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _EMPTY) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def record_at(self, index: QModelIndex | QPersistentModelIndex) -> T | None:
        """The record behind a valid index, else None (every data() starts here)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]
