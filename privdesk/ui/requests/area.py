"""The Requests area: the strip, the filters, the queue (soonest due first) and the
detail pane. All database work runs through the TaskRunner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
)

from privdesk.domain.deadlines import WorkingDays
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.erasure import ErasureService
from privdesk.services.request_records import (
    REQUEST_TYPES,
    STATUSES,
    QueueStats,
    RequestDetail,
    RequestRow,
)
from privdesk.services.requests import RequestService
from privdesk.ui.change_notice import Change, ChangeNotice
from privdesk.ui.packs import Paperwork
from privdesk.ui.permissions import guard
from privdesk.ui.queue_area import QueueArea
from privdesk.ui.requests.detail import RequestDetailPane
from privdesk.ui.requests.documents import RequestDocumentsBox
from privdesk.ui.requests.new_request_dialog import NewRequestDialog
from privdesk.ui.requests.queue_model import (
    COL_DUE,
    COL_RECEIVED,
    COL_REF,
    COL_REQUESTER,
    RequestFilterProxy,
    RequestQueueModel,
)
from privdesk.ui.requests.strip import StatsStrip
from privdesk.ui.tasks import TaskRunner

TICK_MS = 60_000  # the countdown checks the clock once a minute; it moves at midnight


@dataclass(frozen=True)
class _Loaded:
    rows: list[RequestRow]
    stats: QueueStats
    officers: list[str]
    nation: str


QUEUE_KEY, DETAIL_KEY = "requests.queue", "requests.detail"  # TaskRunner keys: latest wins

NARROW_QUEUE = 900  # px: below it the queue hides its Due column (eventFilter)


@dataclass(frozen=True)
class RequestsServices:
    """What the Requests area and the dialogs it opens use: the request service, erasure,
    and the pack and letter dialogs' own `Paperwork`."""

    ctx: ServiceContext
    requests: RequestService
    erasure: ErasureService
    paperwork: Paperwork


