"""The Breaches area: the breach register with its live 72-hour ICO clock, the detail
pane, and the accountability documents (record of processing, management report).
All database work runs through the TaskRunner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
)

from privdesk.domain.breach_clock import to_local
from privdesk.services.authz import Permission
from privdesk.services.breach_documents import BreachDocuments
from privdesk.services.breach_records import BreachDetail, BreachRow
from privdesk.services.breaches import BreachService
from privdesk.services.context import ServiceContext
from privdesk.services.files import write_atomic
from privdesk.services.management_report import ManagementReportService
from privdesk.services.requests import RequestService
from privdesk.services.ropa import RopaService
from privdesk.ui.breaches.accountability import ReportDialog
from privdesk.ui.breaches.detail import BreachDetailPane
from privdesk.ui.breaches.dialogs import CloseDialog, DecisionDialog, NewBreachDialog
from privdesk.ui.breaches.model import COL_COUNTDOWN, COL_REF, COL_SUMMARY, BreachTableModel
from privdesk.ui.change_notice import Change, ChangeNotice
from privdesk.ui.permissions import guard
from privdesk.ui.queue_area import QueueArea
from privdesk.ui.tasks import TaskRunner

TICK_MS = 30_000  # the countdown is in hours and minutes: twice a minute is live enough


REGISTER_KEY, DETAIL_KEY = "breaches.register", "breaches.detail"  # TaskRunner keys

class _OpenFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.open_only = False

    def set_open_only(self, value: bool) -> None:
        self.beginFilterChange()
        self.open_only = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not self.open_only or not isinstance(model, BreachTableModel):
            return True
        return model.row(source_row).status == "open"


@dataclass(frozen=True)
class BreachesServices:
    """What the Breaches area and its dialogs use: the register (breaches), its letters and
    notices (breach_documents), the record of processing (ropa), the management report,
    and the request service for the new-breach dialog's contact picker."""

    ctx: ServiceContext
    breaches: BreachService
    breach_documents: BreachDocuments
    ropa: RopaService
    report: ManagementReportService
    requests: RequestService


