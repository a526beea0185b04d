"""The breach register as a table model, with the live 72-hour countdown.

The countdown is computed here from each row's moment of awareness and an injected clock
(`now: Callable[[], datetime]`, naive UTC), so a timer moves it on without asking the
database: each tick emits dataChanged for the countdown column only. Colours are the
request queue's (same urgency, same words beside the colour).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont

from privdesk.domain.breach_clock import show_local
from privdesk.domain.deadlines import Urgency
from privdesk.services.breach_records import ICO_DECISIONS, PEOPLE_DECISIONS, STATUSES, BreachRow
from privdesk.ui.requests.queue_model import URGENCY_COLOURS

COL_REF, COL_COUNTDOWN, COL_DEADLINE, COL_AWARE, COL_SUMMARY, COL_PEOPLE, COL_ICO, COL_TELL, \
    COL_STATUS = range(9)
HEADERS = ("Reference", "ICO clock", "Notify ICO by", "Became aware", "What happened", "People",
           "ICO decision", "Tell people", "Status")
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 3
URGENCY_ROLE = int(Qt.ItemDataRole.UserRole) + 2
Index = QModelIndex | QPersistentModelIndex


class BreachTableModel(QAbstractTableModel):
    def __init__(self, now: Callable[[], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._now = now
        self._rows: list[BreachRow] = []
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)

    def set_rows(self, rows: list[BreachRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> BreachRow:
        return self._rows[row]

    def row_of(self, breach_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == breach_id), None)

    # -- the live countdown ------------------------------------------------------------
    def start_ticking(self, interval_ms: int) -> None:
        self._timer.start(interval_ms)

    def stop_ticking(self) -> None:
        self._timer.stop()

    def tick(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_COUNTDOWN),
                                  self.index(len(self._rows) - 1, COL_COUNTDOWN))

    def level(self, row: BreachRow) -> Urgency | None:
        return row.reading(self._now()).urgency if row.clock_running else None

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == ROW_ROLE:
            return row
        if col == COL_COUNTDOWN:
            level = self.level(row)
            if role == URGENCY_ROLE:
                return level.value if level else ""
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(URGENCY_COLOURS[level][0]))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(URGENCY_COLOURS[level][1]))
            if role == Qt.ItemDataRole.FontRole and level in (Urgency.RED, Urgency.OVERDUE):
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"72 hours from {show_local(row.aware_at, row.tz)}: notify the ICO by "
                        f"{show_local(row.deadline, row.tz)}")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_SUMMARY:
            return row.summary[:500]
        return None

    def _display(self, row: BreachRow, col: int) -> str:
        if col == COL_REF:
            return row.reference
        if col == COL_COUNTDOWN:
            return row.clock_text(self._now())
        if col == COL_DEADLINE:
            return show_local(row.deadline, row.tz)
        if col == COL_AWARE:
            return show_local(row.aware_at, row.tz)
        if col == COL_SUMMARY:
            text = " ".join(row.summary.split())
            return text if len(text) <= 80 else text[:79] + "…"
        if col == COL_PEOPLE:
            return f"{row.people_count:,}" if row.people_count is not None else "Not known"
        if col == COL_ICO:
            return ICO_DECISIONS.get(row.ico_decision or "", "Not decided")
        if col == COL_TELL:
            return PEOPLE_DECISIONS.get(row.people_decision or "", "Not decided")
        if col == COL_STATUS:
            return STATUSES.get(row.status, row.status)
        return ""
