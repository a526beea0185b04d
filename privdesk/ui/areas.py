"""The areas of the main window, built over the unlocked store's services."""

from __future__ import annotations

from privdesk.services.container import Services
from privdesk.ui.audit_area import AuditArea
from privdesk.ui.breaches import BreachesArea
from privdesk.ui.contacts import ContactsArea
from privdesk.ui.main_window import Area
from privdesk.ui.officers_area import OfficersArea
from privdesk.ui.requests import RequestsArea
from privdesk.ui.retention import RetentionArea
from privdesk.ui.tasks import TaskRunner


def build_areas(services: Services, tasks: TaskRunner) -> list[Area]:
    contacts = ContactsArea(services, tasks)
    queue = RequestsArea(services, tasks)
    retention = RetentionArea(services, tasks)
    audit = AuditArea(services.audit, services.ctx, tasks)
    officers = OfficersArea(services.officers, services.ctx, tasks)
    breaches = BreachesArea(services, tasks)
    return [
        Area("contacts", "Contacts", contacts, contacts.refresh),
        Area("requests", "Requests", queue, queue.refresh),
        Area("retention", "Retention", retention, retention.refresh),
        Area("audit", "Audit", audit, audit.refresh),
        Area("officers", "Officers", officers, officers.refresh),
        Area("breaches", "Breaches", breaches, breaches.refresh),  # Ctrl+6
    ]
