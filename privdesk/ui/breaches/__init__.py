"""The Breaches area (Ctrl+6): the breach register and its 72-hour ICO clock."""

from privdesk.ui.breaches.area import BreachesArea, BreachesServices

__all__ = ["BreachesArea", "BreachesServices"]
