"""The settings dialog's time zone (#18): the zone breach times are typed and shown in."""

from __future__ import annotations

from typing import Any

from privdesk.services.container import Services
from privdesk.ui.settings_dialog import SettingsDialog
from privdesk.ui.tasks import TaskRunner


def _open(qtbot: Any, services: Services, tasks: TaskRunner) -> SettingsDialog:
    dialog = SettingsDialog(services.settings, services.ctx, tasks)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.timezone.currentText() != "", timeout=5000)
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
    tasks.wait()
    assert "Unknown time zone 'Europe/Atlantis'" in dialog.note.text()
    assert dialog.result() == 0  # not accepted: the dialog stays open with the reason
    values = services.settings.all()
    assert values["timezone"] == "Europe/London" and values["auto_lock_minutes"] == 10
