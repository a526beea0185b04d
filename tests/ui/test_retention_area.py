"""The Retention area driven as an officer would, over a real encrypted store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from privdesk.services.container import Services
from privdesk.services.context import Actor
from privdesk.services.demo import DemoDataService
from privdesk.ui.retention import RetentionArea
from privdesk.ui.retention.calendar import to_qdate
from privdesk.ui.retention.models import COL_DUE, COL_NAME, COL_RULE, COL_WHEN
from privdesk.ui.retention.purge_dialog import PurgeReviewDialog
from privdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY
from tests.retention_helpers import add_contact

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def shoot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def settle(qtbot: Any, tasks: TaskRunner) -> None:
    qtbot.waitUntil(lambda: not tasks.busy, timeout=20000)


@pytest.fixture
def tasks() -> TaskRunner:
    return TaskRunner()


def make_area(qtbot: Any, services: Services, tasks: TaskRunner) -> RetentionArea:
    area = RetentionArea(services.retention, services.purge, services.ctx, tasks)
    qtbot.addWidget(area)
    area.resize(1280, 760)
    area.show()
    area.refresh()
    settle(qtbot, tasks)
    return area


def select_row(table: Any, row: int) -> None:
    """Select one row through the selection model (QTableView.selectRow reads the live
    keyboard modifiers, and an earlier test's Shift+click can leave Shift looking held)."""
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().select(table.model().index(row, 0), flags)


def cell_centre(area: RetentionArea, day: date) -> QPoint:
    """Where a day is drawn in the calendar's grid (Monday-first, header row 0)."""
    view = area.calendar.view
    assert view is not None
    first = date(day.year, day.month, 1)
    offset = first.weekday() or 7  # Qt shows a few days of the previous month first
    index = offset + day.day - 1
    row, col = 1 + index // 7, index % 7
    return view.visualRect(view.model().index(row, col)).center()


def test_calendar_counts_day_and_range_selection(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    ctx = services.ctx
    for _ in range(3):
        add_contact(ctx, "Dec First", last_activity=date(2025, 12, 1))
    add_contact(ctx, "Dec Third", status="former_customer", last_activity=None,
                ceased=date(2019, 12, 3))
    add_contact(ctx, "Overdue Olga", last_activity=TODAY - timedelta(days=380))
    area = make_area(qtbot, services, tasks)
    assert "1</b> overdue" in area.summary_label.text()
    area.calendar.setCurrentPage(2026, 12)
    settle(qtbot, tasks)
    assert area.calendar.count_on(date(2026, 12, 1)) == 3
    assert area.calendar.count_on(date(2026, 12, 3)) == 1

    view = area.calendar.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(area, date(2026, 12, 1)))
    settle(qtbot, tasks)
    assert area.calendar.selected_range == (date(2026, 12, 1), date(2026, 12, 1))
    model = area.selected_list.model
    assert model.rowCount() == 3
    assert model.index(0, COL_RULE).data() == "Enquiry, no contract (12 months)"
    assert model.index(0, COL_DUE).data() == "Tue 1 Dec 2026"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, cell_centre(area, date(2026, 12, 3)))
    settle(qtbot, tasks)
    assert area.calendar.selected_range == (date(2026, 12, 1), date(2026, 12, 3))
    assert model.rowCount() == 4
    assert model.index(3, COL_RULE).data() == "Former customer (7 years)"
    assert area.from_date.date() == to_qdate(date(2026, 12, 1))
    assert area.overdue_list.model.index(0, COL_WHEN).data() == "15 days overdue"
    assert area.overdue_list.model.index(0, COL_WHEN).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert area.list_30.model.rowCount() == 5  # overdue included
    add_contact(ctx, "Jan Second", last_activity=date(2026, 1, 2))
    area.calendar.showNextMonth()  # the view asks for the new month's counts
    settle(qtbot, tasks)
    assert area.calendar.count_on(date(2027, 1, 2)) == 1
    # every role of every cell answers without error
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            for role in range(0, 20):
                model.index(r, c).data(role)


