"""Table models for the Retention area: contacts due, and the purge review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from privdesk.domain.dates import day_date
from privdesk.services.purge import PurgeCounts, PurgeItem
from privdesk.services.retention import DueContact
from privdesk.ui.models.row_list import RowListModel

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
OVERDUE_COLOUR = QColor("#b3261e")
SOON_COLOUR = QColor("#8a5a00")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

COL_ID, COL_NAME, COL_RULE, COL_DUE, COL_WHEN = range(5)
DUE_HEADERS = ("ID", "Name", "Rule applied", "Due", "When")


def fmt_date(d: Any) -> str:
    return day_date(d) if d is not None else "—"


def when_text(days_left: int) -> str:
    if days_left < 0:
        return f"{-days_left} day{'s' if days_left != -1 else ''} overdue"
    if days_left == 0:
        return "Due today"
    return f"In {days_left} day{'s' if days_left != 1 else ''}"


def _one_line(text: str, limit: int = 200) -> str:
    """Names are shown on one line and clipped: hostile text cannot stretch the table."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class DueTableModel(RowListModel[DueContact]):
    HEADERS = DUE_HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.record_at(index)
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(r.contact_id), _one_line(r.name), r.rule_name, fmt_date(r.due),
                    when_text(r.days_left))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_RULE and r.held_until is not None:
                return f"Legal hold until {fmt_date(r.held_until)}"
            return _one_line(r.name, 500) if col == COL_NAME else None
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_DUE, COL_WHEN):
            if r.overdue:
                return OVERDUE_COLOUR
            return SOON_COLOUR if r.days_left <= 7 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return r.contact_id
        return super().data(index, role)

    def sort_value(self, record: DueContact, column: int) -> Any:
        return {COL_ID: record.contact_id, COL_DUE: _day(record.due),
                COL_WHEN: record.days_left}.get(column)


COUNT_FIELDS = ("interactions", "disclosures", "history", "documents", "request_links")
P_COL_ID, P_COL_NAME, P_COL_RULE, P_COL_DUE = range(4)
PURGE_HEADERS = ("ID", "Name", "Rule", "Due", "Interactions", "Disclosures", "History",
                 "Documents", "Requests")


class PurgePreviewModel(RowListModel[PurgeItem]):
    """One row per contact that will be deleted, with the rows that go with it."""

    HEADERS = PURGE_HEADERS

    def __init__(self, items: Sequence[PurgeItem] = ()) -> None:
        super().__init__()
        self._rows = list(items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record_at(index)
        if item is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == P_COL_ID:
                return str(item.contact_id)
            if col == P_COL_NAME:
                return _one_line(item.name)
            if col == P_COL_RULE:
                return item.rule_name
            if col == P_COL_DUE:
                return fmt_date(item.due)
            return str(count_of(item.counts, COUNT_FIELDS[col - 4]))
        if role == Qt.ItemDataRole.TextAlignmentRole and (col == P_COL_ID or col > P_COL_DUE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == P_COL_NAME:
            return f"{_one_line(item.name, 500)} — double-click to open the record"
        if role == ID_ROLE:
            return item.contact_id
        return super().data(index, role)

    def sort_value(self, record: PurgeItem, column: int) -> Any:
        if column == P_COL_ID:
            return record.contact_id
        if column > P_COL_DUE:
            return count_of(record.counts, COUNT_FIELDS[column - 4])
        return _day(record.due) if column == P_COL_DUE else None


def _day(d: date | None) -> int:
    """A date as a number Qt's proxy can compare (no date: last)."""
    return (d or date.max).toordinal()


def count_of(counts: PurgeCounts, name: str) -> int:
    return int(counts.as_json()[name])
