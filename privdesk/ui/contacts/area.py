"""The Contacts area: search-as-you-type over the register, filters, and the actions
(New, Edit, Import, Export) that open the editor and import dialogs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
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

from privdesk.domain.contact_records import STATUS_LABELS, ContactDetail, ContactQuery
from privdesk.services.authz import Permission
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import ServiceContext
from privdesk.ui.change_notice import Change, ChangeNotice
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.contacts.import_dialog import ImportDialog
from privdesk.ui.contacts.table_model import (
    COL_COMPANY,
    COL_EMAIL,
    COL_LAST_ACTIVITY,
    COL_LOCATION,
    COL_NAME,
    COL_OPT_OUT,
    COL_PHONE,
    COL_RETENTION_DUE,
    COL_SOURCE,
    COL_STATUS,
    ContactTableModel,
)
from privdesk.ui.navigation import Navigator
from privdesk.ui.permissions import guard
from privdesk.ui.tasks import TaskRunner

# Columns whose content has a known width keep it (a phone number, a date, the
# opt-out flag); the text columns share what is left, so everything stays in view.
FIXED_WIDTHS = {COL_PHONE: 126, COL_STATUS: 120, COL_LAST_ACTIVITY: 102, COL_OPT_OUT: 88,
                COL_RETENTION_DUE: 120}
FLEX_WEIGHTS = {COL_NAME: 1.4, COL_EMAIL: 1.7, COL_COMPANY: 1.3, COL_LOCATION: 0.9,
                COL_SOURCE: 1.0}
MIN_FLEX = 70
NARROW = 1250  # table width (px) below which NARROW_HIDDEN columns are hidden
NARROW_HIDDEN = (COL_LOCATION, COL_LAST_ACTIVITY)


@dataclass(frozen=True)
class ContactsServices:
    """What the Contacts area and the dialogs it opens (editor, import) use."""

    ctx: ServiceContext
    contacts: ContactService
    contact_import: ContactImportService


class ContactsArea(QWidget):
    def __init__(self, services: ContactsServices, tasks: TaskRunner,
                 notice: ChangeNotice | None = None) -> None:
        super().__init__()
        self.changes = notice or ChangeNotice(self)
        # Purges, erasures and holds change who is in the register and their due dates.
        self.changes.listen(self, (Change.CONTACTS, Change.RETENTION), self.refresh)
        self.navigator: Navigator | None = None  # set by ui.areas
        self.editor: ContactEditorDialog | None = None
        self._services, self._tasks = services, tasks
        self._ctx = services.ctx
        self._contacts = services.contacts
        self._region = "GB"
        policy = self._ctx.policy
        self.model = ContactTableModel(self._contacts, tasks, policy.source_label, self._ctx.today)
        self.model.loaded.connect(self._show_count)
        self.model.failed.connect(self._show_failure)

        heading = QLabel("Contacts")
        heading.setObjectName("areaTitle")
        about = QLabel("Everyone whose personal data we hold. Search by name, email, phone or "
                       "company; double-click a person to see or correct their record.")
        about.setObjectName("hint")
        about.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, email, phone or company…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.search.setMinimumWidth(320)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for key, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, key)
        self.source_filter = QComboBox()
        self.source_filter.addItem("All sources", None)
        for source in policy.sources:
            self.source_filter.addItem(source.label, source.key)
        for combo in (self.status_filter, self.source_filter):
            # A long source label must not widen the window past a laptop's screen.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Open…")
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self._permit(self.new_button, Permission.EDIT, "add contacts")
        self._permit(self.import_button, Permission.IMPORT, "import contacts")
        self._permit(self.export_button, Permission.EXPORT, "export contacts")
        self.edit_button.setEnabled(False)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.source_filter)
        bar.addSpacing(12)
        for button in (self.new_button, self.edit_button, self.import_button, self.export_button):
            bar.addWidget(button)

        self.table = QTableView()
        self.table.setModel(self.model)
        # No column chosen yet: the register lists by name, a search in match order.
        # (Set before enabling sorting, which sorts at once by the indicator.)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        self._fit_columns()
        self.count_label = QLabel("Loading…")
        self.count_label.setObjectName("hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        # Search-as-you-type without a debounce delay: a keystroke searches at once when
        # no search is in flight; while one is, only the latest text is kept and searched
        # when it lands. So rows follow typing in one query's time (~15 ms at 1M), and
        # fast typing never queues a search per key.
        self._in_flight = False
        self._stale = False
        self._selected: int | None = None
        self.model.loaded.connect(self._landed)
        self.model.failed.connect(self._landed)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self.apply_query)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.source_filter.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.new_button.clicked.connect(self.new_contact)
        self.edit_button.clicked.connect(self.edit_selected)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.model.replaced.connect(self._rows_replaced)
        tasks.run(self._contacts.phone_region, on_done=self._set_region)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        # After the layout has sized the table, not before.
        QTimer.singleShot(0, self._fit_columns)

    def _fit_columns(self) -> None:
        width = self.table.viewport().width()
        # On a laptop screen names, emails and sources were cut off: below NARROW pixels
        # the location and last-activity columns step aside (both are in the record, and
        # the search still finds by location), and the others share their room.
        narrow = width < NARROW
        for col in NARROW_HIDDEN:
            self.table.setColumnHidden(col, narrow)
        fixed = {c: w for c, w in FIXED_WIDTHS.items() if not (narrow and c in NARROW_HIDDEN)}
        flex = {c: w for c, w in FLEX_WEIGHTS.items() if not (narrow and c in NARROW_HIDDEN)}
        spare = max(0, width - sum(fixed.values()) - 24)
        for col, w in fixed.items():
            self.table.setColumnWidth(col, w)
        total = sum(flex.values())
        for col, weight in flex.items():
            self.table.setColumnWidth(col, max(MIN_FLEX, int(spare * weight / total)))

    def _permit(self, button: QPushButton, permission: Permission, what: str) -> None:
        guard(button, self._ctx, permission, what)

    def _set_region(self, region: str) -> None:
        self._region = region

    # -- querying ----------------------------------------------------------------------
    def current_query(self) -> ContactQuery:
        q = self.model.query
        return ContactQuery(text=self.search.text(), status=self.status_filter.currentData(),
                            source=self.source_filter.currentData(), sort=q.sort,
                            descending=q.descending)

    def apply_query(self) -> None:
        self._in_flight, self._stale = True, False
        self.model.set_query(self.current_query())

    def _typed(self, _text: str) -> None:
        if self._in_flight:
            self._stale = True
        else:
            self.apply_query()

    def _landed(self, *_args: object) -> None:
        self._in_flight = False
        if self._stale:
            self.apply_query()

    def refresh(self) -> None:
        self.model.refresh()

    def _show_count(self, total: int, capped: bool) -> None:
        q = self.model.query
        filtered = bool(q.text.strip() or q.status or q.source)
        if total == 0 and not filtered:
            self.count_label.setText("No contacts yet. Use New… to add one, or Import… a CSV file.")
        elif total == 0:
            self.count_label.setText("No contacts match. Check the spelling, or clear the filters.")
        elif capped:
            self.count_label.setText(f"{total:,}+ matching contacts: showing the first {total:,}"
                                     " (type more to narrow the search)")
        elif filtered:
            self.count_label.setText(f"{total:,} matching contact{'s' if total != 1 else ''}")
        else:
            self.count_label.setText(f"{total:,} contact{'s' if total != 1 else ''}")

    def _show_failure(self, exc: Exception) -> None:
        self.count_label.setText(f"Could not load contacts: {exc}")

    def _selection_changed(self, *_args: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._selected = self.model.contact_id(rows[0].row()) if rows else None
        self.edit_button.setEnabled(bool(rows))

    def _rows_replaced(self, new_query: bool) -> None:
        """The rows were replaced in place (no model reset): a selection that now sits
        on another person is cleared, a new search starts at the top, and the rows are
        painted now rather than at the window's next frame tick (~5 ms later)."""
        rows = self.table.selectionModel().selectedRows()
        if rows and self.model.contact_id(rows[0].row()) != self._selected:
            self.table.clearSelection()
        if new_query:
            self.table.scrollToTop()
        if self.table.isVisible():
            self.table.viewport().repaint()

    # -- actions -----------------------------------------------------------------------
    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.contact_id(rows[0].row()) if rows else None

    def new_contact(self) -> None:
        self._open_editor(None)

    def edit_selected(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self._tasks.run(lambda: self._contacts.get(cid), on_done=self._open_editor,
                            on_error=self._show_error)

    def edit_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.edit_selected()

    def make_editor(self, detail: ContactDetail | None) -> ContactEditorDialog:
        dialog = ContactEditorDialog(self._ctx, self._contacts, self._tasks, detail, self._region, self)
        dialog.saved.connect(lambda _d: self.changes.announce(Change.CONTACTS))
        dialog.navigator = self.navigator
        self.editor = dialog
        return dialog

    def open_contact(self, contact_id: int) -> None:
        """Open a contact's record from anywhere (a request, a retention list, the audit)."""
        self._tasks.run(lambda: self._contacts.get(contact_id), on_done=self._open_editor,
                        on_error=self._show_error)

    def _open_editor(self, detail: ContactDetail | None) -> None:
        self.make_editor(detail).open()

    def make_import_dialog(self) -> ImportDialog:
        dialog = ImportDialog(self._services.contact_import, self._ctx, self._tasks, self)
        dialog.imported.connect(lambda _r: self.changes.announce(Change.CONTACTS))
        return dialog

    def import_file(self) -> None:
        self.make_import_dialog().open()

    def export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export contacts", "contacts.csv",
                                              "CSV files (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        query = self.current_query()
        self.count_label.setText("Exporting…")
        self._tasks.run(lambda: self._contacts.export_csv(path, query),
                        on_done=lambda n: self.count_label.setText(
                            f"Exported {n:,} contacts to {path}"),
                        on_error=self._show_error)

    def _show_error(self, exc: Exception) -> None:
        QMessageBox.warning(self, "Contacts", str(exc))
