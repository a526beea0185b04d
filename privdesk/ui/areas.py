"""The areas of the main window, built over the unlocked store's services.

Each area takes a small frozen record naming exactly the services it and its dialogs use
(ContactsServices, RequestsServices, BreachesServices, the pack dialogs' Paperwork), or the
one or two services themselves; they are picked out of the container here, and only here."""

from __future__ import annotations

from privdesk.services.container import Services
from privdesk.ui.audit_area import AuditArea
from privdesk.ui.breaches import BreachesArea, BreachesServices
from privdesk.ui.change_notice import ChangeNotice
from privdesk.ui.contacts import ContactsArea, ContactsServices
from privdesk.ui.main_window import Area
from privdesk.ui.navigation import Navigator
from privdesk.ui.officers_area import OfficersArea
from privdesk.ui.packs import Paperwork
from privdesk.ui.requests import RequestsArea, RequestsServices
from privdesk.ui.retention import RetentionArea
from privdesk.ui.tasks import TaskRunner


def contacts_services(s: Services) -> ContactsServices:
    return ContactsServices(s.ctx, s.contacts, s.contact_import)


def paperwork(s: Services) -> Paperwork:
    return Paperwork(s.ctx, s.requests, s.packs, s.letters, s.mail)


def requests_services(s: Services) -> RequestsServices:
    return RequestsServices(s.ctx, s.requests, s.erasure, paperwork(s))


def breaches_services(s: Services) -> BreachesServices:
    return BreachesServices(s.ctx, s.breaches, s.breach_documents, s.ropa, s.report, s.requests)


def build_areas(services: Services, tasks: TaskRunner, navigator: Navigator | None = None,
                notice: ChangeNotice | None = None) -> list[Area]:
    """The areas over one change notice: a write in one reloads every area it concerns."""
    notice = notice or ChangeNotice()
    contacts = ContactsArea(contacts_services(services), tasks, notice)
    queue = RequestsArea(requests_services(services), tasks, notice=notice)
    retention = RetentionArea(services.retention, services.purge, services.ctx, tasks, notice)
    audit = AuditArea(services.audit, services.ctx, tasks, notice)
    officers = OfficersArea(services.officers, services.ctx, tasks, notice)
    breaches = BreachesArea(breaches_services(services), tasks, notice=notice)
    # One click from a mention of a person or a request to its record.
    nav = navigator or Navigator(contacts)
    contacts.navigator = queue.detail.navigator = audit.navigator = nav
    retention.set_navigator(nav)
    nav.contact_wanted.connect(contacts.open_contact)
    nav.request_wanted.connect(queue.show_request)
    return [
        Area("contacts", "Contacts", contacts, contacts.refresh),
        Area("requests", "Requests", queue, queue.refresh),
        Area("retention", "Retention", retention, retention.refresh),
        Area("audit", "Audit", audit, audit.refresh),
        Area("officers", "Officers", officers, officers.refresh),
        Area("breaches", "Breaches", breaches, breaches.refresh),  # Ctrl+6
    ]
