"""The contact editor: validated fields with inline errors (Save stays disabled until
they are valid), status dates, legal hold, the opt-out action, interactions,
disclosures and the rectification history. Duplicates are offered for merging on save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.contact_records import (
    STATUS_LABELS,
    ContactDetail,
    ContactInput,
    DuplicateCandidate,
    RelatedChanges,
)
from privdesk.domain.contact_validation import MAX_LENGTH, cleaned, validate_contact
from privdesk.services.authz import Permission
from privdesk.services.contacts import ContactValidationError
from privdesk.services.container import Services
from privdesk.ui.contacts.duplicates_dialog import choose_duplicate_action
from privdesk.ui.contacts.related_tabs import DisclosuresTab, HistoryTab, InteractionsTab
from privdesk.ui.contacts.table_model import format_date
from privdesk.ui.contacts.widgets import FieldError, OptionalDateEdit
from privdesk.ui.tasks import TaskRunner

TEXTS = ("name", "email", "phone", "company", "location", "legal_hold_reason")
DATES = ("first_contact", "customer_since", "ceased", "last_activity", "legal_hold_until")
IDENTIFYING = ("name", "email", "phone", "company")
# (action, duplicate id): "save", "merge" or "cancel"
DuplicateChooser = Callable[[QWidget, list[DuplicateCandidate]], tuple[str, int | None]]


class ContactEditorDialog(QDialog):
    saved = Signal(object)  # ContactDetail

    def __init__(self, services: Services, tasks: TaskRunner, detail: ContactDetail | None,
                 region: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._contacts, self._tasks = services.ctx, services.contacts, tasks
        self._detail, self._region = detail, region
        self._editable = self._ctx.can(Permission.EDIT)
        self._touched: set[str] = set()
        self._busy = False
        self.choose_duplicate: DuplicateChooser = choose_duplicate_action
        self.confirm_opt_out: Callable[[], bool] = self._ask_opt_out
        name = detail.data.name if detail else ""
        self.setWindowTitle(f"Contact: {name[:60]}" if detail else "New contact")
        self.resize(920, 620)

        self.inputs: dict[str, QLineEdit] = {}
        self.dates: dict[str, OptionalDateEdit] = {}
        self.errors: dict[str, FieldError] = {}
        for field in TEXTS:
            edit = QLineEdit()
            edit.setMaxLength(MAX_LENGTH.get(field, 300) + 1)  # one over: the error shows
            edit.textEdited.connect(lambda _t, f=field: self._touch(f))
            edit.textChanged.connect(lambda _t: self.validate())
            self.inputs[field] = edit
        self.inputs["email"].setPlaceholderText("name@example.com")
        self.inputs["phone"].setPlaceholderText(f"e.g. 07400 123456 or +44 20 7946 0018 ({region})")
        for field in DATES:
            self.dates[field] = OptionalDateEdit()
            self.dates[field].changed.connect(lambda f=field: self._touch(f))
        self.status = QComboBox()
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.source = QComboBox()
        for s in self._ctx.policy.sources:
            self.source.addItem(s.label, s.key)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Anything an officer should know (not shown to others)")
        self.notes.setMinimumHeight(70)
        self.status.currentIndexChanged.connect(lambda _i: self._touch("status"))
        self.source.currentIndexChanged.connect(lambda _i: self._touch("source"))
        self.notes.textChanged.connect(lambda: self._touch("notes"))

        self.opt_out_label = QLabel()
        self.opt_out_label.setTextFormat(Qt.TextFormat.PlainText)
        self.opt_out_button = QPushButton("Record marketing opt-out…")
        self.opt_out_button.clicked.connect(self.record_opt_out)
        self.retention_label = QLabel()
        self.retention_label.setObjectName("hint")
        self.retention_label.setWordWrap(True)
        self.retention_label.setTextFormat(Qt.TextFormat.PlainText)

        today = self._ctx.today()
        self.interactions = InteractionsTab(detail.interactions if detail else (), self._editable,
                                            today)
        self.disclosures = DisclosuresTab(detail.disclosures if detail else (), self._ctx.policy,
                                          self._editable, today)
        self.history = HistoryTab(detail.history if detail else (), self._when)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._details_page(), "Details")
        self.tabs.addTab(self.interactions, "Interactions")
        self.tabs.addTab(self.disclosures, "Disclosures")
        self.tabs.addTab(self.history, "History")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.banner = QLabel()
        self.banner.setObjectName("error")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self._load(detail.data if detail else ContactInput(name="", first_contact=today))
        self.interactions.changed.connect(self.validate)
        self.disclosures.changed.connect(self.validate)
        if not self._editable:
            self._read_only()
        self.validate()

    # -- layout ------------------------------------------------------------------------
    def _row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> None:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        self.errors[field] = FieldError()
        col.addWidget(self.errors[field])
        form.addRow(label, box)

    def _details_page(self) -> QWidget:
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
        for field, label in (("first_contact", "First contact"), ("customer_since",
                             "Customer since"), ("ceased", "Ceased"),
                             ("last_activity", "Last activity")):
            self._row(rf, label, field, self.dates[field])
        top = QHBoxLayout()
        top.addWidget(person, 1)
        top.addWidget(relation, 1)

        hold = QGroupBox("Legal hold (suspends deletion)")
        hf = QFormLayout(hold)
        self.inputs["legal_hold_reason"].setPlaceholderText("Why the data must be kept, e.g. "
                                                            "litigation reference")
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
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(middle)
        layout.addWidget(notes, 1)
        return page

    def _read_only(self) -> None:
        for edit in self.inputs.values():
            edit.setReadOnly(True)
        for widget in (*self.dates.values(), self.status, self.source, self.opt_out_button):
            widget.setEnabled(False)
        self.notes.setReadOnly(True)
        self.save_button.setToolTip(f"Your role ({self._ctx.actor.role}) cannot change contacts.")

    # -- values ------------------------------------------------------------------------
    def _load(self, data: ContactInput) -> None:
        for field in TEXTS:
            self.inputs[field].setText(getattr(data, field) or "")
        for field in DATES:
            self.dates[field].set_value(getattr(data, field))
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.source.setCurrentIndex(max(0, self.source.findData(data.source)))
        self.notes.setPlainText(data.notes or "")
        self._touched.clear()
        self._show_marketing()

    def _show_marketing(self) -> None:
        d = self._detail
        if d is not None and d.data.marketing_opt_out:
            when = f" on {format_date(d.opt_out_on)}" if d.opt_out_on else ""
            self.opt_out_label.setText(f"Opted out of marketing{when}: never contact them "
                                       "for marketing.")
            self.opt_out_label.setStyleSheet("color: #a1251b; font-weight: 600;")
            self.opt_out_button.setEnabled(False)
        else:
            self.opt_out_label.setText("Marketing allowed (no objection recorded).")
            self.opt_out_label.setStyleSheet("")
            self.opt_out_button.setEnabled(self._editable and d is not None)
            if d is None:
                self.opt_out_button.setToolTip("Save the contact first.")
        self.retention_label.setText(f"Retention: {d.retention_working}" if d else
                                     "Retention is worked out when the contact is saved.")

    def current_input(self) -> ContactInput:
        status = self.status.currentData()
        values = {f: self.inputs[f].text() for f in TEXTS}
        dates = {f: self.dates[f].value() for f in DATES}
        return cleaned(ContactInput(
            **values, status=status, source=self.source.currentData(),
            first_contact=dates["first_contact"],
            customer_since=dates["customer_since"] if status != "enquirer" else None,
            ceased=dates["ceased"] if status == "former_customer" else None,
            last_activity=dates["last_activity"], legal_hold_until=dates["legal_hold_until"],
            marketing_opt_out=bool(self._detail and self._detail.data.marketing_opt_out),
            notes=self.notes.toPlainText()))

    def _touch(self, field: str) -> None:
        self._touched.add(field)
        self.validate()

    def validate(self) -> bool:
        status = self.status.currentData()
        self.dates["customer_since"].setEnabled(self._editable and status != "enquirer")
        self.dates["ceased"].setEnabled(self._editable and status == "former_customer")
        data = self.current_input()
        sources = tuple(s.key for s in self._ctx.policy.sources)
        errors = validate_contact(data, sources, self._region, self._ctx.today(),
                                  self._detail.data if self._detail else None)
        by_field: dict[str, str] = {}
        for e in errors:
            by_field.setdefault(e.field, e.reason)
        for field, label in self.errors.items():
            # "Name is required" waits until the officer has been in the field.
            quiet = field == "name" and not data.name and "name" not in self._touched
            shown = None if quiet else by_field.get(field)
            label.show_error(shown)
            if field in self.inputs:
                self.inputs[field].setProperty("invalid", bool(shown))
                self.inputs[field].style().polish(self.inputs[field])
        ok = not errors
        self.save_button.setEnabled(ok and self._editable and not self._busy)
        return ok

    def related(self) -> RelatedChanges:
        return RelatedChanges(tuple(self.interactions.pending),
                              tuple(self.interactions.removed),
                              tuple(self.disclosures.pending), tuple(self.disclosures.removed))

    def _when(self, change: object) -> str:
        at = getattr(change, "changed_at", None)
        return at.strftime("%-d %b %Y %H:%M") + " UTC" if at else ""

    # -- saving ------------------------------------------------------------------------
    def save(self) -> None:
        if not self.validate() or self._busy:
            return
        data = self.current_input()
        previous = self._detail.data if self._detail else None
        if previous is not None and all(getattr(previous, f) == getattr(data, f)
                                        for f in IDENTIFYING):
            self._store(data, None)
            return
        exclude = self._detail.id if self._detail else None
        self._set_busy(True)
        self._tasks.run(lambda: self._contacts.find_duplicates(data, exclude),
                        on_done=lambda dups: self._after_duplicates(data, dups),
                        on_error=self._failed)

    def _after_duplicates(self, data: ContactInput, dups: list[DuplicateCandidate]) -> None:
        self._set_busy(False)
        merge_with = None
        if dups:
            action, merge_with = self.choose_duplicate(self, dups)
            if action == "cancel":
                return
            if action != "merge":
                merge_with = None
        self._store(data, merge_with)

    def _store(self, data: ContactInput, merge_with: int | None) -> None:
        related = self.related()
        contacts, detail = self._contacts, self._detail

        def work() -> ContactDetail:
            saved = (contacts.update(detail.id, data, related) if detail is not None
                     else contacts.create(data, related))
            if merge_with is None:
                return saved
            # Editing: fold the duplicate into this record. New: add this to the existing.
            keep, other = (saved.id, merge_with) if detail is not None else (merge_with, saved.id)
            return contacts.merge(keep, other)

        self._set_busy(True)
        self._tasks.run(work, on_done=self._saved, on_error=self._failed)

    def _saved(self, detail: ContactDetail) -> None:
        self._set_busy(False)
        self._detail = detail
        self.saved.emit(detail)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, ContactValidationError):
            self._touched.update(e.field for e in exc.errors)
            for e in exc.errors:
                if e.field in self.errors:
                    self.errors[e.field].show_error(e.reason)
        self.banner.setText(f"Not saved: {exc}")
        self.banner.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.validate()

    # -- opt-out -----------------------------------------------------------------------
    def _ask_opt_out(self) -> bool:
        answer = QMessageBox.question(
            self, "Record marketing opt-out",
            "Record that this person objects to direct marketing? The objection is absolute "
            "and is dated today.")
        return answer == QMessageBox.StandardButton.Yes

    def record_opt_out(self) -> None:
        if self._detail is None or not self.confirm_opt_out():
            return
        cid = self._detail.id
        self._tasks.run(lambda: self._contacts.opt_out(cid), on_done=self._opted_out,
                        on_error=self._failed)

    def _opted_out(self, detail: ContactDetail) -> None:
        assert self._detail is not None
        # Keep what the officer has typed; take only the opt-out and the history.
        self._detail = replace(detail, data=replace(self._detail.data, marketing_opt_out=True))
        self._show_marketing()
        index = self.tabs.indexOf(self.history)
        self.history = HistoryTab(detail.history, self._when)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, self.history, "History")
        self.saved.emit(detail)
