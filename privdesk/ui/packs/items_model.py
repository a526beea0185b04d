"""The items of data held for a request, as the pack preview lists them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from privdesk.services.pack_records import PackItem
from privdesk.ui.models.row_list import RowListModel

COL_SECTION, COL_ITEM, COL_CONTENT, COL_STATE = range(4)
HEADERS = ("Section", "Item", "Content", "In the pack")
STATE_TEXT = {None: "Shown", "redact": "Redacted", "exclude": "Withheld"}
_WITHHELD = QColor("#fdecea")
_Index = QModelIndex | QPersistentModelIndex


class PackItemsModel(RowListModel[PackItem]):
    HEADERS = HEADERS

    def item(self, row: int) -> PackItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def withheld_count(self) -> int:
        return sum(1 for r in self._rows if r.action)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record_at(index)
        if item is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_SECTION:
                return item.section
            if col == COL_ITEM:  # the section is in its own column
                label = item.label.removeprefix(f"{item.section}: ")
                return label[:1].upper() + label[1:]
            if col == COL_CONTENT:
                # One line in the table: the full text is in the tooltip.
                return " ".join(item.text.split())[:200]
            if col == COL_STATE:
                if item.follows:  # redacted because it repeats a redacted item
                    return "Redacted (copy)"
                return STATE_TEXT.get(item.action, item.action)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = item.text[:2000]
            if item.action:
                tip += f"\n\n{STATE_TEXT[item.action]}: {item.reason}"
            return tip
        if role == Qt.ItemDataRole.BackgroundRole and item.action:
            return QBrush(_WITHHELD)
        if role == Qt.ItemDataRole.UserRole:
            return item.ref
        return super().data(index, role)
