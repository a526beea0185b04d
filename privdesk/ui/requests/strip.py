"""The strip at the top of the Requests area: open, due this week, overdue, and the
median days to respond over the last 90 days."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from privdesk.services.request_records import QueueStats

STRIP_STYLE = """
QFrame#statTile { background: white; border: 1px solid #d6dbe1; border-radius: 6px; }
QFrame#statTile[alert="true"] { background: #fdecea; border: 1px solid #f0b3ad; }
QLabel#statValue { font-size: 18pt; font-weight: 600; color: #17324d; }
QFrame#statTile[alert="true"] QLabel#statValue { color: #a1201a; }
QLabel#statCaption { color: #56606b; }
"""


class _Tile(QFrame):
    def __init__(self, caption: str, tip: str) -> None:
        super().__init__()
        self.setObjectName("statTile")
        self.setToolTip(tip)
        self.value = QLabel("–")
        self.value.setObjectName("statValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, alert: bool = False) -> None:
        self.value.setText(value)
        self.setProperty("alert", "true" if alert else "false")
        self.style().unpolish(self)
        self.style().polish(self)
        for child in (self.value, self.caption):
            child.style().unpolish(child)
            child.style().polish(child)


class StatsStrip(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(STRIP_STYLE)
        self.open = _Tile("open", "Requests not yet answered, refused or withdrawn")
        self.due_week = _Tile("due in 7 days", "Open requests due today or in the six days after")
        self.overdue = _Tile("overdue", "Open requests past their due date")
        self.median = _Tile("median days to respond",
                            "Calendar days from receipt to response, for responses in the "
                            "last 90 days")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for tile in (self.open, self.due_week, self.overdue, self.median):
            layout.addWidget(tile)
        layout.addStretch(1)

    def show_stats(self, stats: QueueStats) -> None:
        self.open.set(f"{stats.open:,}")
        self.due_week.set(f"{stats.due_this_week:,}")
        self.overdue.set(f"{stats.overdue:,}", alert=stats.overdue > 0)
        if stats.median_days_to_respond is None:
            self.median.set("—")
            self.median.setToolTip("No responses in the last 90 days")
        else:
            self.median.set(f"{stats.median_days_to_respond:g}")
            self.median.setToolTip(f"Median over {stats.responded_last_90_days} responses in the "
                                   "last 90 days (calendar days from receipt to response)")
