"""The team store's outage lock in Settings (team.outage_lock_seconds): shown on a team
store only, saved like any setting, and applied to the running window's poll at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from privdesk.app import DesktopSession
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.session import begin_session
from privdesk.services.settings import SettingsService
from privdesk.store.team import create_team_store, open_team_store
from privdesk.ui.settings_dialog import SettingsDialog
from tests.pg_server import PgServer

PASS = "outage setting passphrase"


def test_an_admin_sets_the_outage_lock_and_the_window_uses_it(
        qtbot: Any, pg_server: PgServer, policy: Policy, tmp_path: Path) -> None:
    url = pg_server.url(pg_server.create_database())
    with create_team_store(url, "Ann Admin", PASS) as store:
        # Set outside the dialog's usual range: shown as it is, never changed by a save.
        SettingsService(begin_session(store, policy)).set("team.outage_lock_seconds", 5)
    session = DesktopSession(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat),
                             app_paths(), policy)
    window = session.show(begin_session(open_team_store(url, "Ann Admin", PASS), policy))
    qtbot.addWidget(window)
    refresher = session.refresher
    assert refresher is not None
    qtbot.waitUntil(lambda: refresher.outage_lock_s == 5, timeout=10000)
    seen: dict[str, Any] = {}

    def officer(step: int = 0) -> None:
        """What the officer does in the modal dialog: first leaves the value alone and
        saves another setting; then (second opening) types 45 seconds and saves."""
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, SettingsDialog) and w.isVisible()), None)
        if dialog is None or not dialog.ready:
            QTimer.singleShot(20, lambda: officer(step))
            return
        seen.setdefault("shown", []).append(dialog.outage_lock.value())
        seen["visible"] = dialog.outage_lock.isVisibleTo(dialog)
        seen["tip"] = dialog.outage_lock.toolTip()
        if step == 0:
            dialog.auto_lock.setValue(7)
        else:
            dialog.outage_lock.setValue(45)
        dialog.save()

    QTimer.singleShot(0, officer)
    session.open_settings()
    assert seen["visible"] and "window locks" in seen["tip"]
    settings = session.services.settings if session.services else None
    assert settings is not None
    assert settings.get("auto_lock_minutes") == 7
    assert settings.get("team.outage_lock_seconds") == 5  # untouched by the other save

    QTimer.singleShot(0, lambda: officer(1))
    session.open_settings()
    assert seen["shown"] == [5, 5]
    assert settings.get("team.outage_lock_seconds") == 45
    # The save announces a settings change: the running poll takes the new value.
    qtbot.waitUntil(lambda: refresher.outage_lock_s == 45, timeout=10000)
    session.close()