class RequestsArea(QueueArea):
    def __init__(self, services: RequestsServices, tasks: TaskRunner,
                 today: Callable[[], date] | None = None, tick_ms: int = TICK_MS,
                 notice: ChangeNotice | None = None) -> None:
        today = today or services.ctx.today
        super().__init__("Requests", tasks, RequestQueueModel(today), RequestFilterProxy(),
                         list_key=QUEUE_KEY, detail_key=DETAIL_KEY, ref_column=COL_REF,
                         wide_column=COL_REQUESTER, wide_width=140)
        self.model: RequestQueueModel
        self.proxy: RequestFilterProxy
        self._requests = services.requests
        self._today = today
        self._officers: list[str] = []
        self._wanted_id: int | None = None  # asked for by a link, selected once loaded
        self.dialog: NewRequestDialog | None = None
        self.changes = notice or ChangeNotice(self)
        # Officers fill the Officer filter; the bank-holiday nation (a setting) moves due dates.
        self.changes.listen(self, (Change.REQUESTS, Change.OFFICERS, Change.SETTINGS),
                           self.reload)

        self.new_button = QPushButton("New request…")
        self.new_button.clicked.connect(self.open_new_request)
        self.export_button = QPushButton("Export log…")
        self.export_button.clicked.connect(self.export_log)
        for button, perm, what in ((self.new_button, Permission.EDIT, "record requests"),
                                   (self.export_button, Permission.EXPORT, "export the log")):
            guard(button, services.ctx, perm, what)
        self.add_buttons(self.export_button, self.new_button)
        self.strip = StatsStrip()

        self.status_filter = QComboBox()
        self.status_filter.addItem("Open", RequestFilterProxy.OPEN)
        self.status_filter.addItem("All statuses", None)
        for key, label in STATUSES.items():
            self.status_filter.addItem(label, key)
        self.type_filter = QComboBox()
        self.type_filter.addItem("All types", None)
        for key, label in REQUEST_TYPES.items():
            self.type_filter.addItem(label, key)
        self.assignee_filter = QComboBox()
        self.assignee_filter.setMinimumContentsLength(14)
        self._fill_assignees([])
        for combo in (self.status_filter, self.type_filter, self.assignee_filter):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.shown = QLabel()
        self.shown.setObjectName("hint")
        filters = QHBoxLayout()
        for label, combo in (("Status", self.status_filter), ("Type", self.type_filter),
                             ("Officer", self.assignee_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
            filters.addSpacing(8)
        filters.addStretch(1)
        filters.addWidget(self.shown)

        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        # Status and officer before the received date: on a laptop screen the columns past
        # the requester are the ones that scroll, and the received date is in the detail.
        header.moveSection(header.visualIndex(COL_RECEIVED), header.count() - 1)
        header.setMinimumSectionSize(70)
        self.table.installEventFilter(self)
        self.model.day_changed.connect(lambda _d: self.refresh())
        self.proxy.layoutChanged.connect(self._count_shown)
        self.proxy.rowsInserted.connect(self._count_shown)
        self.proxy.modelReset.connect(self._count_shown)

        self.detail = RequestDetailPane(services.ctx, self._requests, tasks, self._today,
                                        lambda: self._officers)
        self.detail.changed.connect(self._detail_changed)
        self.documents = RequestDocumentsBox(services.erasure, services.paperwork, tasks,
                                             self._paperwork_changed)
        self.detail.add_section(self.documents)
        self.detail.shown.connect(self.documents.set_detail)
        # Every queue column readable at 1440 px wide.
        self.lay_out([self.strip, filters], self.detail, (2, 1), [980, 480])
        self.model.start_ticking(tick_ms)

    # -- loading -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """On a laptop screen (a queue narrower than NARROW_QUEUE px) the Due column gives
        way so Status and Officer are in view without a sideways scrollbar: the countdown
        beside the reference says how urgent it is, its tooltip and the detail give the
        date, and sorting by the countdown is sorting by the due date."""
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self.table.setColumnHidden(COL_DUE, self.table.width() < NARROW_QUEUE)
        return False
    def refresh(self) -> None:
        requests, today = self._requests, self._today()

        def load() -> _Loaded:
            return _Loaded(requests.queue(today, include_closed=True), requests.stats(today),
                           requests.officers(), requests.calendar().nation)

        self.load_list(load, self._loaded)

    def _loaded(self, loaded: _Loaded) -> None:
        # The UI keeps its own calendar: holidays' tables fill lazily and are not shared
        # with the worker thread.
        calendar = WorkingDays(loaded.nation)
        self.model.set_calendar(calendar)
        self.detail.set_calendar(calendar)
        self._officers = loaded.officers
        self._fill_assignees(sorted({r.assignee for r in loaded.rows if r.assignee}
                                    | set(loaded.officers)))
        if self._wanted_id is not None:
            wanted, self._wanted_id = self._wanted_id, None
            self.model.set_rows(loaded.rows)
            self.show_request(wanted, reload=False)
        else:
            self.show_rows(loaded.rows)
        self.strip.show_stats(loaded.stats)
        self._count_shown()

    def show_request(self, request_id: int, reload: bool = True) -> None:
        """Select a request named by a link elsewhere, clearing filters that hide it."""
        if self.select_request(request_id):
            self._wanted_id = None
            self.table.scrollTo(self.table.currentIndex())
            return
        if self.model.row_of(request_id) is None:
            if reload:  # not loaded yet: select it when it is
                self._wanted_id = request_id
                self.refresh()
            return
        self.status_filter.setCurrentIndex(self.status_filter.findData(None))
        self.type_filter.setCurrentIndex(0)
        self.assignee_filter.setCurrentIndex(0)
        if self.select_request(request_id):
            self.table.scrollTo(self.table.currentIndex())

    def _fill_assignees(self, names: list[str]) -> None:
        current = self.assignee_filter.currentData()
        self.assignee_filter.blockSignals(True)
        self.assignee_filter.clear()
        self.assignee_filter.addItem("Everyone", None)
        self.assignee_filter.addItem("Unassigned", "")
        for name in names:
            self.assignee_filter.addItem(name, name)
        found = self.assignee_filter.findData(current)
        self.assignee_filter.setCurrentIndex(max(found, 0))
        self.assignee_filter.blockSignals(False)

    def _apply_filters(self) -> None:
        self.proxy.set_filters(self.status_filter.currentData(), self.type_filter.currentData(),
                               self.assignee_filter.currentData())
        self._count_shown()

    def _count_shown(self, *_args: object) -> None:
        n = self.proxy.rowCount()
        self.shown.setText(f"{n} request{'s' if n != 1 else ''} shown")

    # -- selection and detail ------------------------------------------------------------
    def select_request(self, request_id: int) -> bool:
        return self.select_id(request_id)

    def fetch_detail(self, record_id: int) -> Callable[[], RequestDetail]:
        requests = self._requests
        return lambda: requests.get(record_id)

    def show_detail(self, detail: RequestDetail) -> None:
        self.detail.show_detail(detail)

    def _paperwork_changed(self, *kinds: Change) -> None:
        """A pack, letter, erasure or recorded response changed the request from a dialog
        (an erasure: the register too). The queue and the detail pane both show it."""
        self.changes.announce(Change.REQUESTS, *kinds)

    def _detail_changed(self, detail: RequestDetail) -> None:
        self._selected_id = detail.row.id
        self.changes.announce(Change.REQUESTS)

    # -- new request and the log ---------------------------------------------------------
    def open_new_request(self) -> NewRequestDialog:
        self.dialog = NewRequestDialog(self._requests, self._tasks, self._today(),
                                       self._officers, self)
        self.dialog.accepted.connect(self._created)
        self.dialog.open()
        return self.dialog

    def _created(self) -> None:
        if self.dialog is not None and self.dialog.result_detail is not None:
            self._detail_changed(self.dialog.result_detail)

    def export_log(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export the request log",
                                                    "request-log.csv", "CSV files (*.csv)")
            if not chosen:
                return
            path = Path(chosen)
        requests, today = self._requests, self._today()
        self._tasks.run(lambda: requests.export_log(path, today),
                        on_done=lambda n: QMessageBox.information(
                            self, "Request log", f"Wrote {n} requests to {path}."),
                        on_error=lambda exc: QMessageBox.warning(
                            self, "Request log", f"The log was not written:\n\n{exc}"))
