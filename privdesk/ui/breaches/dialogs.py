"""Dialogs of the Breaches area: record a breach, record a decision, close. Each runs its
service call through the TaskRunner and shows a refusal in plain words, changing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.breach_records import CYBER, DATA_CATEGORIES, SUBJECT_CATEGORIES, NewBreach
from privdesk.services.breaches import BreachService
from privdesk.services.requests import RequestService
from privdesk.ui.dialog_errors import ErrorLine, run_then_accept
from privdesk.ui.requests.new_request_dialog import ContactPicker
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.tasks import TaskRunner

UNKNOWN = -1  # the spin boxes' "Not known"


def date_time_edit(local: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(QDate(local.year, local.month, local.day),
                                   QTime(local.hour, local.minute)))
    edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
    edit.setCalendarPopup(True)
    return edit


def typed(edit: QDateTimeEdit) -> datetime:
    """The wall-clock time typed (naive: the service reads it in the store's zone)."""
    d, t = edit.date(), edit.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _text_box(placeholder: str, height: int = 60) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    box.setTabChangesFocus(True)
    return box


class _ServiceDialog(QDialog):
    """OK runs `work` on the worker; success accepts, failure shows the reason."""

    def __init__(self, tasks: TaskRunner, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._tasks = tasks
        self.result_detail: Any = None
        self.error = ErrorLine()  # plain text: a refusal may quote what was typed
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        # A breach, a decision and a closure are permanent records: Return in a field
        # (How found out, ICO case reference) must not press OK, nor Cancel (and lose what
        # was typed). Only a click records; Escape still cancels.
        safe_default(self, None)

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            job = self.work()
        except ValueError as exc:  # refused before any work is queued
            self.ok.setEnabled(True)
            self.error.say_error(exc)
            return
        run_then_accept(self, self._tasks, job, self._keep, self.ok, self.error)

    def _keep(self, detail: Any) -> None:
        self.result_detail = detail


class NewBreachDialog(_ServiceDialog):
    def __init__(self, breaches: BreachService, requests: RequestService, tasks: TaskRunner,
                 now_local: datetime,
                 parent: QWidget | None = None, zone: str | None = None) -> None:
        """`zone`: the store's time zone as the area read it (read here if not given)."""
        super().__init__(tasks, "Record a personal data breach", parent)
        self._breaches = breaches
        zone = zone or breaches.zone().key
        self.aware = date_time_edit(now_local)
        self.occurred_known = QCheckBox("Known:")
        self.occurred = date_time_edit(now_local)
        self.occurred.setEnabled(False)
        self.occurred_known.toggled.connect(self.occurred.setEnabled)
        self.summary = _text_box("What happened, what went wrong and how")
        self.discovery = QLineEdit()
        self.discovery.setPlaceholderText("How the team found out")
        self.cyber = QComboBox()
        for key, label in CYBER.items():
            self.cyber.addItem(label, key)
        self.cyber.setCurrentIndex(self.cyber.findData("unknown"))
        self.people = self._count_box()
        self.records = self._count_box()
        self.consequences = _text_box("Likely consequences for the people affected", 48)
        self.measures = _text_box("Measures taken or proposed to contain it and limit its effects",
                                  48)
        self.data_boxes = self._checks(DATA_CATEGORIES)
        self.subject_boxes = self._checks(SUBJECT_CATEGORIES)

        form = QFormLayout()
        form.addRow(f"Became aware ({zone})", self.aware)
        occurred_row = QGridLayout()
        occurred_row.addWidget(self.occurred_known, 0, 0)
        occurred_row.addWidget(self.occurred, 0, 1)
        form.addRow("Happened", occurred_row)
        form.addRow("What happened", self.summary)
        form.addRow("How found out", self.discovery)
        form.addRow("Cyber incident?", self.cyber)
        form.addRow("People (approx.)", self.people)
        form.addRow("Records (approx.)", self.records)
        form.addRow("Consequences", self.consequences)
        form.addRow("Measures", self.measures)
        # Two columns, so the dialog fits a 1366x768 screen: the facts on the left, the
        # categories and the people in the register on the right.
        right = QVBoxLayout()
        right.addWidget(self._group("Personal data involved", self.data_boxes))
        right.addWidget(self._group("People affected", self.subject_boxes))
        self.picker = ContactPicker(requests, tasks)
        self.picker.setTitle("People in the register it concerns (Art. 34 letters)")
        self.picker.results.setMinimumHeight(60)
        right.addWidget(self.picker, 1)
        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(1060, 600)

    @staticmethod
    def _count_box() -> QSpinBox:
        box = QSpinBox()
        box.setRange(UNKNOWN, 100_000_000)
        box.setValue(UNKNOWN)
        box.setSpecialValueText("Not known")
        box.setGroupSeparatorShown(True)
        return box

    @staticmethod
    def _checks(options: dict[str, str]) -> dict[str, QCheckBox]:
        return {key: QCheckBox(label.split(",")[0].split(" (")[0]) for key, label in
                options.items()}

    @staticmethod
    def _group(title: str, boxes: dict[str, QCheckBox]) -> QGroupBox:
        group = QGroupBox(title)
        grid = QGridLayout(group)
        for i, box in enumerate(boxes.values()):
            grid.addWidget(box, i // 2, i % 2)
        return group

    def new_breach(self) -> NewBreach:
        def count(box: QSpinBox) -> int | None:
            return None if box.value() == UNKNOWN else box.value()

        return NewBreach(
            aware_at=typed(self.aware), summary=self.summary.toPlainText(),
            occurred_at=typed(self.occurred) if self.occurred_known.isChecked() else None,
            discovery=self.discovery.text() or None, cyber=self.cyber.currentData(),
            data_categories=tuple(k for k, b in self.data_boxes.items() if b.isChecked()),
            subject_categories=tuple(k for k, b in self.subject_boxes.items() if b.isChecked()),
            people_count=count(self.people), records_count=count(self.records),
            consequences=self.consequences.toPlainText() or None,
            measures=self.measures.toPlainText() or None, contact_ids=self.picker.linked_ids())

    def work(self) -> Callable[[], Any]:
        new, breaches = self.new_breach(), self._breaches
        return lambda: breaches.add(new)


class DecisionDialog(_ServiceDialog):
    """kind "ico": notify the ICO or not (Art. 33); kind "people": tell them or not (Art. 34)."""

    def __init__(self, breaches: BreachService, tasks: TaskRunner, reference: str, kind: str,
                 now_local: datetime, parent: QWidget | None = None) -> None:
        title = ("Notify the ICO? (Art. 33)" if kind == "ico"
                 else "Tell the people affected? (Art. 34)")
        super().__init__(tasks, f"{reference}: {title}", parent)
        self._breaches, self._ref, self._kind = breaches, reference, kind
        ico = kind == "ico"
        self.yes = QRadioButton("The ICO has been notified" if ico else
                                "Tell them: the risk to them is high")
        self.no = QRadioButton("Not notifying: the breach is unlikely to result in a risk to "
                               "people's rights and freedoms" if ico else
                               "Not telling them: the risk to them is not high")
        self.yes.setChecked(True)
        self.reasons = _text_box("The reasons for this decision (kept in the breach log)", 70)
        form = QFormLayout()
        form.addRow(self.yes)
        form.addRow(self.no)
        form.addRow("Reasons", self.reasons)
        self.notified_at = date_time_edit(now_local)
        self.delay = _text_box("Needed when the ICO is notified more than 72 hours after you "
                               "became aware", 48)
        self.ico_reference = QLineEdit()
        if ico:
            form.addRow("Notified at", self.notified_at)
            form.addRow("Reasons for delay", self.delay)
            form.addRow("ICO case reference", self.ico_reference)
            self.no.toggled.connect(lambda off: [w.setEnabled(not off) for w in
                                                 (self.notified_at, self.delay,
                                                  self.ico_reference)])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def work(self) -> Callable[[], Any]:
        breaches, ref, yes = self._breaches, self._ref, self.yes.isChecked()
        reasons = self.reasons.toPlainText()
        if self._kind == "people":
            return lambda: breaches.decide_people(ref, yes, reasons)
        at, delay = typed(self.notified_at), self.delay.toPlainText() or None
        ico_ref = self.ico_reference.text() or None
        return lambda: breaches.decide_ico(ref, yes, reasons, notified_at=at if yes else None,
                                           delay_reasons=delay, ico_reference=ico_ref)


class CloseDialog(_ServiceDialog):
    def __init__(self, breaches: BreachService, tasks: TaskRunner, reference: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, f"Close {reference}", parent)
        self._breaches, self._ref = breaches, reference
        self.note = _text_box("What was done, and what was learnt to stop it happening again", 90)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Closing note"))
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def work(self) -> Callable[[], Any]:
        breaches, ref, note = self._breaches, self._ref, self.note.toPlainText()
        return lambda: breaches.close(ref, note)
