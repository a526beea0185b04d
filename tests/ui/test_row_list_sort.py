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
