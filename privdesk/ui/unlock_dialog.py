"""The first thing an officer sees: pick a store, type your name and passphrase, unlock.

Unlocking (key derivation, migrations) runs off the UI thread. A wrong name or
passphrase, or a damaged file, shows one plain message and the file is left untouched.
The officer name last used for each store is remembered (QSettings); never a passphrase.

In lock mode (auto-lock, Ctrl+L) the store and the officer are fixed: only the same
officer can carry on with the window and editors left open behind the lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.paths import STORE_SUFFIX
from privdesk.services.team import StoreError, server_title, shown_address
from privdesk.ui.dialog_errors import ErrorLine
from privdesk.ui.new_store_dialog import NewStoreDialog
from privdesk.ui.tasks import TaskRunner

# (store file or team-server URL, officer, passphrase, create) -> the unlocked session;
# from the composition root.
Location = Path | str
Opener = Callable[[Location, str, str, bool], Any]


def _officer_key(path: Location) -> str:
    where = path if isinstance(path, str) else str(path.resolve())
    digest = hashlib.sha256(where.encode()).hexdigest()[:20]
    return f"stores/{digest}/officer"


def remembered_officer(settings: QSettings | None, path: Location) -> str:
    value = settings.value(_officer_key(path), "") if settings is not None else ""
    return value if isinstance(value, str) else ""


def remember_officer(settings: QSettings | None, path: Location, officer: str) -> None:
    if settings is not None:
        settings.setValue(_officer_key(path), officer)


class UnlockDialog(QDialog):
    unlocked = Signal(object)  # the opened store

    def __init__(self, opener: Opener, tasks: TaskRunner, recent: Sequence[Location],
                 default_folder: Path, demo_passphrase: str | None = None,
                 parent: QWidget | None = None, settings: QSettings | None = None,
                 default_officer: str = "", locked_officer: str | None = None,
                 demo_officers: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock privdesk" if locked_officer is None else "privdesk is locked")
        self.setMinimumSize(560, 460 if locked_officer is None else 200)
        self._opener = opener
        self._tasks = tasks
        self._folder = default_folder
        self._settings = settings
        self._default_officer = default_officer
        self._lock_mode = locked_officer is not None
        self.result_store: Any = None
        # Full addresses typed this session (they may hold a password): used to connect,
        # never shown or remembered; the list shows and QSettings keep the safe form.
        self._typed_addresses: dict[str, str] = {}

        title = QLabel("privdesk")
        title.setObjectName("title")
        subtitle = QLabel("Choose a store, then enter your officer name and passphrase."
                          if locked_officer is None else
                          f"Locked. {locked_officer}, enter your passphrase to carry on; "
                          "your open work is kept.")
        subtitle.setObjectName("hint")
        subtitle.setWordWrap(True)

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
        team_server = QPushButton("Connect to a team server…")
        team_server.setToolTip("A store on a PostgreSQL server that several officers share "
                               "(see the README, Team mode)")
        team_server.clicked.connect(self._ask_server)
        store_buttons = QHBoxLayout()
        store_buttons.addWidget(open_other)
        store_buttons.addWidget(new_store)
        store_buttons.addWidget(team_server)
        store_buttons.addStretch(1)

        self.officer = QLineEdit()
        self.officer.setPlaceholderText("Officer name")
        self.officer.setMaxLength(200)
        self.officer.returnPressed.connect(self._to_passphrase)
        if locked_officer is not None:
            self.officer.setText(locked_officer)
            self.officer.setReadOnly(True)
        self.recent.currentItemChanged.connect(lambda *_: self._fill_officer())

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.demo_hint = QLabel()
        self.demo_hint.setObjectName("hint")
        self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if demo_passphrase:
            others = [f"{escape(n)} ({r})" for n, r in demo_officers if n != default_officer]
            self.demo_hint.setText(
                f"Demo store: officer <b>{escape(default_officer)}</b> (admin), passphrase "
                f"<b>{escape(demo_passphrase)}</b>."
                + (f" {', '.join(others[:-1])} and {others[-1]} use the same passphrase."
                   if len(others) > 1 else
                   f" {others[0]} uses the same passphrase." if others else "")
                + " Demo data only.")
            self.demo_hint.setWordWrap(True)
            self.passphrase.setText(demo_passphrase)
        self.demo_hint.setVisible(bool(demo_passphrase))
        self.error = ErrorLine()  # plain text: messages may quote typed names

        # Deriving the key takes a few seconds by design (Argon2id): show it is working.
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
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
        recent_label = QLabel("Recent stores")
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)
        layout.addLayout(store_buttons)
        layout.addSpacing(8)
        credentials = QFormLayout()
        credentials.addRow("Officer", self.officer)
        credentials.addRow("Passphrase", self.passphrase)
        layout.addLayout(credentials)
        layout.addWidget(self.demo_hint)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        if locked_officer is not None:  # the store and the officer are fixed
            for widget in (recent_label, self.recent, open_other, new_store, team_server):
                widget.hide()
        layout.addLayout(actions)
        self._fill_officer()

    def _to_passphrase(self) -> None:
        self.passphrase.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        # Escape would reject, and rejecting the lock dialog quits: never by a stray key.
        if self._lock_mode and event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def _fill_officer(self) -> None:
        if self.officer.isReadOnly():
            self.passphrase.setFocus()
            return
        path = self.selected_path()
        name = (remembered_officer(self._settings, path) if path else "") or self._default_officer
        self.officer.setText(name)
        (self.passphrase if name else self.officer).setFocus()

    def _add_recent(self, path: Location, first: bool = False) -> None:
        for i in range(self.recent.count()):
            if self._location(self.recent.item(i)) == path:
                self.recent.setCurrentRow(i)
                return
        if isinstance(path, str):  # a team server, by its shown address (no password)
            item = QListWidgetItem(f"{server_title(path)}\n{path}")
            item.setData(Qt.ItemDataRole.UserRole + 1, "server")
        else:
            item = QListWidgetItem(f"{path.name}\n{path.parent}")
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        if first:
            self.recent.insertItem(0, item)
        else:
            self.recent.addItem(item)
        self.recent.setCurrentItem(item)

    @staticmethod
    def _location(item: QListWidgetItem) -> Location:
        value = str(item.data(Qt.ItemDataRole.UserRole))
        return value if item.data(Qt.ItemDataRole.UserRole + 1) == "server" else Path(value)

    def selected_path(self) -> Location | None:
        item = self.recent.currentItem()
        return self._location(item) if item else None

    def select(self, path: Location) -> None:
        if isinstance(path, str):
            self.add_server(path)
            return
        self._add_recent(path, first=True)

    def _ask_server(self) -> None:
        url, ok = QInputDialog.getText(
            self, "Connect to a team server",
            "The team server's address, from your office IT:\n"
            "postgresql://USER@HOST:PORT/DATABASE (keep the password in ~/.pgpass)",
            QLineEdit.EchoMode.Normal, "postgresql://")
        if ok and url.strip():
            self.add_server(url)

    def add_server(self, url: str) -> bool:
        """Add a team server to the list and select it; a bad address is said plainly."""
        try:
            shown = shown_address(url)
        except StoreError as exc:
            self._show_error(str(exc))
            return False
        self._typed_addresses[shown] = url.strip()
        self._add_recent(shown, first=True)
        self.error.hide()
        self._fill_officer()
        return True

    def _open_other(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open store", str(self._folder),
            f"privdesk stores (*{STORE_SUFFIX});;All files (*)")
        if name:
            self.select(Path(name))
            self.passphrase.setFocus()

    def _new_store(self) -> None:
        if not self.officer.text().strip():
            self._show_error("Enter your officer name first: you become the new store's admin.")
            self.officer.setFocus()
            return
        dialog = NewStoreDialog(self._folder, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._start(dialog.chosen_path, dialog.chosen_passphrase, create=True)

    def try_unlock(self) -> None:
        path = self.selected_path()
        if path is None:
            self._show_error("Choose a store first, or create a new one.")
            return
        if not self.officer.text().strip():
            self._show_error("Enter your officer name.")
            self.officer.setFocus()
            return
        if not self.passphrase.text():
            self._show_error("Enter the passphrase.")
            return
        self._start(path, self.passphrase.text(), create=False)

    def _start(self, path: Location, passphrase: str, create: bool) -> None:
        self.error.hide()
        self.unlock_button.setEnabled(False)
        self.unlock_button.setText("Unlocking…")
        self.busy.show()
        officer = " ".join(self.officer.text().split())
        self._pending = (path, officer)
        target = self._typed_addresses.get(path, path) if isinstance(path, str) else path
        self._tasks.run(lambda: self._opener(target, officer, passphrase, create),
                        on_done=self._done, on_error=self._failed)

    # Not dialog_errors.run_then_accept, on purpose: unlocking also shows the busy bar and
    # "Unlocking…", and a refusal puts the focus back in the passphrase, selected, to retype.
    def _done(self, store: Any) -> None:
        remember_officer(self._settings, *self._pending)
        self.passphrase.clear()
        self.result_store = store
        self.unlocked.emit(store)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.busy.hide()
        self.unlock_button.setEnabled(True)
        self.unlock_button.setText("Unlock")
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        self._show_error(str(exc))

    def _show_error(self, message: str) -> None:
        self.error.say(message)

    def show_error(self, message: str) -> None:
        """Say why the window is locked or what went wrong (plain text)."""
        self._show_error(message)
