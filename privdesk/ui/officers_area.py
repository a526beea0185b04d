"""The Officers area: who can unlock this store and with which role. Admins add, remove,
change roles and rotate the data key; everyone can change their own passphrase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.dates import short_date
from privdesk.domain.passwords import MIN_LENGTH, check_new_passphrase
from privdesk.services.authz import ROLES, Permission
from privdesk.services.context import ServiceContext
from privdesk.services.officers import OfficerRow, OfficerService
from privdesk.ui.change_notice import Change, ChangeNotice
from privdesk.ui.models.row_list import RowListModel
from privdesk.ui.permissions import guard
from privdesk.ui.safe_buttons import ask
from privdesk.ui.tasks import TaskRunner

COL_NAME, COL_ROLE, COL_STATUS, COL_SINCE = range(4)
HEADERS = ["Officer", "Role", "Status", "Added"]
ROLE_TEXT = {"admin": "Admin: everything, officers and settings",
             "officer": "Officer: day-to-day work", "viewer": "Viewer: read-only"}


class OfficerTableModel(RowListModel[OfficerRow]):
    HEADERS = HEADERS

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, col = self.record_at(index), index.column()
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == COL_NAME:
                return row.name
            if col == COL_ROLE:
                return row.role.capitalize()
            if col == COL_STATUS:
                return _status(row)
            return short_date(row.created_at)
        if role == Qt.ItemDataRole.ForegroundRole and (not row.active or not row.has_slot):
            return QBrush(QColor("#8a939c"))
        return None


def _status(row: OfficerRow) -> str:
    if not row.active:
        return "Removed"
    return "Can unlock" if row.has_slot else "No key slot (cannot unlock)"


class AddOfficerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an officer")
        self.setMinimumWidth(460)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(ROLE_TEXT[role], role)
        self.role.setCurrentIndex(ROLES.index("officer"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"At least {MIN_LENGTH} characters")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("First passphrase", self.passphrase)
        form.addRow("Repeat", self.repeat)
        note = QLabel("Give the first passphrase to the officer in person; they change it "
                      "from this screen after their first unlock.")
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add officer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for edit in (self.name, self.passphrase, self.repeat):
            edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        rule = check_new_passphrase(self.passphrase.text(), [self.name.text()])
        ok = (bool(self.name.text().strip()) and not rule
              and self.passphrase.text() == self.repeat.text())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(rule)


class PassphraseDialog(QDialog):
    def __init__(self, officer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change my passphrase")
        self.setMinimumWidth(420)
        self.old, self.new, self.repeat = QLineEdit(), QLineEdit(), QLineEdit()
        form = QFormLayout()
        for label, edit in (("Current passphrase", self.old), ("New passphrase", self.new),
                            ("Repeat", self.repeat)):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._update)
            form.addRow(label, edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title = QLabel(f"Only your own key slot ({officer}) changes; nobody else re-enters "
                       "anything.")
        title.setWordWrap(True)
        title.setObjectName("hint")
        title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        rule = check_new_passphrase(self.new.text())
        ok = bool(self.old.text()) and not rule and self.new.text() == self.repeat.text()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(rule)


ROLE_MEANING = {"admin": "Admins manage officers and settings and can do everything else.",
                "officer": "Officers do the day-to-day work but cannot manage officers.",
                "viewer": "Viewers can only read."}


class OfficersArea(QWidget):
    def __init__(self, service: OfficerService, ctx: ServiceContext, tasks: TaskRunner,
                 notice: ChangeNotice | None = None) -> None:
        super().__init__()
        self._service, self._ctx, self._tasks = service, ctx, tasks
        self.changes = notice or ChangeNotice(self)
        self.changes.listen(self, (Change.OFFICERS,), self.refresh)
        heading = QLabel("Officers")
        heading.setObjectName("areaTitle")
        about = QLabel("Each officer unlocks the store with their own name and passphrase. "
                       "Roles: admins manage officers and settings, officers do the day-to-day "
                       "work, viewers only read.")
        about.setObjectName("hint")
        about.setWordWrap(True)
        self.model = OfficerTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_ROLE, 110), (COL_STATUS, 230), (COL_SINCE, 120)):
            self.table.setColumnWidth(col, width)

        self.add_button = QPushButton("Add officer…")
        self.add_button.clicked.connect(self._add)
        # The role box shows the selected officer's role (never a default such as Admin),
        # and "Set role" only lights up once a different role is chosen.
        self.role_combo = QComboBox()
        self.role_combo.addItem("Select an officer", None)
        for role in ROLES:
            self.role_combo.addItem(role.capitalize(), role)
        self.role_combo.currentIndexChanged.connect(self._sync_role_button)
        self.role_button = QPushButton("Set role…")
        self.role_button.clicked.connect(self._set_role)
        self.confirm: Callable[[str, str], bool] = self._ask  # replaceable by tests
        self.table.selectionModel().selectionChanged.connect(self._follow_selection)
        self.model.modelReset.connect(self._follow_selection)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)
        self.rotate_button = QPushButton("Rotate data key…")
        self.rotate_button.clicked.connect(self._rotate)
        self.passwd_button = QPushButton("Change my passphrase…")
        self.passwd_button.clicked.connect(self._passwd)
        buttons = QHBoxLayout()
        for w in (self.add_button, self.role_combo, self.role_button, self.remove_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.rotate_button)
        buttons.addWidget(self.passwd_button)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        for w in (self.add_button, self.role_combo, self.role_button, self.remove_button,
                  self.rotate_button):
            guard(w, self._ctx, Permission.MANAGE_OFFICERS)
        self._follow_selection()
        self._tasks.run(self._service.list, on_done=self.model.set_rows)

    def _follow_selection(self, *_: object) -> None:
        row = self.selected()
        self.role_combo.blockSignals(True)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(row.role))
                                        if row is not None else 0)
        self.role_combo.blockSignals(False)
        allowed = self._ctx.can(Permission.MANAGE_OFFICERS)
        self.role_combo.setEnabled(allowed and row is not None)
        self.remove_button.setEnabled(allowed and row is not None)
        self._sync_role_button()

    def _sync_role_button(self, *_: object) -> None:
        row, role = self.selected(), self.role_combo.currentData()
        self.role_button.setEnabled(self._ctx.can(Permission.MANAGE_OFFICERS)
                                    and row is not None and role is not None and role != row.role)

    def _ask(self, name: str, role: str) -> bool:
        answer = QMessageBox.question(
            self, "Change role", f"Make {name} {'an' if role[0] in 'aeiou' else 'a'} {role}? "
            f"{ROLE_MEANING.get(role, '')}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def selected(self) -> OfficerRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _run(self, fn: Any, done: str) -> None:
        self.message.setText("Working…")
        self._tasks.run(fn, on_done=lambda _r: self._finished(done), on_error=self._failed)

    def _finished(self, text: str) -> None:
        self.message.setText(text)
        self.changes.announce(Change.OFFICERS)

    def _failed(self, exc: Exception) -> None:
        self.message.setText(str(exc))
        QMessageBox.warning(self, "Officers", str(exc))

    def _add(self) -> None:
        dialog = AddOfficerDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            name, role, pw = dialog.name.text(), dialog.role.currentData(), dialog.passphrase.text()
            self._run(lambda: self._service.add(name, role, pw), f"Added {name.strip()} ({role}).")

    def _set_role(self) -> None:
        row = self.selected()
        if row is None:
            self.message.setText("Select an officer first.")
            return
        role = self.role_combo.currentData()
        if role is None or role == row.role or not self.confirm(row.name, role):
            return
        self._run(lambda: self._service.set_role(row.name, role), f"{row.name} is now {role}.")

    def _remove(self) -> None:
        row = self.selected()
        if row is None:
            self.message.setText("Select an officer first.")
            return
        if ask(self, "Remove officer", f"Remove {row.name}? Their key slot is deleted; they "
               "can no longer unlock this store. Consider rotating the data key afterwards."):
            self._run(lambda: self._service.remove(row.name), f"Removed {row.name}.")

    def _rotate(self) -> None:
        if ask(self, "Rotate data key", "Re-encrypt the whole store under a new random key? "
               "Every officer keeps their passphrase. Nobody else should have the store open."):
            self._run(self._service.rotate_key, "The data key was rotated; the store is "
                      "re-encrypted.")

    def _passwd(self) -> None:
        dialog = PassphraseDialog(self._ctx.actor.name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            old, new = dialog.old.text(), dialog.new.text()
            self._run(lambda: self._service.change_own_passphrase(old, new),
                      "Your passphrase was changed.")
