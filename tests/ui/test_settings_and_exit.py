"""The settings dialog (time zone, reads and writes on the worker) and the session's work off
the UI thread: the auto-lock setting and the exit backup (#18)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtWidgets import QGroupBox

from privdesk.services.container import Services
from privdesk.store.models import Setting
from privdesk.ui.settings_dialog import SettingsDialog
from privdesk.ui.tasks import TaskRunner


def _open(qtbot: Any, services: Services, tasks: TaskRunner) -> SettingsDialog:
    dialog = SettingsDialog(services.settings, services.ctx, tasks)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()  # nothing to save over until the values are read
    assert not dialog.timezone.isEnabled()  # nor to type into: load() would overwrite it
    qtbot.waitUntil(lambda: dialog.ready, timeout=5000)
    assert dialog.save_button.isEnabled()
    assert dialog.timezone.isEnabled() and dialog.smtp_host.isEnabled()
    return dialog


def test_time_zone_is_shown_saved_and_used_by_the_breach_clock(qtbot: Any,
                                                             services: Services) -> None:
    tasks = TaskRunner()
    dialog = _open(qtbot, services, tasks)
    assert dialog.timezone.currentText() == "Europe/London"  # the default
    assert "72-hour" in dialog.timezone.toolTip()
    dialog.timezone.setCurrentText("America/New_York")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert services.settings.get("timezone") == "America/New_York"
    assert services.breaches.zone().key == "America/New_York"
    again = _open(qtbot, services, tasks)
    assert again.timezone.currentText() == "America/New_York"
    tasks.wait()


def test_an_unknown_time_zone_is_refused_in_plain_words_and_nothing_saved(
        qtbot: Any, services: Services) -> None:
    tasks = TaskRunner()
    dialog = _open(qtbot, services, tasks)
    dialog.auto_lock.setValue(3)
    dialog.timezone.setCurrentText("Europe/Atlantis")
    dialog.save()
    qtbot.waitUntil(lambda: "Unknown time zone 'Europe/Atlantis'" in dialog.note.text(),
                    timeout=5000)
    assert dialog.buttons.isEnabled()  # the officer can correct it and save again
    assert dialog.result() == 0  # not accepted: the dialog stays open with the reason
    values = services.settings.all()
    assert values["timezone"] == "Europe/London" and values["auto_lock_minutes"] == 10


def _unscrolled_without_a_band(dialog: SettingsDialog) -> None:
    bar = dialog.groups_area.verticalScrollBar()
    assert bar.maximum() == 0, f"the groups scroll by {bar.maximum()} px"
    last = dialog.findChildren(QGroupBox)[-1]
    bottom = last.mapTo(dialog.groups_area.viewport(), last.rect().bottomLeft()).y()
    band = dialog.groups_area.viewport().height() - bottom
    assert 0 <= band < 24, f"{band} px of empty space above Save"


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_settings_fit_their_groups_with_no_band_and_no_scrolling(
        qtbot: Any, services: Services, role: str) -> None:
    """QA walk: an unexplained empty band of ~150 px sat above Save (a fixed 760 px
    height); sizing to the body's size hint made the groups scroll instead."""
    tasks = TaskRunner()
    ctx = replace(services.ctx, actor=replace(services.ctx.actor, role=role))
    dialog = SettingsDialog(services.settings, ctx, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready, timeout=5000)
    _unscrolled_without_a_band(dialog)
    if role == "admin":  # a refusal's line above Save grows the dialog; nothing scrolls
        dialog.timezone.setCurrentText("Europe/Atlantis")
        dialog.save()
        qtbot.waitUntil(lambda: "Unknown time zone" in dialog.note.text(), timeout=5000)
        _unscrolled_without_a_band(dialog)
    else:
        assert "read-only" in dialog.note.text()
    tasks.wait()


def test_a_local_store_shows_no_outage_lock_and_never_writes_it(qtbot: Any,
                                                               services: Services) -> None:
    """The outage lock is a team server's: a local store's Settings neither show it nor
    save it (tests/team/test_outage_setting.py walks the team store's)."""
    tasks = TaskRunner()
    dialog = _open(qtbot, services, tasks)
    dialog.show()
    assert not dialog.team and not dialog.outage_lock.isVisibleTo(dialog)
    assert "team.outage_lock_seconds" not in dialog.values()
    dialog.auto_lock.setValue(4)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert services.settings.get("auto_lock_minutes") == 4
    with services.ctx.store.session() as s:  # the default applies; no row was written
        assert s.get(Setting, "team.outage_lock_seconds") is None
    tasks.wait()


def test_the_session_reads_auto_lock_on_the_worker(qtbot: Any, services: Services,
                                                   policy: Any) -> None:
    """The idle lock starts at the default and takes the stored minutes when the read (on the
    TaskRunner, not the UI thread) comes back."""
    from PySide6.QtCore import QSettings

    from privdesk.app import DesktopSession
    from privdesk.paths import app_paths

    services.settings.set("auto_lock_minutes", 3)
    session = DesktopSession(QSettings(), app_paths(), policy)
    window = session.show(services.ctx)
    qtbot.addWidget(window)
    assert session.idle is not None
    idle = session.idle
    qtbot.waitUntil(lambda: idle.interval_ms == 180_000, timeout=10000)
    window.hold_close = None  # the exit backup has its own test
    window.close()
    session.close()


def test_quitting_shows_backing_up_and_closes_only_once_the_backup_is_written(
        qtbot: Any, services: Services, policy: Any) -> None:
    """The exit backup runs on the worker while a small "Backing up…" window says so; the
    main window closes itself when it is written, and only then (nothing is lost by quitting
    fast), and closing the session afterwards does not back up a second time."""
    from PySide6.QtCore import QSettings

    from privdesk.app import DesktopSession
    from privdesk.paths import app_paths

    session = DesktopSession(QSettings(), app_paths(), policy)
    window = session.show(services.ctx)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not session.tasks.busy, timeout=20000)  # the daily backup
    assert session.services is not None
    audit = session.services.audit

    def exit_backups() -> int:
        return sum(1 for e in audit.events()
                   if e.action == "backup.create" and e.detail.startswith("on exit"))

    assert exit_backups() == 0
    held = window.hold_close
    assert held is not None
    at_close: list[int] = []

    def spy() -> bool:
        holding = held()
        if not holding:
            at_close.append(exit_backups())
        return holding

    window.hold_close = spy
    window.close()
    assert window.isVisible() and not window.isEnabled()  # held: the backup runs first
    progress = session.backing_up
    assert progress is not None and progress.labelText().startswith("Backing up…")
    window.close()  # a second Quit while it runs changes nothing
    assert window.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert at_close == [1]  # the backup was written (and audited) when the window was let go
    assert session.backing_up is None
    folder = session.services.backups.folder()
    written = sorted(folder.glob("*.privdesk"))
    assert written  # the daily and the exit backup
    session.close()  # what run_gui does after the event loop: no second exit backup
    assert session.services is None and sorted(folder.glob("*.privdesk")) == written
