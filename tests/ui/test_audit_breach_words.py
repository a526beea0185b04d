"""The Audit area reads a breach's events in words (QA walk: 'Breach: decide ico',
'Breach #1' and 'not_notify' were shown as the trail stores them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from privdesk.services.container import Services
from privdesk.ui.audit_area import AuditArea
from privdesk.ui.tasks import TaskRunner
from tests.unit.test_breaches_service import _new


def _rows(area: AuditArea) -> list[list[str]]:
    model = area.model
    return [[str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) or "")
             for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_breach_events_read_in_words(qtbot: Any, services: Services) -> None:
    ref = services.breaches.add(_new()).reference
    services.breaches.decide_ico(ref, notify=False, reasons="Encrypted disk; key not with it.")
    services.breaches.decide_people(ref, tell=True, reasons="Bank details were on it.")
    services.breaches.close(ref, note="Laptop wiped; staff retrained.")
    tasks = TaskRunner()
    area = AuditArea(services.audit, services.ctx, tasks)
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() >= 4)
    rows = [r for r in _rows(area) if r[4].startswith("Breach")]
    tasks.wait()
    actions = {r[3] for r in rows}
    assert actions == {"Recorded a breach", "Decided whether to notify the ICO",
                       "Decided whether to tell the people affected", "Closed a breach"}
    assert {r[4] for r in rows} == {f"Breach {ref}"}
    details = {r[3]: r[6] for r in rows}
    assert details["Decided whether to notify the ICO"] == "Not notifying the ICO"
    assert details["Decided whether to tell the people affected"] == "Tell the people affected"
    for row in rows:
        assert "_" not in " ".join(row), row
    metrics = area.table.fontMetrics()
    for col, text in ((3, "Decided whether to notify the ICO"), (4, "Request SAR-2026-0041"),
                      (5, "Outcome")):
        assert area.table.columnWidth(col) > metrics.horizontalAdvance(text) + 8, text
