"""Another officer's change reaches this officer's screen by itself (team store)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from privdesk.app import DesktopSession
from privdesk.domain.contact_records import ContactInput
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store.team import create_team_store, open_team_store

BOB_PASS = "bob quiet lantern orchard"


def test_a_contact_added_by_another_officer_appears_without_reloading(
        qtbot: Any, pg_url: str, policy: Policy, tmp_path: Path) -> None:
    with create_team_store(pg_url, "Ann Admin", "ann passphrase") as store:
        OfficerService(begin_session(store, policy)).add("Bob Officer", "officer", BOB_PASS)
    settings = QSettings(str(tmp_path / "privdesk.conf"), QSettings.Format.IniFormat)
    session = DesktopSession(settings, app_paths(), policy)
    window = session.show(begin_session(open_team_store(pg_url, "Ann Admin", "ann passphrase"),
                                        policy))
    qtbot.addWidget(window)
    assert session.refresher is not None
    session.refresher.timer.setInterval(200)  # the app polls every 3 s; the test need not wait
    window.show_area("contacts")
    contacts = window.area("contacts")
    qtbot.waitUntil(lambda: "No contacts yet" in contacts.count_label.text(), timeout=10000)
    qtbot.waitUntil(lambda: session.refresher is not None and session.refresher.seen is not None,
                    timeout=10000)

    editor = contacts.make_editor(None)  # Ann is typing a new contact meanwhile
    qtbot.addWidget(editor)
    editor.show()
    editor.notes.setPlainText("half-typed note, not saved yet")

    with open_team_store(pg_url, "Bob Officer", BOB_PASS) as bob_store:
        ContactService(begin_session(bob_store, policy)).create(ContactInput(
            name="Added By Bob", status="enquirer", source="enquiry_form",
            first_contact=date(2026, 3, 1), last_activity=date(2026, 3, 1)))
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=15000)
    assert editor.isVisible() and editor.notes.toPlainText() == "half-typed note, not saved yet"
    editor.reject()
    session.close()
