"""An officer connects to a team server from the unlock dialog, as they would: the
address typed once, the server remembered (without its password), unlocked with their own
name and passphrase, the main window shown; locking and unlocking again in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from privdesk.app import DesktopSession
from privdesk.domain.contact_records import ContactQuery
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.session import lock_session, resume_session
from privdesk.store.server import ServerStore
from privdesk.store.team import create_team_store
from privdesk.ui.unlock_dialog import UnlockDialog
from tests.pg_server import PgServer
from tests.ui.test_shell import shoot

PASS = "team unlock passphrase"


def test_connect_to_a_team_server_from_the_unlock_dialog(qtbot: Any, pg_server: PgServer,
                                                         pg_url: str, policy: Policy,
                                                         tmp_path: Path) -> None:
    create_team_store(pg_url, "Dana Reid", PASS).close()
    settings = QSettings(str(tmp_path / "privdesk.conf"), QSettings.Format.IniFormat)
    session = DesktopSession(settings, app_paths(), policy)
    dialog = UnlockDialog(session._open, session.tasks, session.recent.load(), tmp_path,
                          settings=settings)
    qtbot.addWidget(dialog)
    dialog.resize(1366 // 2, 768 // 2)

    # A network address without TLS is refused in plain words, and nothing is added.
    assert not dialog.add_server("postgresql://dana@db.example/privdesk?sslmode=disable")
    assert "without TLS" in dialog.error.text() and dialog.recent.count() == 0

    # The address as typed may carry a password: used for this connection, never shown.
    typed = pg_url.replace("privdesk_test@", "privdesk_test:hunter2-secret@")
    assert dialog.add_server(typed)
    item = dialog.recent.currentItem()
    assert "(team server)" in item.text() and "hunter2" not in item.text()
    shoot(dialog, "team-unlock-dialog")
    dialog.officer.setText("Dana Reid")
    dialog.passphrase.setText(PASS)
    with qtbot.waitSignal(dialog.unlocked, timeout=30000) as blocker:
        dialog.unlock_button.click()
    ctx = blocker.args[0]
    assert isinstance(ctx.store, ServerStore) and ctx.actor.name == "Dana Reid"

    window = session.show(ctx)
    qtbot.addWidget(window)
    assert "hunter2" not in window.windowTitle()
    window.resize(1366, 768)
    shoot(window, "team-main-window-1366")
    settings.sync()
    saved = Path(settings.fileName()).read_text()
    assert "hunter2" not in saved and PASS not in saved
    recent = session.recent.load()
    assert recent and isinstance(recent[0], str) and "hunter2" not in recent[0]

    # Lock, then the same officer carries on in place (the key is dropped meanwhile).
    lock_session(ctx, "test")
    assert ctx.store.locked
    resume_session(ctx, PASS)
    assert ContactService(ctx).search(ContactQuery()).total == 0  # reads again after the lock
    assert not ctx.store.locked
    ctx.store.close()

    # Next start: the server is in the list by its safe address, and the officer's name
    # is remembered for it.
    again = UnlockDialog(session._open, session.tasks, session.recent.load(), tmp_path,
                         settings=settings)
    qtbot.addWidget(again)
    assert again.recent.count() == 1 and "(team server)" in again.recent.item(0).text()
    assert again.officer.text() == "Dana Reid"
    session.tasks.wait()
