"""The areas of the main window, built over the unlocked store's services."""

from __future__ import annotations

from privdesk.services.container import Services
from privdesk.ui.audit_area import AuditArea
from privdesk.ui.main_window import Area
from privdesk.ui.officers_area import OfficersArea
from privdesk.ui.summary_area import SummaryArea
from privdesk.ui.tasks import TaskRunner


def _counts(services: Services, tables: list[str]) -> str:
    counts = services.ctx.store.table_counts(tables)
    return "  ·  ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in counts.items())


def build_areas(services: Services, tasks: TaskRunner) -> list[Area]:
    areas = []
    for key, title, text, tables in (
        ("contacts", "Contacts", "The register of everyone whose personal data we hold.",
         ["contacts", "interactions", "disclosures"]),
        ("requests", "Requests", "Data-subject requests and their statutory deadlines.",
         ["requests"]),
        ("retention", "Retention", "When each person's data falls due for deletion.",
         ["tombstones", "suppression"]),
    ):
        widget = SummaryArea(title, text, lambda t=tables: _counts(services, t), tasks)
        areas.append(Area(key, title, widget, widget.refresh))
    audit = AuditArea(services.audit, services.ctx, tasks)
    areas.append(Area("audit", "Audit", audit, audit.refresh))
    officers = OfficersArea(services.officers, services.ctx, tasks)
    areas.append(Area("officers", "Officers", officers, officers.refresh))
    return areas
