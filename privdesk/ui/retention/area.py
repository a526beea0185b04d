"""The Retention area: a month calendar of what falls due, lists for the next 30 and 90
days and the overdue, legal holds, and the way into Review and purge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.purge import PurgeService
from privdesk.services.retention import DueContact, DueSummary, RetentionService
from privdesk.ui.change_notice import Change, ChangeNotice
from privdesk.ui.navigation import Navigator, open_on_double_click
from privdesk.ui.permissions import guard
from privdesk.ui.retention.calendar import DueCalendar, to_date, to_qdate
from privdesk.ui.retention.hold_dialog import LegalHoldDialog
from privdesk.ui.retention.models import (
    COL_ID,
    COL_NAME,
    COL_RULE,
    ID_ROLE,
    DueTableModel,
    fmt_date,
)
from privdesk.ui.retention.purge_dialog import PurgeReviewDialog
from privdesk.ui.tasks import TaskRunner

LIST_LIMIT = 2000  # rows per list; the counts above the list say when there are more
TAB_SELECTED, TAB_OVERDUE, TAB_30, TAB_90 = range(4)


class DueList(QWidget):
    """A caption and a table of due contacts."""

    def __init__(self, empty_text: str) -> None:
        super().__init__()
        self.empty_text = empty_text
        self.caption = QLabel("Loading…")
        self.caption.setObjectName("hint")
        self.model = DueTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_RULE, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(COL_RULE, 230)
        self.table.setToolTip("Double-click a person to open their record")
        self.navigator: Navigator | None = None  # set by the Retention area
        open_on_double_click(self.table, lambda: self.navigator, ID_ROLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)

    def show_rows(self, rows: list[DueContact], caption: str) -> None:
        self.model.set_rows(rows)
        self.caption.setText(caption if rows else self.empty_text)

    def selected(self) -> list[DueContact]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows(COL_ID)})
        return [self.model.row(r) for r in rows]


class RetentionArea(QWidget):
    def __init__(self, retention: RetentionService, purge: PurgeService, ctx: ServiceContext,
                 tasks: TaskRunner, notice: ChangeNotice | None = None) -> None:
        super().__init__()
        self.changes = notice or ChangeNotice(self)
        # Open requests hold data back from deletion; contacts' dates make what is due.
        self.changes.listen(self, (Change.CONTACTS, Change.RETENTION, Change.REQUESTS),
                           self.refresh)
        self.navigator: Navigator | None = None
        self._retention, self._purge, self._tasks = retention, purge, tasks
        self._ctx = ctx
        today = self._ctx.today()

        heading = QLabel("Retention")
        heading.setObjectName("areaTitle")
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("hint")

        self.calendar = DueCalendar(today)
        self.calendar.range_selected.connect(self._show_range)
        self.calendar.month_shown.connect(self._load_month)
        self.from_date, self.to_date = QDateEdit(to_qdate(today)), QDateEdit(to_qdate(today))
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        show = QPushButton("Show range")
        show.clicked.connect(lambda: self.calendar.select_range(
            to_date(self.from_date.date()), to_date(self.to_date.date())))
        range_row = QHBoxLayout()
        range_row.addWidget(QLabel("From"))
        range_row.addWidget(self.from_date)
        range_row.addWidget(QLabel("to"))
        range_row.addWidget(self.to_date)
        range_row.addWidget(show)
        range_row.addStretch(1)
        legend = QLabel("Each day shows how many contacts fall due (red: already overdue). "
                        "Click a day; Shift+click another day to pick a range.")
        legend.setObjectName("hint")
        legend.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.calendar, 1)  # taller cells when there is room: easier to read
        left.addLayout(range_row)
        left.addWidget(legend)
        self.calendar.setMaximumHeight(520)
        self.calendar.setFixedWidth(430)  # the lists beside it keep room for whole names
        legend.setFixedWidth(430)
        left.addStretch(1)

        self.selected_list = DueList("No contact falls due in the selected days.")
        self.overdue_list = DueList("Nothing is overdue.")
        self.list_30 = DueList("Nothing falls due in the next 30 days.")
        self.list_90 = DueList("Nothing falls due in the next 90 days.")
        self.tabs = QTabWidget()
        for widget, title in ((self.selected_list, "Selected days"), (self.overdue_list, "Overdue"),
                              (self.list_30, "Next 30 days"), (self.list_90, "Next 90 days")):
            self.tabs.addTab(widget, title)

        self.hold_button = QPushButton("Legal hold…")
        self.hold_button.clicked.connect(self.edit_hold)
        self.purge_button = QPushButton("Review and purge…")
        self.purge_button.clicked.connect(self.review_purge)
        self._permit(self.hold_button, Permission.EDIT, "set legal holds")
        self._permit(self.purge_button, Permission.PURGE, "purge data")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.purge_button)
        right = QVBoxLayout()
        right.addWidget(self.tabs, 1)
        right.addLayout(buttons)

        body = QHBoxLayout()
        body.addLayout(left)
        body.addSpacing(12)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(self.summary_label)
        layout.addSpacing(4)
        layout.addLayout(body, 1)

    def set_navigator(self, navigator: Navigator) -> None:
        """Double-clicking a person in any list (or the purge review) opens their record."""
        self.navigator = navigator
        for listing in (self.selected_list, self.overdue_list, self.list_30, self.list_90):
            listing.navigator = navigator

    def _permit(self, button: QPushButton, permission: Permission, what: str) -> None:
        guard(button, self._ctx, permission, what)

    # -- loading -----------------------------------------------------------------------
    def refresh(self) -> None:
        retention = self._retention
        self._tasks.run(retention.summary, on_done=self._show_summary)
        self._load_month(self.calendar.yearShown(), self.calendar.monthShown())
        self._load(lambda: retention.overdue(limit=LIST_LIMIT), self.overdue_list, "overdue")
        self._load(lambda: retention.due_within(30, limit=LIST_LIMIT), self.list_30,
                   "due within 30 days, overdue first")
        self._load(lambda: retention.due_within(90, limit=LIST_LIMIT), self.list_90,
                   "due within 90 days, overdue first")
        self._show_range(*self.calendar.selected_range)

    def _load(self, fetch: Callable[[], list[DueContact]], target: DueList, what: str) -> None:
        def show(rows: list[DueContact]) -> None:
            more = f" (the first {LIST_LIMIT:,} shown)" if len(rows) >= LIST_LIMIT else ""
            target.show_rows(rows, f"{len(rows):,} contact{'s' if len(rows) != 1 else ''} "
                                   f"{what}{more}.")
        self._tasks.run(fetch, on_done=show)

    def _load_month(self, year: int, month: int) -> None:
        self._tasks.run(lambda: self._retention.month_counts(year, month),
                        on_done=self.calendar.set_counts)

    def _show_range(self, start: date, end: date) -> None:
        self.from_date.setDate(to_qdate(start))
        self.to_date.setDate(to_qdate(end))
        when = fmt_date(start) if start == end else f"{fmt_date(start)} to {fmt_date(end)}"
        self.tabs.setTabText(TAB_SELECTED, "Selected day" if start == end else "Selected days")
        self._load(lambda: self._retention.between(start, end, limit=LIST_LIMIT),
                   self.selected_list, f"due {'on' if start == end else 'from'} {when}")

    def _show_summary(self, s: DueSummary) -> None:
        self.summary_label.setText(
            f"<b>{s.overdue:,}</b> overdue  ·  <b>{s.due_today:,}</b> due today  ·  "
            f"<b>{s.next_30:,}</b> in the next 30 days  ·  <b>{s.next_90:,}</b> in the next 90 days "
            f"(overdue not counted)"
            f"  —  today is {fmt_date(s.today)}")

    def current_list(self) -> DueList:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, DueList)
        return widget

    # -- legal hold --------------------------------------------------------------------
    def edit_hold(self) -> None:
        chosen = self.current_list().selected()
        if len(chosen) != 1:
            QMessageBox.information(self, "Legal hold", "Select one contact in the list first.")
            return
        row = chosen[0]
        self._tasks.run(lambda: self._retention.hold(row.contact_id),
                        on_done=lambda hold: self._open_hold(row, hold))

    def _open_hold(self, row: DueContact, hold: Any) -> None:
        dialog = LegalHoldDialog(f"#{row.contact_id} {row.name}", hold, self._ctx.today(), self)
        self.hold_dialog = dialog
        retention = self._retention

        def finished(code: int) -> None:
            if code == LegalHoldDialog.LIFT:
                self._tasks.run(lambda: retention.lift_hold(row.contact_id),
                                on_done=lambda _: self.changes.announce(Change.RETENTION),
                                on_error=self._error)
            elif code == LegalHoldDialog.DialogCode.Accepted:
                reason, until = dialog.values()
                self._tasks.run(lambda: retention.set_hold(row.contact_id, reason, until),
                                on_done=lambda _: self.changes.announce(Change.RETENTION),
                                on_error=self._error)

        dialog.finished.connect(finished)
        dialog.open()  # window-modal, without a nested event loop

    # -- purge -------------------------------------------------------------------------
    def review_purge(self) -> None:
        """The selected due contacts, or (with none selected) everything due by today."""
        today = self._ctx.today()
        selected = self.current_list().selected()
        chosen = [r for r in selected if r.due <= today]
        if selected and not chosen:
            QMessageBox.information(self, "Review and purge",
                                    "None of the selected contacts is due yet: data is purged "
                                    "only once it falls due. Clear the selection to review "
                                    "everything due by today.")
            return
        purge = self._purge
        fetch = (lambda: purge.preview([r.contact_id for r in chosen])) if chosen \
            else (lambda: purge.preview_due(today))
        self._tasks.run(fetch, on_done=self._open_purge, on_error=self._error)

    def _open_purge(self, preview: Any) -> None:
        self.purge_dialog = PurgeReviewDialog(preview, self._purge, self._tasks,
                                              self._ctx, self)
        self.purge_dialog.purged.connect(
            lambda _: self.changes.announce(Change.RETENTION, Change.CONTACTS))
        self.purge_dialog.navigator = self.navigator
        self.purge_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.purge_dialog.show()

    def _error(self, exc: Exception) -> None:
        QMessageBox.warning(self, "Retention", str(exc))
