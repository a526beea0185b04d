"""The Requests area driven as an officer would, over a real encrypted store."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel

from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.demo import DemoDataService
from privdesk.services.request_records import NewRequest
from privdesk.ui.areas import requests_services
from privdesk.ui.requests import RequestsArea
from privdesk.ui.requests.queue_model import (
    COL_COUNTDOWN,
    COL_DUE,
    COL_REF,
    COL_REQUESTER,
    URGENCY_COLOURS,
    URGENCY_ROLE,
)
from privdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY
from tests.ui.waits import settle

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
D = date


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day
        self.reads = 0  # how often the area asked (each tick reads once)

    def __call__(self) -> date:
        self.reads += 1
        return self.day


def add(services: Services, received: date, name: str = "Ada Lovelace", **kw: Any) -> str:
    return services.requests.create(NewRequest("access", received, name, **kw)).reference


def area_for(qtbot: Any, services: Services, clock: Clock | None = None, tick_ms: int = 60_000,
             ) -> tuple[RequestsArea, TaskRunner]:
    tasks = TaskRunner()
    area = RequestsArea(requests_services(services), tasks, today=clock or Clock(TODAY), tick_ms=tick_ms)
    qtbot.addWidget(area)
    area.resize(1400, 820)
    area.show()
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() > 0, timeout=10000)
    return area, tasks


def cell(area: RequestsArea, ref: str, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    for r in range(area.proxy.rowCount()):
        if area.proxy.index(r, COL_REF).data() == ref:
            return area.proxy.index(r, col).data(role)
    raise KeyError(ref)


@pytest.fixture
def queue(services: Services) -> dict[str, str]:
    return {
        "overdue": add(services, D(2026, 10, 20)),  # due Fri 20 Nov
        "today": add(services, D(2026, 10, 24)),  # due Tue 24 Nov
        "red": add(services, D(2026, 11, 1)),  # due Tue 1 Dec: 5 working days
        "amber": add(services, D(2026, 11, 8)),  # due Tue 8 Dec: 10 working days
        "green": add(services, D(2026, 11, 20)),  # due Mon 21 Dec
        "waiting": add(services, D(2026, 11, 20), id_requested=True),
    }


def test_countdown_text_and_colour_by_urgency(qtbot: Any, services: Services,
                                              queue: dict[str, str]) -> None:
    area, tasks = area_for(qtbot, services)
    expected = {
        "overdue": ("4 days overdue", "overdue"), "today": ("Due today", "red"),
        "red": ("5 working days left", "red"), "amber": ("10 working days left", "amber"),
        "green": ("19 working days left", "green"), "waiting": ("Awaiting ID", None),
    }
    for key, (text, level) in expected.items():
        ref = queue[key]
        assert cell(area, ref, COL_COUNTDOWN) == text, key
        assert cell(area, ref, COL_COUNTDOWN, URGENCY_ROLE) == level, key
        colour = cell(area, ref, COL_COUNTDOWN, Qt.ItemDataRole.BackgroundRole).color().name()
        assert colour == URGENCY_COLOURS[None if level is None else
                                         next(u for u in URGENCY_COLOURS if u and u.value == level)][0]
    # sorted by due date, soonest first; the request without a due date last
    order = [area.proxy.index(r, COL_REF).data() for r in range(area.proxy.rowCount())]
    assert order == [queue[k] for k in ("overdue", "today", "red", "amber", "green", "waiting")]
    assert area.proxy.index(0, COL_DUE).data() == "Fri 20 Nov 2026"
    assert area.strip.open.value.text() == "6" and area.strip.overdue.value.text() == "1"
    assert area.strip.due_week.value.text() == "1"
    tasks.wait()


def test_countdown_moves_live_when_the_clock_passes_midnight(qtbot: Any, services: Services,
                                                             queue: dict[str, str]) -> None:
    clock = Clock(TODAY)
    area, tasks = area_for(qtbot, services, clock, tick_ms=20)
    assert cell(area, queue["red"], COL_COUNTDOWN) == "5 working days left"
    seen: list[tuple[int, int]] = []
    area.model.dataChanged.connect(lambda tl, br, _roles=(): seen.append((tl.column(), br.column())))
    reads = clock.reads
    qtbot.waitUntil(lambda: clock.reads >= reads + 3, timeout=2000)  # three ticks, same day
    assert seen == []  # same day: nothing repainted
    with qtbot.waitSignal(area.model.dataChanged, timeout=2000) as blocker:
        clock.day = TODAY + timedelta(days=1)
    top_left, bottom_right = blocker.args[0], blocker.args[1]
    assert top_left.column() == bottom_right.column() == COL_COUNTDOWN
    assert (top_left.row(), bottom_right.row()) == (0, area.model.rowCount() - 1)
    assert cell(area, queue["red"], COL_COUNTDOWN) == "4 working days left"
    assert cell(area, queue["today"], COL_COUNTDOWN) == "1 day overdue"
    assert cell(area, queue["today"], COL_COUNTDOWN, URGENCY_ROLE) == "overdue"
    area.model.stop_ticking()
    qtbot.waitUntil(lambda: area.strip.overdue.value.text() == "2", timeout=5000)
    tasks.wait()


def test_actions_from_the_detail_pane(qtbot: Any, services: Services, queue: dict[str, str]) -> None:
    area, tasks = area_for(qtbot, services)
    detail = area.detail
    target = services.requests.get(queue["amber"]).row.id
    assert area.select_request(target)
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.row.id == target, timeout=5000)
    assert "Due Tue 8 Dec 2026." in detail.working.text()

    dialog = detail.open_action("pause")
    assert dialog is not None
    dialog.date.setDate(dialog.date.date().addDays(-4))  # asked Fri 20 Nov
    dialog.text.setPlainText("Which of your accounts?")
    dialog.submit()
    qtbot.waitUntil(lambda: detail.detail.row.status == "awaiting_clarification", timeout=5000)
    assert "Clock stopped since Fri 20 Nov 2026" in detail.countdown.text()
    assert not detail.buttons["pause"].isEnabled() and detail.buttons["resume"].isEnabled()
    qtbot.waitUntil(lambda: cell(area, queue["amber"], COL_COUNTDOWN) == "Clock stopped", timeout=5000)

    dialog = detail.open_action("resume")
    dialog.submit()  # answered today: 4 days paused, Tue 8 Dec -> Sat 12 Dec -> Mon 14 Dec
    qtbot.waitUntil(lambda: detail.detail.row.status == "in_progress", timeout=5000)
    assert detail.detail.row.due == D(2026, 12, 14)
    assert "+ 4 days paused" in detail.working.text()
    assert detail.timeline.item(0).text().endswith("(4 days paused).")

    dialog = detail.open_action("extend")
    dialog.submit()  # no reason: refused in the dialog, which stays open
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5000)
    assert "reason" in dialog.error.text() and dialog.isVisible()
    dialog.text.setPlainText("Records in three systems")
    dialog.submit()
    qtbot.waitUntil(lambda: detail.detail.row.status == "extended", timeout=5000)
    assert not detail.buttons["extend"].isEnabled()
    assert "already extended" in detail.buttons["extend"].toolTip()

    dialog = detail.open_action("assign")
    dialog.choice.setCurrentIndex(dialog.choice.findData("Test Officer"))
    dialog.submit()
    qtbot.waitUntil(lambda: detail.detail.row.assignee == "Test Officer", timeout=5000)

    dialog = detail.open_action("close")
    dialog.choice.setCurrentIndex(dialog.choice.findData("post"))
    dialog.submit()
    qtbot.waitUntil(lambda: detail.detail.row.status == "closed", timeout=5000)
    assert "on time" in detail.timeline.item(0).text()
    qtbot.waitUntil(lambda: area.strip.open.value.text() == "5", timeout=5000)
    tasks.wait()


def test_extend_after_the_original_due_date_follows_the_services_rule(
        qtbot: Any, services: Services, queue: dict[str, str]) -> None:
    """The button asks the same rule as the service: an extension decided (and the person
    told) in time may be recorded late, one dated after the original due date is refused."""
    area, tasks = area_for(qtbot, services)
    area.select_request(services.requests.get(queue["overdue"]).row.id)
    qtbot.waitUntil(lambda: area.detail.detail is not None, timeout=5000)
    assert area.detail.buttons["extend"].isEnabled()
    dialog = area.detail.open_action("extend")
    assert dialog is not None and "Fri 20 Nov 2026" in dialog.findChild(QLabel).text()
    dialog.text.setPlainText("Several systems to search")
    dialog.submit()  # dated today: too late
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert "Too late" in dialog.error.text() and "Fri 20 Nov 2026" in dialog.error.text()
    assert services.requests.get(queue["overdue"]).extended_on is None
    dialog.date.setDate(QDate(2026, 11, 19))
    dialog.second_date.setDate(QDate(2026, 11, 20))
    dialog.submit()
    qtbot.waitUntil(lambda: area.detail.detail.extended_on is not None, timeout=5000)
    got = services.requests.get(queue["overdue"])
    assert (got.extended_on, got.extension_told_on) == (D(2026, 11, 19), D(2026, 11, 20))
    tasks.wait()


def test_viewer_sees_but_cannot_act(qtbot: Any, services: Services, ctx: ServiceContext,
                                    queue: dict[str, str]) -> None:
    viewer = Services.build(ServiceContext(ctx.store, ctx.policy, Actor("Jo", "viewer"),
                                           today=ctx.today))
    area, tasks = area_for(qtbot, viewer)
    assert not area.new_button.isEnabled() and "viewer" in area.new_button.toolTip()
    area.select_request(services.requests.get(queue["red"]).row.id)
    qtbot.waitUntil(lambda: area.detail.detail is not None, timeout=5000)
    assert not any(b.isEnabled() for b in area.detail.buttons.values())
    assert "Your role (viewer)" in area.detail.buttons["pause"].toolTip()
    tasks.wait()


def test_filters_by_status_type_and_officer(qtbot: Any, services: Services,
                                            queue: dict[str, str]) -> None:
    services.requests.assign(queue["green"], "Priya Shah")
    services.requests.create(NewRequest("erasure", D(2026, 11, 23), "Bob"))
    services.requests.respond(queue["today"], TODAY, "email")
    area, tasks = area_for(qtbot, services)
    assert area.proxy.rowCount() == 6  # open only
    area.status_filter.setCurrentIndex(area.status_filter.findData(None))
    assert area.proxy.rowCount() == 7
    area.status_filter.setCurrentIndex(area.status_filter.findData("responded"))
    assert area.proxy.rowCount() == 1 and area.shown.text() == "1 request shown"
    area.status_filter.setCurrentIndex(0)
    area.type_filter.setCurrentIndex(area.type_filter.findData("erasure"))
    assert area.proxy.rowCount() == 1
    area.type_filter.setCurrentIndex(0)
    area.assignee_filter.setCurrentIndex(area.assignee_filter.findData("Priya Shah"))
    assert area.proxy.rowCount() == 1
    area.assignee_filter.setCurrentIndex(area.assignee_filter.findData(""))
    assert area.proxy.rowCount() == 5
    tasks.wait()


def test_new_request_with_contact_picker(qtbot: Any, services: Services, ctx: ServiceContext) -> None:
    DemoDataService(ctx).generate(contacts=60, requests=3)
    area, tasks = area_for(qtbot, services)
    with ctx.store.session() as s:
        from privdesk.store.models import Contact

        person = s.get(Contact, 7)
        assert person is not None
        name, email = person.name, person.email
    dialog = area.open_new_request()
    dialog.picker.search.setText(name.split()[-1][:5])
    qtbot.waitUntil(lambda: dialog.picker.results.count() > 0, timeout=5000)
    for i in range(dialog.picker.results.count()):
        if dialog.picker.results.item(i).data(Qt.ItemDataRole.UserRole).id == 7:
            dialog.picker.results.setCurrentRow(i)
    dialog.picker.link_selected()
    assert dialog.picker.linked_ids() == (7,)
    assert dialog.name.text() == name and dialog.email.text() == email
    dialog.id_requested.setChecked(True)
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "requests-new-dialog.png"))
    dialog.submit()
    qtbot.waitUntil(lambda: area.model.rowCount() == 4, timeout=5000)
    created = [r for r in services.requests.queue() if r.requester_name == name and r.status == "awaiting_id"]
    assert len(created) == 1
    assert [c.id for c in services.requests.get(created[0].id).contacts] == [7]
    tasks.wait()


@pytest.mark.screenshot
def test_screenshots_of_queue_and_detail(qtbot: Any, services: Services, ctx: ServiceContext) -> None:
    DemoDataService(ctx).generate(contacts=300, requests=40)
    # One request that needs every step of the working: ID, a pause and a weekend roll.
    ref = services.requests.create(NewRequest(
        "access", D(2026, 11, 2), "Grace Hopper", requester_email="grace@example.org",
        channel="post", id_requested=True, contact_ids=(12,))).reference
    services.requests.id_received(ref, D(2026, 11, 4))
    services.requests.pause(ref, D(2026, 11, 10), "Which date range?")
    services.requests.resume(ref, D(2026, 11, 12))
    services.requests.assign(ref, "Priya Shah")
    area, tasks = area_for(qtbot, services)
    area.resize(1500, 860)
    SHOTS.mkdir(exist_ok=True)
    assert area.detail.empty.isVisible()
    assert area.grab().save(str(SHOTS / "requests-queue-nothing-selected.png"))
    area.select_request(services.requests.get(ref).row.id)
    qtbot.waitUntil(lambda: area.detail.detail is not None, timeout=5000)
    settle()
    assert area.detail.detail.row.due == D(2026, 12, 7)
    assert area.grab().save(str(SHOTS / "requests-queue.png"))
    assert area.detail.grab().save(str(SHOTS / "requests-detail.png"))
    assert area.model.rowCount() == 41
    tasks.wait()


def test_hostile_text_is_shown_as_plain_text(qtbot: Any, services: Services) -> None:
    name = "<b>Eve</b> <img src='/etc/passwd'> \u202egnp.exe\u202c\n" + "Z" * 950
    ref = services.requests.create(NewRequest(
        "complaint", TODAY, name, requester_email="=cmd|' /C calc'!A0",
        notes="<script>alert(1)</script> " * 200)).reference
    area, tasks = area_for(qtbot, services)
    shown = cell(area, ref, COL_REQUESTER)
    assert shown.startswith("<b>Eve</b>") and shown.endswith("…") and "\n" not in shown
    area.select_request(services.requests.get(ref).row.id)
    qtbot.waitUntil(lambda: area.detail.detail is not None, timeout=5000)
    assert area.detail.subtitle.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Eve</b>" in area.detail.subtitle.text()
    area.detail.grab()  # paints without trouble
    tasks.wait()


def test_verify_id_and_refuse_from_the_detail_pane(qtbot: Any, services: Services,
                                                   queue: dict[str, str]) -> None:
    area, tasks = area_for(qtbot, services)
    detail = area.detail
    area.select_request(services.requests.get(queue["waiting"]).row.id)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    assert "awaiting proof of identity" in detail.countdown.text()
    assert not detail.buttons["pause"].isEnabled()  # nothing to stop before the clock starts
    assert detail.buttons["extend"].isEnabled()  # a complex request may be extended early
    dialog = detail.open_action("verify_id")
    dialog.date.setDate(dialog.date.date().addDays(-1))  # arrived Mon 23 Nov
    dialog.submit()
    qtbot.waitUntil(lambda: detail.detail.row.due == D(2026, 12, 23), timeout=5000)
    assert "arrived Mon 23 Nov 2026" in detail.working.text()
    dialog = detail.open_action("refuse")
    dialog.choice.setCurrentIndex(dialog.choice.findData("manifestly_unfounded"))
    dialog.text.setPlainText("Sent to harass staff")
    dialog.submit()
    qtbot.waitUntil(lambda: detail.detail.row.status == "refused", timeout=5000)
    assert "manifestly unfounded" in detail.timeline.item(0).text()
    assert detail.buttons["close"].isEnabled() and not detail.buttons["refuse"].isEnabled()
    tasks.wait()


def test_a_narrow_queue_gives_up_due_so_status_and_officer_show(qtbot: Any, services: Services,
                                                                 queue: dict[str, str]) -> None:
    """At 1366x768 the queue is ~780 px wide: Due gives way (the countdown says how urgent,
    its tooltip the date), and comes back when the queue is wide."""
    area, _tasks = area_for(qtbot, services)
    area.resize(1300, 700)
    area.splitter.setSizes([780, 520])
    qtbot.waitUntil(lambda: area.table.isColumnHidden(COL_DUE))
    assert "Due " in str(cell(area, queue["amber"], COL_COUNTDOWN, Qt.ItemDataRole.ToolTipRole))
    area.resize(1900, 900)
    area.splitter.setSizes([1300, 600])
    qtbot.waitUntil(lambda: not area.table.isColumnHidden(COL_DUE))


def test_a_long_email_is_shortened_in_the_middle_never_cut_off(qtbot: Any,
                                                              services: Services) -> None:
    """At a laptop's width the detail pane cannot show a 60-character address: it shows
    its start and its domain with an ellipsis between (it used to be cut at the edge and
    look whole), and the tooltip and the right-click Copy give all of it."""
    from PySide6.QtGui import QGuiApplication

    from privdesk.ui.elided_label import ElidedLabel

    email = "karl.coates.accounts.payable.department1244@johnsonmarshandellis.example.co.uk"
    ref = add(services, TODAY, "Karl Coates", requester_email=email)
    area, tasks = area_for(qtbot, services)
    area.resize(1366 - 150, 768 - 80)
    area.select_request(services.requests.get(ref).row.id)
    qtbot.waitUntil(lambda: area.detail.detail is not None, timeout=5000)
    shown = area.detail.findChildren(ElidedLabel)
    assert len(shown) == 1 and shown[0].full_text() == email
    label = shown[0]
    qtbot.waitUntil(lambda: "…" in label.text(), timeout=5000)
    head, _, tail = label.text().partition("…")
    assert email.startswith(head) and email.endswith(tail) and len(head) > 5 and len(tail) > 5
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    assert label.toolTip() == email
    label.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == email
    area.resize(2400, 900)  # room for all of it: shown whole
    qtbot.waitUntil(lambda: label.text() == email, timeout=5000)
    tasks.wait()
