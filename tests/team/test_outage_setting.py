"""The team store's outage lock in Settings (team.outage_lock_seconds): shown on a team
store only, saved like any setting, and applied to the running window's poll at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from privdesk.policy import Policy
from privdesk.ui.settings_dialog import SettingsDialog
from tests.pg_server import PgServer
from tests.team.team_window import open_team_window

PASS = "outage setting passphrase"


def test_an_admin_sets_the_outage_lock_and_the_window_uses_it(
        qtbot: Any, pg_server: PgServer, policy: Policy, tmp_path: Path) -> None:
    url = pg_server.url(pg_server.create_database())
    # Set outside the dialog's usual range: shown as it is, never changed by a save.
    session, window, refresher = open_team_window(qtbot, url, PASS, policy, tmp_path, 5)
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
