"""The Breaches area driven as an officer would, over a real encrypted store: record a
breach with a linked person, watch the 72-hour clock move and change colour, decide,
write the letters and the ICO draft, close."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout

from privdesk.domain.contact_records import ContactInput
from privdesk.domain.deadlines import Urgency
from privdesk.services.breach_records import NewBreach
from privdesk.services.container import Services
from privdesk.services.context import ServiceContext
from privdesk.ui.areas import breaches_services
from privdesk.ui.breaches import BreachesArea
from privdesk.ui.breaches.accountability import ReportDialog
from privdesk.ui.breaches.dialogs import CloseDialog, DecisionDialog, NewBreachDialog
from privdesk.ui.breaches.model import COL_COUNTDOWN, COL_DEADLINE, COL_REF, URGENCY_ROLE
from privdesk.ui.requests.queue_model import URGENCY_COLOURS
from privdesk.ui.tasks import TaskRunner
from tests.ui.waits import settle

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in
                             PdfReader(io.BytesIO(path.read_bytes())).pages).split())


def _ok(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _shown_area(qtbot: Any, services: Services, tasks: TaskRunner, **kwargs: Any
                ) -> BreachesArea:
    """The Breaches area in a laptop-sized window, shown."""
    area = BreachesArea(breaches_services(services), tasks, **kwargs)
    qtbot.addWidget(area)
    area.resize(1366, 768)
    area.show()
    return area


def test_officer_walk_through_the_breaches_area(qtbot: Any, ctx: ServiceContext,
                                                tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 10, 23, 10, 0))  # naive UTC: Fri 23 Oct 11:00 BST
    ctx.now = clock
    services = Services.build(ctx)
    services.contacts.create(ContactInput(name="Grace Hopper", email="grace@example.org",
                                          company="Navy Labs", status="customer", source="email"))
    tasks = TaskRunner()
    area = _shown_area(qtbot, services, tasks, tick_ms=60_000)
    area.refresh()
    qtbot.waitUntil(lambda: not tasks.busy)

    dialog = area.open_new_breach()
    assert isinstance(dialog, NewBreachDialog)
    dialog.aware.setDateTime(QDateTime(QDate(2026, 10, 23), QTime(9, 0)))  # 09:00 BST
    dialog.summary.setPlainText("Customer list emailed to the wrong distributor.")
    dialog.data_boxes["basic_identifiers"].setChecked(True)
    dialog.subject_boxes["customers"].setChecked(True)
    dialog.people.setValue(250)
    dialog.measures.setPlainText("Recipient asked to delete it and confirmed.")
    dialog.picker.search.setText("Grace")
    dialog.picker.run_search()
    qtbot.waitUntil(lambda: dialog.picker.results.count() == 1)
    dialog.picker.link_selected()
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "breaches-new-dialog.png"))
    _ok(dialog)
    qtbot.waitUntil(lambda: area.proxy.rowCount() == 1)
    qtbot.waitUntil(lambda: area.detail.detail is not None)
    assert area.proxy.index(0, COL_REF).data() == "BR-2026-0001"
    assert area.proxy.index(0, COL_DEADLINE).data() == "Mon 26 Oct 2026 08:00 GMT"
    countdown = area.countdown_index(0)
    assert countdown.data() == "70 h left"  # 08:00 UTC Mon minus 10:00 UTC Fri
    assert countdown.data(URGENCY_ROLE) == "green"
    assert countdown.data(Qt.ItemDataRole.BackgroundRole).color().name() == \
        URGENCY_COLOURS[Urgency.GREEN][0]

    # Time passes: a tick repaints the countdown column and the badge, no database asked.
    changed: list[int] = []
    area.model.dataChanged.connect(lambda a, b, *_: changed.append(a.column()))
    clock.now += timedelta(hours=47)
    area.model.tick()
    assert changed == [COL_COUNTDOWN]
    assert countdown.data() == "23 h left" and countdown.data(URGENCY_ROLE) == "red"
    assert area.detail.clock.text() == "ICO clock: 23 h left"
    area.grab().save(str(SHOTS / "breaches-area-1366.png"))
    area.resize(1920, 1080)
    area.grab().save(str(SHOTS / "breaches-area-1920.png"))

    # Not notifying without reasons is refused in the dialog and changes nothing.
    area.detail.buttons["ico"].click()
    decision = area.dialog
    assert isinstance(decision, DecisionDialog)
    decision.no.setChecked(True)
    _ok(decision)
    qtbot.waitUntil(lambda: "reasons for not notifying" in decision.error.text())
    assert decision.isVisible() and area.model.row(0).ico_decision is None
    decision.yes.setChecked(True)
    decision.reasons.setPlainText("Names and emails of 250 customers: phishing risk.")
    decision.notified_at.setDateTime(QDateTime(QDate(2026, 10, 25), QTime(9, 0)))
    _ok(decision)
    qtbot.waitUntil(lambda: area.proxy.index(0, COL_COUNTDOWN).data() == "Notified in time (49 h)")

    area.detail.buttons["people"].click()
    people = area.dialog
    assert isinstance(people, DecisionDialog)
    people.reasons.setPlainText("High risk of targeted phishing.")
    _ok(people)
    qtbot.waitUntil(lambda: area.detail.buttons["letters"].isEnabled())
    assert "High risk of targeted phishing." in area.detail.decisions.text()

    area.save_letters(tmp_path)
    qtbot.waitUntil(lambda: "1 letter(s) saved" in area.notice.text())
    letter = next(tmp_path.glob("*breach notice*.pdf"))
    assert "Dear Grace Hopper" in _pdf_text(letter)
    draft = tmp_path / "draft.pdf"
    area.save_ico_draft(draft)
    qtbot.waitUntil(lambda: "ICO report draft saved" in area.notice.text())
    text = _pdf_text(draft)
    assert "About 250" in text and "Grace" not in text

    area.detail.buttons["close"].click()
    closing = area.dialog
    assert isinstance(closing, CloseDialog)
    closing.note.setPlainText("Distributor list split from customer list.")
    _ok(closing)
    qtbot.waitUntil(lambda: area.detail.title.text() == "BR-2026-0001 · Closed")
    assert not area.detail.buttons["ico"].isEnabled()
    qtbot.waitUntil(lambda: area.model.row(0).status == "closed")
    area.open_only.setChecked(True)
    assert area.proxy.rowCount() == 0
    tasks.wait()


def test_record_of_processing_and_management_report_from_the_area(
        qtbot: Any, ctx: ServiceContext, tmp_path: Path) -> None:
    ctx.now = Clock(datetime(2026, 11, 24, 12, 0))
    services = Services.build(ctx)
    services.contacts.create(ContactInput(name="Alan Turing", status="customer", source="call"))
    tasks = TaskRunner()
    area = _shown_area(qtbot, services, tasks)

    area.save_ropa(tmp_path / "ropa.pdf")
    qtbot.waitUntil(lambda: "saved to" in area.notice.text())
    assert (tmp_path / "ropa.pdf").read_bytes().startswith(b"%PDF")
    area.save_ropa(tmp_path / "ropa.csv")
    qtbot.waitUntil(lambda: "rows) saved" in area.notice.text())
    assert "Telephone call" in (tmp_path / "ropa.csv").read_text(encoding="utf-8-sig")
    area.save_ropa(tmp_path / "ropa.docx")
    assert "Name the file .pdf or .csv" in area.notice.text()
    assert not (tmp_path / "ropa.docx").exists()

    area.report_button.click()
    dialog = area.dialog
    assert isinstance(dialog, ReportDialog)
    qtbot.waitUntil(lambda: dialog.figures is not None)
    assert dialog.summary.text().startswith("0 requests received")
    dialog.start.setDate(QDate(2026, 12, 1))  # after the end: refused in plain words
    qtbot.waitUntil(lambda: "after it ends" in dialog.summary.text())
    assert dialog.figures is None
    dialog.start.setDate(QDate(2026, 1, 1))
    qtbot.waitUntil(lambda: dialog.figures is not None)
    dialog.grab().save(str(SHOTS / "breaches-report-dialog.png"))
    dialog.save(tmp_path / "report.pdf")
    qtbot.waitUntil(lambda: "Saved (" in dialog.summary.text())
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    tasks.wait()


def test_ctrl_6_opens_breaches_in_the_main_window(qtbot: Any, ctx: ServiceContext) -> None:
    """The whole window, with clocks of every colour, at a laptop's and a desktop's size."""
    from PySide6.QtGui import QKeySequence

    from privdesk.ui.areas import build_areas
    from privdesk.ui.main_window import MainWindow

    clock = Clock(datetime(2026, 10, 20, 12, 0))
    ctx.now = clock
    services = Services.build(ctx)
    for hours_ago, text in ((1, "Laptop left on a train"), (30, "Phishing email opened"),
                            (60, "Wrong attachment sent to a supplier"),
                            (80, "Paper files found in a skip"), (100, "Website form exposed")):
        moment = services.breaches.local(clock.now - timedelta(hours=hours_ago))
        services.breaches.add(NewBreach(aware_at=moment.replace(tzinfo=None), summary=text,
                                        people_count=hours_ago * 3))
    services.breaches.decide_ico("BR-2026-0005", notify=False,
                                 reasons="Form exposed no personal data in practice")
    tasks = TaskRunner()
    window = MainWindow(build_areas(services, tasks), "/tmp/test.privdesk", "Test Officer (admin)")
    qtbot.addWidget(window)
    window.show()
    action = next(a for a in window.menuBar().actions()[2].menu().actions()
                  if a.text() == "Breaches")
    assert action.shortcut() == QKeySequence("Ctrl+6")
    action.trigger()
    area = window.area("breaches")
    assert window.stack.currentWidget() is area
    assert isinstance(area, BreachesArea)
    qtbot.waitUntil(lambda: area.proxy.rowCount() == 5)
    levels = [area.countdown_index(r).data(URGENCY_ROLE) for r in range(5)]
    assert levels == ["overdue", "red", "amber", "green", ""]  # running first, soonest first
    assert area.countdown_index(0).data() == "8 h overdue"
    area.select_breach(3)
    qtbot.waitUntil(lambda: area.detail.detail is not None)
    for w, h in ((1366, 768), (1920, 1080)):
        window.resize(w, h)
        settle()
        window.grab().save(str(SHOTS / f"breaches-window-{w}.png"))
    tasks.wait()


def test_return_in_a_breach_dialog_records_nothing(qtbot: Any, ctx: ServiceContext) -> None:
    """Found walking the window: Return in "How found out" recorded a half-filled breach
    (OK was the dialog's default button), and Return in "ICO case reference" would record
    that the ICO had been notified. Only a click on OK records; Return does nothing."""
    ctx.now = Clock(datetime(2026, 11, 29, 10, 0))
    services = Services.build(ctx)
    tasks = TaskRunner()
    area = BreachesArea(breaches_services(services), tasks, tick_ms=60_000)
    qtbot.addWidget(area)
    area.show()
    dialog = area.open_new_breach()
    assert isinstance(dialog, NewBreachDialog)
    dialog.summary.setPlainText("Laptop with a CRM export left on a train.")
    dialog.discovery.setText("Reported by the employee")
    dialog.discovery.setFocus()
    qtbot.keyClick(dialog.discovery, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Enter)
    assert dialog.isVisible() and not tasks.busy
    assert services.breaches.register() == []
    _ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible() and not tasks.busy)
    reference = services.breaches.register()[0].reference

    decision = DecisionDialog(services.breaches, tasks, reference, "ico", datetime(2026, 11, 29, 10, 5))
    qtbot.addWidget(decision)
    decision.show()
    decision.reasons.setPlainText("Encrypted? Not known yet.")
    decision.ico_reference.setText("IC-12345")
    decision.ico_reference.setFocus()
    qtbot.keyClick(decision.ico_reference, Qt.Key.Key_Return)
    assert decision.isVisible() and not tasks.busy
    assert services.breaches.get(reference).decisions == ()
    closing = CloseDialog(services.breaches, tasks, reference)
    qtbot.addWidget(closing)
    closing.show()
    qtbot.keyClick(closing, Qt.Key.Key_Return)
    assert closing.isVisible() and not tasks.busy


def _first_ink_column(image: Any) -> int:
    """The leftmost column with any dark pixel (text), or the width if there is none."""
    for x in range(image.width()):
        if any(image.pixelColor(x, y).lightness() < 128 for y in range(image.height())):
            return x
    return image.width()


def test_a_right_to_left_name_keeps_its_line_left_to_right(qtbot: Any,
                                                           ctx: ServiceContext) -> None:
    """QA walk: in the demo breach's 'People in the register it concerns', the line
    '#1643 سینا زنجانی' was right-aligned, its number after the name, among left-aligned
    lines. The line now starts at the left edge like the others."""
    ctx.now = lambda: datetime(2026, 10, 23, 10, 0)
    services = Services.build(ctx)
    sina = services.contacts.create(ContactInput(name="سینا زنجانی", email="sina@example.ir",
                                                 status="customer", source="email")).id
    services.breaches.add(NewBreach(aware_at=datetime(2026, 10, 23, 9, 0),
                                    summary="A printed list left on a train.",
                                    contact_ids=(sina,)))
    tasks = TaskRunner()
    area = _shown_area(qtbot, services, tasks, tick_ms=60_000)
    area.refresh()
    qtbot.waitUntil(lambda: area.proxy.rowCount() == 1)
    area.table.selectRow(0)
    qtbot.waitUntil(lambda: area.detail.detail is not None)
    qtbot.waitUntil(lambda: not tasks.busy)
    settle()
    label = area.detail.people
    assert "زنجانی" in label.text()
    image = label.grab().toImage()
    assert _first_ink_column(image) < image.width() // 4, "the line is right-aligned"
    facts = area.detail.facts
    values = {facts.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text():
              facts.itemAt(r, QFormLayout.ItemRole.FieldRole).widget().text()
              for r in range(facts.rowCount())}
    assert values["ICO reference"] == "None yet"  # not Python's bare "None" (QA walk)
    services.breaches.decide_ico(1, notify=False, reasons="Printed list found and shredded.")
    area.reload_detail()
    qtbot.waitUntil(lambda: any(
        getattr(facts.itemAt(r, QFormLayout.ItemRole.FieldRole).widget(), "text", str)()
        == "Not notified" for r in range(facts.rowCount())))
