"""The Audit area: the trail, filtered by officer, action and date; the chain check; CSV
export (admins). Every officer can read it: it holds who/what/when, never personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.audit_words import action_words, detail_words, target_words
from privdesk.domain.dates import date_time
from privdesk.services.audit import AuditCheck
from privdesk.services.audit_trail import AuditFilter, AuditRow, AuditService
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.ui.change_notice import EVERY_KIND, ChangeNotice
from privdesk.ui.models.row_list import RowListModel
from privdesk.ui.navigation import Navigator, open_on_double_click
from privdesk.ui.permissions import guard
from privdesk.ui.tasks import TaskRunner

COL_ID, COL_AT, COL_OFFICER, COL_ACTION, COL_TARGET, COL_OUTCOME, COL_DETAIL = range(7)
HEADERS = ["#", "When (UTC)", "Officer", "Action", "Record", "Outcome", "Detail"]
ANY = "Any"
_OUTCOME_COLOURS = {"denied": "#b3261e", "failed": "#b26a00"}
OPENABLE = ("contact", "request")
LINK_ROLE = Qt.ItemDataRole.UserRole + 7


class AuditTableModel(RowListModel[AuditRow]):
    HEADERS = HEADERS

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, col = self.record_at(index), index.column()
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:  # the stored code, for exports and scripts
            text = self._text(row, col)
            if col == COL_ACTION:
                return f"{text} ({row.action})"
            if col == COL_TARGET and row.target_id:
                return f"{text} — double-click to open" if row.target_type in OPENABLE else text
            return text
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_OUTCOME:
            colour = _OUTCOME_COLOURS.get(row.outcome)
            return QBrush(QColor(colour)) if colour else None
        if role == LINK_ROLE:
            return (f"{row.target_type}:{row.target_id}" if row.target_type in OPENABLE
                    and row.target_id and row.target_id.isdigit() else None)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: AuditRow, col: int) -> str:
        if col == COL_ID:
            return str(row.id)
        if col == COL_AT:
            return date_time(row.at, seconds=True, weekday=True)
        if col == COL_OFFICER:
            return row.officer
        if col == COL_ACTION:
            return action_words(row.action)
        if col == COL_TARGET:
            return target_words(row.target_type, row.target_id, row.target_name)
        if col == COL_OUTCOME:
            return row.outcome
        return detail_words(row.action, row.detail)


class AuditArea(QWidget):
    def __init__(self, service: AuditService, ctx: ServiceContext, tasks: TaskRunner,
                 notice: ChangeNotice | None = None) -> None:
        super().__init__()
        self._service, self._ctx, self._tasks = service, ctx, tasks
        # Every write is audited: any change is a new line here.
        (notice or ChangeNotice(self)).listen(self, EVERY_KIND, self.refresh)
        self._checked: int | None = None  # events covered by the last chain check
        self.navigator: Navigator | None = None  # set by ui.areas
        heading = QLabel("Audit")
        heading.setObjectName("areaTitle")
        about = QLabel("Who did what to which record, and when. Events are chained by HMAC, "
                       "so an edited, deleted or reordered event is detected.")
        about.setObjectName("hint")
        about.setWordWrap(True)

        self.officer = QComboBox()
        self.action = QComboBox()
        for combo in (self.officer, self.action):
            combo.addItem(ANY)
            combo.setMinimumWidth(170)
            combo.setMaximumWidth(260)  # a long (or hostile) officer name must not push it
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.since = self._date_edit()
        self.until = self._date_edit()
        self.apply_button = QPushButton("Apply")
        self.apply_button.clicked.connect(self.refresh)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_filters)
        filters = QHBoxLayout()
        for label, widget in (("Officer", self.officer), ("Action", self.action),
                              ("From", self.since), ("To", self.until)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.apply_button)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)

        self.model = AuditTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Action and Record wide enough for their usual words ("Decided whether to notify
        # the ICO", "Request SAR-2026-0041"); Detail takes the rest.
        for col, width in ((COL_ID, 56), (COL_AT, 190), (COL_OFFICER, 150), (COL_ACTION, 270),
                           (COL_TARGET, 190), (COL_OUTCOME, 86)):
            self.table.setColumnWidth(col, width)

        open_on_double_click(self.table, lambda: self.navigator, LINK_ROLE, kind="")
        self.table.setToolTip("Double-click an event about a contact or a request to open it")
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.chain = QLabel()
        self.chain.setTextFormat(Qt.TextFormat.PlainText)
        self.verify_button = QPushButton("Check the chain")
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._export)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.chain)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    @staticmethod
    def _date_edit() -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setSpecialValueText(ANY)  # the minimum date means "no limit"
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setDate(edit.minimumDate())
        return edit

    def current_filter(self) -> AuditFilter:
        def date_of(edit: QDateEdit) -> Any:
            return None if edit.date() == edit.minimumDate() else edit.date().toPython()

        def text_of(combo: QComboBox) -> str | None:
            if combo.currentIndex() <= 0:
                return None
            data = combo.currentData()
            return str(data) if data else combo.currentText()

        return AuditFilter(officer=text_of(self.officer), action=text_of(self.action),
                           since=date_of(self.since), until=date_of(self.until))

    def clear_filters(self) -> None:
        for combo in (self.officer, self.action):
            combo.setCurrentIndex(0)
        for edit in (self.since, self.until):
            edit.setDate(edit.minimumDate())
        self.refresh()

    def refresh(self) -> None:
        guard(self.export_button, self._ctx, Permission.AUDIT_EXPORT)
        flt = self.current_filter()

        def load() -> tuple[list[AuditRow], list[str], list[str]]:
            return self._service.events(flt), self._service.officers(), self._service.actions()

        self._tasks.run(load, on_done=self._loaded, key="audit.events")  # the latest filter wins

    def _loaded(self, result: tuple[list[AuditRow], list[str], list[str]]) -> None:
        rows, officers, actions = result
        self.model.set_rows(rows)
        for combo, items in ((self.officer, officers), (self.action, actions)):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY)
            for item in items:  # actions in words; the code is the filter's value
                combo.addItem(action_words(item) if combo is self.action else item, item)
            combo.setCurrentIndex(max(0, combo.findText(current)))
            combo.blockSignals(False)
        self.status.setText("No events match these filters." if not rows else
                            f"{len(rows):,} event{'s' if len(rows) != 1 else ''}, newest first")
        if self._checked is not None and rows and max(r.id for r in rows) > self._checked:
            # The trail grew since the last check: never show an old "intact" as current.
            newer = max(r.id for r in rows) - self._checked
            self.chain.setText(f"Checked {self._checked:,} events; {newer:,} newer not checked")
            self.chain.setStyleSheet("color: #8a5a00; font-weight: 600;")

    def verify(self) -> None:
        self.chain.setText("Checking…")
        self._tasks.run(self._service.verify, on_done=self._verified)

    def _verified(self, check: AuditCheck) -> None:
        self._checked = check.checked
        if check.ok:
            self.chain.setText(f"Chain intact ({check.checked:,} events)")
            self.chain.setStyleSheet("color: #1b5e20; font-weight: 600;")
        else:
            self.chain.setText(f"Chain broken: {check.problem}")
            self.chain.setStyleSheet("color: #b3261e; font-weight: 600;")

    def _export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export the audit trail", "audit.csv",
                                              "CSV files (*.csv)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        flt = self.current_filter()
        self._tasks.run(lambda: self._service.export_csv(path, flt),
                        on_done=lambda n: self.status.setText(f"Exported {n:,} events to {path}"))
