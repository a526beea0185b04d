"""The register as a lazy table: it holds only the ids of the rows the view has reached
(fetched in chunks as the officer scrolls) and a bounded cache of pages of rows, so a
million contacts cost a few megabytes. Sorting and filtering happen in SQL.

Typing is the hot path. Each keystroke's search brings back, with its ids, only the
first screenful of rows, already turned into the texts the table shows (table_lines,
on the worker thread); the new result then replaces the rows in place (rows changed,
added or removed) rather than resetting the model, and data() is tuple lookups."""

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

from privdesk.domain.contact_records import ContactQuery, ContactRow, IdPage
from privdesk.services.contacts import ContactService
from privdesk.ui.contacts.table_lines import (
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
    MAX_CELL,
    OPTED_OUT,
    Line,
    lines_for,
)
from privdesk.ui.contacts.table_lines import format_date as format_date  # re-exported
from privdesk.ui.tasks import TaskRunner

__all__ = ["COL_COMPANY", "COL_EMAIL", "COL_LAST_ACTIVITY", "COL_LOCATION", "COL_NAME",
           "COL_OPT_OUT", "COL_PHONE", "COL_RETENTION_DUE", "COL_SOURCE", "COL_STATUS",
           "MAX_CELL", "OPTED_OUT", "ContactTableModel", "format_date"]

# (header, the ContactRow field SQL sorts on)
COLUMNS = {COL_NAME: ("Name", "name"), COL_EMAIL: ("Email", "email"),
           COL_PHONE: ("Phone", "phone"), COL_COMPANY: ("Company", "company"),
           COL_LOCATION: ("Location", "location"), COL_STATUS: ("Status", "status"),
           COL_SOURCE: ("Source", "source"), COL_LAST_ACTIVITY: ("Last activity", "last_activity"),
           COL_OPT_OUT: ("Marketing", "marketing_opt_out"),
           COL_RETENTION_DUE: ("Retention due", "retention_due")}
LAST_COL = len(COLUMNS) - 1
ID_ROLE = Qt.ItemDataRole.UserRole + 1
OPT_OUT_FG, OPT_OUT_BG = QColor("#a1251b"), QColor("#fdecea")
OVERDUE_FG = QColor("#a1251b")
OPT_OUT_TIP = "Objected to direct marketing: never contact for marketing"
_R = Qt.ItemDataRole
_DISPLAY, _DECORATION, _TOOLTIP = _R.DisplayRole.value, _R.DecorationRole.value, _R.ToolTipRole.value
_FOREGROUND, _BACKGROUND, _FONT = _R.ForegroundRole.value, _R.BackgroundRole.value, _R.FontRole.value
_ACCESSIBLE = _R.AccessibleTextRole.value
_ID = ID_ROLE.value if hasattr(ID_ROLE, "value") else int(ID_ROLE)
_STYLE = frozenset({_DECORATION, _FOREGROUND, _BACKGROUND, _FONT})
_TEXT = frozenset({_TOOLTIP, _ACCESSIBLE})
MAX_CHUNK = 100_000  # ids per fetchMore at most (800 KB)
# Rows per page of the cache, and what a keystroke's search brings with its ids: a
# screenful (a 1080p window shows ~30 rows of 28 px), not 200 rows to decrypt and build.
PAGE_ROWS = 50

