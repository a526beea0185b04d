"""The register as a lazy table: it holds only the ids of the rows the view has reached
(fetched in chunks as the officer scrolls) and a bounded cache of pages of rows, so a
million contacts cost a few megabytes. Sorting and filtering happen in SQL."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from privdesk.domain.contact_records import STATUS_LABELS, ContactQuery, ContactRow, IdPage
from privdesk.domain.dates import short_date
from privdesk.domain.display import without_bidi_controls
from privdesk.services.contacts import ContactService
from privdesk.ui.tasks import TaskRunner

(COL_NAME, COL_EMAIL, COL_PHONE, COL_COMPANY, COL_LOCATION, COL_STATUS, COL_SOURCE,
 COL_LAST_ACTIVITY, COL_OPT_OUT, COL_RETENTION_DUE) = range(10)
# (header, the ContactRow field SQL sorts on)
COLUMNS = {COL_NAME: ("Name", "name"), COL_EMAIL: ("Email", "email"),
           COL_PHONE: ("Phone", "phone"), COL_COMPANY: ("Company", "company"),
           COL_LOCATION: ("Location", "location"), COL_STATUS: ("Status", "status"),
           COL_SOURCE: ("Source", "source"), COL_LAST_ACTIVITY: ("Last activity", "last_activity"),
           COL_OPT_OUT: ("Marketing", "marketing_opt_out"),
           COL_RETENTION_DUE: ("Retention due", "retention_due")}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
OPTED_OUT = "Opted out"
OPT_OUT_FG, OPT_OUT_BG = QColor("#a1251b"), QColor("#fdecea")
OVERDUE_FG = QColor("#a1251b")
_R = Qt.ItemDataRole
_DISPLAY, _DECORATION, _TOOLTIP = _R.DisplayRole.value, _R.DecorationRole.value, _R.ToolTipRole.value
_FOREGROUND, _BACKGROUND, _FONT = _R.ForegroundRole.value, _R.BackgroundRole.value, _R.FontRole.value
_ID = ID_ROLE.value if hasattr(ID_ROLE, "value") else int(ID_ROLE)
_ANSWERED = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _BACKGROUND, _FONT,
                       _R.AccessibleTextRole.value, _ID})
MAX_CHUNK = 100_000  # ids per fetchMore at most (800 KB)
MAX_CELL = 200  # a 10,000-character name is shown cut, with the whole in the tooltip

Pager = Callable[[ContactQuery, int, int], tuple[IdPage, list[ContactRow]]]


def format_date(d: date | None) -> str:
    return short_date(d)


class ContactTableModel(QAbstractTableModel):
    loaded = Signal(int, bool)  # total matches, whether the count was capped
    failed = Signal(object)

    def __init__(self, contacts: ContactService, tasks: TaskRunner,
                 source_label: Callable[[str], str], today: Callable[[], date],
                 chunk: int = 1000, page_size: int = 200, max_pages: int = 30) -> None:
        super().__init__()
        self._contacts, self._tasks = contacts, tasks
        self._source_label, self._today = source_label, today
        self._chunk, self._page_size, self._max_pages = chunk, page_size, max_pages
        self._ids = array("q")
        self._total = 0
        self._capped = False
        self._query = ContactQuery()
        self._generation = 0
        self._fetching = False
        self._pages: OrderedDict[int, dict[int, ContactRow]] = OrderedDict()
        self._pending: set[int] = set()

    # -- loading -----------------------------------------------------------------------
    @property
    def query(self) -> ContactQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def set_query(self, query: ContactQuery) -> None:
        """Ask for a new result set; replies to older queries are dropped."""
        self._query = query
        self._generation += 1
        generation = self._generation
        contacts, size = self._contacts, self._chunk

        def work() -> tuple[IdPage, list[ContactRow]]:
            page = contacts.search_ids(query, 0, size)
            return page, contacts.rows(page.ids[:self._page_size])

        self._tasks.run(work, on_done=lambda r: self._reset(generation, *r),
                        on_error=self.failed.emit)

    def refresh(self) -> None:
        self.set_query(self._query)

    def _reset(self, generation: int, page: IdPage, first: list[ContactRow]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = array("q", page.ids)
        self._total, self._capped = page.total, page.capped
        self._pages.clear()
        self._pending.clear()
        self._fetching = False
        if first:
            self._pages[0] = {r.id: r for r in first}
        self.endResetModel()
        self.loaded.emit(self._total, self._capped)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and not self._fetching and len(self._ids) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        generation, query, offset = self._generation, self._query, len(self._ids)
        # Each fetch costs a count and an OFFSET walk of the sort index (~0.3 s at 1M),
        # so the chunk doubles with what is loaded (ids are 8 bytes each): the end of a
        # million rows is ~17 fetches away, not a thousand.
        contacts, size = self._contacts, min(MAX_CHUNK, max(self._chunk, offset))
        self._tasks.run(lambda: contacts.search_ids(query, offset, size),
                        on_done=lambda p: self._append(generation, offset, p),
                        on_error=self.failed.emit)

    def _append(self, generation: int, offset: int, page: IdPage) -> None:
        if generation != self._generation or offset != len(self._ids):
            return
        self._fetching = False
        if not page.ids:
            self._total = len(self._ids)  # rows vanished meanwhile: stop asking
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(page.ids) - 1)
        self._ids.extend(page.ids)
        self.endInsertRows()

    def _row(self, row: int) -> ContactRow | None:
        number = row // self._page_size
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page.get(self._ids[row])
        if number not in self._pending:
            self._load_page(number)
        return None

    def _load_page(self, number: int) -> None:
        self._pending.add(number)
        generation = self._generation
        start = number * self._page_size
        ids = list(self._ids[start:start + self._page_size])
        contacts = self._contacts
        self._tasks.run(lambda: contacts.rows(ids),
                        on_done=lambda rows: self._page_loaded(generation, number, rows),
                        on_error=self.failed.emit)

    def _page_loaded(self, generation: int, number: int, rows: list[ContactRow]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(number)
        self._pages[number] = {r.id: r for r in rows}
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)
        start = number * self._page_size
        end = min(len(self._ids), start + self._page_size) - 1
        if end >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(end, len(COLUMNS) - 1))

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0] if section in COLUMNS else None
        return None

    def contact_id(self, row: int) -> int | None:
        return int(self._ids[row]) if 0 <= row < len(self._ids) else None

    def row_record(self, row: int) -> ContactRow | None:
        return self._row(row) if 0 <= row < len(self._ids) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort, descending = (COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder) \
            if column in COLUMNS else ("", False)  # -1: no column, the natural order
        if (sort, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=sort, descending=descending))

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~10 times per visible cell on every paint: roles are compared as plain
        # ints (a PySide enum comparison costs ~1 µs) and roles never answered leave
        # before the row is looked up. Halves the Python time of a repaint.
        role = int(role)
        if role not in _ANSWERED or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._ids):
            return None
        if role == _ID:
            return int(self._ids[row])
        record = self._row(row)
        col = index.column()
        if record is None:
            return "…" if role == _DISPLAY and col == 0 else None
        opted_out = record.marketing_opt_out
        if role == _DISPLAY:
            text = self._text(record, col)
            return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"
        if role == _FOREGROUND:
            if col == COL_OPT_OUT and opted_out:
                return QBrush(OPT_OUT_FG)
            due = record.retention_due
            if col == COL_RETENTION_DUE and due is not None and due <= self._today():
                return QBrush(OVERDUE_FG)
            return None
        if role == _DECORATION:
            # A red swatch by the name too, so an opt-out shows even when the
            # Marketing column is scrolled out of view.
            return OPT_OUT_FG if col == COL_NAME and opted_out else None
        if role == _BACKGROUND:
            return QBrush(OPT_OUT_BG) if col == COL_OPT_OUT and opted_out else None
        if role == _FONT:
            if col != COL_OPT_OUT or not opted_out:
                return None
            font = QFont()
            font.setBold(True)
            return font
        if role == _TOOLTIP:
            if col in (COL_OPT_OUT, COL_NAME) and opted_out:
                return "Objected to direct marketing: never contact for marketing"
            text = self._text(record, col)
            return text[:2000] if len(text) > 30 else None
        return self._text(record, col)[:MAX_CELL]  # AccessibleTextRole

    def _text(self, r: ContactRow, col: int) -> str:
        if col == COL_NAME:
            return without_bidi_controls(r.name)
        if col == COL_STATUS:
            return STATUS_LABELS.get(r.status, r.status)
        if col == COL_SOURCE:
            return self._source_label(r.source)
        if col == COL_LAST_ACTIVITY:
            return format_date(r.last_activity)
        if col == COL_OPT_OUT:
            return OPTED_OUT if r.marketing_opt_out else ""
        if col == COL_RETENTION_DUE:
            return format_date(r.retention_due) if r.retention_due else (
                "While customer" if r.status == "customer" else "")
        value = {COL_EMAIL: r.email, COL_PHONE: r.phone, COL_COMPANY: r.company,
                 COL_LOCATION: r.location}.get(col)
        return without_bidi_controls(value or "")