def test_purge_review_needs_typed_confirmation_and_runs(qtbot: Any, services: Services,
                                                       tasks: TaskRunner, tmp_path: Path) -> None:
    ctx = services.ctx
    due = [add_contact(ctx, f"Due {i}", last_activity=TODAY - timedelta(days=400 + i),
                       interactions=2, history=1) for i in range(3)]
    add_contact(ctx, "Not Due", last_activity=TODAY - timedelta(days=3))
    area = make_area(qtbot, services, tasks)
    area.tabs.setCurrentIndex(1)
    select_row(area.overdue_list.table, 0)
    area.review_purge()  # one selected contact: the review covers just that one
    qtbot.waitUntil(lambda: getattr(area, "purge_dialog", None) is not None, timeout=10000)
    assert area.purge_dialog.model.rowCount() == 1
    area.purge_dialog.close()
    preview = services.purge.preview_due()
    dialog = PurgeReviewDialog(preview, services.purge, tasks, services.ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 3
    assert dialog.total_labels["interactions"].text() == "6"
    assert dialog.status.textFormat() == Qt.TextFormat.PlainText  # names as typed
    assert not dialog.delete_button.isEnabled()
    dialog.confirm.setText("2")
    assert not dialog.delete_button.isEnabled()
    dialog.delete_button.click()  # ignored while not confirmed
    assert ctx.store.table_counts(["contacts"])["contacts"] == 4
    qtbot.keyClicks(dialog.confirm, "\b3")
    dialog.confirm.setText("3")
    assert dialog.delete_button.isEnabled()
    with qtbot.waitSignal(dialog.purged, timeout=20000):
        dialog.delete_button.click()
    assert ctx.store.table_counts(["contacts", "tombstones"]) == {"contacts": 1, "tombstones": 3}
    assert dialog.status.text().startswith(  # words, not "contact(s)" (QA walk)
        "Deleted 3 contacts, 6 interactions, 0 disclosures, 3 history entries and 0 stored "
        "documents; 3 tombstones left."), dialog.status.text()
    assert dialog.save_button.isVisible()
    report = tmp_path / "report.json"
    dialog.save_report_to(report)
    settle(qtbot, tasks)
    assert report.exists() and "Due 1" not in report.read_text()
    assert due


def test_viewer_sees_but_cannot_act(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    add_contact(services.ctx, last_activity=TODAY - timedelta(days=400))
    viewer = Services.build(replace(services.ctx, actor=Actor("Jo Lewis", "viewer")))
    area = make_area(qtbot, viewer, tasks)
    assert not area.purge_button.isEnabled() and "viewer" in area.purge_button.toolTip()
    assert not area.hold_button.isEnabled()
    dialog = PurgeReviewDialog(viewer.purge.preview_due(), viewer.purge, tasks, viewer.ctx)
    qtbot.addWidget(dialog)
    dialog.confirm.setText("1")
    assert not dialog.delete_button.isEnabled()


def test_hostile_names_do_not_break_the_lists(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    add_contact(services.ctx, "<b>bold</b>\u202eevil\n" + "x" * 10_000,
                last_activity=TODAY - timedelta(days=400))
    area = make_area(qtbot, services, tasks)
    name = area.overdue_list.model.index(0, COL_NAME).data()
    assert len(name) <= 200 and "\n" not in name


@pytest.mark.screenshot
def test_screenshots_with_demo_data(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    DemoDataService(services.ctx).generate(contacts=500)
    area = make_area(qtbot, services, tasks)
    area.calendar.setCurrentPage(2026, 12)
    settle(qtbot, tasks)
    area.calendar.select_range(date(2026, 12, 1), date(2026, 12, 4))
    settle(qtbot, tasks)
    assert sum(area.calendar.count_on(date(2026, 12, d)) for d in range(1, 32)) > 0
    assert area.selected_list.model.rowCount() > 0
    shoot(area, "retention-calendar")
    area.tabs.setCurrentIndex(3)
    shoot(area, "retention-next-90")
    preview = services.purge.preview_due()
    dialog = PurgeReviewDialog(preview, services.purge, tasks, services.ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.confirm.setText(str(len(preview.items)))
    shoot(dialog, "retention-purge-review")

    from privdesk.ui.areas import build_areas
    from privdesk.ui.main_window import MainWindow

    window = MainWindow(build_areas(services, tasks), "demo.privdesk", "Alex Morgan")
    qtbot.addWidget(window)
    window.resize(1400, 820)
    window.show()
    window.show_area("retention")
    settle(qtbot, tasks)
    assert isinstance(window.area("retention"), RetentionArea)
    shoot(window, "retention-main-window")


def test_legal_hold_from_the_area(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    cid = add_contact(services.ctx, "Hana Hold", last_activity=TODAY - timedelta(days=400))
    area = make_area(qtbot, services, tasks)
    area.tabs.setCurrentIndex(1)  # Overdue
    assert area.overdue_list.model.rowCount() == 1
    select_row(area.overdue_list.table, 0)
    area.edit_hold()
    qtbot.waitUntil(lambda: getattr(area, "hold_dialog", None) is not None
                    and area.hold_dialog.isVisible(), timeout=10000)
    dialog = area.hold_dialog
    assert not dialog.lift.isVisible()
    dialog.save.click()  # no reason yet: refused in plain words, dialog stays
    assert dialog.isVisible() and "reason" in dialog.error.text()
    dialog.reason.setPlainText("Employment tribunal claim")
    dialog.open_ended.setChecked(True)
    shoot(dialog, "retention-legal-hold")
    dialog.save.click()
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: area.overdue_list.model.rowCount() == 0, timeout=10000)
    hold = services.retention.hold(cid)
    assert hold.active and hold.until is None and hold.due is None
    # Lift it from the selected-day list (a held contact with a date shows there too):
    services.retention.set_hold(cid, "Claim", TODAY + timedelta(days=10))
    area.calendar.select_range(TODAY + timedelta(days=10), TODAY + timedelta(days=10))
    settle(qtbot, tasks)
    area.tabs.setCurrentIndex(0)
    assert area.selected_list.model.index(0, COL_RULE).data() == "Legal hold"
    select_row(area.selected_list.table, 0)
    area.edit_hold()
    qtbot.waitUntil(lambda: area.hold_dialog is not dialog and area.hold_dialog.isVisible(),
                    timeout=10000)
    assert area.hold_dialog.lift.isVisible()
    area.hold_dialog.lift.click()
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: area.overdue_list.model.rowCount() == 1, timeout=10000)
    assert not services.retention.hold(cid).active


def test_erasure_dialog_confirms_then_erases(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    from privdesk.ui.retention.erasure_dialog import ErasureDialog
    from tests.retention_helpers import add_request

    cid = add_contact(services.ctx, "Ezra Erase", last_activity=TODAY, email="ezra@example.com",
                      disclosures=("optex_japan",), interactions=2)
    add_request(services.ctx, "DSR-2026-0101", (cid,))
    preview = services.erasure.preview((), "DSR-2026-0101")
    dialog = ErasureDialog(services.erasure, tasks, preview, services.ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.go.text() == "Erase" and not dialog.go.isEnabled()
    dialog.exempt["legal_claims"][0].setChecked(True)
    assert dialog.go.text() == "Record exemptions" and dialog.go.isEnabled()
    dialog.exempt["legal_claims"][0].setChecked(False)
    dialog.understand.setChecked(True)
    shoot(dialog, "retention-erasure")
    with qtbot.waitSignal(dialog.erased, timeout=20000) as blocker:
        dialog.go.click()
    result = blocker.args[0]
    assert result.erased and result.recipients_told == ("Optex Japan",)
    assert "Tell: Optex Japan" in dialog.status.text()
    # Names and recipients as typed: markup in one would show as written, not render.
    assert dialog.status.textFormat() == Qt.TextFormat.PlainText
    assert services.suppression.is_suppressed("EZRA@example.com", None)
