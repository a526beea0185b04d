"""The contact editor: validated fields with inline errors (Save stays disabled until
they are valid), status dates, legal hold, the opt-out action, interactions,
disclosures and the rectification history. Duplicates are offered for merging on save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.contact_records import (
    ContactDetail,
    ContactInput,
    DuplicateCandidate,
    RelatedChanges,
)
from privdesk.domain.contact_validation import validate_contact
from privdesk.domain.dates import date_time, short_date
from privdesk.services.authz import Permission
from privdesk.services.contacts import ContactService, ContactValidationError
from privdesk.services.context import ServiceContext
from privdesk.ui.contacts.duplicates_dialog import choose_duplicate_action
from privdesk.ui.contacts.editor_form import ContactForm
from privdesk.ui.contacts.related_tabs import DisclosuresTab, HistoryTab, InteractionsTab
from privdesk.ui.dialog_errors import ErrorLine
from privdesk.ui.navigation import REQUEST_LINK, Navigator, link
from privdesk.ui.permissions import guard
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window
from privdesk.ui.tasks import TaskRunner

IDENTIFYING = ("name", "email", "phone", "company")
# (action, duplicate id): "save", "merge" or "cancel"
DuplicateChooser = Callable[[QWidget, list[DuplicateCandidate]], tuple[str, int | None]]


class ContactEditorDialog(QDialog):
    saved = Signal(object)  # ContactDetail

    def __init__(self, ctx: ServiceContext, contacts: ContactService, tasks: TaskRunner,
                 detail: ContactDetail | None, region: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._contacts, self._tasks = ctx, contacts, tasks
        self._detail, self._region = detail, region
        self._editable = self._ctx.can(Permission.EDIT)
        self._touched: set[str] = set()
        self._loaded_input: ContactInput | None = None
        self._busy = False
        self.choose_duplicate: DuplicateChooser = choose_duplicate_action
        self.confirm_opt_out: Callable[[], bool] = self._ask_opt_out
        # Replaceable by tests, like the two above: a modal box would block them.
        self.confirm_suppressed: Callable[[], bool] = self._ask_suppressed
        name = detail.data.name if detail else ""
        self.setWindowTitle(f"Contact: {name[:60]}" if detail else "New contact")
        fit_window(self, 920, 620)

        self.form = ContactForm(self._ctx.policy, region)
        # Shortcuts to the form's widgets (tests and the methods below use them).
        self.inputs, self.dates, self.errors = self.form.inputs, self.form.dates, self.form.errors
        self.status, self.source, self.notes = self.form.status, self.form.source, self.form.notes
        self.opt_out_label, self.opt_out_button = self.form.opt_out_label, self.form.opt_out_button
        self.retention_label = self.form.retention_label
        self.form.touched.connect(self._touch)
        self.form.changed.connect(self.validate)
        self.opt_out_button.clicked.connect(self.record_opt_out)

        today = self._ctx.today()
        self.interactions = InteractionsTab(detail.interactions if detail else (), self._editable,
                                            today)
        self.disclosures = DisclosuresTab(detail.disclosures if detail else (), self._ctx.policy,
                                          self._editable, today)
        self.history = HistoryTab(detail.history if detail else (), self._when)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, "Details")
        self.tabs.addTab(self.interactions, "Interactions")
        self.tabs.addTab(self.disclosures, "Disclosures")
        self.tabs.addTab(self.history, "History")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.banner = ErrorLine()
        # The person's requests, one click each (the Navigator is set by the Contacts area).
        self.navigator: Navigator | None = None
        self.requests_label = QLabel()
        self.requests_label.setTextFormat(Qt.TextFormat.RichText)
        self.requests_label.setWordWrap(True)
        self.requests_label.linkActivated.connect(self._open_link)
        if detail is not None and detail.request_ids:
            links = ", ".join(link(REQUEST_LINK, rid, ref)
                              for rid, ref in zip(detail.request_ids, detail.request_refs,
                                                  strict=False))
            self.requests_label.setText(f"Requests from this person: {links}")
        self.requests_label.setVisible(bool(detail and detail.request_ids))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.requests_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self._load(detail.data if detail else ContactInput(name="", first_contact=today))
        self.interactions.changed.connect(self._count_tabs)
        self.disclosures.changed.connect(self._count_tabs)
        self._count_tabs()
        if not self._editable:
            self._read_only()
        # Return saves (or does nothing): never "Record marketing opt-out…", never Remove.
        safe_default(self, self.save_button)
        self.validate()

    def _read_only(self) -> None:
        self.form.set_read_only()  # Save's tooltip says why: validate() guards it

    def _open_link(self, href: str) -> None:
        """Go to the request, unless this record has changes that are not saved yet."""
        if self.navigator is None:
            return
        unsaved = self._loaded_input is not None and self.current_input() != self._loaded_input
        if unsaved or self.related() != RelatedChanges():
            self.banner.say("Save or cancel your changes first, then open the request.")
            return
        self.reject()
        self.navigator.open_link(href)

    # -- values ------------------------------------------------------------------------
    def _load(self, data: ContactInput) -> None:
        self.form.load(data)
        self._loaded_input = self.current_input()
        self._touched.clear()
        self._show_marketing()

    def _show_marketing(self) -> None:
        d = self._detail
        if d is not None and d.data.marketing_opt_out:
            when = f" on {short_date(d.opt_out_on)}" if d.opt_out_on else ""
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
        return self.form.values(bool(self._detail and self._detail.data.marketing_opt_out))

    def _touch(self, field: str) -> None:
        self._touched.add(field)
        self.validate()

    def validate(self) -> bool:
        self.form.enable_dates(self._editable)
        data = self.current_input()
        sources = tuple(s.key for s in self._ctx.policy.sources)
        errors = validate_contact(data, sources, self._region, self._ctx.today(),
                                  self._detail.data if self._detail else None)
        by_field: dict[str, str] = {}
        for e in errors:
            by_field.setdefault(e.field, e.reason)
        if not data.name and "name" not in self._touched:
            # "A name is required" waits until the officer has been in the field.
            by_field.pop("name", None)
        self.form.show_errors(by_field)
        ok = not errors
        # Invalid fields say what is wrong under themselves; busy is the spinner's to say.
        guard(self.save_button, self._ctx, Permission.EDIT, "change contacts",
              unless=lambda: None if ok and not self._busy else "")
        return ok

    def _count_tabs(self) -> None:
        for tab, title in ((self.interactions, "Interactions"), (self.disclosures, "Disclosures")):
            count = tab.model.rowCount()
            self.tabs.setTabText(self.tabs.indexOf(tab), f"{title} ({count})" if count else title)
        self.validate()

    def related(self) -> RelatedChanges:
        return RelatedChanges(tuple(self.interactions.pending),
                              tuple(self.interactions.removed),
                              tuple(self.disclosures.pending), tuple(self.disclosures.removed))

    def _when(self, change: object) -> str:
        at = getattr(change, "changed_at", None)
        return date_time(at) + " UTC" if isinstance(at, datetime) else ""

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
        contacts, new = self._contacts, self._detail is None

        def checks() -> tuple[list[DuplicateCandidate], bool]:
            return (contacts.find_duplicates(data, exclude),
                    new and contacts.is_suppressed(data.email, data.phone))

        self._set_busy(True)
        self._tasks.run(checks, on_done=lambda found: self._after_checks(data, *found),
                        on_error=self._failed)

    def _after_checks(self, data: ContactInput, dups: list[DuplicateCandidate],
                      suppressed: bool) -> None:
        if suppressed and not self.confirm_suppressed():
            self._set_busy(False)
            return
        self._after_duplicates(data, dups)

    def _ask_suppressed(self) -> bool:
        answer = QMessageBox.warning(
            self, "On the suppression list",
            "This email address or phone number is on the suppression list: the person had "
            "their data erased or objected to marketing. Add them again only if they have "
            "come back to us themselves; they stay opted out of marketing.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

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
            # expected_updated_at: refused (nothing written, this window keeps its text)
            # if another officer saved this contact since it was loaded here.
            saved = (contacts.update(detail.id, data, related,
                                     expected_updated_at=detail.updated_at) if detail is not None
                     else contacts.create(data, related))
            if merge_with is None:
                return saved
            # Editing: fold the duplicate into this record. New: add this to the existing.
            keep, other = (saved.id, merge_with) if detail is not None else (merge_with, saved.id)
            return contacts.merge(keep, other)

        self._set_busy(True)
        self._tasks.run(work, on_done=self._saved, on_error=self._failed)

    # Not dialog_errors.run_then_accept, on purpose: Save's state comes from validate() (busy,
    # field errors, permission), and a refusal also marks each field it names.
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
        self.banner.say(f"Not saved: {exc}")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.validate()

    # -- opt-out -----------------------------------------------------------------------
    def _ask_opt_out(self) -> bool:
        answer = QMessageBox.question(
            self, "Record marketing opt-out",
            "Record that this person objects to direct marketing? The objection is absolute "
            "and is dated today.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)  # a permanent, dated record: No is the default
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
