"""A simple area that shows a heading, what the area is for, and live counts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from privdesk.ui.tasks import TaskRunner


class SummaryArea(QWidget):
    def __init__(self, title: str, description: str, load: Callable[[], str],
                 tasks: TaskRunner) -> None:
        super().__init__()
        self._load = load
        self._tasks = tasks
        heading = QLabel(title)
        heading.setObjectName("areaTitle")
        about = QLabel(description)
        about.setObjectName("hint")
        about.setWordWrap(True)
        self.summary = QLabel("Loading…")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def refresh(self) -> None:
        self._tasks.run(self._load, on_done=self.summary.setText)
