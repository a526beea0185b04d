"""The areas of the main window, built over the unlocked store's services."""

from __future__ import annotations

from privdesk.services.container import Services
from privdesk.ui.contacts import ContactsArea
from privdesk.ui.main_window import Area
from privdesk.ui.requests import RequestsArea
from privdesk.ui.retention import RetentionArea
from privdesk.ui.summary_area import SummaryArea
from privdesk.ui.tasks import TaskRunner


def _counts(services: Services, tables: list[str]) -> str:
    counts = services.ctx.store.table_counts(tables)
    return "  ·  ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in counts.items())


def build_areas(services: Services, tasks: TaskRunner) -> list[Area]:
    contacts = ContactsArea(services, tasks)
    areas = [Area("contacts", "Contacts", contacts, contacts.refresh)]
    for key, title, text, tables in (
        ("requests", "Requests", "Data-subject requests and their statutory deadlines.",
         ["requests"]),
    ):
        if key == "requests":
            queue = RequestsArea(services, tasks)
            areas.append(Area(key, title, queue, queue.refresh))
            continue
        widget = SummaryArea(title, text, lambda t=tables: _counts(services, t), tasks)
        areas.append(Area(key, title, widget, widget.refresh))
    retention = RetentionArea(services, tasks)
    areas.append(Area("retention", "Retention", retention, retention.refresh))
    return areas
