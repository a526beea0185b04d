"""A month calendar that paints, on each day, how many contacts fall due that day.

Click a day to pick it; Shift+click another to pick the range between them. The view
asks for the shown month's counts when the month changes (`month_shown`) and is given
them with `set_counts`; it never reads the store itself.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QTableView

BADGE = QColor("#2f6fb0")
BADGE_OVERDUE = QColor("#b3261e")
RANGE_FILL = QColor(47, 111, 176, 45)  # translucent, over the base painting
OTHER_MONTH_FADE = QColor(255, 255, 255, 150)
TODAY_RING = QColor("#17324d")
WEEKEND = QColor("#4a6a8a")


def to_date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DueCalendar(QCalendarWidget):
    range_selected = Signal(object, object)  # start: date, end: date (inclusive)
    month_shown = Signal(int, int)  # year, month

    def __init__(self, today: date) -> None:
        super().__init__()
        self._today = today
        self._counts: dict[date, int] = {}
        self._anchor = today
        self._range = (today, today)
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setSelectedDate(to_qdate(today))
        self.setMinimumSize(420, 300)
        # Weekends in a quiet slate, not Qt's default red: red here means overdue.
        weekend = QTextCharFormat()
        weekend.setForeground(WEEKEND)
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(day, weekend)
        self._shift = False
        self.view = self.findChild(QTableView, "qt_calendar_calendarview")
        if self.view is not None:  # to see Shift on the click that picks a day
            self.view.viewport().installEventFilter(self)
        self.clicked.connect(self._on_clicked)
        self.currentPageChanged.connect(lambda y, m: self.month_shown.emit(y, m))

    # -- state -------------------------------------------------------------------------
    def set_counts(self, counts: dict[date, int]) -> None:
        self._counts = dict(counts)
        self.updateCells()

    def count_on(self, day: date) -> int:
        return self._counts.get(day, 0)

    @property
    def selected_range(self) -> tuple[date, date]:
        return self._range

    def select_range(self, start: date, end: date) -> None:
        start, end = min(start, end), max(start, end)
        self._range = (start, end)
        self._anchor = start
        self.setSelectedDate(to_qdate(end))
        self.updateCells()
        self.range_selected.emit(start, end)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease) and \
                isinstance(event, QMouseEvent):
            self._shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        return super().eventFilter(watched, event)

    def _on_clicked(self, qdate: QDate) -> None:
        day = to_date(qdate)
        if self._shift:
            anchor = self._anchor
            self.select_range(anchor, day)
            self._anchor = anchor  # Shift+click again extends from the same anchor
        else:
            self.select_range(day, day)

    # -- painting ----------------------------------------------------------------------
    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:  # noqa: N802
        day = to_date(qdate)
        start, end = self._range
        in_range = start <= day <= end and start != end
        super().paintCell(painter, rect, qdate)
        if in_range:
            painter.fillRect(rect, RANGE_FILL)
            painter.fillRect(rect.adjusted(0, rect.height() - 3, 0, 0), BADGE)
        if qdate.month() != self.monthShown():  # days of the months either side, faded
            painter.fillRect(rect, OTHER_MONTH_FADE)
        if day == self._today:
            painter.save()
            painter.setPen(QPen(TODAY_RING, 2))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
            painter.restore()
        count = self._counts.get(day, 0)
        if count:
            self._badge(painter, rect, count, day < self._today)

    def _badge(self, painter: QPainter, rect: QRect, count: int, overdue: bool) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        font.setBold(True)
        painter.setFont(font)
        label = str(count) if count < 1000 else f"{count // 1000}k"
        width = max(18, painter.fontMetrics().horizontalAdvance(label) + 10)
        height = painter.fontMetrics().height() + 2
        badge = QRectF(rect.right() - width - 3, rect.bottom() - height - 4, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE_OVERDUE if overdue else BADGE)
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.restore()