class ContactTableModel(QAbstractTableModel):
    loaded = Signal(int, bool)  # total matches, whether the count was capped
    failed = Signal(object)
    # A new result replaced the rows in place; True when it answers a different query
    # (the view then goes back to the top), False for a refresh of the same one.
    replaced = Signal(bool)

    def __init__(self, contacts: ContactService, tasks: TaskRunner,
                 source_label: Callable[[str], str], today: Callable[[], date],
                 chunk: int = 1000, page_size: int = PAGE_ROWS, max_pages: int = 120) -> None:
        super().__init__()
        self._contacts, self._tasks = contacts, tasks
        self._source_label, self._today = source_label, today
        self._chunk, self._page_size, self._max_pages = chunk, page_size, max_pages
        self._ids = array("q")
        self._total = 0
        self._capped = False
        self._query = ContactQuery()
        self._shown_query: ContactQuery | None = None
        self._generation = 0
        self._fetching = False
        self._pages: OrderedDict[int, list[Line | None]] = OrderedDict()
        self._pending: set[int] = set()
        # Rows looked up since the pages last changed: data() answers from here with one
        # dict lookup (it is called ~1,700 times per paint of the table).
        self._by_row: dict[int, Line] = {}
        self._brushes = {"opt_out_fg": QBrush(OPT_OUT_FG), "opt_out_bg": QBrush(OPT_OUT_BG),
                         "overdue": QBrush(OVERDUE_FG)}
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading -----------------------------------------------------------------------
    @property
    def query(self) -> ContactQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def shown_query(self) -> ContactQuery | None:
        """The query whose result the rows hold now (`query` may still be in flight)."""
        return self._shown_query

    def set_query(self, query: ContactQuery) -> None:
        """Ask for a new result set; replies to older queries are dropped."""
        self._query = query
        self._generation += 1
        generation = self._generation
        contacts, size, first, label = self._contacts, self._chunk, self._page_size, self._source_label

        def work() -> tuple[IdPage, list[Line | None]]:
            page = contacts.search_ids(query, 0, size)
            ids = list(page.ids[:first])
            return page, lines_for(ids, contacts.rows(ids), label)

        self._tasks.run(work, on_done=lambda r: self._replace(generation, query, *r),
                        on_error=self.failed.emit)

    def refresh(self) -> None:
        self.set_query(self._query)

    def _replace(self, generation: int, query: ContactQuery, page: IdPage,
                 first: list[Line | None]) -> None:
        """Put the new result in place of the old: the rows both have change in place,
        the difference is inserted or removed. No model reset, so the view keeps its
        header, scroll bar and geometry and only repaints."""
        if generation != self._generation:
            return
        ids = array("q", page.ids)
        old, new = len(self._ids), len(ids)
        self._pages.clear()
        self._pending.clear()
        self._by_row.clear()
        self._fetching = False
        if first:
            self._pages[0] = first
        if new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            self._ids = ids
            self.endRemoveRows()
        elif new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self._ids = ids
            self.endInsertRows()
        else:
            self._ids = ids
        self._total, self._capped = page.total, page.capped
        kept = min(old, new)
        if kept:
            self.dataChanged.emit(self.index(0, 0), self.index(kept - 1, LAST_COL))
        same = query == self._shown_query
        self._shown_query = query
        self.replaced.emit(not same)
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

    def _line(self, row: int) -> Line | None:
        if not 0 <= row < len(self._ids):
            return None
        number = row // self._page_size
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            at = row - number * self._page_size
            line = page[at] if at < len(page) else None
            if line is not None:
                self._by_row[row] = line
            return line
        if number not in self._pending:
            self._load_page(number)
        return None

    def _load_page(self, number: int) -> None:
        self._pending.add(number)
        generation = self._generation
        start = number * self._page_size
        ids = list(self._ids[start:start + self._page_size])
        contacts, label = self._contacts, self._source_label
        self._tasks.run(lambda: lines_for(ids, contacts.rows(ids), label),
                        on_done=lambda lines: self._page_loaded(generation, number, lines),
                        on_error=self.failed.emit)

    def _page_loaded(self, generation: int, number: int, lines: list[Line | None]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(number)
        self._pages[number] = lines
        if len(self._pages) > self._max_pages:
            # The rows answered from _by_row were used without touching their page:
            # count them as used now, so a page on screen is never the one dropped.
            for used in {row // self._page_size for row in self._by_row}:
                if used in self._pages:
                    self._pages.move_to_end(used)
            self._pages.move_to_end(number)
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
            self._by_row.clear()
        start = number * self._page_size
        end = min(len(self._ids), start + self._page_size) - 1
        if end >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(end, LAST_COL))

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
        line = self._line(row) if 0 <= row < len(self._ids) else None
        return line.record if line is not None else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort, descending = (COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder) \
            if column in COLUMNS else ("", False)  # -1: no column, the natural order
        if (sort, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=sort, descending=descending))

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked about seven roles for every visible cell on every paint (~1,700 calls):
        # roles arrive as plain ints (a PySide enum comparison costs ~1 µs), the texts
        # were made when the row arrived, a row seen since the pages last changed is one
        # dict lookup, and a row with no opt-out or due date answers style roles at once.
        if role == _DISPLAY:
            row = index.row()
            line = self._by_row.get(row) or self._line(row)
            if line is None:
                return "…" if index.column() == COL_NAME and 0 <= row < len(self._ids) else None
            return line.shown[index.column()]
        if role in _STYLE:
            row = index.row()
            line = self._by_row.get(row) or self._line(row)
            if line is None or not line.styled:
                return None
            return self._style(line, index.column(), role)
        if role in _TEXT:
            line = self._line(index.row())
            return None if line is None else self._tip(line, index.column(), role)
        if role == _ID:
            row = index.row()
            return int(self._ids[row]) if 0 <= row < len(self._ids) else None
        return None

    def _style(self, line: Line, col: int, role: int) -> Any:
        if role == _FOREGROUND:
            if col == COL_OPT_OUT and line.opted_out:
                return self._brushes["opt_out_fg"]
            if col == COL_RETENTION_DUE and line.due is not None and line.due <= self._today():
                return self._brushes["overdue"]
            return None
        if not line.opted_out:
            return None
        if role == _DECORATION:
            # A red swatch by the name too, so an opt-out shows even when the
            # Marketing column is scrolled out of view.
            return OPT_OUT_FG if col == COL_NAME else None
        if role == _BACKGROUND:
            return self._brushes["opt_out_bg"] if col == COL_OPT_OUT else None
        return self._bold if col == COL_OPT_OUT else None  # FontRole

    @staticmethod
    def _tip(line: Line, col: int, role: int) -> Any:
        text = line.full[col]
        if role == _ACCESSIBLE:
            return text[:MAX_CELL]
        if col in (COL_OPT_OUT, COL_NAME) and line.opted_out:
            return OPT_OUT_TIP
        return text[:2000] if len(text) > 30 else None
