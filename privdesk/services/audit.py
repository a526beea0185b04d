"""The audit trail: who did what to which record, when. Never the personal data itself.

Call `AuditLog.record` inside the same session as the change it describes, so an event
exists exactly when its change was committed.

Tamper evidence: each event's `hmac` is HMAC-SHA256 (key: the `audit_hmac` secret inside
the store) over its id, its fields and the previous event's hmac, so editing, deleting or
reordering an event breaks the chain at a point `verify` names. The newest event's id
and hmac are also kept as the `audit_head` secret, which catches a trail cut short at
its end. Limit, said plainly: someone who holds the data key can read the HMAC key and
rewrite the whole chain; the chain catches edits made without privdesk's cooperation
(an SQLCipher shell, a restored old page), not a forger with the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.store.models import AuditEvent, Secret

KEY_NAME = "audit_hmac"
HEAD_NAME = "audit_head"
MAX_FIELD = 500  # an officer name typed at a failed unlock can be anything; keep it short


def _mac(key: bytes, prev: str, event: AuditEvent) -> str:
    fields = [event.id, event.at.isoformat(), event.officer, event.action,
              event.target_type or "", event.target_id or "", event.outcome, event.detail]
    message = prev.encode("ascii") + b"\x1f" + json.dumps(fields, ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "checked": self.checked, "broken_id": self.broken_id,
                "problem": self.problem}


class AuditLog:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def _key(self, session: Session) -> bytes:
        row = session.get(Secret, KEY_NAME)
        if row is not None:
            return row.value
        key = secrets.token_bytes(32)
        session.add(Secret(name=KEY_NAME, value=key))
        session.flush()
        self._seal_existing(session, key)
        return key

    def _seal_existing(self, session: Session, key: bytes) -> None:
        """Events written before the chain existed (older stores) join it now."""
        prev = ""
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            event.prev_hmac, event.hmac = prev, _mac(key, prev, event)
            prev = event.hmac
        session.flush()

    def record(self, session: Session, officer: str, action: str,
               target_type: str | None = None, target_id: object = None,
               detail: str = "", outcome: str = "ok") -> AuditEvent:
        key = self._key(session)
        event = AuditEvent(
            at=self._now(), officer=officer[:MAX_FIELD], action=action[:MAX_FIELD],
            target_type=target_type, target_id=None if target_id is None else str(target_id),
            outcome=outcome, detail=detail[:MAX_FIELD], prev_hmac="", hmac="",
        )
        # Insert first: from then on this transaction holds SQLite's write lock, so the
        # previous event read next is the one just before ours, with no writer between.
        session.add(event)
        session.flush()
        prev = session.scalar(select(AuditEvent.hmac).where(AuditEvent.id < event.id)
                              .order_by(AuditEvent.id.desc()).limit(1)) or ""
        event.prev_hmac, event.hmac = prev, _mac(key, prev, event)
        head = session.get(Secret, HEAD_NAME)
        value = f"{event.id}:{event.hmac}".encode("ascii")
        if head is None:
            session.add(Secret(name=HEAD_NAME, value=value))
        else:
            head.value = value
        session.flush()
        return event

    @staticmethod
    def verify(session: Session) -> AuditCheck:
        """Walk the chain in id order; the first event that does not fit is reported."""
        key_row = session.get(Secret, KEY_NAME)
        head_row = session.get(Secret, HEAD_NAME)
        prev, checked, last_id = "", 0, 0
        if key_row is not None:
            rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)
                                   .execution_options(yield_per=2000)).scalars()
            for event in rows:
                checked += 1
                if event.prev_hmac != prev:
                    return AuditCheck(False, checked, event.id,
                                      f"the event before event {event.id} was deleted, or "
                                      "events were reordered")
                if not hmac.compare_digest(event.hmac, _mac(key_row.value, prev, event)):
                    return AuditCheck(False, checked, event.id, f"event {event.id} was edited")
                prev, last_id = event.hmac, event.id
        elif session.scalar(select(AuditEvent.id).limit(1)) is not None:
            return AuditCheck(False, 0, None, "the audit key is missing")
        if head_row is not None and head_row.value != f"{last_id}:{prev}".encode("ascii"):
            head_id = head_row.value.decode("ascii", "replace").split(":")[0]
            return AuditCheck(False, checked, last_id or None,
                              f"the trail ends at event {last_id} but its newest event was "
                              f"{head_id}: the last events were deleted")
        return AuditCheck(True, checked)
