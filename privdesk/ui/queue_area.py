"""The shape the Requests and Breaches areas share: a title row with its buttons, lines
above the queue (a strip, a hint, the filters), the queue (a RowListModel behind a filter
proxy) beside a detail pane in a splitter, and the loading.

Loading: the list comes through one keyed TaskRunner job and the selected record's detail
through another, so a slow reply for an older selection is dropped; the selected record
stays selected across reloads. A subclass says how to load its list (`refresh`), how to
fetch a record's detail (`fetch_detail`) and how to show it (`show_detail`); everything
else is here once. A change notice that concerns the area calls `reload`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.ui.models.row_list import ROW_ROLE, RowListModel
from privdesk.ui.tasks import TaskRunner


class QueueArea(QWidget):
    def __init__(self, title: str, tasks: TaskRunner, model: RowListModel[Any],
                 proxy: QSortFilterProxyModel, *, list_key: str, detail_key: str,
                 ref_column: int, wide_column: int, wide_width: int) -> None:
        super().__init__()
        self._tasks, self.model, self.proxy = tasks, model, proxy
        self._list_key, self._detail_key, self._ref_column = list_key, detail_key, ref_column
        self._selected_id: int | None = None
        model.setParent(self)
        proxy.setParent(self)
        proxy.setSourceModel(model)

        heading = QLabel(title)
        heading.setObjectName("areaTitle")
        self.head = QHBoxLayout()
        self.head.addWidget(heading)
        self.head.addStretch(1)

        self.table = QTableView()
        self.table.setModel(proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The free-text column (a name, a summary) is the one the officer may widen.
        header.setSectionResizeMode(wide_column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(wide_column, wide_width)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

    def add_buttons(self, *buttons: QWidget) -> None:
        for button in buttons:
            self.head.addWidget(button)

    def lay_out(self, above: Sequence[QWidget | QLayout], detail: QWidget,
                stretch: tuple[int, int], sizes: list[int]) -> None:
        """The title row, `above` (strip, hint, filters) and the queue beside `detail`."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
        splitter.setSizes(sizes)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self.head)
        for part in above:
            if isinstance(part, QLayout):
                layout.addLayout(part)
            else:
                layout.addWidget(part)
        layout.addWidget(splitter, 1)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """What a change notice that concerns the area does: the list and the detail."""
        self.refresh()
        self.reload_detail()

    def load_list(self, fetch: Callable[[], Any], on_done: Callable[[Any], object]) -> None:
        """The list, keyed: only the latest reload's result is shown."""
        self._tasks.run(fetch, on_done=on_done, key=self._list_key)

    def show_rows(self, rows: Sequence[Any]) -> None:
        """Fill the queue, keeping the selected record selected."""
        self.model.set_rows(rows)
        if self._selected_id is not None:
            self.select_id(self._selected_id)

    def select_id(self, record_id: int) -> bool:
        """Select the record in the queue; False when it is not loaded or filtered out."""
        source_row = self.model.row_where(lambda r: getattr(r, "id", None) == record_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, self._ref_column))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        return True

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        row = self.proxy.data(indexes[0], ROW_ROLE)
        record_id = getattr(row, "id", None)
        if not isinstance(record_id, int):
            return
        self._selected_id = record_id
        self.reload_detail()

    def reload_detail(self) -> None:
        """The selected record's detail, keyed: a slower reply for an older selection is
        dropped by the runner."""
        if self._selected_id is not None:
            self._tasks.run(self.fetch_detail(self._selected_id), on_done=self.show_detail,
                            key=self._detail_key)

    def fetch_detail(self, record_id: int) -> Callable[[], Any]:
        raise NotImplementedError

    def show_detail(self, detail: Any) -> None:
        raise NotImplementedError
