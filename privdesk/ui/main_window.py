"""The main window: a navigation rail of areas, the current area, menus, a status bar.

The window knows nothing about contacts or requests: it is handed a list of `Area`s
built by ui.areas, so each area lives in its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from privdesk import __version__
from privdesk.ui.screen_fit import largest


@dataclass
class Area:
    key: str
    title: str
    widget: QWidget
    refresh: Callable[[], None] | None = None


def default_size() -> tuple[int, int]:
    """Roomy enough for the Requests queue beside its detail pane, within the screen's
    available area (taskbar and title bar off): a laptop gets all of it."""
    most_w, most_h = largest()
    return min(1600, most_w), min(960, most_h)


class MainWindow(QMainWindow):
    lock_requested = Signal()
    switch_store_requested = Signal()

    def __init__(self, areas: list[Area], store_path: str, officer: str,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle(f"privdesk — {store_path}")
        self._settings = settings
        self.areas = areas
        # Asked before closing; True keeps the window open for now (the session's exit backup).
        self.hold_close: Callable[[], bool] | None = None

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        for area in areas:
            self.nav.addItem(area.title)
            self.stack.addWidget(area.widget)
        self.nav.currentRowChanged.connect(self._show_area)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.store_label = QLabel(f"Store: {store_path}")
        self.lock_label = QLabel("Unlocked")
        self.officer_label = QLabel(f"Officer: {officer}")
        for label in (self.store_label, self.officer_label, self.lock_label):
            label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addWidget(self.store_label, 1)
        self.statusBar().addPermanentWidget(self.officer_label)
        self.statusBar().addPermanentWidget(self.lock_label)

        self._build_menus()
        self.resize(*default_size())
        self._restore_geometry()
        if areas:
            self.nav.setCurrentRow(0)

    # -- menus -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.switch_action = self._action("Open another store…", QKeySequence.StandardKey.Open,
                                          self.switch_store_requested.emit)
        self.lock_action = self._action("&Lock", QKeySequence("Ctrl+L"), self.lock_requested.emit)
        file_menu.addAction(self.switch_action)
        file_menu.addAction(self.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close))

        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.edit_menu.addAction(self._action("&Refresh", QKeySequence.StandardKey.Refresh,
                                              self.refresh_current))

        view_menu = self.menuBar().addMenu("&View")
        for i, area in enumerate(self.areas):
            view_menu.addAction(self._action(area.title, QKeySequence(f"Ctrl+{i + 1}"),
                                             lambda _=False, row=i: self.nav.setCurrentRow(row)))

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About privdesk", None, self._about))

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | None,
                slot: Callable[..., object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _about(self) -> None:
        QMessageBox.about(self, "About privdesk",
                          f"<b>privdesk {__version__}</b><p>Contact register, data-subject "
                          "requests, retention and subject-access packs, kept in an encrypted "
                          "local store.</p>")

    # -- areas -------------------------------------------------------------------------
    def _show_area(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        area = self.areas[row]
        if area.refresh is not None:
            area.refresh()

    def refresh_current(self) -> None:
        self._show_area(self.nav.currentRow())

    def show_area(self, key: str) -> None:
        for i, area in enumerate(self.areas):
            if area.key == key:
                self.nav.setCurrentRow(i)
                return
        raise KeyError(key)

    def area(self, key: str) -> QWidget:
        return next(a.widget for a in self.areas if a.key == key)

    def set_locked(self, locked: bool) -> None:
        self.lock_label.setText("Locked" if locked else "Unlocked")
        central = self.centralWidget()
        if central is not None:
            central.setEnabled(not locked)
        self.menuBar().setEnabled(not locked)

    # -- geometry ----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        if self._settings is None:
            return
        geometry = self._settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.hold_close is not None and self.hold_close():
            event.ignore()  # e.g. the exit backup first: the session closes the window after
            return
        if self._settings is not None:
            self._settings.setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)