class BreachesArea(QueueArea):
    def __init__(self, services: BreachesServices, tasks: TaskRunner,
                 now: Callable[[], datetime] | None = None, tick_ms: int = TICK_MS,
                 notice: ChangeNotice | None = None) -> None:
        now = now or services.breaches.now
        super().__init__("Breaches", tasks, BreachTableModel(now), _OpenFilter(),
                         list_key=REGISTER_KEY, detail_key=DETAIL_KEY, ref_column=COL_REF,
                         wide_column=COL_SUMMARY, wide_width=220)
        self.model: BreachTableModel
        self.proxy: _OpenFilter
        self._services = services
        self._breaches = services.breaches
        self._now = now
        self.dialog: QDialog | None = None
        self._zone: ZoneInfo | None = None  # the store's, read with the register
        self.changes = notice or ChangeNotice(self)
        # The store's time zone (a setting) is the one breach times are shown in.
        self.changes.listen(self, (Change.BREACHES, Change.SETTINGS), self.reload)

        self.new_button = QPushButton("Record a breach…")
        self.new_button.clicked.connect(self.open_new_breach)
        guard(self.new_button, services.ctx, Permission.EDIT, "record breaches")
        self.ropa_button = QPushButton("Record of processing…")
        self.ropa_button.setToolTip("The Art. 30 record from the policy and the register, as "
                                    "PDF or CSV")
        self.ropa_button.clicked.connect(lambda: self.save_ropa())
        guard(self.ropa_button, services.ctx, Permission.EXPORT, "export the record")
        self.report_button = QPushButton("Management report…")
        self.report_button.clicked.connect(self.open_report)
        self.add_buttons(self.ropa_button, self.report_button, self.new_button)
        hint = QLabel("Notify the ICO within 72 hours of becoming aware, unless the breach is "
                      "unlikely to result in a risk to people. Every breach is logged, notified "
                      "or not, with the reasons.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.open_only = QCheckBox("Open breaches only")
        self.open_only.toggled.connect(self._open_only)
        self.notice = QLabel()
        self.notice.setObjectName("hint")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        filters = QHBoxLayout()
        filters.addWidget(self.open_only)
        filters.addSpacing(12)
        filters.addWidget(self.notice, 1)

        self.detail = BreachDetailPane(services.ctx, self._now)
        self.detail.action.connect(self._act)
        self.lay_out([hint, filters], self.detail, (3, 2), [820, 520])
        self.model.start_ticking(tick_ms)
        self.model.dataChanged.connect(lambda *_: self.detail.tick())

    def _open_only(self, on: bool) -> None:
        self.proxy.set_open_only(on)

    # -- loading -----------------------------------------------------------------------
    def refresh(self) -> None:
        breaches = self._breaches
        # The store's zone comes with the register: the UI thread never reads the setting.
        self.load_list(lambda: (breaches.register(), breaches.zone()), self._loaded)

    def _loaded(self, loaded: tuple[list[BreachRow], ZoneInfo]) -> None:
        rows, self._zone = loaded
        self.show_rows(rows)

    def select_breach(self, breach_id: int) -> bool:
        return self.select_id(breach_id)

    def countdown_index(self, proxy_row: int) -> QModelIndex:
        return self.proxy.index(proxy_row, COL_COUNTDOWN)

    def fetch_detail(self, record_id: int) -> Callable[[], BreachDetail]:
        breaches = self._breaches
        return lambda: breaches.get(record_id)

    def show_detail(self, detail: BreachDetail) -> None:
        self.detail.show_detail(detail)

    def _changed(self, detail: BreachDetail | None) -> None:
        if detail is not None:
            self._selected_id = detail.row.id
            self.detail.show_detail(detail)
        self.changes.announce(Change.BREACHES)

    # -- actions -----------------------------------------------------------------------
    def _zone_now(self) -> ZoneInfo:
        # Read here (on the UI thread) only if a dialog opens before the register has loaded.
        return self._zone if self._zone is not None else self._breaches.zone()

    def _now_local(self) -> datetime:
        return to_local(self._now(), self._zone_now()).replace(tzinfo=None)

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(getattr(dialog, "result_detail", None)))
        dialog.open()
        return dialog

    def open_new_breach(self) -> QDialog:
        return self._open(NewBreachDialog(self._breaches, self._services.requests, self._tasks,
                                          self._now_local(), self, zone=self._zone_now().key))

    def _act(self, key: str) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        if key in ("ico", "people"):
            self._open(DecisionDialog(self._breaches, self._tasks, detail.reference, key,
                                      self._now_local(), self))
        elif key == "close":
            self._open(CloseDialog(self._breaches, self._tasks, detail.reference, self))
        elif key == "draft":
            self.save_ico_draft()
        elif key == "letters":
            self.save_letters()

    def _say(self, text: str) -> None:
        self.notice.setText(text)

    def _failed(self, what: str) -> Callable[[Exception], None]:
        return lambda exc: self._say(f"{what} not written: {exc.args[0] if exc.args else exc}")

    def save_ico_draft(self, path: Path | None = None) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save the ICO report draft", f"{detail.reference} ICO report draft.pdf",
                "PDF files (*.pdf)")
            if not chosen:
                return
            path = Path(chosen)
        docs, ref, out = self._services.breach_documents, detail.reference, path

        def work() -> Path:
            write_atomic(out, docs.ico_draft(ref).content)
            return out

        self._tasks.run(work, on_done=lambda p: self._say(f"ICO report draft saved to {p}."),
                        on_error=self._failed("The ICO report draft was"))

    def save_ropa(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save the record of processing activities", "record-of-processing.pdf",
                "PDF files (*.pdf);;CSV files (*.csv)")
            if not chosen:
                return
            path = Path(chosen)
        ropa, out = self._services.ropa, path
        if out.suffix.lower() not in (".pdf", ".csv"):
            self._say(f"Name the file .pdf or .csv: {out.name} is neither.")
            return

        def work() -> str:
            if out.suffix.lower() == ".csv":
                return f"{ropa.csv(out)} rows"
            return f"{ropa.pdf(out)} pages"

        self._tasks.run(work, on_done=lambda what: self._say(
            f"Record of processing activities ({what}) saved to {out}."),
            on_error=self._failed("The record of processing activities was"))

    def open_report(self) -> QDialog:
        return self._open_plain(ReportDialog(self._services.report, self._services.ctx, self._tasks,
                                              self))

    def _open_plain(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    def save_letters(self, folder: Path | None = None) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Save the letters in")
            if not chosen:
                return
            folder = Path(chosen)
        docs, ref, out = self._services.breach_documents, detail.reference, folder

        def work() -> int:
            built = docs.letters(ref)
            for doc in built:
                write_atomic(out / doc.document.filename, doc.content)
            return len(built)

        self._tasks.run(work, on_done=lambda n: self._say(f"{n} letter(s) saved in {out}."),
                        on_error=self._failed("The letters were"))
