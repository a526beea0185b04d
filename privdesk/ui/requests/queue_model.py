"""The request queue as a table model, its filter/sort proxy, and the live countdown.

The countdown is computed here from each row's due date and an injected clock
(`today: Callable[[], date]`), so a timer can move it on at midnight without asking the
database: when the day changes, dataChanged is emitted for the countdown column only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from privdesk.domain.deadlines import Urgency, WorkingDays, countdown_text, days_left, fmt, urgency
from privdesk.services.request_records import OPEN_STATUSES, RequestRow
from privdesk.ui.models.row_list import ROW_ROLE as ROW_ROLE  # the base's roles, named here
from privdesk.ui.models.row_list import SORT_ROLE, RowListModel

# The countdown and due date come straight after the reference: they are what the queue is
# for, and they must stay in view when the window is narrow and the detail pane is open.
COL_REF, COL_COUNTDOWN, COL_DUE, COL_TYPE, COL_REQUESTER, COL_RECEIVED, COL_STATUS, COL_ASSIGNEE = \
    range(8)
HEADERS = ("Reference", "Countdown", "Due", "Type", "Requester", "Received", "Status", "Officer")
URGENCY_ROLE = int(Qt.ItemDataRole.UserRole) + 2
NO_DUE = 10**7  # sorts requests without a due date after every dated one

# Background and text colour per urgency: the text says the same thing as the colour.
URGENCY_COLOURS: dict[Urgency | None, tuple[str, str]] = {
    Urgency.GREEN: ("#dff3e4", "#1b5e2b"),
    Urgency.AMBER: ("#ffefc7", "#7a4a00"),
    Urgency.RED: ("#fbd9d5", "#a1201a"),
    Urgency.OVERDUE: ("#7f1d1d", "#ffffff"),
    None: ("#eceff3", "#4a5561"),  # no clock running: awaiting ID, stopped, finished
}
Index = QModelIndex | QPersistentModelIndex


def urgency_style(level: Urgency | None, role: int) -> Any:
    """A countdown cell's colours and weight (the request queue's and the breach register's
    alike); None for any other role."""
    if role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(QColor(URGENCY_COLOURS[level][0]))
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor(URGENCY_COLOURS[level][1]))
    if role == Qt.ItemDataRole.FontRole and level in (Urgency.RED, Urgency.OVERDUE):
        font = QFont()
        font.setBold(True)
        return font
    return None


class RequestQueueModel(RowListModel[RequestRow]):
    HEADERS = HEADERS
    day_changed = Signal(object)  # the new date, when the injected clock passes midnight

    def __init__(self, today: Callable[[], date], calendar: WorkingDays | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._calendar = calendar or WorkingDays("ENG")
        self._shown_day = today()
        self._cache: dict[int, tuple[str, Urgency | None]] = {}
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)

    # -- data in ----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[RequestRow]) -> None:
        self._cache.clear()
        super().set_rows(rows)

    def set_calendar(self, calendar: WorkingDays) -> None:
        if calendar.nation != self._calendar.nation:
            self._calendar = calendar
            self._invalidate_countdown()

    def row_of(self, request_id: int) -> int | None:
        return self.row_where(lambda r: r.id == request_id)

    # -- the live countdown ---------------------------------------------------------------
    def start_ticking(self, interval_ms: int = 60_000) -> None:
        self._timer.start(interval_ms)

    def stop_ticking(self) -> None:
        self._timer.stop()

    def tick(self) -> None:
        """Called by the timer: only a new day changes any countdown."""
        today = self._today()
        if today != self._shown_day:
            self._shown_day = today
            self._invalidate_countdown()
            self.day_changed.emit(today)

    def _invalidate_countdown(self) -> None:
        self._cache.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_COUNTDOWN),
                                  self.index(len(self._rows) - 1, COL_COUNTDOWN))

    def countdown(self, row: RequestRow) -> tuple[str, Urgency | None]:
        cached = self._cache.get(row.id)
        if cached is None:
            cached = self._compute_countdown(row)
            self._cache[row.id] = cached
        return cached

    def _compute_countdown(self, row: RequestRow) -> tuple[str, Urgency | None]:
        if row.status not in OPEN_STATUSES:
            if row.responded_on is not None:
                return ("Answered late" if row.late else "Answered on time"), None
            return row.status_label, None
        if row.due is None:
            return ("Clock stopped" if row.clock_state == "paused" else "Awaiting ID"), None
        left = days_left(row.due, self._shown_day, self._calendar)
        return countdown_text(left), urgency(left)

    # -- Qt model -----------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record_at(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if col == COL_COUNTDOWN:
            text, level = self.countdown(row)
            if role == URGENCY_ROLE:
                return level.value if level else None
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._countdown_tip(row, text)
            style = urgency_style(level, role)
            if style is not None:
                return style
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_REQUESTER:
            return row.requester_name[:300]
        return super().data(index, role)

    def _display(self, row: RequestRow, col: int) -> str | None:
        if col == COL_REF:
            return row.reference
        if col == COL_TYPE:
            return row.type_label
        if col == COL_REQUESTER:
            # One line however the name was typed: long names are cut, newlines flattened.
            name = " ".join(row.requester_name.split())
            return name if len(name) <= 80 else name[:79] + "…"
        if col == COL_RECEIVED:
            return fmt(row.received)
        if col == COL_DUE:
            return fmt(row.due) if row.due else "—"
        if col == COL_COUNTDOWN:
            return self.countdown(row)[0]
        if col == COL_STATUS:
            return row.status_label
        if col == COL_ASSIGNEE:
            return row.assignee or "Unassigned"
        return None

    def sort_value(self, row: RequestRow, col: int) -> Any:
        due_key = (0 if row.status in OPEN_STATUSES else NO_DUE * 2) + (
            row.due.toordinal() if row.due else NO_DUE)
        if col in (COL_DUE, COL_COUNTDOWN):
            return due_key
        if col == COL_RECEIVED:
            return row.received.toordinal()
        text = self._display(row, col) or ""
        return text.casefold()

    def _countdown_tip(self, row: RequestRow, text: str) -> str:
        if row.due is None or row.status not in OPEN_STATUSES:
            return text
        left = days_left(row.due, self._shown_day, self._calendar)
        return (f"Due {fmt(row.due)}: {left.calendar_days} calendar days, "
                f"{left.working_days} working days from {fmt(self._shown_day)}")


class RequestFilterProxy(QSortFilterProxyModel):
    """Filters by status ('open' for every open status, None for all), type and officer;
    sorts on SORT_ROLE so dates sort as dates."""

    OPEN = "open"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._status: str | None = self.OPEN
        self._type: str | None = None
        self._assignee: str | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_filters(self, status: str | None, rtype: str | None, assignee: str | None) -> None:
        self.beginFilterChange()
        self._status, self._type, self._assignee = status, rtype, assignee
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, RequestQueueModel):
            return True
        row = model.row(source_row)
        if self._status == self.OPEN and row.status not in OPEN_STATUSES:
            return False
        if self._status not in (None, self.OPEN) and row.status != self._status:
            return False
        if self._type is not None and row.type != self._type:
            return False
        if self._assignee is not None:
            if self._assignee == "" and row.assignee:
                return False
            if self._assignee != "" and row.assignee != self._assignee:
                return False
        return True
