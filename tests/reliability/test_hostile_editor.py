"""The hostile-text corpus typed into the real contact editor (pytest-qt) and the
Contacts area's search box: Save stays disabled with an inline error, or the contact is
saved exactly as typed (NUL and edge spaces aside) and the search box finds it. Any
exception in a Qt slot fails the test (pytest-qt captures them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from privdesk.domain.contact_records import ContactDetail, ContactInput
from privdesk.domain.display import without_bidi_controls
from privdesk.domain.identity import search_query
from privdesk.services.container import Services
from privdesk.ui.areas import contacts_services
from privdesk.ui.contacts.area import ContactsArea
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.contacts.table_model import COL_NAME
from privdesk.ui.gc_guard import GuiThreadCollector
from privdesk.ui.style import apply_style
from privdesk.ui.tasks import TaskRunner
from tests.reliability.conftest import Figures
from tests.reliability.corpus import EMAILS, NAMES, PHONES
from tests.ui.waits import settle

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
MAX_ROLE = 40  # Qt.ItemDataRole values worth asking the model for


@pytest.fixture
def tasks(qapp: QApplication) -> Any:
    apply_style(qapp)  # as the officers see it (tests/ui/conftest.py does this for UI tests)
    collector = GuiThreadCollector(qapp)  # as run_gui() does
    runner = TaskRunner()
    yield runner
    runner.wait()
    collector.stop()
    collector.deleteLater()


def type_into(qtbot: Any, edit: QLineEdit, value: str) -> None:
    """Type as a person would where QTest can (short, printable ASCII: QTest's key
    table asserts, aborting the process, on anything else); otherwise paste it, as a
    person pasting from a web form would."""
    edit.setFocus()
    if len(value) <= 120 and value.isprintable() and value.isascii():
        qtbot.keyClicks(edit, value)
    else:
        edit.clear()
        edit.insert(value)  # a paste: emits textEdited like typing does
    edit.textEdited.emit(edit.text())


def outcome(qtbot: Any, dialog: ContactEditorDialog, field: str) -> ContactDetail | str:
    """Save when the dialog allows it; else the inline error shown (must be one)."""
    dialog.validate()
    if not dialog.save_button.isEnabled():
        shown = [e.text() for e in dialog.errors.values() if e.isVisibleTo(dialog) and e.text()]
        return shown[0] if shown else ""
    saved: list[ContactDetail] = []
    dialog.saved.connect(saved.append)
    dialog.choose_duplicate = lambda *_a: ("keep", None)  # duplicates are fine here
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(saved) or dialog.banner.isVisibleTo(dialog), timeout=10000)
    return saved[0] if saved else dialog.banner.text()


def test_hostile_text_in_the_contact_editor(qtbot: Any, services: Services, tasks: TaskRunner,
                                            figures: Figures) -> None:
    cases = [("name", k, v) for k, v in NAMES.items()]
    cases += [("email", k, v) for k, v in EMAILS.items()]
    cases += [("phone", k, v) for k, v in PHONES.items()]
    cases += [(f, k, NAMES[k]) for f in ("company", "location")
              for k in ("closing_para", "bidi_override", "ten_thousand", "nul_byte")]
    for field, key, value in cases:
        figures.trials += 1
        dialog = ContactEditorDialog(services.ctx, services.contacts, tasks, None, "GB")
        qtbot.addWidget(dialog)
        dialog.show()
        if field != "name":
            type_into(qtbot, dialog.inputs["name"], "Ann Lee")
        type_into(qtbot, dialog.inputs[field], value)
        if key in ("closing_para", "bidi_override") and field == "name":
            settle()
            SHOTS.mkdir(exist_ok=True)
            dialog.grab().save(str(SHOTS / f"hostile-editor-{key}.png"))
        typed = dialog.inputs[field].text()
        result = outcome(qtbot, dialog, field)
        label = f"{field}:{key}"
        if isinstance(result, str):
            figures.add("refused_inline")
            if not result.strip():
                figures.fail(f"{label}: Save is disabled with no error shown")
        else:
            figures.add("saved")
            stored = getattr(services.contacts.get(result.id).data, field)
            expected = typed.replace("\x00", "").strip() or None
            if stored != expected:
                figures.fail(f"{label}: saved {str(stored)[:40]!r}, typed {expected!r:.40}")
        dialog.close()
    figures.check()


def test_hostile_text_in_the_contacts_search_box(qtbot: Any, services: Services,
                                                 tasks: TaskRunner, figures: Figures) -> None:
    ids: dict[str, int] = {}
    for key, name in NAMES.items():
        if 0 < len(name.strip()) <= 300:
            ids[key] = services.contacts.create(ContactInput(name=name)).id
    area = ContactsArea(contacts_services(services), tasks)
    qtbot.addWidget(area)
    area.resize(1110, 700)
    area.show()
    area.refresh()
    qtbot.waitUntil(lambda: area.model.total == len(ids), timeout=10000)
    for row in range(area.model.rowCount()):  # every role of every cell: never raises
        for col in range(area.model.columnCount()):
            for role in range(MAX_ROLE):
                area.model.index(row, col).data(role)
    settle()
    SHOTS.mkdir(exist_ok=True)
    area.grab().save(str(SHOTS / "hostile-contacts-area.png"))
    for key, typed in {**NAMES, **EMAILS, **PHONES}.items():
        figures.trials += 1
        area.search.clear()
        area.search.insert(typed)  # the box keeps its first 200 characters
        with qtbot.waitSignal(area.model.loaded, timeout=10000):  # this query's ids landed
            area.apply_query()
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10000)  # and their rows
        shown = {area.model.index(r, COL_NAME).data() for r in range(area.model.rowCount())}
        if key in ids and len(search_query(area.search.text())) >= 3 and \
                without_bidi_controls(NAMES[key].replace("\x00", "").strip()) not in shown:
            figures.fail(f"{key}: the search box does not find the contact")
        if any("\u202e" in name for name in shown):
            figures.fail(f"{key}: a bidi override reaches the table (names can be spoofed)")
        if not area.count_label.text():
            figures.fail(f"{key}: no count shown")
    figures.check()
