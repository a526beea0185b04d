"""Does a window fit the screen, with every action button in view?"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCalendarWidget,
    QLineEdit,
    QPushButton,
    QTabBar,
    QToolButton,
    QWidget,
)

from privdesk.ui.screen_fit import TITLE_BAR

# Buttons that belong to a compound control (a calendar's arrows, a tab bar's scrollers):
# they are not actions an officer looks for.
_PARTS = (QCalendarWidget, QTabBar, QLineEdit, QAbstractSpinBox)


@dataclass(frozen=True)
class Misfit:
    window: str
    what: str

    def __str__(self) -> str:
        return f"{self.window}: {self.what}"


def _is_action(button: QAbstractButton) -> bool:
    if not isinstance(button, QPushButton | QToolButton) or not button.text().strip():
        return False
    parent = button.parentWidget()
    while parent is not None:
        if isinstance(parent, _PARTS):
            return False
        parent = parent.parentWidget()
    return True


def misfits(window: QWidget, name: str, screen: QRect) -> list[Misfit]:
    """What an officer could not reach in `window` on a screen whose available area is
    `screen`: a window (with its title bar) larger than the area, or a visible action
    button cut by the window's edge or scrolled out of its view."""
    found: list[Misfit] = []
    if window.width() > screen.width() or window.height() + TITLE_BAR > screen.height():
        found.append(Misfit(name, f"window is {window.width()}x{window.height()} (+{TITLE_BAR} "
                                  f"title bar) on a {screen.width()}x{screen.height()} screen"))
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or not _is_action(button):
            continue
        seen = button.visibleRegion().boundingRect()
        top_left = button.mapTo(window, button.rect().topLeft())
        inside = window.rect().contains(QRect(top_left, button.size()))
        if not inside or seen.size() != button.size():
            found.append(Misfit(name, f"button '{button.text().replace('&', '')}' is "
                                      "outside the window or cut off"))
    return found
