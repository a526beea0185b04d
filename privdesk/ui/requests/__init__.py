"""The Requests area: queue, live countdown, detail pane and actions."""

from privdesk.ui.requests.area import RequestsArea

__all__ = ["RequestsArea"]
