"""Windows sized from the screen they open on, never larger than its available area.

A 1366x768 laptop with a taskbar leaves about 1366x728 for windows, and a window manager's
title bar takes about 30 px of that. Every window and dialog asks `fit_window` for a size
instead of hard-coding one, and long content scrolls (`scrolling`) while the action
buttons stay outside the scrolled part, always in view.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

TITLE_BAR = 32  # what a window manager's frame adds above a window's content
MARGIN = 8


def available(widget: QWidget | None = None) -> QRect:
    """The usable area (screen minus taskbars) of the screen the widget is on."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        return QRect(0, 0, 1366, 728)
    return screen.availableGeometry()


def largest(widget: QWidget | None = None) -> tuple[int, int]:
    """The largest content size whose frame still fits the available area."""
    area = available(widget)
    return area.width() - 2 * MARGIN, area.height() - TITLE_BAR - 2 * MARGIN


def fit_window(widget: QWidget, width: int, height: int, *, fraction: float = 1.0) -> None:
    """Resize to width x height, or less so that the window and its frame stay on screen.

    `fraction` caps it further to that share of the available area (so a roomy preview
    on a 1920 screen is still a window, not a second desktop).
    """
    most_w, most_h = largest(widget)
    w = min(width, int(most_w * fraction) if fraction < 1 else most_w)
    h = min(height, int(most_h * fraction) if fraction < 1 else most_h)
    widget.resize(w, h)


def centre_on_screen(widget: QWidget) -> None:
    area = available(widget)
    frame = widget.frameGeometry()
    x = area.x() + max(0, (area.width() - frame.width()) // 2)
    y = area.y() + max(0, (area.height() - frame.height() - TITLE_BAR) // 2)
    widget.move(x, y)


def scrolling(content: QWidget) -> QScrollArea:
    """Put long content in a frameless vertical scroll area (buttons stay outside it)."""
    area = QScrollArea()
    area.setObjectName("fit")  # transparent in app.qss: the dialog's own background shows
    content.setObjectName(content.objectName() or "fitBody")
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area
