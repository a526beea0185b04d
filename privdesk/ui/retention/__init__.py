"""The Retention area (calendar, due lists, legal holds, review and purge)."""

from privdesk.ui.retention.area import RetentionArea

__all__ = ["RetentionArea"]
