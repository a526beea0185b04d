"""Auto-lock, and the officers, audit and settings screens, driven over real stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

from privdesk.app import DesktopSession, minutes_to_ms
from privdesk.paths import app_paths
from privdesk.policy import Policy
from privdesk.services.authz import Permission
from privdesk.services.container import Services
from privdesk.services.context import Actor
from privdesk.services.session import begin_session
from privdesk.store import vault
from privdesk.store.errors import StoreLockedError
from privdesk.ui.audit_area import COL_ACTION, COL_OFFICER, COL_OUTCOME, AuditArea
from privdesk.ui.officers_area import COL_ROLE, COL_STATUS, OfficersArea
from privdesk.ui.permissions import guard
from privdesk.ui.settings_dialog import SettingsDialog
from privdesk.ui.tasks import TaskRunner
from tests.ui.test_shell import shoot

PW = "team passphrase"


@pytest.fixture
def team(tmp_path: Path, policy: Policy) -> Iterator[Services]:
    store = vault.create_store(tmp_path / "team.privdesk", "Alex Morgan", PW)
    services = Services.build(begin_session(store, policy))
    services.officers.add("Priya Shah", "officer", PW)
    services.officers.add("Jo Lewis", "viewer", PW)
    yield services
    services.ctx.store.close()


def test_auto_lock_keeps_an_open_editor_and_carries_on(qtbot: Any, team: Services, policy: Policy) -> None:
    path = team.ctx.store.path
    team.ctx.store.close()
    session = DesktopSession(QSettings(), app_paths(), policy)
    ctx = begin_session(vault.open_store(path, "Priya Shah", PW), policy)
    window = session.show(ctx)
    qtbot.addWidget(window)
    session.tasks.wait()
    qtbot.waitUntil(lambda: not session.tasks.busy)  # the auto-lock setting read and applied
    # An editor with unsaved text, open when the lock comes.
    editor = QDialog(window)
    editor.setWindowTitle("Edit contact")
    text = QLineEdit("half-typed note")
    QVBoxLayout(editor).addWidget(text)
    editor.setModal(True)  # application-modal, like an editor run with exec()
    editor.show()
    assert session.idle is not None
    session.idle.set_interval(300)  # 0.3 s instead of minutes
    qtbot.waitUntil(lambda: session.locked, timeout=5000)
    assert ctx.store.locked and not window.centralWidget().isEnabled()
    assert session.cover is not None and session.cover.isVisible()
    assert editor.isVisible() and not editor.isEnabled()
    with pytest.raises(StoreLockedError):  # the key is gone: nothing can reconnect
        team_services = session.services
        assert team_services is not None
        team_services.settings.all()
    dialog = session.lock_dialog
    assert dialog is not None and dialog.officer.text() == "Priya Shah"
    assert dialog.officer.isReadOnly() and dialog.recent.isHidden()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # a stray Escape neither quits nor unlocks
    assert dialog.isVisible() and session.locked
    window.resize(1000, 640)
    shoot(window, "locked-window")
    shoot(dialog, "lock-dialog")
    assert not QApplication.activeModalWidget() or QApplication.activeModalWidget() is dialog
    dialog.passphrase.setText("not it")
    dialog.try_unlock()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
    assert session.locked
    dialog.passphrase.setText(PW)
    with qtbot.waitSignal(dialog.unlocked, timeout=10000):
        dialog.try_unlock()
    assert not session.locked and window.centralWidget().isEnabled()
    assert editor.isEnabled() and text.text() == "half-typed note"  # the same widget, kept
    assert session.services is not None and session.services.ctx.store is ctx.store
    session.tasks.wait()
    audit = [(e.action, e.outcome) for e in reversed(session.services.audit.events())]
    assert audit[-3:] == [("store.lock", "ok"), ("store.unlock", "failed"), ("store.unlock", "ok")]
    assert ("backup.create", "ok") in audit  # the daily backup, made at the first unlock
    assert session.services.audit.verify().ok
    # File > Back up now: Priya (officer) may back up on demand.
    session.backup_now()
    qtbot.waitUntil(lambda: "verified" in window.statusBar().currentMessage(), timeout=10000)
    assert any(e.detail.startswith("on demand:") for e in session.services.audit.events())
    # Ctrl+L locks on demand, through the window's action.
    window.lock_action.trigger()
    assert session.locked and ctx.store.locked
    editor.close()
    window.close()
    session.close()


def test_input_resets_the_idle_timer(qtbot: Any, team: Services, policy: Policy) -> None:
    path = team.ctx.store.path
    team.ctx.store.close()
    session = DesktopSession(QSettings(), app_paths(), policy)
    window = session.show(begin_session(vault.open_store(path, "Alex Morgan", PW), policy))
    qtbot.addWidget(window)
    assert session.idle is not None
    idle = session.idle
    qtbot.waitUntil(lambda: not session.tasks.busy, timeout=10000)  # the setting read
    idle.set_interval(600)
    for _ in range(3):  # keep typing for longer than the interval: 3 x >300 ms
        qtbot.waitUntil(lambda: idle.remaining_ms < 300, timeout=5000)  # half of it gone
        qtbot.keyClick(window, Qt.Key.Key_Shift)
        assert idle.remaining_ms > 400  # the key press started the countdown again
        assert not session.locked
    qtbot.waitUntil(lambda: session.locked, timeout=5000)
    window.close()
    session.close()
    assert minutes_to_ms(10) == 600_000 and minutes_to_ms("junk") == 600_000


def test_officers_screen(qtbot: Any, team: Services) -> None:
    tasks = TaskRunner()
    area = OfficersArea(team.officers, team.ctx, tasks)
    qtbot.addWidget(area)
    area.resize(900, 420)
    area.show()
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() == 3, timeout=5000)
    roles = {area.model.index(r, 0).data(): area.model.index(r, COL_ROLE).data() for r in range(3)}
    assert roles == {"Alex Morgan": "Admin", "Jo Lewis": "Viewer", "Priya Shah": "Officer"}
    assert area.model.index(0, COL_STATUS).data() == "Can unlock"
    assert area.add_button.isEnabled()
    asked: list[tuple[str, str]] = []
    area.confirm = lambda name, role: asked.append((name, role)) or True  # type: ignore[func-returns-value]
    assert not area.role_button.isEnabled() and area.role_combo.currentData() is None
    area.table.selectRow(1)
    name = area.model.index(1, 0).data()
    current = area.model.index(1, COL_ROLE).data().lower()
    assert area.role_combo.currentData() == current  # follows the selection, no default
    assert not area.role_button.isEnabled()  # nothing to change yet
    area.role_combo.setCurrentIndex(area.role_combo.findData("officer"))
    assert area.role_button.isEnabled()
    area.role_button.click()
    assert asked == [(name, "officer")]
    qtbot.waitUntil(lambda: "is now officer" in area.message.text(), timeout=5000)
    shoot(area, "officers")
    # A viewer sees the list but not the buttons, and is told why.
    team.ctx.actor = Actor("Jo Lewis", "viewer")
    area.refresh()
    assert not area.add_button.isEnabled()
    assert area.add_button.toolTip() == "Your role (viewer) cannot manage officers."
    assert area.passwd_button.isEnabled()
    tasks.wait()


def test_audit_screen_filters_and_exports(qtbot: Any, team: Services, tmp_path: Path) -> None:
    team.ctx.actor = Actor("Jo Lewis", "viewer")
    with pytest.raises(PermissionError):
        team.settings.set("auto_lock_minutes", 1)
    team.ctx.actor = Actor("Alex Morgan", "admin")
    with team.ctx.store.session() as s:
        team.ctx.audit.record(s, "<b>Mallory</b>\u202e" + "x" * 300, "store.unlock", "officer",
                              None, detail="failed attempt", outcome="failed")
    tasks = TaskRunner()
    area = AuditArea(team.audit, team.ctx, tasks)
    qtbot.addWidget(area)
    area.resize(1100, 480)
    area.show()
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() >= 5, timeout=5000)
    outcomes = {area.model.index(r, COL_OUTCOME).data() for r in range(area.model.rowCount())}
    assert {"ok", "denied", "failed"} <= outcomes
    area.action.setCurrentIndex(area.action.findData("officer.add"))
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() == 2, timeout=5000)
    assert {area.model.index(r, COL_ACTION).data() for r in range(2)} == {"Added an officer"}
    area.clear_filters()
    qtbot.waitUntil(lambda: area.model.rowCount() >= 5, timeout=5000)
    area.officer.setCurrentIndex(area.officer.findText("Jo Lewis"))
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=5000)
    assert area.model.index(0, COL_OFFICER).data() == "Jo Lewis"
    area.clear_filters()
    qtbot.waitUntil(lambda: area.model.rowCount() >= 5, timeout=5000)
    area.verify()
    qtbot.waitUntil(lambda: "intact" in area.chain.text(), timeout=5000)
    assert area.export_button.isEnabled()
    out = tmp_path / "audit.csv"
    area.export_to(out)
    qtbot.waitUntil(out.exists, timeout=5000)
    shoot(area, "audit")
    team.ctx.actor = Actor("Priya Shah", "officer")
    area.refresh()
    assert not area.export_button.isEnabled()
    assert "cannot export the audit trail" in area.export_button.toolTip()
    tasks.wait()


def test_settings_dialog_saves_and_is_read_only_for_others(qtbot: Any, team: Services) -> None:
    tasks = TaskRunner()
    dialog = SettingsDialog(team.settings, team.ctx, tasks)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready, timeout=5000)
    dialog.nation.setCurrentIndex(dialog.nation.findData("SCT"))
    dialog.auto_lock.setValue(5)
    dialog.smtp_host.setText("smtp.example.org")
    dialog.smtp_password.setText("smtp secret")
    dialog.show()
    shoot(dialog, "settings")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    values = team.settings.all()
    assert (values["bank_holiday_nation"], values["auto_lock_minutes"], values["smtp.host"]) == (
        "SCT", 5, "smtp.example.org")
    assert team.settings.secret("smtp.password") == b"smtp secret"
    assert "smtp secret" not in str(values)
    team.ctx.actor = Actor("Priya Shah", "officer")
    other = SettingsDialog(team.settings, team.ctx, tasks)
    qtbot.addWidget(other)
    qtbot.waitUntil(lambda: other.ready, timeout=5000)
    assert other.nation.currentData() == "SCT"  # shown read-only, as stored
    assert not other.nation.isEnabled() and "cannot change settings" in other.note.text()
    assert not guard(other.nation, team.ctx, Permission.SETTINGS)
    tasks.wait()


def test_new_store_from_the_dialog_makes_its_officer_admin_and_remembers_the_name(
        qtbot: Any, tmp_path: Path, policy: Policy) -> None:
    from privdesk.ui.unlock_dialog import UnlockDialog

    settings = QSettings()
    session = DesktopSession(settings, app_paths(), policy)
    path = tmp_path / "fresh.privdesk"
    dialog = UnlockDialog(session._open, session.tasks, [], tmp_path, settings=settings)
    qtbot.addWidget(dialog)
    dialog.officer.setText("  Dana   Reid ")
    with qtbot.waitSignal(dialog.unlocked, timeout=10000) as blocker:
        dialog._start(path, "a fresh passphrase", create=True)
    ctx = blocker.args[0]
    assert (ctx.actor.name, ctx.actor.role) == ("Dana Reid", "admin")
    ctx.store.close()
    again = UnlockDialog(session._open, session.tasks, [path], tmp_path, settings=settings,
                         default_officer="someone else")
    qtbot.addWidget(again)
    assert again.officer.text() == "Dana Reid"
    settings.sync()
    dump = Path(settings.fileName()).read_bytes()
    assert b"a fresh passphrase" not in dump


def test_switching_store_closes_the_first_and_carries_on_with_the_second(
        qtbot: Any, team: Services, tmp_path: Path, policy: Policy) -> None:
    first_path = team.ctx.store.path
    team.ctx.store.close()
    second = vault.create_store(tmp_path / "second.privdesk", "Dana Reid", "second phrase")
    second.close()
    session = DesktopSession(QSettings(), app_paths(), policy)
    first = begin_session(vault.open_store(first_path, "Alex Morgan", PW), policy)
    old_window = session.show(first)
    qtbot.addWidget(old_window)
    ctx2 = session._open(second.path, "Dana Reid", "second phrase", False)
    window = session.switch_to(ctx2)
    qtbot.addWidget(window)
    assert first.store.locked and not ctx2.store.locked
    assert "second.privdesk" in window.store_label.text()
    assert session.ctx is ctx2 and session.idle is not None
    qtbot.waitUntil(lambda: not old_window.isVisible(), timeout=5000)
    session.tasks.wait()
    window.close()
    session.close()
