"""A table model over a list of frozen records: the plumbing every small table shares.

Subclasses give HEADERS and `data()`; loading, row access, counts and headers live here,
and `ROW_ROLE` hands a view the record behind any (proxy) index.
`SORT_ROLE` gives a column's value to sort by (numbers as numbers, dates as dates): a
subclass's `data()` ends with `return super().data(index, role)` and overrides
`sort_value` where the shown text does not sort right ("10" before "9", "1 Dec" before "2 Nov").
(The Contacts register has its own lazy, paged model: a million rows do not fit a list.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

T = TypeVar("T")
_EMPTY = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 100  # set it as a QSortFilterProxyModel's sortRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 101  # the record itself, through any proxy


class RowListModel(QAbstractTableModel, Generic[T]):
    HEADERS: Sequence[str] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, r: int) -> T:
        return self._rows[r]

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_where(self, test: Callable[[T], bool]) -> int | None:
        """The first row whose record passes `test`, else None."""
        return next((i for i, r in enumerate(self._rows) if test(r)), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _EMPTY) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _EMPTY) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def record_at(self, index: QModelIndex | QPersistentModelIndex) -> T | None:
        """The record behind a valid index, else None (every data() starts here)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What the subclass did not answer: the record, the sort value, else nothing."""
        record = self.record_at(index)
        if record is None:
            return None
        if role == ROW_ROLE:
            return record
        if role != SORT_ROLE:
            return None
        value = self.sort_value(record, index.column())
        return self.data(index, Qt.ItemDataRole.DisplayRole) if value is None else value

    def sort_value(self, record: T, column: int) -> Any:
        """None sorts by the shown text; override for numbers and dates."""
        return None
