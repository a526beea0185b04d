"""New request: who asked, how, when, whether ID was asked for, and which people in the
register it concerns (found with the same search as the Contacts area)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.request_records import (
    CHANNELS,
    REQUEST_TYPES,
    ContactHit,
    NewRequest,
    RequestDetail,
)
from privdesk.services.requests import RequestService
from privdesk.ui.dialog_errors import ErrorLine, run_then_accept
from privdesk.ui.request_action_dialog import make_date_edit
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window, scrolling
from privdesk.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 250


class ContactPicker(QGroupBox):
    """Search the register, link one or more contacts."""

    def __init__(self, requests: RequestService, tasks: TaskRunner) -> None:
        super().__init__("People in the register")
        self._requests, self._tasks = requests, tasks
        self._asked = ""
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, email, phone or company")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(90)
        self.linked = QListWidget()
        self.linked.setMaximumHeight(70)
        self.status = QLabel("Type at least 2 characters.")
        self.status.setObjectName("hint")
        link = QPushButton("Link")
        unlink = QPushButton("Remove")
        link.clicked.connect(self.link_selected)
        unlink.clicked.connect(lambda: self.linked.takeItem(self.linked.currentRow()))
        self.results.itemDoubleClicked.connect(lambda _item: self.link_selected())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        row = QHBoxLayout()
        row.addWidget(QLabel("Linked:"))
        row.addStretch(1)
        row.addWidget(link)
        row.addWidget(unlink)
        layout.addLayout(row)
        layout.addWidget(self.linked)

    def run_search(self) -> None:
        text = self.search.text()
        self._asked = text
        if len(text.strip()) < 2:
            self.results.clear()
            self.status.setText("Type at least 2 characters.")
            return
        self._tasks.run(lambda: self._requests.search_contacts(text),
                        on_done=functools.partial(self._show, text))

    def _show(self, text: str, hits: list[ContactHit]) -> None:
        if text != self._asked:  # an older search finishing after a newer one was typed
            return
        self.results.clear()
        for hit in hits:
            extra = " · ".join(p for p in (hit.email, hit.company) if p)
            item = QListWidgetItem(f"{hit.name}  ({extra})" if extra else hit.name)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        self.status.setText(f"{len(hits)} found" if hits else "No one in the register matches.")
        if hits:
            self.results.setCurrentRow(0)

    def link_selected(self) -> ContactHit | None:
        item = self.results.currentItem()
        if item is None:
            return None
        hit: ContactHit = item.data(Qt.ItemDataRole.UserRole)
        if hit.id not in self.linked_ids():
            linked = QListWidgetItem(f"#{hit.id} {hit.name}")
            linked.setData(Qt.ItemDataRole.UserRole, hit)
            self.linked.addItem(linked)
        return hit

    def linked_ids(self) -> tuple[int, ...]:
        return tuple(self.linked.item(i).data(Qt.ItemDataRole.UserRole).id
                     for i in range(self.linked.count()))


class NewRequestDialog(QDialog):
    def __init__(self, requests: RequestService, tasks: TaskRunner, today: date,
                 officers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New request")
        self.setMinimumWidth(560)
        self._requests, self._tasks = requests, tasks
        self.result_detail: Any = None

        self.type = QComboBox()
        for key, label in REQUEST_TYPES.items():
            self.type.addItem(label, key)
        self.channel = QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(label, key)
        self.received = make_date_edit(today, None, today)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setPlaceholderText("For letters by post: one line each, as on the envelope")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes for officers (not sent to the person)")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(52)
        self.id_requested = QCheckBox("Proof of identity asked for (the clock starts when it arrives)")
        self.officer = QComboBox()
        self.officer.addItem("Unassigned", None)
        for name in officers:
            self.officer.addItem(name, name)
        self.picker = ContactPicker(requests, tasks)
        self.picker.linked.model().rowsInserted.connect(lambda *_: self._prefill())

        form = QFormLayout()
        form.addRow("Type", self.type)
        form.addRow("Received by", self.channel)
        form.addRow("Received on", self.received)
        form.addRow("Requester's name", self.name)
        form.addRow("Email", self.email)
        form.addRow("Phone", self.phone)
        form.addRow("Postal address", self.address)
        form.addRow("", self.id_requested)
        form.addRow("Officer", self.officer)
        form.addRow("Notes", self.notes)
        self.error = ErrorLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record request")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        body = QWidget()  # the fields scroll on a small screen; the buttons stay in view
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(self.picker)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        fit_window(self, 600, body.sizeHint().height() + 90)
        safe_default(self, self.ok)  # recording the request is the dialog's Save

    def _prefill(self) -> None:
        linked = self.picker.linked
        if linked.count() and not self.name.text().strip():
            hit: ContactHit = linked.item(0).data(Qt.ItemDataRole.UserRole)
            self.name.setText(hit.name)
            if hit.email and not self.email.text().strip():
                self.email.setText(hit.email)

    def new_request(self) -> NewRequest:
        received = self.received.date().toPython()
        assert isinstance(received, date)
        return NewRequest(
            type=self.type.currentData(), received=received, requester_name=self.name.text(),
            requester_email=self.email.text() or None, requester_phone=self.phone.text() or None,
            channel=self.channel.currentData(), id_requested=self.id_requested.isChecked(),
            contact_ids=self.picker.linked_ids(), assignee=self.officer.currentData(),
            requester_address=self.address.toPlainText() or None,
            notes=self.notes.toPlainText() or None)

    def submit(self) -> None:
        new = self.new_request()
        run_then_accept(self, self._tasks, lambda: self._requests.create(new), self._keep,
                        self.ok, self.error)

    def _keep(self, detail: RequestDetail) -> None:
        self.result_detail = detail
