"""The pack preview: the items held (redact or withhold each, with a reason) beside the
PDF as it will be built, shown from memory with QtPdf. From here the officer saves,
prints or emails the pack."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.reports.protect import strong_password
from privdesk.services.authz import Permission
from privdesk.services.pack_records import PackItem
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.packs.email_flow import EmailFlow
from privdesk.ui.packs.items_model import COL_CONTENT, COL_ITEM, COL_SECTION, COL_STATE, PackItemsModel
from privdesk.ui.packs.pack_outputs import PackOutputs
from privdesk.ui.packs.paperwork import Paperwork
from privdesk.ui.packs.printing import PdfInMemory
from privdesk.ui.permissions import guard
from privdesk.ui.request_action_dialog import ActionDialog
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window
from privdesk.ui.tasks import TaskRunner


def _unless(ready: bool, tip: str) -> str | None:
    return None if ready else tip


class PackPreviewDialog(PackOutputs, QDialog):
    def __init__(self, paperwork: Paperwork, tasks: TaskRunner, reference: str,
                 parent: QWidget | None = None,
                 on_changed: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self._paperwork = paperwork
        self._tasks = tasks
        self.reference = reference
        self._on_changed = on_changed
        self._pdf: PdfInMemory | None = None
        self.review: EmailReviewDialog | None = None
        self.response_dialog: ActionDialog | None = None
        self.busy_text: str | None = None  # what is being built or sent; None when idle
        self.flow = EmailFlow(self, paperwork, tasks, busy=self._busy, on_sent=self._emailed,
                              on_error=self._fail)
        ctx = paperwork.ctx
        self.setWindowTitle(f"Subject-access pack — {reference}")
        fit_window(self, 1400, 900, fraction=0.96)

        self.model = PackItemsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_SECTION, 150), (COL_ITEM, 170), (COL_STATE, 100)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._show_whole_text)
        # The whole text of the selected item: the table's cell shows only its start, and
        # the officer must read all of it to judge whether it names someone else.
        self.whole_text = QPlainTextEdit()
        self.whole_text.setReadOnly(True)
        self.whole_text.setPlaceholderText("Select an item to read all of its text here.")
        self.whole_text.setMaximumHeight(120)
        self.whole_text.setMinimumHeight(60)

        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (required), e.g. names another customer")
        self.reason.textChanged.connect(self._update_buttons)
        self.redact_button = QPushButton("Redact")
        self.redact_button.setProperty("tip", "Hide the item's free text, keeping its date and kind")
        self.exclude_button = QPushButton("Withhold")
        self.exclude_button.setProperty("tip", "Withhold the whole item")
        self.lift_button = QPushButton("Lift redaction")
        self.redact_button.clicked.connect(lambda: self._mark("redact"))
        self.exclude_button.clicked.connect(lambda: self._mark("exclude"))
        self.lift_button.clicked.connect(self._lift)
        self._ctx = ctx

        self.summary = QLabel("Loading…")
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.busy = QProgressBar()  # shown at once while the PDF is (re)built
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self._page = 0
        row = QHBoxLayout()
        for w in (self.redact_button, self.exclude_button, self.lift_button):
            row.addWidget(w)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Data held")
        title.setObjectName("areaTitle")
        lv.addWidget(title)
        lv.addWidget(self.summary)
        lv.addWidget(self.busy)
        lv.addWidget(self.table, 1)
        lv.addWidget(self.whole_text)
        lv.addWidget(self.reason)
        lv.addLayout(row)

        self.view = QPdfView()
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.setSizes([640, 640])

        self.schedule = QCheckBox("Append the redaction log as a schedule")
        self.schedule.setChecked(True)
        self.schedule.toggled.connect(self.refresh)
        self.protect = QCheckBox("Password-protect (AES-256):")
        self.password = QLineEdit()
        self.password.setEnabled(False)
        self.password.setMinimumWidth(220)
        self.protect.toggled.connect(self._toggle_password)
        self.save_button = QPushButton("Save PDF…")
        self.print_button = QPushButton("Print…")
        self.email_button = QPushButton("Email…")
        self.copy_button = QPushButton("JSON + CSV…")
        self.copy_button.setToolTip("Save an electronic copy of the data (Art. 15(3), Art. 20)")
        self.copy_button.clicked.connect(self._copies)
        self.close_button = QPushButton("Close")
        self.save_button.clicked.connect(self._save)
        self.print_button.clicked.connect(self._print)
        self.email_button.clicked.connect(self._email)
        self.close_button.clicked.connect(self.reject)
        self._outputs = ((self.save_button, Permission.PACK, "build packs"),
                         (self.print_button, Permission.PACK, "build packs"),
                         (self.email_button, Permission.EMAIL, "email packs"),
                         (self.copy_button, Permission.EXPORT, "export data"))
        for button, perm, what in self._outputs:
            guard(button, ctx, perm, what)
        bottom = QHBoxLayout()
        for w in (self.schedule, self.protect, self.password):
            bottom.addWidget(w)
        bottom.addStretch(1)
        for w in (self.copy_button, self.save_button, self.print_button, self.email_button,
                  self.close_button):
            bottom.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        safe_default(self, None)  # Return in the reason box must not email or withhold
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.busy.show()
        packs, ref, schedule = self._paperwork.packs, self.reference, self.schedule.isChecked()
        self._tasks.run(lambda: (packs.items(ref), packs.preview(ref, schedule)),
                        on_done=self._show, on_error=self._fail)

    def _show(self, result: tuple[list[PackItem], bytes]) -> None:
        items, pdf = result
        self.busy.hide()
        chosen = self.selected()
        self._page = self.view.pageNavigator().currentPage() if self._pdf is not None else 0
        self.model.set_rows(items)
        if chosen is not None:  # the same item stays selected after a redaction
            for row in range(self.model.rowCount()):
                item = self.model.item(row)
                if item is not None and item.ref == chosen.ref:
                    self.table.selectRow(row)
        n, withheld = len(items), self.model.withheld_count()
        self.summary.setText(f"{n} items · {withheld} redacted or withheld · select an item, "
                             "give a reason, then Redact or Withhold.")
        old, self._pdf = self._pdf, PdfInMemory(pdf)
        self._pdf.document.statusChanged.connect(self._keep_page)
        self.view.setDocument(self._pdf.document)
        self._keep_page()
        if old is not None:
            old.document.statusChanged.disconnect(self._keep_page)
            old.close()
        self._update_buttons()

    def _keep_page(self, *_: object) -> None:
        """After a rebuild the preview stays on the page the officer was reading."""
        try:
            if self._pdf is None or not self._pdf.ok:
                return
        except RuntimeError:  # a document being torn down as the dialog closes
            return
        page = min(self._page, self._pdf.document.pageCount() - 1)
        if page > 0 and self.view.pageNavigator().currentPage() != page:
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())

    def _show_whole_text(self, *_: object) -> None:
        item = self.selected()
        if item is None:
            self.whole_text.setPlainText("")
            return
        # "Contact record: notes" already names its section ("Contact record · Contact
        # record: notes" was seen in the QA walk); other items get it in front.
        heading = item.label if item.label.startswith(item.section) else \
            f"{item.section} · {item.label}"
        self.whole_text.setPlainText(f"{heading}\n\n{item.text}")

    def _fail(self, exc: Exception) -> None:
        self.busy.hide()
        self.summary.setText(str(exc))
        QMessageBox.warning(self, "Subject-access pack", str(exc))

    # -- redaction ----------------------------------------------------------------------
    def selected(self) -> PackItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _update_buttons(self, *_: Any) -> None:
        item = self.selected()
        reason = bool(self.reason.text().strip())
        ready = item is not None and reason and self.busy_text is None
        for button, fits in ((self.redact_button, item is not None and item.action != "redact"),
                             (self.exclude_button, item is not None and item.action != "exclude"),
                             (self.lift_button, item is not None and item.action is not None)):
            # Disabled for want of an item or a reason, a button keeps its own tooltip.
            tip = button.property("tip") or ""
            guard(button, self._ctx, Permission.EDIT, "redact items", tip=tip,
                  unless=functools.partial(_unless, bool(ready and fits), tip))

    def _mark(self, action: str) -> None:
        item, reason = self.selected(), self.reason.text().strip()
        if item is None or not reason:
            return
        packs, ref = self._paperwork.packs, self.reference
        self._tasks.run(lambda: packs.redact(ref, item.ref, action, reason),
                        on_done=lambda _: self._after_change(), on_error=self._fail)

    def _lift(self) -> None:
        item, reason = self.selected(), self.reason.text().strip()
        if item is None or not reason:
            return
        packs, ref = self._paperwork.packs, self.reference
        self._tasks.run(lambda: packs.unredact(ref, item.ref, reason),
                        on_done=lambda _: self._after_change(), on_error=self._fail)

    def _after_change(self) -> None:
        self.reason.clear()
        self.refresh()
        self._changed()

    # -- output -------------------------------------------------------------------------
    def _toggle_password(self, on: bool) -> None:
        self.password.setEnabled(on)
        if on and not self.password.text():
            self.password.setText(strong_password())

    def done(self, result: int) -> None:
        self._tasks.wait()
        if self._pdf is not None:
            self._pdf.document.statusChanged.disconnect(self._keep_page)
            self.view.setDocument(None)  # type: ignore[arg-type]
            self._pdf.close()
            self._pdf = None
        super().done(result)


def open_pack_dialog(parent: QWidget | None, paperwork: Paperwork, tasks: TaskRunner,
                     request_ref: str,
                     on_changed: Callable[[], None] | None = None) -> PackPreviewDialog:
    """Open the pack preview for an access request (non-modal); the Requests area calls
    this from its "Pack…" button, and is told when the request changed."""
    dialog = PackPreviewDialog(paperwork, tasks, request_ref, parent, on_changed)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.refresh()
    return dialog
