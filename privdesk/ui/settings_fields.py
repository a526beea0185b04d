"""The Settings dialog's field builders and their ranges and choices."""

from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QSpinBox

# The team server's outage lock (services.settings "team.outage_lock_seconds", default 60):
# at least a few polls (ui.team_refresh.POLL_MS is 3 s), at most an hour.
OUTAGE_MIN_S, OUTAGE_MAX_S = 10, 3600
NATIONS = [("ENG", "England and Wales"), ("SCT", "Scotland"), ("NIR", "Northern Ireland")]
SECURITY = [("starttls", "STARTTLS (port 587)"), ("ssl", "SSL/TLS (port 465)"),
            ("none", "None (not recommended)")]


def spin(low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setMinimumWidth(120)
    box.setMaximumWidth(150)
    return box


def zone_box() -> QComboBox:
    """Every IANA zone name, typed with completion (e.g. "lond" finds Europe/London)."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(sorted(available_timezones()))
    completer = QCompleter(box.model(), box)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    box.setCompleter(completer)
    box.setMinimumContentsLength(22)
    box.setToolTip("Breach times (the 72-hour ICO clock) are typed and shown in this zone. "
                   "Request deadlines are whole days and do not depend on it.")
    return box
