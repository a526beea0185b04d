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

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer

from privdesk.domain.breach_clock import show_local
from privdesk.domain.deadlines import Urgency
from privdesk.services.breach_records import ICO_DECISIONS, PEOPLE_DECISIONS, STATUSES, BreachRow
from privdesk.ui.models.row_list import ROW_ROLE as ROW_ROLE  # the base's roles, named here
from privdesk.ui.models.row_list import RowListModel
from privdesk.ui.requests.queue_model import urgency_style

COL_REF, COL_COUNTDOWN, COL_DEADLINE, COL_AWARE, COL_SUMMARY, COL_PEOPLE, COL_ICO, COL_TELL, \
    COL_STATUS = range(9)
HEADERS = ("Reference", "ICO clock", "Notify ICO by", "Became aware", "What happened", "People",
           "ICO decision", "Tell people", "Status")
URGENCY_ROLE = int(Qt.ItemDataRole.UserRole) + 2
Index = QModelIndex | QPersistentModelIndex


class BreachTableModel(RowListModel[BreachRow]):
    HEADERS = HEADERS

    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)

    def row_of(self, breach_id: int) -> int | None:
        return self.row_where(lambda r: r.id == breach_id)

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
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record_at(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if col == COL_COUNTDOWN:
            level = self.level(row)
            if role == URGENCY_ROLE:
                return level.value if level else ""
            style = urgency_style(level, role)
            if style is not None:
                return style
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"72 hours from {show_local(row.aware_at, row.tz)}: notify the ICO by "
                        f"{show_local(row.deadline, row.tz)}")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_SUMMARY:
            return row.summary[:500]
        return super().data(index, role)

    def sort_value(self, row: BreachRow, col: int) -> Any:
        """Times as times and head counts as numbers (unknown counts last)."""
        if col in (COL_COUNTDOWN, COL_DEADLINE):
            return row.deadline.isoformat()
        if col == COL_AWARE:
            return row.aware_at.isoformat()
        if col == COL_PEOPLE:
            # Unknown last; kept in 32 bits: Qt does not order an int against a long long.
            return row.people_count if row.people_count is not None else 2**31 - 1
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
