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

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from privdesk.store.models import AuditEvent, Secret

KEY_NAME = "audit_hmac"
HEAD_NAME = "audit_head"
MAX_FIELD = 500  # an officer name typed at a failed unlock can be anything; keep it short
_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's SQLite DateTime stores an instant
SERVER_LOCK = 0x70726976  # pg advisory lock id for audit appends on a team store ("priv")
_CACHE = "privdesk.audit.chain"  # session.info key: (transaction, key, last id, last hmac)


def _mac(key: bytes, prev: str, event_id: int, at: datetime, officer: str, action: str,
         target_type: str | None, target_id: str | None, outcome: str, detail: str) -> str:
    fields = [event_id, at.isoformat(), officer, action, target_type or "", target_id or "",
              outcome, detail]
    message = prev.encode("ascii") + b"\x1f" + json.dumps(fields, ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _mac_of(key: bytes, prev: str, e: AuditEvent) -> str:
    return _mac(key, prev, e.id, e.at, e.officer, e.action, e.target_type, e.target_id,
                e.outcome, e.detail)


def _append_on_server(session: Session, key: bytes, at: datetime, officer: str, action: str,
                      target_type: str | None, tid: str | None, outcome: str,
                      detail: str) -> tuple[int, str]:
    """A team store (PostgreSQL): appends are serialised by a transaction-scoped advisory
    lock, so officers writing at once still make one chain in id order; the detail goes
    through the ORM column type, which seals it before it reaches the server."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SERVER_LOCK})
    event_id = int(session.execute(insert(AuditEvent).values(
        at=at, officer=officer, action=action, target_type=target_type, target_id=tid,
        outcome=outcome, detail=detail, prev_hmac="", hmac="").returning(AuditEvent.id)).scalar_one())
    prev = session.scalar(select(AuditEvent.hmac).where(AuditEvent.id < event_id)
                          .order_by(AuditEvent.id.desc()).limit(1)) or ""
    digest = _mac(key, prev, event_id, at, officer, action, target_type, tid, outcome, detail)
    session.execute(update(AuditEvent).where(AuditEvent.id == event_id)
                    .values(prev_hmac=prev, hmac=digest))
    head = f"{event_id}:{digest}".encode("ascii")
    if session.execute(update(Secret).where(Secret.name == HEAD_NAME)
                       .values(value=head)).rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(Secret).values(name=HEAD_NAME, value=head))
    return event_id, digest


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

    @staticmethod
    def _key(session: Session) -> bytes:
        value = session.scalar(select(Secret.value).where(Secret.name == KEY_NAME))
        if value is not None:
            return value
        key = secrets.token_bytes(32)
        session.execute(insert(Secret).values(name=KEY_NAME, value=key))
        AuditLog._seal_existing(session, key)
        return key

    @staticmethod
    def _seal_existing(session: Session, key: bytes) -> None:
        """Events written before the chain existed (older stores) join it now."""
        prev = ""
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            event.prev_hmac, event.hmac = prev, _mac_of(key, prev, event)
            prev = event.hmac
        session.flush()

    def record(self, session: Session, officer: str, action: str,
               target_type: str | None = None, target_id: object = None,
               detail: str = "", outcome: str = "ok") -> int:
        """Append one event to the chain; returns its id. Plain SQL on the session's
        connection (same transaction): SQLAlchemy's statement building cost ~1 ms per
        event, which a purge auditing thousands of records would feel."""
        # Within one transaction the key and the last (id, hmac) are read once: after our
        # first insert this transaction holds SQLite's write lock, so no other writer can
        # slip an event in between ours.
        txn = session.get_transaction()
        cached = session.info.get(_CACHE)
        if cached is not None and cached[0] is txn:
            key = cached[1]
        else:
            key, cached = self._key(session), None
        conn = session.connection()
        at = self._now()
        tid = None if target_id is None else str(target_id)[:MAX_FIELD]
        officer, action, detail = officer[:MAX_FIELD], action[:MAX_FIELD], detail[:MAX_FIELD]
        if conn.dialect.name != "sqlite":
            event_id, digest = _append_on_server(session, key, at, officer, action, target_type,
                                                 tid, outcome, detail)
            session.info[_CACHE] = (txn, key, event_id, digest)
            return event_id
        # Insert first, then read the previous event: by then we hold the write lock.
        event_id = int(conn.exec_driver_sql(
            "INSERT INTO audit_events (at, officer, action, target_type, target_id, outcome,"
            " detail, prev_hmac, hmac) VALUES (?, ?, ?, ?, ?, ?, ?, '', '') RETURNING id",
            (at.strftime(_STAMP), officer, action, target_type, tid, outcome, detail),
        ).scalar_one())
        if cached is not None and cached[2] == event_id - 1:
            prev = cached[3]
        else:
            prev = conn.exec_driver_sql(
                "SELECT hmac FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT 1",
                (event_id,)).scalar() or ""
        digest = _mac(key, prev, event_id, at, officer, action, target_type, tid, outcome, detail)
        conn.exec_driver_sql("UPDATE audit_events SET prev_hmac = ?, hmac = ? WHERE id = ?",
                             (prev, digest, event_id))
        conn.exec_driver_sql("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT(name)"
                             " DO UPDATE SET value = excluded.value",
                             (HEAD_NAME, f"{event_id}:{digest}".encode("ascii")))
        session.info[_CACHE] = (txn, key, event_id, digest)
        return event_id

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
                if not hmac.compare_digest(event.hmac, _mac_of(key_row.value, prev, event)):
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
