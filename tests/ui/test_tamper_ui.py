"""An officer's walk: a viewer made themselves admin in SQL; the next unlock through the
real window shows what was found (as plain text), acts on the signed role, and the
officers screen still says viewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from privdesk.app import DesktopSession
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.container import Services
from privdesk.services.session import begin_session
from privdesk.store import vault
from privdesk.ui.officers_area import COL_ROLE
from tests.attacker import own_keys, raw_sql
from tests.ui.test_shell import shoot

PW = "team passphrase"


def test_a_role_edited_in_sql_is_shown_and_refused_in_the_window(qtbot: Any, tmp_path: Path,
                                                                 policy: Policy) -> None:
    path = tmp_path / "team.privdesk"
    with vault.create_store(path, "Alex Morgan", PW) as store:
        Services.build(begin_session(store, policy)).officers.add("Jo Lewis", "viewer", PW)
    key, _ = own_keys(path, "Jo Lewis", PW)
    raw_sql(path, key, "UPDATE officers SET role = 'admin' WHERE name = 'Jo Lewis'")

    session = DesktopSession(QSettings(), app_paths(), policy)
    ctx = begin_session(vault.open_store(path, "Jo Lewis", PW), policy)
    window = session.show(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "unlock_findings") is not None,
                    timeout=5000)
    box = window.findChild(QMessageBox, "unlock_findings")
    assert box is not None and box.isVisible()
    assert "audit trail" in box.text()
    found = box.informativeText()
    assert "changed to admin outside privdesk" in found and "stays viewer" in found
    shoot(window, "tamper-finding-1366")
    shot = shoot(box, "tamper-finding-box")
    assert shot.exists()
    box.accept()
    assert session.ctx.actor.role == "viewer"
    area = session.services.officers if session.services else None
    assert area is not None
    rows = {r.name: r.role for r in area.list()}
    assert rows["Jo Lewis"] == "viewer"
    officers_tab = next(w for w in window.findChildren(object)
                        if type(w).__name__ == "OfficersArea")
    officers_tab.refresh()
    qtbot.waitUntil(lambda: officers_tab.model.rowCount() == 2, timeout=5000)
    roles = {officers_tab.model.index(r, 0).data(): officers_tab.model.index(r, COL_ROLE).data()
             for r in range(2)}
    assert roles["Jo Lewis"] == "Viewer" and not officers_tab.add_button.isEnabled()
    session.tasks.wait()
    session.close()
