"""The team server goes away (a real server, stopped and started again): a short outage
is only reported; a lasting one (the team.outage_lock_seconds setting) locks the window
with a plain message, unlocking while it is still down says so and stays locked, and
unlocking once it is back connects afresh and carries on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from privdesk.app import DesktopSession
from privdesk.domain.contact_records import ContactQuery
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.session import begin_session
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer, start_server
from tests.team.team_window import open_team_window

PASS = "ann outage passphrase"


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    """A server of this test's own: it is stopped and started, which the shared one
    must never be."""
    server = start_server()
    yield server
    server.stop()


def test_a_lasting_outage_locks_and_the_unlock_reconnects(
        qtbot: Any, own_server: PgServer, policy: Policy, tmp_path: Path) -> None:
    url = own_server.url(own_server.create_database())
    session, window, refresher = open_team_window(qtbot, url, PASS, policy, tmp_path, 1)
    refresher.timer.setInterval(200)  # the app polls every 3 s; the test need not wait
    qtbot.waitUntil(lambda: refresher.seen is not None, timeout=10000)

    def status() -> str:
        return window.statusBar().currentMessage()

    # A short outage: told at once, and again when it is over; no lock.
    refresher.outage_lock_s = 600
    own_server.pause()
    qtbot.waitUntil(lambda: "not answering" in status(), timeout=15000)
    own_server.resume()
    qtbot.waitUntil(lambda: "answering again" in status(), timeout=15000)
    assert not session.locked

    # A lasting one: the window locks, saying why.
    refresher.outage_lock_s = 1
    own_server.pause()
    qtbot.waitUntil(lambda: session.locked, timeout=20000)
    dialog = session.lock_dialog
    assert dialog is not None
    assert "has not answered" in dialog.error.text() and "Unlock when the server is back" \
        in dialog.error.text()
    assert session.ctx.store.locked  # the key went with the lock

    # Unlocking while it is still down: a plain message, still locked.
    dialog.passphrase.setText(PASS)
    dialog.try_unlock()
    qtbot.waitUntil(lambda: dialog.unlock_button.isEnabled(), timeout=20000)
    assert "Could not work with the team server" in dialog.error.text(), dialog.error.text()
    assert session.locked

    own_server.resume()
    dialog.passphrase.setText(PASS)
    dialog.try_unlock()
    qtbot.waitUntil(lambda: not session.locked, timeout=20000)
    assert ContactService(session.ctx).search(ContactQuery()).total == 0  # connected again
    qtbot.waitUntil(lambda: not refresher.server_down, timeout=10000)
    session.close()


def test_a_window_that_missed_a_key_rotation_locks_at_once(
        qtbot: Any, pg_url: str, policy: Policy, tmp_path: Path) -> None:
    """Ann's connections were dropped while another admin rotated the data key: her next
    poll meets the new key and the window locks at once, saying why; her unlock takes the
    new key and she carries on."""
    from privdesk.services.officers import OfficerService

    with create_team_store(pg_url, "Ann Admin", PASS) as store:
        OfficerService(begin_session(store, policy)).add("Cy Admin", "admin", "cy rotation phrase")
    session = DesktopSession(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat),
                             app_paths(), policy)
    window = session.show(begin_session(open_team_store(pg_url, "Ann Admin", PASS), policy))
    qtbot.addWidget(window)
    refresher = session.refresher
    assert refresher is not None
    qtbot.waitUntil(lambda: refresher.seen is not None, timeout=10000)
    refresher.stop()
    session.tasks.wait()  # the areas' first loads are done
    session.ctx.store.engine.dispose()  # her connections are gone; her key is not
    with open_team_store(pg_url, "Cy Admin", "cy rotation phrase") as cy:
        OfficerService(begin_session(cy, policy)).rotate_key()
    refresher.timer.setInterval(200)
    refresher.timer.start()
    qtbot.waitUntil(lambda: session.locked, timeout=15000)
    dialog = session.lock_dialog
    assert dialog is not None and "rotated the data key" in dialog.error.text()
    dialog.passphrase.setText(PASS)
    dialog.try_unlock()
    qtbot.waitUntil(lambda: not session.locked, timeout=20000)
    assert ContactService(session.ctx).search(ContactQuery()).total == 0
    session.close()
