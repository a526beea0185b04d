"""The queue model and proxy on their own, without widgets (rows built by hand)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from privdesk.domain.deadlines import WorkingDays
from privdesk.services.request_records import RequestRow
from privdesk.ui.requests.queue_model import (
    COL_ASSIGNEE,
    COL_COUNTDOWN,
    COL_DUE,
    COL_REF,
    COL_REQUESTER,
    HEADERS,
    SORT_ROLE,
    RequestFilterProxy,
    RequestQueueModel,
)

TODAY = date(2026, 11, 24)


def row(rid: int, due: date | None, status: str = "in_progress", **kw: Any) -> RequestRow:
    values: dict[str, Any] = dict(
        id=rid, reference=f"SAR-2026-{rid:04d}", type="access", channel="email", status=status,
        requester_name=f"Person {rid}", received=date(2026, 11, 1), due=due,
        clock_state="running" if due else "awaiting_id", assignee=None, responded_on=None,
        late=None, as_of=TODAY, days_left=None, working_days_left=None)
    values.update(kw)
    return RequestRow(**values)


def test_every_role_is_answered_or_none(qapp: Any) -> None:
    model = RequestQueueModel(lambda: TODAY, WorkingDays("ENG"))
    model.set_rows([row(1, date(2026, 12, 1)), row(2, None, "awaiting_id")])
    assert model.rowCount() == 2 and model.columnCount() == len(HEADERS)
    assert model.rowCount(model.index(0, 0)) == 0  # a table, not a tree
    assert model.headerData(COL_DUE, Qt.Orientation.Horizontal) == "Due"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(5, 0)) is None
    for col in range(len(HEADERS)):
        for role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.EditRole,
                     Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.SizeHintRole):
            assert model.data(model.index(0, col), role) is None
    assert model.data(model.index(0, COL_COUNTDOWN)) == "5 working days left"
    assert "7 calendar days, 5 working days" in model.data(model.index(0, COL_COUNTDOWN),
                                                          Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, COL_DUE)) == "—"
    assert model.data(model.index(1, COL_ASSIGNEE)) == "Unassigned"


def test_none_is_not_leaked_by_many_data_calls(qapp: Any) -> None:
    model = RequestQueueModel(lambda: TODAY, WorkingDays("ENG"))
    model.set_rows([row(1, date(2026, 12, 1))])
    index = model.index(0, COL_REF)
    before = sys.getrefcount(None)
    for _ in range(5000):
        model.data(index, Qt.ItemDataRole.DecorationRole)
    assert sys.getrefcount(None) >= before - 50


def test_proxy_sorts_by_due_with_undated_and_closed_last(qapp: Any) -> None:
    model = RequestQueueModel(lambda: TODAY, WorkingDays("ENG"))
    model.set_rows([
        row(1, None, "awaiting_id"), row(2, date(2026, 12, 9)), row(3, date(2026, 11, 20)),
        row(4, date(2026, 10, 1), "closed", responded_on=date(2026, 9, 30), late=False),
        row(5, date(2026, 11, 30), assignee="Priya Shah", requester_name="x" * 200),
    ])
    proxy = RequestFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filters(None, None, None)
    proxy.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, COL_REF).data()[-1] for r in range(proxy.rowCount())] == list("35214")
    assert proxy.index(4, COL_COUNTDOWN).data() == "Answered on time"
    assert proxy.index(1, COL_REQUESTER).data().endswith("…")
    assert isinstance(proxy.index(0, COL_DUE).data(SORT_ROLE), int)
    proxy.set_filters(RequestFilterProxy.OPEN, None, "Priya Shah")
    assert proxy.rowCount() == 1
