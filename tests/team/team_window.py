"""A team store's desktop window with the outage lock set, as the officer opens it: the
store made with `team.outage_lock_seconds` stored, then unlocked in a DesktopSession,
waiting until the running poll has read the setting on its worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from privdesk.app import DesktopSession
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.session import begin_session
from privdesk.services.settings import SettingsService
from privdesk.store.team import create_team_store, open_team_store
from privdesk.ui.main_window import MainWindow
from privdesk.ui.team_refresh import TeamRefresher


def open_team_window(qtbot: Any, url: str, passphrase: str, policy: Policy, tmp_path: Path,
                     outage_lock_s: int) -> tuple[DesktopSession, MainWindow, TeamRefresher]:
    with create_team_store(url, "Ann Admin", passphrase) as store:
        SettingsService(begin_session(store, policy)).set("team.outage_lock_seconds",
                                                          outage_lock_s)
    session = DesktopSession(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat),
                             app_paths(), policy)
    window = session.show(begin_session(open_team_store(url, "Ann Admin", passphrase), policy))
    qtbot.addWidget(window)
    refresher = session.refresher
    assert refresher is not None  # the setting is read on the worker, then applied
    qtbot.waitUntil(lambda: refresher.outage_lock_s == outage_lock_s, timeout=10000)
    return session, window, refresher
