"""The suppression list where officers meet it: the editor, the opt-out, the import."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from privdesk.domain.contact_records import ContactQuery
from privdesk.services.container import Services
from privdesk.services.suppression import MarketingSuppressed
from tests.ui.test_contacts_ui import ANN, editor_for


@pytest.fixture
def tasks() -> Any:
    from privdesk.ui.tasks import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.wait()


def test_opt_out_suppresses_and_blocks_reopening(services: Services) -> None:
    ann = services.contacts.create(ANN)
    services.contacts.opt_out(ann.id)
    assert services.suppression.is_suppressed(ANN.email, None)
    assert services.suppression.is_suppressed(None, "07911 123456")  # the 0 form matches too
    with pytest.raises(MarketingSuppressed):
        services.contacts.update(ann.id, replace(ANN, marketing_opt_out=False))
    assert services.contacts.get(ann.id).data.marketing_opt_out


def test_import_lists_suppressed_people_and_does_not_add_them(services: Services) -> None:
    services.suppression.add("ann.lee@acme.example", None, "erasure")
    csv = (b"name,email,phone,status,source,last_activity\n"
           b"Ann Lee,Ann.Lee@Acme.example,,enquirer,email,2026-10-01\n"
           b"Bo Diaz,bo@example.org,,enquirer,email,2026-10-01\n")
    result = services.contact_import.run(csv)
    assert result.committed and result.imported == 1
    assert result.as_json()["suppressed"] == [{"line": 2, "reason": "on the suppression list"}]
    assert services.contacts.search(ContactQuery(text="ann lee")).total == 0


def test_new_contact_entry_warns_about_a_suppressed_person(qtbot: Any, services: Services,
                                                           tasks: Any) -> None:
    services.suppression.add(ANN.email, None, "erasure")
    asked: list[bool] = []
    dialog = editor_for(qtbot, services, tasks, None)
    dialog.confirm_suppressed = lambda: asked.append(True) or False  # the officer cancels
    qtbot.keyClicks(dialog.inputs["name"], "Ann Lee")
    dialog.inputs["email"].setText(ANN.email)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    tasks.wait()
    assert services.contacts.search(ContactQuery(text="ann lee")).total == 0
    # Going ahead without opting out is refused in plain words; nothing is saved.
    dialog.confirm_suppressed = lambda: True
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.banner.isHidden(), timeout=5000)
    assert "suppression list" in dialog.banner.text()
    assert services.contacts.search(ContactQuery(text="ann lee")).total == 0
