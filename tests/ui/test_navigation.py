"""One click between related things, walked as an officer would through the real areas:
a request's register line opens the person; the person's record opens the request; an
audit event opens its record; a retention list opens the person."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSettings

from privdesk.services.container import Services
from privdesk.ui.areas import build_areas
from privdesk.ui.audit_area import LINK_ROLE, AuditArea
from privdesk.ui.contacts import ContactsArea
from privdesk.ui.main_window import MainWindow
from privdesk.ui.navigation import Navigator
from privdesk.ui.requests import RequestsArea
from privdesk.ui.retention import RetentionArea
from privdesk.ui.tasks import TaskRunner
from tests.unit.pack_fixtures import NAME, REF, make_request


def _window(qtbot: Any, services: Services, tmp_path: Any) -> tuple[MainWindow, TaskRunner]:
    tasks = TaskRunner()
    nav = Navigator()
    window = MainWindow(build_areas(services, tasks, nav), "store", "Officer",
                        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    nav.area_wanted.connect(window.show_area)
    qtbot.addWidget(window)
    window.show()
    return window, tasks


def test_request_to_contact_and_back(qtbot: Any, services: Services, tmp_path: Any) -> None:
    request_id = make_request(services.ctx)
    window, tasks = _window(qtbot, services, tmp_path)
    window.show_area("requests")
    requests = window.area("requests")
    contacts = window.area("contacts")
    assert isinstance(requests, RequestsArea) and isinstance(contacts, ContactsArea)
    qtbot.waitUntil(lambda: requests.model.rowCount() == 1)
    assert requests.select_request(request_id)
    qtbot.waitUntil(lambda: requests.detail.detail is not None)
    qtbot.waitUntil(lambda: not tasks.busy)
    # The register line is a link: following it opens the person's record.
    register = next(w for w in requests.detail.findChildren(type(requests.detail.title))
                    if "contact:" in w.text())
    assert NAME in register.text()
    register.linkActivated.emit(register.text().split('"')[1])
    qtbot.waitUntil(lambda: contacts.editor is not None and contacts.editor.isVisible())
    editor = contacts.editor
    assert editor is not None and editor.inputs["name"].text() == NAME
    # The record lists the person's requests; following one shows it in the queue.
    assert REF in editor.requests_label.text()
    window.show_area("contacts")
    requests.table.clearSelection()
    editor.requests_label.linkActivated.emit(f"request:{request_id}")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is requests)
    assert not editor.isVisible()
    qtbot.waitUntil(lambda: bool(requests.table.selectionModel().selectedRows()))
    tasks.wait()


def test_unsaved_record_does_not_jump_away(qtbot: Any, services: Services, tmp_path: Any) -> None:
    request_id = make_request(services.ctx)
    window, tasks = _window(qtbot, services, tmp_path)
    contacts = window.area("contacts")
    assert isinstance(contacts, ContactsArea)
    contacts.navigator.open_contact(  # type: ignore[union-attr]
        services.requests.get(request_id).contacts[0].id)
    qtbot.waitUntil(lambda: contacts.editor is not None and contacts.editor.isVisible())
    editor = contacts.editor
    assert editor is not None
    editor.inputs["name"].setText("Changed name")
    editor.requests_label.linkActivated.emit(f"request:{request_id}")
    assert editor.isVisible() and "Save or cancel" in editor.banner.text()
    editor.reject()
    tasks.wait()


def test_audit_event_and_retention_list_open_their_records(qtbot: Any, services: Services,
                                                           tmp_path: Any) -> None:
    request_id = make_request(services.ctx)
    contact_id = services.requests.get(request_id).contacts[0].id
    services.packs.redact(REF, f"contact:{contact_id}:phone", "redact", "test")  # an event
    window, tasks = _window(qtbot, services, tmp_path)
    audit, requests = window.area("audit"), window.area("requests")
    assert isinstance(audit, AuditArea) and isinstance(requests, RequestsArea)
    window.show_area("audit")
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0)
    row = next(r for r in range(audit.model.rowCount())
               if audit.model.index(r, 0).data(LINK_ROLE) == f"request:{request_id}")
    assert audit.model.index(row, 4).data() == f"Request {REF}"  # words, not "request 1"
    audit.table.doubleClicked.emit(audit.model.index(row, 0))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is requests)
    qtbot.waitUntil(lambda: bool(requests.table.selectionModel().selectedRows()))
    retention, contacts = window.area("retention"), window.area("contacts")
    assert isinstance(retention, RetentionArea) and isinstance(contacts, ContactsArea)
    qtbot.waitUntil(lambda: not tasks.busy)
    listing = retention.list_90
    due = services.retention.between(date(2031, 6, 30), date(2031, 6, 30))
    assert [d.contact_id for d in due] == [contact_id]
    listing.show_rows(due, "1 contact")
    listing.table.doubleClicked.emit(listing.model.index(0, 1))
    qtbot.waitUntil(lambda: contacts.editor is not None and contacts.editor.isVisible())
    assert contacts.editor is not None and contacts.editor.inputs["name"].text() == NAME
    contacts.editor.reject()
    tasks.wait()
