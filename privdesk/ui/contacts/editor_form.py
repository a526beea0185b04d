"""The editor's Details page: the contact's fields, each with its inline error line,
grouped as Person, Relationship, Legal hold, Marketing and retention, and Notes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.contact_records import STATUS_LABELS, ContactInput
from privdesk.domain.contact_validation import MAX_LENGTH, cleaned
from privdesk.policy import Policy
from privdesk.ui.contacts.widgets import FieldError, OptionalDateEdit

TEXTS = ("name", "email", "phone", "company", "location", "legal_hold_reason")
DATES = ("first_contact", "customer_since", "ceased", "last_activity", "legal_hold_until")


class ContactForm(QWidget):
    touched = Signal(str)  # the officer edited this field
    changed = Signal()  # any value changed (typed or set)

    def __init__(self, policy: Policy, region: str) -> None:
        super().__init__()
        self.inputs: dict[str, QLineEdit] = {}
        self.dates: dict[str, OptionalDateEdit] = {}
        self.errors: dict[str, FieldError] = {}
        for field in TEXTS:
            edit = QLineEdit()
            edit.setMaxLength(MAX_LENGTH.get(field, 300) + 1)  # one over: the error shows
            edit.textEdited.connect(lambda _t, f=field: self.touched.emit(f))
            edit.textChanged.connect(lambda _t: self.changed.emit())
            self.inputs[field] = edit
        self.inputs["email"].setPlaceholderText("name@example.com")
        self.inputs["phone"].setPlaceholderText(f"e.g. 07400 123456 or +44 20 7946 0018 ({region})")
        self.inputs["legal_hold_reason"].setPlaceholderText(
            "Why the data must be kept, e.g. litigation reference")
        for field in DATES:
            self.dates[field] = OptionalDateEdit()
            self.dates[field].changed.connect(lambda f=field: self.touched.emit(f))
        self.status = QComboBox()
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.source = QComboBox()
        for s in policy.sources:
            self.source.addItem(s.label, s.key)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Anything an officer should know. Notes are personal data: "
                                      "they are printed in the person's access pack")
        self.notes.setMinimumHeight(70)
        self.status.currentIndexChanged.connect(lambda _i: self.touched.emit("status"))
        self.source.currentIndexChanged.connect(lambda _i: self.touched.emit("source"))
        self.notes.textChanged.connect(lambda: self.touched.emit("notes"))
        self.opt_out_label = QLabel()
        self.opt_out_label.setTextFormat(Qt.TextFormat.PlainText)
        self.opt_out_button = QPushButton("Record marketing opt-out…")
        self.retention_label = QLabel()
        self.retention_label.setObjectName("hint")
        self.retention_label.setWordWrap(True)
        self.retention_label.setTextFormat(Qt.TextFormat.PlainText)
        self._build()

    def _row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> None:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        self.errors[field] = FieldError()
        col.addWidget(self.errors[field])
        form.addRow(label, box)

    def _build(self) -> None:
        person, relation = QGroupBox("Person"), QGroupBox("Relationship")
        pf, rf = QFormLayout(person), QFormLayout(relation)
        for form in (pf, rf):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for field, label in (("name", "Name *"), ("email", "Email"), ("phone", "Phone"),
                             ("company", "Company"), ("location", "Location")):
            self._row(pf, label, field, self.inputs[field])
        self._row(rf, "Status", "status", self.status)
        self._row(rf, "Source", "source", self.source)
        for field, label in (("first_contact", "First contact"),
                             ("customer_since", "Customer since"), ("ceased", "Ceased"),
                             ("last_activity", "Last activity")):
            self._row(rf, label, field, self.dates[field])
        top = QHBoxLayout()
        top.addWidget(person, 1)
        top.addWidget(relation, 1)

        hold = QGroupBox("Legal hold (suspends deletion)")
        hf = QFormLayout(hold)
        self._row(hf, "Reason", "legal_hold_reason", self.inputs["legal_hold_reason"])
        self._row(hf, "Until", "legal_hold_until", self.dates["legal_hold_until"])
        marketing = QGroupBox("Marketing and retention")
        mf = QVBoxLayout(marketing)
        line = QHBoxLayout()
        line.addWidget(self.opt_out_label, 1)
        line.addWidget(self.opt_out_button)
        mf.addLayout(line)
        mf.addWidget(self.retention_label)
        middle = QHBoxLayout()
        middle.addWidget(hold, 1)
        middle.addWidget(marketing, 1)

        notes = QGroupBox("Notes")
        nf = QVBoxLayout(notes)
        nf.addWidget(self.notes)
        self.errors["notes"] = FieldError()
        nf.addWidget(self.errors["notes"])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle)
        layout.addWidget(notes, 1)

    def load(self, data: ContactInput) -> None:
        for field in TEXTS:
            self.inputs[field].setText(getattr(data, field) or "")
            # setText leaves the cursor at the end: a long address showed only its tail
            # ('9@gloversmith.example.co.uk' for abigail.ross1729@…). Show its start.
            self.inputs[field].setCursorPosition(0)
        for field in DATES:
            self.dates[field].set_value(getattr(data, field))
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.source.setCurrentIndex(max(0, self.source.findData(data.source)))
        self.notes.setPlainText(data.notes or "")

    def values(self, marketing_opt_out: bool) -> ContactInput:
        """What the form holds; customer dates a status cannot have are left out."""
        status = self.status.currentData()
        dates = {f: self.dates[f].value() for f in DATES}
        return cleaned(ContactInput(
            name=self.inputs["name"].text(), email=self.inputs["email"].text(),
            phone=self.inputs["phone"].text(), company=self.inputs["company"].text(),
            location=self.inputs["location"].text(),
            legal_hold_reason=self.inputs["legal_hold_reason"].text(),
            status=status, source=self.source.currentData(),
            first_contact=dates["first_contact"],
            customer_since=dates["customer_since"] if status != "enquirer" else None,
            ceased=dates["ceased"] if status == "former_customer" else None,
            last_activity=dates["last_activity"], legal_hold_until=dates["legal_hold_until"],
            marketing_opt_out=marketing_opt_out, notes=self.notes.toPlainText()))

    def enable_dates(self, editable: bool) -> None:
        status = self.status.currentData()
        self.dates["customer_since"].setEnabled(editable and status != "enquirer")
        self.dates["ceased"].setEnabled(editable and status == "former_customer")

    def show_errors(self, by_field: dict[str, str]) -> None:
        for field, label in self.errors.items():
            shown = by_field.get(field)
            label.show_error(shown)
            if field in self.inputs:
                self.inputs[field].setProperty("invalid", bool(shown))
                self.inputs[field].style().polish(self.inputs[field])

    def set_read_only(self) -> None:
        for edit in self.inputs.values():
            edit.setReadOnly(True)
        for widget in (*self.dates.values(), self.status, self.source, self.opt_out_button):
            widget.setEnabled(False)
        self.notes.setReadOnly(True)
