"""The import dialog's mapping step driven as an officer would (issue #14): a
Salesforce UK report with an unmapped lead source, a file with an opt-out column
nobody understands, and a file whose encoding cannot be told for sure."""

from __future__ import annotations

import csv
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.services.container import Services
from privdesk.ui.contacts.import_dialog import ImportDialog
from privdesk.ui.tasks import TaskRunner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def shoot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for w, h in ((1366, 768), (1920, 1080)):
        widget.resize(min(w - 100, 1200), h - 120)
        assert widget.grab().save(str(SHOTS / f"{name}-{w}.png"))


@pytest.fixture
def tasks() -> Any:
    runner = TaskRunner()
    yield runner
    runner.wait()


def dialog_for(qtbot: Any, services: Services, tasks: TaskRunner, path: Path) -> ImportDialog:
    dialog = ImportDialog(services.contact_import, services.ctx, tasks)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 700)
    dialog.show()
    dialog.load_file(path)
    qtbot.waitUntil(lambda: dialog.summary.text() not in ("", "Checking every row…"),
                    timeout=15000)
    return dialog


def labels(widget: Any) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel)]


def test_values_are_mapped_with_dropdowns_and_remembered(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    report = FIXTURES / "salesforce_report.csv"
    dialog = dialog_for(qtbot, services, tasks, report)
    # The encoding, as detected, with the names to check.
    assert dialog.options.encoding.currentData() == "cp1252"
    assert "Siân" in dialog.options.letters.text()
    assert "Salesforce report" in dialog.file_label.text()
    # One lead source is not obvious: the Values tab says so and waits.
    assert dialog.tabs.currentWidget() is dialog.values_panel
    assert "Before importing" in dialog.summary.text()
    combos = dialog.values_panel.combos
    assert combos[("source", "Trade Show")].currentData() == "event"
    assert combos[("source", "Web")].currentData() == "enquiry_form"
    assert combos[("source", "Partner Referral")].currentData() is None
    assert "obvious: check it" in labels(dialog.values_panel)
    assert "needs your choice" in labels(dialog.values_panel)
    shoot(dialog, "import-values")
    partner = combos[("source", "Partner Referral")]
    partner.setCurrentIndex(partner.findData("group_affiliate"))
    qtbot.waitUntil(lambda: "All 3 rows are valid" in dialog.summary.text(), timeout=15000)
    assert "1 objection to marketing" in dialog.summary.text()
    with qtbot.waitSignal(dialog.imported, timeout=15000):
        dialog.run_import()
    assert "Imported 3 contacts" in dialog.summary.text()
    assert "Recorded 1 objection to marketing." in dialog.summary.text()
    sian = services.contacts.search(ContactQuery(text="llewellyn")).rows[0]
    assert sian.marketing_opt_out and sian.name == "Siân Llewellyn"

    # The next file from the same CRM: the store remembers the choice.
    again = dialog_for(qtbot, services, tasks, report)
    assert again.values_panel.combos[("source", "Partner Referral")].currentData() == \
        "group_affiliate"
    assert "remembered for this store" in labels(again.values_panel)
    # Everyone is already in the register: skipped by default, or filled in on request.
    assert "3 are already in the register" in again.summary.text()
    again.options.on_existing.setCurrentIndex(again.options.on_existing.findData("fill"))
    qtbot.waitUntil(lambda: again.import_button.isEnabled(), timeout=15000)
    with qtbot.waitSignal(again.imported, timeout=15000):
        again.run_import()
    assert services.contacts.search(ContactQuery()).total == 3


def test_an_unknown_opt_out_column_blocks_until_mapped(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    dialog = dialog_for(qtbot, services, tasks, FIXTURES / "unknown_opt_out.csv")
    assert dialog.tabs.currentWidget() is dialog.mapping_panel
    assert "⚠ Newsletter consent withdrawn" in labels(dialog.mapping_panel)
    assert not dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    assert not dialog.import_button.isEnabled()  # skipping rows does not skip the question
    shoot(dialog, "import-opt-out-column")
    combo = dialog.mapping_panel.combos[2]
    combo.setCurrentIndex(combo.findData("marketing_opt_out"))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=15000)
    with qtbot.waitSignal(dialog.imported, timeout=15000):
        dialog.run_import()
    hamish = services.contacts.search(ContactQuery(text="mctavish")).rows[0]
    assert hamish.marketing_opt_out


def test_an_uncertain_encoding_is_asked_and_never_stored_garbled(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes("name,email,source\nAnders Ørsted,anders@example.dk,email\n"
                     .encode("mac_roman"))
    dialog = dialog_for(qtbot, services, tasks, path)
    assert "Uncertain" in dialog.options.encoding_note.text()
    assert "encoding" in dialog.summary.text() and not dialog.import_button.isEnabled()
    shoot(dialog, "import-encoding")
    enc = dialog.options.encoding
    enc.setCurrentIndex(enc.findData("mac_roman"))
    enc.activated.emit(enc.currentIndex())
    qtbot.waitUntil(lambda: "Ørsted" in dialog.options.letters.text(), timeout=15000)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=15000)
    with qtbot.waitSignal(dialog.imported, timeout=15000):
        dialog.run_import()
    with services.ctx.store.read_session() as s:
        assert s.execute(text("SELECT name FROM contacts")).scalar_one() == "Anders Ørsted"


def test_duplicates_are_counted_in_rows_not_in_matches(qtbot: Any, services: Services,
                                                       tasks: TaskRunner, tmp_path: Path) -> None:
    """A row that repeats an earlier one by email and by phone is one duplicate row, not
    two (QA walk: 60,000 rows of one company gave '776,587 look like duplicates')."""
    path = tmp_path / "repeats.csv"
    path.write_text(
        "name,email,phone,status,source\n"
        "Anna Kowalska,anna@example.pl,+48 22 123 45 67,customer,email\n"
        "Anna Kowalska,anna@example.pl,+48 22 123 45 67,customer,email\n"
        "Jan Nowak,jan@example.pl,+48 22 765 43 21,customer,email\n", encoding="utf-8")
    dialog = dialog_for(qtbot, services, tasks, path)
    assert "1 looks like a duplicate" in dialog.summary.text(), dialog.summary.text()


def test_values_tab_does_not_say_none_while_the_file_is_read(qtbot: Any, services: Services,
                                                             tasks: TaskRunner) -> None:
    """QA walk: while a 60,000-row HubSpot file was checked, the Values tab said the file
    gave no source or status values; it gave four, listed once the check ended."""
    dialog = ImportDialog(services.contact_import, services.ctx, tasks)
    qtbot.addWidget(dialog)
    dialog.values_panel.reset()  # what choosing a new file does, before its check ends
    waiting = " ".join(labels(dialog.values_panel))
    assert "once every row has been checked" in waiting
    assert "gives no source" not in waiting
    dialog.load_file(FIXTURES / "hubspot.csv")
    qtbot.waitUntil(lambda: dialog.summary.text() not in ("", "Checking every row…"),
                    timeout=15000)
    assert dialog.values_panel.combos, " ".join(labels(dialog.values_panel))


def test_rows_sourced_by_email_without_an_address_are_imported_with_a_warning(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    """An officer imports an export whose email column was lost: the dialog says which
    rows came by email but give no address, and still lets the import go ahead."""
    path = tmp_path / "lost_emails.csv"
    path.write_text("name,email,phone,company,source,first_contact\n"
                    "Ann Lee,,07400 100001,Acme Ltd,email,2026-01-02\n"
                    "Bob Ray,bob@example.org,07400 100002,Acme Ltd,email,2026-01-02\n"
                    "Cy Dee,,07400 100003,Acme Ltd,Email,2026-01-02\n", encoding="utf-8")
    dialog = dialog_for(qtbot, services, tasks, path)
    warning = ("2 rows say the details came by email but give no email address (lines 2, "
               "4): imported as they are")
    assert warning in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    shoot(dialog, "import-email-without-address")
    with qtbot.waitSignal(dialog.imported, timeout=15000):
        dialog.run_import()
    assert services.contacts.search(ContactQuery(text="acme")).total == 3


def test_value_lists_show_words_with_the_key_in_a_tooltip(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:
    dialog = dialog_for(qtbot, services, tasks, FIXTURES / "salesforce_report.csv")
    combo = dialog.values_panel.combos[("source", "Trade Show")]
    event = combo.findData("event")
    assert event > 0
    # The policy's words alone, as the box shows them; the key only in the item's tooltip.
    assert combo.itemText(event) == services.ctx.policy.source_label("event")
    assert combo.currentText() == combo.itemText(event)
    assert combo.itemData(event, Qt.ItemDataRole.ToolTipRole) == "Key in a CSV file: event"
    for c in dialog.values_panel.combos.values():  # sources and statuses alike
        assert not any(f"({c.itemData(i)})" in c.itemText(i) for i in range(1, c.count()))


def test_a_clean_import_can_be_saved_as_a_report(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, services, tasks, FIXTURES / "salesforce_report.csv")
    partner = dialog.values_panel.combos[("source", "Partner Referral")]
    partner.setCurrentIndex(partner.findData("group_affiliate"))
    qtbot.waitUntil(lambda: "All 3 rows are valid" in dialog.summary.text(), timeout=15000)
    assert not dialog.save_report_button.isEnabled()  # checked and clean: nothing to report yet
    with qtbot.waitSignal(dialog.imported, timeout=15000):
        dialog.import_button.click()
    assert dialog.save_report_button.isEnabled()
    out = tmp_path / "import-report.csv"
    dialog.save_report(out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["line", "field", "reason"]
    assert ["", "summary", "imported 3 of 3 rows"] in rows
    assert ["", "summary", "recorded 1 objection to marketing"] in rows
    # What the officer was told about the whole file is kept with it.
    assert ["", "note", "Dates read day first (dd/mm/yyyy), as the file's own dates show."] in rows
    notes = [r for r in rows if r[1] == "note"]
    assert all(note[2] in dialog.summary.text() for note in notes)
    assert len(rows) == 3 + len(notes)  # nothing happened to any row
    shoot(dialog, "import-clean-report")


def test_a_long_file_is_checked_and_imported_with_a_worker_process_from_the_dialog(
        qtbot: Any, services: Services, tasks: TaskRunner, tmp_path: Path) -> None:
    """30,000 people (names in several scripts, a third party in some notes): long
    enough for the import to check rows in a worker process beside the window's own
    worker thread. The officer checks the file, imports it, sees the bar reach the end
    and every person in the register; the worker process is gone afterwards."""
    names = ["Zofia Łukasiewicz", "山田 太郎", "Ørsted Þórsdóttir", "Seán O’Connor",
             "Ахмед Иванов", "محمد علي", "Müller-Lüdenscheidt"]
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["First Name", "Last Name", "Email", "Phone", "Company", "Lead Source",
                         "Description"])
        for i in range(30_000):
            first, _, last = names[i % len(names)].partition(" ")
            writer.writerow([first, f"{last} {i}", f"person{i}@example.org",
                             f"+44 7700 {i % 1_000_000:06d}", f"Company {i % 40}", "Web",
                             "Spoke to her manager, Jo Bloggs, about the order" if i % 9 == 0
                             else ""])
    # Already in the register: the person on line 9 (i = 7) spelt without the Ł, at the
    # same company. After the import the report names them as a possible duplicate (the
    # names are read and compared after the last chunk, beside the commit).
    known = services.contacts.create(ContactInput(name="Zofia Lukasiewicz 7", company="Company 7",
                                                  source="email"))
    dialog = dialog_for(qtbot, services, tasks, path)
    qtbot.waitUntil(lambda: "30,000 rows are valid" in dialog.summary.text(), timeout=60000)
    with qtbot.waitSignal(dialog.imported, timeout=120000):
        dialog.import_button.click()
    assert dialog.bar.value() == dialog.bar.maximum()
    assert services.contacts.search(ContactQuery()).total == 30_001
    report = dialog.errors_model
    shown = [tuple(report.index(r, c).data() for c in range(3)) for r in range(report.rowCount())]
    assert ("9", "possible duplicate", f"looks like contact #{known.id} "
            "(similar name at the same company)") in shown
    assert "look like duplicates" in dialog.summary.text()
    assert services.contacts.search(ContactQuery(text="lukasiewicz")).total > 1
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=20000)
    shoot(dialog, "import-long-file")
