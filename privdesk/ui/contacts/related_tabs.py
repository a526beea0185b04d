"""The editor's lists: interactions and disclosures (added or removed, saved with the
contact), and the read-only rectification history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.contact_records import (
    INTERACTION_LABELS,
    STATUS_LABELS,
    ChangeRecord,
    DisclosureRecord,
    InteractionRecord,
    NewDisclosure,
    NewInteraction,
)
from privdesk.domain.dates import short_date
from privdesk.policy import Policy
from privdesk.ui.contacts.widgets import TextRowsModel

COL_I_KIND, COL_I_DATE, COL_I_SUMMARY, COL_I_OFFICER = range(4)
COL_D_RECIPIENT, COL_D_PURPOSE, COL_D_DATE = range(3)
COL_H_WHEN, COL_H_FIELD, COL_H_OLD, COL_H_NEW, COL_H_OFFICER = range(5)
UNSAVED = "you (not saved yet)"


def _table(model: TextRowsModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class _ListTab(QWidget):
    """Shared shape: a table, an add row, a remove button; pending rows first."""

    changed = Signal()

    def __init__(self, model: TextRowsModel, stretch: int, editable: bool, today: date) -> None:
        super().__init__()
        self.model = model
        self.view = _table(model, stretch)
        self.when = QDateEdit(_qdate(today))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("d MMM yyyy")
        self.when.setMaximumDate(_qdate(today))
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove selected")
        self.add_row = QHBoxLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.add_row)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        for w in (self.add_button, self.remove_button, self.when):
            w.setEnabled(editable)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)

    def _add(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    # Each tab keeps rows not yet saved (`pending`, shown first) and the ids of saved rows
    # the officer removed (`removed`); `_visible()` is the saved rows still shown.
    pending: list[Any]
    removed: list[int]

    def _visible(self) -> list[Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _show(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _remove(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row < len(self.pending):
            del self.pending[row]
        else:
            self.removed.append(self._visible()[row - len(self.pending)].id)
        self._show()
        self.changed.emit()

    def _selected(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else None


class InteractionsTab(_ListTab):
    def __init__(self, existing: Sequence[InteractionRecord], editable: bool, today: date) -> None:
        super().__init__(TextRowsModel(["Kind", "Date", "Summary", "Officer"]), COL_I_SUMMARY,
                         editable, today)
        self._existing = list(existing)
        self.removed: list[int] = []
        self.pending: list[NewInteraction] = []
        self.kind = QComboBox()
        for key, label in INTERACTION_LABELS.items():
            self.kind.addItem(label, key)
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("What was it about?")
        self.summary.setMaxLength(5000)
        for w in (self.kind, self.when, self.summary, self.add_button):
            self.add_row.addWidget(w, 1 if w is self.summary else 0)
            w.setEnabled(editable)
        self._show()

    def _show(self) -> None:
        rows = [(INTERACTION_LABELS.get(p.kind, p.kind), short_date(p.occurred_on), p.summary,
                 UNSAVED) for p in self.pending]
        rows += [(INTERACTION_LABELS.get(i.kind, i.kind), short_date(i.occurred_on), i.summary,
                  i.officer) for i in self._visible()]
        self.model.set_rows(rows, muted=set(range(len(self.pending))))

    def _visible(self) -> list[InteractionRecord]:
        return [i for i in self._existing if i.id not in self.removed]

    def _add(self) -> None:
        self.pending.insert(0, NewInteraction(self.kind.currentData(), _pydate(self.when.date()),
                                              self.summary.text().strip()))
        self.summary.clear()
        self._show()
        self.changed.emit()


class DisclosuresTab(_ListTab):
    def __init__(self, existing: Sequence[DisclosureRecord], policy: Policy, editable: bool,
                 today: date) -> None:
        super().__init__(TextRowsModel(["Recipient", "Purpose", "Date"]), COL_D_PURPOSE,
                         editable, today)
        self._policy = policy
        self._existing = list(existing)
        self.removed: list[int] = []
        self.pending: list[NewDisclosure] = []
        self.recipient = QComboBox()
        for r in policy.recipients:
            self.recipient.addItem(r.name if len(r.name) < 60 else r.name[:57] + "…", r.key)
            self.recipient.setItemData(self.recipient.count() - 1, r.name,
                                       Qt.ItemDataRole.ToolTipRole)
        self.recipient.setMaximumWidth(320)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("Purpose (required)")
        self.purpose.setMaxLength(2000)
        self.purpose.textChanged.connect(
            lambda t: self.add_button.setEnabled(editable and bool(t.strip())))
        for w in (self.recipient, self.purpose, self.when, self.add_button):
            self.add_row.addWidget(w, 1 if w is self.purpose else 0)
            w.setEnabled(editable)
        self.add_button.setEnabled(False)
        self._show()

    def _label(self, key: str) -> str:
        recipient = self._policy.recipient(key)
        return recipient.name if recipient else key

    def _visible(self) -> list[DisclosureRecord]:
        return [d for d in self._existing if d.id not in self.removed]

    def _show(self) -> None:
        rows = [(self._label(p.recipient), p.purpose, short_date(p.disclosed_on))
                for p in self.pending]
        rows += [(self._label(d.recipient), d.purpose, short_date(d.disclosed_on))
                 for d in self._visible()]
        self.model.set_rows(rows, muted=set(range(len(self.pending))))

    def _add(self) -> None:
        if not self.purpose.text().strip():
            return
        self.pending.insert(0, NewDisclosure(self.recipient.currentData(),
                                             self.purpose.text().strip(),
                                             _pydate(self.when.date())))
        self.purpose.clear()
        self._show()
        self.changed.emit()


FIELD_LABELS: dict[str, str] = {
    "created": "Created", "merge": "Merged", "interaction": "Interaction",
    "disclosure": "Disclosure", "marketing_opt_out": "Marketing opt-out",
    "legal_hold_reason": "Legal hold reason", "legal_hold_until": "Legal hold until",
}


def _shown(field: str, value: str | None) -> str:
    """A history value as officers read it: status labels and dates in words."""
    if not value:
        return ""
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field in ("first_contact", "customer_since", "ceased", "last_activity",
                 "legal_hold_until"):
        try:
            return short_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


class HistoryTab(QWidget):
    """Every change to the record: when, what, old and new value, and who."""

    def __init__(self, history: Sequence[ChangeRecord],
                 when: Callable[[ChangeRecord], str]) -> None:
        super().__init__()
        self.model = TextRowsModel(["When", "Field", "Old value", "New value", "Officer"])
        self.model.set_rows([
            (when(h), FIELD_LABELS.get(h.field, h.field.replace("_", " ").capitalize()),
             _shown(h.field, h.old_value), _shown(h.field, h.new_value), h.officer)
            for h in history])
        self.view = _table(self.model, COL_H_NEW)
        layout = QVBoxLayout(self)
        if not history:
            layout.addWidget(QLabel("No changes yet: the history starts when the contact is "
                                    "saved."))
        layout.addWidget(self.view, 1)
