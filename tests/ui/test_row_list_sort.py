"""The shared table base's sort role (#18): numbers and dates sort as such, not as text."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from privdesk.services.purge import PurgeCounts, PurgeItem
from privdesk.ui.models.row_list import SORT_ROLE
from privdesk.ui.retention.models import P_COL_DUE, P_COL_ID, P_COL_NAME, PurgePreviewModel


def test_ids_and_dates_sort_by_value_through_a_proxy(qapp: Any) -> None:
    items = [PurgeItem(n, f"Person {n}", "enquiry", "Enquiry", due, PurgeCounts())
             for n, due in ((9, date(2026, 12, 1)), (10, date(2026, 11, 2)), (100, None))]
    model = PurgePreviewModel(items)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(P_COL_ID, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, P_COL_ID).data() for r in range(3)] == ["9", "10", "100"]  # not "10" < "9"
    proxy.sort(P_COL_DUE, Qt.SortOrder.AscendingOrder)
    due = [proxy.index(r, P_COL_ID).data() for r in range(3)]
    assert due.index("10") < due.index("9")  # 2 Nov before 1 Dec, though "1 Dec" < "2 Nov" as text
    assert model.index(0, P_COL_NAME).data(SORT_ROLE) == "Person 9"  # text columns: the text


def test_every_list_model_shares_the_base_and_its_roles(qapp: Any) -> None:
    """The queue, the breach register, pack items and text rows are all RowListModels:
    one set of counts/headers, the record through ROW_ROLE, values through SORT_ROLE."""
    from datetime import datetime

    from privdesk.services.breach_records import BreachRow
    from privdesk.ui.breaches.model import COL_AWARE, COL_PEOPLE, BreachTableModel
    from privdesk.ui.contacts.widgets import TextRowsModel
    from privdesk.ui.models.row_list import ROW_ROLE, RowListModel
    from privdesk.ui.packs.items_model import PackItemsModel
    from privdesk.ui.requests.queue_model import RequestQueueModel

    for cls in (RequestQueueModel, BreachTableModel, PackItemsModel, TextRowsModel):
        assert issubclass(cls, RowListModel), cls
        assert "rowCount" not in vars(cls) and "headerData" not in vars(cls), cls

    def breach(n: int, people: int | None, aware: datetime) -> BreachRow:
        return BreachRow(n, f"BR-{n}", aware, "Europe/London", "Lost laptop", people, "open",
                         None, None, None)

    rows = [breach(1, 900, datetime(2026, 11, 9, 9)), breach(2, None, datetime(2026, 11, 10, 9)),
            breach(3, 80, datetime(2026, 11, 1, 9))]
    model = BreachTableModel(lambda: datetime(2026, 11, 11, 9))
    model.set_rows(rows)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(COL_PEOPLE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ROW_ROLE).id for r in range(3)] == [3, 1, 2]  # 80 < 900 < ?
    proxy.sort(COL_AWARE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ROW_ROLE).id for r in range(3)] == [3, 1, 2]
    assert model.headerData(99, Qt.Orientation.Horizontal) is None

    text = TextRowsModel(["Line", "Reason"], [("2", "bad date"), ("10", "no name")])
    assert text.columnCount() == 2 and text.headerData(1, Qt.Orientation.Horizontal) == "Reason"
    assert text.index(1, 1).data(ROW_ROLE) == ("10", "no name")
