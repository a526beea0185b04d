"""The first thing an officer sees: pick a store, type the passphrase, unlock.

Unlocking (key derivation, migrations) runs off the UI thread. A wrong passphrase or a
damaged file shows one plain message and the file is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.paths import STORE_SUFFIX
from privdesk.ui.new_store_dialog import NewStoreDialog
from privdesk.ui.tasks import TaskRunner

# (path, passphrase, create) -> an opened store; supplied by the composition root.
Opener = Callable[[Path, str, bool], Any]


class UnlockDialog(QDialog):
    unlocked = Signal(object)  # the opened store

    def __init__(self, opener: Opener, tasks: TaskRunner, recent: list[Path],
                 default_folder: Path, demo_passphrase: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock privdesk")
        self.setMinimumSize(560, 420)
        self._opener = opener
        self._tasks = tasks
        self._folder = default_folder
        self.result_store: Any = None

        title = QLabel("privdesk")
        title.setObjectName("title")
        subtitle = QLabel("Choose a store and enter its passphrase.")
        subtitle.setObjectName("hint")

        self.recent = QListWidget()
        self.recent.setAlternatingRowColors(True)
        for path in recent:
            self._add_recent(path)
        if self.recent.count():
            self.recent.setCurrentRow(0)

        open_other = QPushButton("Open another…")
        open_other.clicked.connect(self._open_other)
        new_store = QPushButton("New store…")
        new_store.clicked.connect(self._new_store)
        store_buttons = QHBoxLayout()
        store_buttons.addWidget(open_other)
        store_buttons.addWidget(new_store)
        store_buttons.addStretch(1)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.demo_hint = QLabel()
        self.demo_hint.setObjectName("hint")
        self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if demo_passphrase:
            self.demo_hint.setText(
                f"Demo store: the passphrase is <b>{demo_passphrase}</b> (demo data only).")
            self.passphrase.setText(demo_passphrase)
        self.demo_hint.setVisible(bool(demo_passphrase))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        quit_button = QPushButton("Quit")
        quit_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(quit_button)
        actions.addWidget(self.unlock_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(QLabel("Recent stores"))
        layout.addWidget(self.recent, 1)
        layout.addLayout(store_buttons)
        layout.addSpacing(8)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.demo_hint)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.passphrase.setFocus()

    def _add_recent(self, path: Path, first: bool = False) -> None:
        for i in range(self.recent.count()):
            if Path(self.recent.item(i).data(Qt.ItemDataRole.UserRole)) == path:
                self.recent.setCurrentRow(i)
                return
        item = QListWidgetItem(f"{path.name}\n{path.parent}")
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        if first:
            self.recent.insertItem(0, item)
        else:
            self.recent.addItem(item)
        self.recent.setCurrentItem(item)

    def selected_path(self) -> Path | None:
        item = self.recent.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def select(self, path: Path) -> None:
        self._add_recent(path, first=True)

    def _open_other(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open store", str(self._folder),
            f"privdesk stores (*{STORE_SUFFIX});;All files (*)")
        if name:
            self.select(Path(name))
            self.passphrase.setFocus()

    def _new_store(self) -> None:
        dialog = NewStoreDialog(self._folder, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._start(dialog.chosen_path, dialog.chosen_passphrase, create=True)

    def try_unlock(self) -> None:
        path = self.selected_path()
        if path is None:
            self._show_error("Choose a store first, or create a new one.")
            return
        if not self.passphrase.text():
            self._show_error("Enter the passphrase.")
            return
        self._start(path, self.passphrase.text(), create=False)

    def _start(self, path: Path, passphrase: str, create: bool) -> None:
        self.error.hide()
        self.unlock_button.setEnabled(False)
        self.unlock_button.setText("Unlocking…")
        self._tasks.run(lambda: self._opener(path, passphrase, create),
                        on_done=self._done, on_error=self._failed)

    def _done(self, store: Any) -> None:
        self.passphrase.clear()
        self.result_store = store
        self.unlocked.emit(store)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.unlock_button.setText("Unlock")
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        self._show_error(str(exc))

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
