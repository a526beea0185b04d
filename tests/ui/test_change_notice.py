"""One change notice (#18): write paths announce what kind changed, every area reloads only
for the kinds it shows, and a team store's poll announces through the same notice."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from privdesk.services.breach_records import NewBreach
from privdesk.services.container import Services
from privdesk.ui.areas import build_areas
from privdesk.ui.breaches import BreachesArea
from privdesk.ui.change_notice import EVERY_KIND, Change, ChangeNotice
from privdesk.ui.contacts import ContactsArea
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.team_refresh import TeamRefresher
from tests.ui.waits import settle


def _idle(qtbot: Any, tasks: TaskRunner) -> None:
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10000)
    settle()


def _areas_with_loaded(qtbot: Any, services: Services, tasks: TaskRunner,
                       notice: ChangeNotice, key: str) -> dict[str, Any]:
    """A fresh set of areas on `notice`, with area `key` loaded. The caller keeps the
    whole set: areas dropped here would be collected on a worker thread (see gc_guard)."""
    areas = {a.key: a.widget for a in build_areas(services, tasks, notice=notice)}
    qtbot.addWidget(areas[key])
    areas[key].refresh()
    _idle(qtbot, tasks)
    return areas


def _breach(services: Services, text: str) -> None:
    aware = services.breaches.local(services.breaches.now() - timedelta(hours=2))
    services.breaches.add(NewBreach(aware_at=aware.replace(tzinfo=None), summary=text))


def test_an_area_reloads_only_for_the_kinds_it_shows(qtbot: Any, services: Services) -> None:
    tasks, notice = TaskRunner(), ChangeNotice()
    areas = _areas_with_loaded(qtbot, services, tasks, notice, "breaches")
    breaches = areas["breaches"]
    assert isinstance(breaches, BreachesArea)
    assert breaches.model.rowCount() == 0

    _breach(services, "Laptop left on a train")  # written elsewhere (as another officer would)
    notice.announce(Change.CONTACTS, Change.OFFICERS)  # not a kind the register shows
    _idle(qtbot, tasks)
    assert breaches.model.rowCount() == 0
    notice.announce(Change.BREACHES)
    qtbot.waitUntil(lambda: breaches.model.rowCount() == 1, timeout=10000)
    _breach(services, "Wrong attachment sent")
    notice.announce(Change.SETTINGS)  # the time zone breach times are shown in
    qtbot.waitUntil(lambda: breaches.model.rowCount() == 2, timeout=10000)
    tasks.wait()


def test_a_write_announces_and_the_other_areas_hear_it(qtbot: Any,
                                                       services: Services) -> None:
    """A contact saved in the Contacts area's editor is announced once, as a contacts
    change, and the area reloads because it heard it."""
    tasks, notice = TaskRunner(), ChangeNotice()
    heard: list[frozenset[Change]] = []
    notice.changed.connect(heard.append)
    areas = _areas_with_loaded(qtbot, services, tasks, notice, "contacts")
    contacts = areas["contacts"]
    assert isinstance(contacts, ContactsArea)
    editor = contacts.make_editor(None)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.inputs["name"], "Zoe Adams")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save_button.click()
    assert heard == [frozenset({Change.CONTACTS})]
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=10000)  # reloaded by it
    tasks.wait()


def test_the_team_poll_announces_through_the_same_notice(qtbot: Any) -> None:
    """Another officer's write moves the store's change token: the poll announces every
    kind (the token does not say which), so each area reloads what it shows."""
    tasks, notice = TaskRunner(), ChangeNotice()
    heard: list[frozenset[Change]] = []
    notice.changed.connect(heard.append)
    tokens = count(1)
    token = [next(tokens)]
    refresher = TeamRefresher(tasks, lambda: token[0], notice.announce_all, lambda: False,
                              interval_ms=50)
    refresher.start()
    qtbot.waitUntil(lambda: refresher.seen == 1, timeout=5000)
    assert heard == []  # the first token only sets where the screen stands
    token[0] = next(tokens)  # someone else wrote
    qtbot.waitUntil(lambda: heard == [EVERY_KIND], timeout=5000)
    refresher.stop()
    tasks.wait()


def test_a_notice_after_the_session_closed_is_harmless(qtbot: Any, services: Services,
                                                       policy: Any) -> None:
    """A team poll answered just after closing announces on a session with no store: the
    session's settings re-read must then do nothing (it once asserted, in 1 run of 3)."""
    from PySide6.QtCore import QSettings

    from privdesk.app import DesktopSession
    from privdesk.paths import app_paths

    session = DesktopSession(QSettings(), app_paths(), policy)
    window = session.show(services.ctx)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not session.tasks.busy, timeout=10000)
    notice = session.changes
    assert notice is not None
    window.hold_close = None
    window.close()
    session.close()
    notice.announce(Change.SETTINGS)  # no exception in the slot (pytest-qt fails on one)
    settle()
