"""One small dialog for every request action: a date, and where the action needs them a
choice and a text. The service checks the rule; a refusal is shown in the dialog, which
stays open with everything typed still there.

It sits beside the areas rather than in ui.requests because the pack preview uses it too
(recording the response once a pack has gone): ui.packs and ui.requests both import it, and
neither imports the other's internals back (no cycle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.deadlines import fmt
from privdesk.services.request_records import RESPONSE_METHODS, RequestDetail
from privdesk.ui.dialog_errors import ErrorLine, run_then_accept
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.tasks import TaskRunner

DATE_FORMAT = "ddd d MMM yyyy"


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def make_date_edit(value: date, earliest: date | None, latest: date | None) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    if earliest is not None:
        edit.setMinimumDate(qdate(earliest))
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    return edit


@dataclass(frozen=True)
class ActionValues:
    on: date
    choice: str | None
    text: str
    second: date | None = None  # e.g. the day the person was told of an extension


@dataclass(frozen=True)
class ActionSpec:
    title: str
    intro: str
    ok_label: str
    date_label: str | None = "Date"
    choice_label: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (key, label)
    text_label: str | None = None
    text_placeholder: str = ""
    second_date_label: str | None = None


class ActionDialog(QDialog):
    def __init__(self, spec: ActionSpec, tasks: TaskRunner,
                 submit: Callable[[ActionValues], RequestDetail], today: date,
                 earliest: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(spec.title)
        self.setMinimumWidth(460)
        self._tasks, self._submit = tasks, submit
        self._second = spec.second_date_label is not None
        self.result_detail: RequestDetail | None = None

        intro = QLabel(spec.intro)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.date = make_date_edit(today, earliest, today)
        if spec.date_label:
            form.addRow(spec.date_label, self.date)
        self.second_date = make_date_edit(today, earliest, today)
        if spec.second_date_label:
            form.addRow(spec.second_date_label, self.second_date)
        self.choice = QComboBox()
        for key, label in spec.choices:
            self.choice.addItem(label, key)
        if spec.choice_label:
            form.addRow(spec.choice_label, self.choice)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(spec.text_placeholder)
        self.text.setFixedHeight(90)
        if spec.text_label:
            form.addRow(spec.text_label, self.text)
        self.error = ErrorLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(spec.ok_label)
        # Each action puts a dated fact on the record for good: Return must not do it.
        # Return (and Escape) cancel; the action needs a click or Alt+its letter.
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        safe_default(self, self.cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def values(self) -> ActionValues:
        picked = self.date.date().toPython()
        assert isinstance(picked, date)
        choice = self.choice.currentData() if self.choice.count() else None
        second = self.second_date.date().toPython() if self._second else None
        assert second is None or isinstance(second, date)
        return ActionValues(picked, choice, self.text.toPlainText(), second)

    def submit(self) -> None:
        values = self.values()
        run_then_accept(self, self._tasks, lambda: self._submit(values), self._keep, self.ok,
                        self.error)

    def _keep(self, detail: RequestDetail) -> None:
        self.result_detail = detail


def respond_spec(d: RequestDetail, method: str | None = None) -> ActionSpec:
    """Record when and how the response went (late if after the due date)."""
    methods = tuple(RESPONSE_METHODS.items())
    if method in RESPONSE_METHODS:  # the way it has just gone first
        methods = ((method, RESPONSE_METHODS[method]),
                   *((k, v) for k, v in methods if k != method))
    due = f" It is due {fmt(d.row.due)}." if d.row.due else ""
    return ActionSpec("Record the response", f"{d.reference}: record when and how the response "
                      f"was sent; the countdown then stops.{due} A response after the due "
                      "date is recorded as late.", "Record response", "Sent on", "Sent by",
                      methods)
