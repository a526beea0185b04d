"""The Contacts area, editor and import dialog driven as an officer would, over a real
encrypted store."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from privdesk.domain import identity
from privdesk.domain.contact_records import ContactInput, ContactQuery, NewInteraction, RelatedChanges
from privdesk.services.container import Services
from privdesk.services.context import Actor
from privdesk.services.demo import DemoDataService
from privdesk.ui.areas import contacts_services
from privdesk.ui.contacts.area import ContactsArea
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.contacts.table_model import COL_COMPANY, COL_NAME, COL_OPT_OUT, OPTED_OUT
from privdesk.ui.tasks import TaskRunner
from tests.ui.waits import settle

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
ANN = ContactInput(name="Ann Lee", email="ann.lee@acme.example", phone="+44 7911 123456",
                   company="Acme Widgets", location="Leeds", source="enquiry_form",
                   first_contact=date(2026, 3, 1), last_activity=date(2026, 3, 4))


def shoot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def tasks() -> Any:
    runner = TaskRunner()
    yield runner
    runner.wait()


def area_over(qtbot: Any, services: Services, tasks: TaskRunner) -> ContactsArea:
    area = ContactsArea(contacts_services(services), tasks)
    qtbot.addWidget(area)
    area.resize(1110, 700)  # the area's size in a 1280x800 main window
    area.show()
    area.refresh()
    return area


def editor_for(qtbot: Any, services: Services, tasks: TaskRunner,
               contact_id: int | None) -> ContactEditorDialog:
    detail = services.contacts.get(contact_id) if contact_id else None
    dialog = ContactEditorDialog(services.ctx, services.contacts, tasks, detail, "GB")
    qtbot.addWidget(dialog)
    return dialog


def test_typing_in_the_search_box_narrows_the_table(qtbot: Any, services: Services,
                                                     tasks: TaskRunner) -> None:
    DemoDataService(services.ctx).generate(contacts=300, requests=5)
    ann = services.contacts.create(ANN)
    services.contacts.opt_out(ann.id)
    area = area_over(qtbot, services, tasks)
    qtbot.waitUntil(lambda: area.model.total == 301, timeout=10000)
    assert area.count_label.text() == "301 contacts"
    settle()
    shoot(area, "contacts-area")
    qtbot.keyClicks(area.search, "ann lee")
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: area.model.index(0, COL_NAME).data() == "Ann Lee", timeout=5000)
    assert area.model.index(0, COL_OPT_OUT).data() == OPTED_OUT
    assert "1 matching contact" in area.count_label.text()
    area.search.clear()
    qtbot.keyClicks(area.search, "+44 7911 123456")
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=5000)
    area.search.setText("zzzzqqq")
    qtbot.waitUntil(lambda: area.model.rowCount() == 0, timeout=5000)
    assert "No contacts match" in area.count_label.text()
    area.search.clear()
    area.status_filter.setCurrentIndex(area.status_filter.findData("former_customer"))
    qtbot.waitUntil(lambda: 0 < area.model.total < 301, timeout=5000)
    expected = services.contacts.search(ContactQuery(status="former_customer")).total
    assert area.model.total == expected


def test_sorting_happens_in_sql_and_the_model_fetches_more(qtbot: Any, services: Services,
                                                           tasks: TaskRunner) -> None:
    DemoDataService(services.ctx).generate(contacts=2500, requests=0)
    area = area_over(qtbot, services, tasks)
    qtbot.waitUntil(lambda: area.model.total == 2500, timeout=10000)
    assert area.model.rowCount() == 1000  # only the first chunk of ids
    # Until a header is clicked the register is listed A to Z by name.
    first_by_name = services.contacts.search(ContactQuery(sort="name"), 0, 1).rows[0]
    assert area.model.contact_id(0) == first_by_name.id and not area.model.query.descending
    area.table.sortByColumn(COL_NAME, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: area.model.query.descending, timeout=5000)
    first = services.contacts.search(ContactQuery(sort="name", descending=True), 0, 1).rows[0]
    qtbot.waitUntil(lambda: area.model.contact_id(0) == first.id, timeout=5000)
    area.model.fetchMore()
    qtbot.waitUntil(lambda: area.model.rowCount() == 2000, timeout=5000)
    # A row far down is loaded on demand and painted when it arrives.
    area.model.index(1500, COL_NAME).data()
    qtbot.waitUntil(lambda: area.model.index(1500, COL_NAME).data() not in (None, "…"),
                    timeout=5000)


def test_a_click_on_company_lists_each_company_by_name(qtbot: Any, services: Services,
                                                      tasks: TaskRunner) -> None:
    """Sorted by company, the people of one company are alphabetical (folded: accents and
    case do not split them), as the officer reads down the column; both ways."""
    for name in ("Zoë Ward", "ana Ruiz", "Ángel Díaz", "Bob Stone", "Ömer Koç"):
        services.contacts.create(ContactInput(name=name, company="Acme Ltd", source="email",
                                              first_contact=date(2026, 1, 1)))
    services.contacts.create(ContactInput(name="Ann Lee", company="Beta plc", source="email",
                                          first_contact=date(2026, 1, 1)))
    area = area_over(qtbot, services, tasks)
    qtbot.waitUntil(lambda: area.model.total == 6, timeout=10000)

    def shown() -> list[tuple[str, str]]:
        return [(area.model.index(r, COL_COMPANY).data(), area.model.index(r, COL_NAME).data())
                for r in range(6)]

    area.table.sortByColumn(COL_COMPANY, Qt.SortOrder.AscendingOrder)
    expected = [("Acme Ltd", "ana Ruiz"), ("Acme Ltd", "Ángel Díaz"), ("Acme Ltd", "Bob Stone"),
                ("Acme Ltd", "Ömer Koç"), ("Acme Ltd", "Zoë Ward"), ("Beta plc", "Ann Lee")]
    assert [identity.fold(n) for _c, n in expected[:5]] == sorted(
        identity.fold(n) for _c, n in expected[:5])
    qtbot.waitUntil(lambda: shown() == expected, timeout=5000)
    area.table.sortByColumn(COL_COMPANY, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: shown() == expected[::-1], timeout=5000)


def test_an_invalid_email_blocks_save(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    dialog = editor_for(qtbot, services, tasks, None)
    assert not dialog.save_button.isEnabled()  # no name yet
    qtbot.keyClicks(dialog.inputs["name"], "Zoe Adams")  # QTest types ASCII only
    assert dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.inputs["email"], "zoe@@example")
    assert not dialog.save_button.isEnabled()
    assert dialog.errors["email"].isVisibleTo(dialog)
    assert "email" in dialog.errors["email"].text().lower()
    qtbot.keyClicks(dialog.inputs["phone"], "12")
    assert dialog.errors["phone"].text()
    dialog.resize(920, 620)
    shoot(dialog, "contact-editor-errors")
    dialog.inputs["email"].setText("zoe@example.com")
    dialog.inputs["phone"].setText("07400 123456")
    assert dialog.save_button.isEnabled() and not dialog.errors["email"].isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert services.contacts.search(ContactQuery(text="zoe adams")).total == 1


def test_a_correction_appears_in_the_history(qtbot: Any, services: Services,
                                             tasks: TaskRunner) -> None:
    ann = services.contacts.create(ANN, RelatedChanges(
        new_interactions=(NewInteraction("call", date(2026, 3, 4), "Asked for a quote"),)))
    dialog = editor_for(qtbot, services, tasks, ann.id)
    dialog.inputs["email"].setText("ann@acme.example")
    dialog.status.setCurrentIndex(dialog.status.findData("customer"))
    dialog.dates["customer_since"].set_value(date(2026, 4, 1))
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    reopened = editor_for(qtbot, services, tasks, ann.id)
    rows = reopened.history.model.rows()
    email = next(r for r in rows if r[1] == "Email")
    assert email[2:] == ("ann.lee@acme.example", "ann@acme.example", "Test Officer")
    assert any(r[1] == "Status" and r[2:4] == ("Enquirer", "Customer") for r in rows)
    reopened.tabs.setCurrentWidget(reopened.history)
    reopened.resize(920, 620)
    shoot(reopened, "contact-editor-history")
    reopened.tabs.setCurrentIndex(0)
    shoot(reopened, "contact-editor")


def test_duplicate_on_save_offers_a_merge_that_keeps_everything(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    ann = services.contacts.create(ANN, RelatedChanges(
        new_interactions=(NewInteraction("call", date(2026, 3, 4), "First call"),)))
    dialog = editor_for(qtbot, services, tasks, None)
    offered: list[list[Any]] = []

    def choose(_parent: Any, dups: list[Any]) -> tuple[str, int | None]:
        offered.append(dups)
        return "merge", dups[0].id

    dialog.choose_duplicate = choose
    dialog.inputs["name"].setText("Ann Lee")
    dialog.inputs["email"].setText("ANN.LEE@acme.example")
    dialog.interactions.summary.setText("Second call")
    dialog.interactions.add_button.click()
    dialog.disclosures.purpose.setText("Order fulfilment")
    dialog.disclosures.add_button.click()
    dialog.resize(920, 620)
    dialog.tabs.setCurrentWidget(dialog.interactions)
    shoot(dialog, "contact-editor-interactions")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert offered and offered[0][0].id == ann.id
    merged = services.contacts.get(ann.id)
    assert {i.summary for i in merged.interactions} == {"First call", "Second call"}
    assert [d.purpose for d in merged.disclosures] == ["Order fulfilment"]
    assert any(h.field == "merge" for h in merged.history)
    assert services.contacts.search(ContactQuery()).total == 1


def test_opt_out_action_is_flagged(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    ann = services.contacts.create(ANN)
    dialog = editor_for(qtbot, services, tasks, ann.id)
    dialog.confirm_opt_out = lambda: True
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.opt_out_button.click()
    assert "Opted out of marketing on 24 Nov 2026" in dialog.opt_out_label.text()
    assert any(r[1] == "Marketing opt-out" for r in dialog.history.model.rows())


@pytest.mark.parametrize("name", ["<b>bold</b><img src=x>", "\u202eevil\u202c name",
                                  "x" * 10_000], ids=["markup", "bidi", "10k"])
def test_hostile_names_in_editor_and_search(qtbot: Any, services: Services, tasks: TaskRunner,
                                            name: str) -> None:
    dialog = editor_for(qtbot, services, tasks, None)
    dialog.inputs["name"].setText(name)
    if len(name) > 300:
        assert not dialog.save_button.isEnabled() and "Too long" in dialog.errors["name"].text()
        return
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    area = area_over(qtbot, services, tasks)
    area.search.setText(name)
    area.apply_query()
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=5000)
    # Shown in the order typed: a bidi override cannot make "evil" read as "live".
    shown = name.replace("\u202e", "").replace("\u202c", "")
    qtbot.waitUntil(lambda: area.model.index(0, COL_NAME).data() == shown, timeout=5000)


def test_viewer_cannot_change_anything(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    ann = services.contacts.create(ANN)
    services.ctx.actor = Actor("Jo Lewis", "viewer")
    area = area_over(qtbot, services, tasks)
    assert not area.new_button.isEnabled() and "viewer" in area.new_button.toolTip()
    assert not area.import_button.isEnabled() and not area.export_button.isEnabled()
    dialog = editor_for(qtbot, services, tasks, ann.id)
    assert not dialog.save_button.isEnabled() and dialog.inputs["name"].isReadOnly()


def test_a_malformed_import_shows_its_report_and_writes_nothing(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    csv_file = tmp_path / "crm.csv"
    csv_file.write_bytes(
        ("First Name,Last Name,Email Address,Phone Number,Company Name,City,Country\n"
         "Ann,Lee,ann@acme.example,07400 123456,Acme,Leeds,UK\n"
         "Bob,Stone,bob@@stone,12,Stone Ltd,York,UK\n").encode("cp1252"))
    area = area_over(qtbot, services, tasks)
    dialog = area.make_import_dialog()
    qtbot.addWidget(dialog)
    dialog.resize(900, 640)
    dialog.load_file(csv_file)
    qtbot.waitUntil(lambda: dialog.errors_model.rowCount() > 0, timeout=10000)
    dialog.tabs.setCurrentIndex(0)
    shoot(dialog, "import-mapping")
    reasons = {(r[0], r[1]) for r in dialog.errors_model.rows()}
    assert {("2", "source"), ("3", "email"), ("3", "phone")} <= reasons
    dialog.run_import()
    qtbot.waitUntil(lambda: "Nothing was imported" in dialog.summary.text(), timeout=10000)
    assert services.contacts.search(ContactQuery()).total == 0
    report = tmp_path / "report.csv"
    dialog.save_report(report)
    assert "line,field,reason" in report.read_text(encoding="utf-8-sig")
    shoot(dialog, "import-report")
    # Changing the mapping asks for a new check; the country is then left out.
    dialog.mapping_panel.combos[6].setCurrentIndex(0)
    assert "mapping changed" in dialog.summary.text() and not dialog.import_button.isEnabled()
    assert 6 not in dialog.mapping()
    # With a default source and skip-invalid, the good row goes in and the table shows it.
    dialog.default_source.setCurrentIndex(dialog.default_source.findData("email"))
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    dialog.skip_invalid.setChecked(True)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.run_import()
    qtbot.waitUntil(lambda: area.model.total == 1, timeout=5000)
    assert dialog.summary.text().startswith("Imported 1 contact. Skipped 1 invalid row.")
    row = services.contacts.search(ContactQuery(text="ann lee")).rows[0]
    assert row.location == "Leeds" and row.source == "email" and row.name == "Ann Lee"


def test_table_model_answers_every_role(qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    """data() and headerData() handle any role (None for the unhandled ones), loaded or
    not, without a widget in sight."""
    import sys

    from privdesk.ui.contacts.table_model import ContactTableModel

    services.contacts.create(ANN)
    services.contacts.opt_out(services.contacts.search(ContactQuery()).rows[0].id)
    model = ContactTableModel(services.contacts, tasks, services.ctx.policy.source_label,
                              services.ctx.today)
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    before = sys.getrefcount(None)
    for _ in range(200):
        for col in range(model.columnCount()):
            index = model.index(0, col)
            for role in range(0, 300):
                model.data(index, role)
            model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole)
    assert sys.getrefcount(None) >= before - 100
    assert model.data(model.index(5, 0)) is None  # out of range
    assert model.index(0, COL_OPT_OUT).data(Qt.ItemDataRole.ToolTipRole).startswith("Objected")


def test_a_long_import_can_be_cancelled_and_writes_nothing(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    rows = "".join(f"Person {i},p{i}@example.com,,,,enquirer,email,2026-01-01,,,,no,\n"
                   for i in range(3000))
    csv_file = tmp_path / "big.csv"
    csv_file.write_text("name,email,phone,company,location,status,source,first_contact,"
                        "customer_since,ceased,last_activity,marketing_opt_out,notes\n" + rows,
                        encoding="utf-8")
    area = area_over(qtbot, services, tasks)
    dialog = area.make_import_dialog()
    qtbot.addWidget(dialog)
    dialog.load_file(csv_file)
    qtbot.waitUntil(lambda: "All 3,000 rows are valid" in dialog.summary.text(), timeout=30000)
    # The worker holds at its first progress report until Cancel has been clicked, so the
    # click always lands mid-import (a fast machine could otherwise finish 3,000 rows first).
    clicked = threading.Event()
    dialog.cancel_button.clicked.connect(clicked.set)  # after the dialog's own handler
    dialog._progress.moved.connect(lambda *_: clicked.wait(30),
                                   Qt.ConnectionType.DirectConnection)  # runs on the worker
    dialog.run_import()
    assert dialog.bar.isVisibleTo(dialog) and dialog.cancel_button.isVisibleTo(dialog)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.summary.text(), timeout=30000)
    assert "nothing was imported" in dialog.summary.text()
    assert services.contacts.search(ContactQuery()).total == 0
    assert not dialog.bar.isVisibleTo(dialog)


def test_hostile_rows_import_as_plain_text(services: Services, tmp_path: Path) -> None:
    body = ("name,email,company,source\n"
            '"<b>Bold</b> <img src=x onerror=alert(1)>",,"=cmd|\' /C calc\'!A0",email\n'
            "\u202eTnemucod Evil,,Bidi Ltd,email\n")
    result = services.contact_import.run(body.encode("utf-8"))
    assert result.imported == 2, result.errors
    names = {r.name for r in services.contacts.search(ContactQuery(sort="name")).rows}
    assert names == {"<b>Bold</b> <img src=x onerror=alert(1)>", "\u202eTnemucod Evil"}
    out = tmp_path / "out.csv"
    services.contacts.export_csv(out)
    assert "'=cmd|" in out.read_text(encoding="utf-8-sig")


def test_export_from_the_area_writes_the_current_search(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    services.contacts.create(ANN)
    services.contacts.create(ContactInput(name="Bob Stone", source="call"))
    area = area_over(qtbot, services, tasks)
    area.search.setText("stone")
    area.apply_query()
    qtbot.waitUntil(lambda: area.model.total == 1, timeout=5000)
    out = tmp_path / "stone.csv"
    area.export_to(out)
    qtbot.waitUntil(lambda: "Exported 1 contacts" in area.count_label.text(), timeout=5000)
    text = out.read_text(encoding="utf-8-sig")
    assert "Bob Stone" in text and "Ann Lee" not in text


def test_typing_searches_at_once_and_coalesces_while_a_search_runs(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    """No debounce: the first key searches straight away; keys typed while that search
    runs are not each searched, only the latest text is, once it lands."""
    DemoDataService(services.ctx).generate(contacts=300, requests=0)
    services.contacts.create(ANN)
    area = area_over(qtbot, services, tasks)
    qtbot.waitUntil(lambda: area.model.total == 301 and not tasks.busy, timeout=10000)
    asked: list[str] = []
    area.model.loaded.connect(lambda *_: asked.append(area.model.query.text))
    qtbot.keyClick(area.search, "a")
    assert area.model.query.text == "a"  # asked at once, before any event loop turn
    qtbot.keyClicks(area.search, "nn lee")  # typed while "a" is in flight
    qtbot.waitUntil(lambda: area.model.query.text == "ann lee" and not tasks.busy
                    and area.model.rowCount() == 1, timeout=5000)
    assert asked[-1] == "ann lee"
    assert len(asked) < 7  # results landed: not one search per key
    assert area.model.index(0, COL_NAME).data() == "Ann Lee"


def test_removing_interactions_and_disclosures_from_the_editor(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    ann = services.contacts.create(ANN, RelatedChanges(
        new_interactions=(NewInteraction("call", date(2026, 3, 4), "First call"),)))
    dialog = editor_for(qtbot, services, tasks, ann.id)
    tab = dialog.interactions
    tab.summary.setText("Pending call")
    tab.add_button.click()
    assert tab.model.rowCount() == 2
    tab.view.selectRow(0)  # the pending row is listed first: dropped, never saved
    tab.remove_button.click()
    assert not tab.pending and tab.model.rowCount() == 1
    tab.view.selectRow(0)  # the saved one: removed on save
    tab.remove_button.click()
    assert tab.removed == [ann.interactions[0].id] and tab.model.rowCount() == 0
    disc = dialog.disclosures
    disc.purpose.setText("Warranty claim")
    disc.add_button.click()
    disc.view.selectRow(0)
    disc.remove_button.click()
    assert not disc.pending and disc.model.rowCount() == 0
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert services.contacts.get(ann.id).interactions == ()


def test_a_long_email_shows_its_start_in_the_editor(qtbot: Any, services: Services,
                                                    tasks: TaskRunner) -> None:
    """QA walk: the editor showed '9@gloversmith.example.co.uk' for
    abigail.ross1729@gloversmith.example.co.uk, the start of the address hidden."""
    long = "abigail.ross1729@gloversmith-and-partners-worldwide.example.co.uk"
    person = services.contacts.create(ContactInput(name="Abigail Ross", email=long,
                                                   source="email"))
    dialog = editor_for(qtbot, services, tasks, person.id)
    dialog.resize(920, 620)
    dialog.show()
    field = dialog.inputs["email"]
    qtbot.waitUntil(field.isVisible)
    assert field.text() == long
    assert field.fontMetrics().horizontalAdvance(long) > field.width()  # it cannot all show
    assert field.cursorPosition() == 0
    assert field.cursorRect().left() < field.width() // 4  # the start is what shows
