"""Has anything changed in the store since we last looked? For a team store, where other
officers write at the same time: every change writes an audit event, so the newest event's
id is a change token that costs one index lookup to read."""

from __future__ import annotations

from sqlalchemy import func, select

from privdesk.services.context import ServiceContext
from privdesk.store.models import AuditEvent


class ChangeWatch:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def token(self) -> int | None:
        """The newest audit event's id; None while the store is locked."""
        if self._ctx.store.locked:
            return None
        with self._ctx.store.session() as s:
            return int(s.scalar(select(func.max(AuditEvent.id))) or 0)
