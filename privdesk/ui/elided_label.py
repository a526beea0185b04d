"""One line of plain text that never widens its pane and never looks whole when it is not.

A long unbroken value (an email address) in a narrow pane used to be clipped at the
pane's edge: "karl.coates1244@johnsonmarshandell" read as an address, and it was not
the whole of one. Here it is shortened in the middle with an ellipsis, so its start and
its domain both show; the tooltip and the right-click Copy give the whole text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setToolTip(text)
        # Its own menu: a selection of the shortened text would copy the ellipsis.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = QAction("Copy", self)
        self.copy_action.triggered.connect(self._copy)
        self.addAction(self.copy_action)
        self._fit()

    def full_text(self) -> str:
        return self._full

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._full)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(1, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room)
        if shown != self.text():
            self.setText(shown)
