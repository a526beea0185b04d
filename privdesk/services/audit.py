"""The audit trail: who did what to which record, when. Never the personal data itself.

Call `AuditLog.record` inside the same session as the change it describes, so an event
exists exactly when its change was committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from privdesk.store.models import AuditEvent


class AuditLog:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def record(self, session: Session, officer: str, action: str,
               target_type: str | None = None, target_id: object = None,
               detail: str = "", outcome: str = "ok") -> AuditEvent:
        event = AuditEvent(
            at=self._now(), officer=officer, action=action, target_type=target_type,
            target_id=None if target_id is None else str(target_id), outcome=outcome,
            detail=detail,
        )
        session.add(event)
        session.flush()
        return event
