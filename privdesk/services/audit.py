"""The audit trail: who did what to which record, when. Never the personal data itself.

Call `AuditLog.record` inside the same session as the change it describes, so an event
exists exactly when its change was committed.

Tamper evidence: each event's `hmac` is HMAC-SHA256 (key: the `audit_hmac` secret inside
the store) over its id, its fields and the previous event's hmac, so editing, deleting or
reordering an event breaks the chain at a point `verify` names. The newest event's id
and hmac are also kept as the `audit_head` secret, which catches a trail cut short at
its end by someone without the key.

Against someone who holds the data key (any officer: see README): every event is also
signed (Ed25519, over its hmac) by the key of the officer whose session wrote it, and
that key is listed in the roster the admins signed; so an officer can delete or
re-chain events but cannot write or re-sign one in another officer's name. A trail cut
short and re-chained is caught outside the store: each workstation remembers, per
officer, the newest head it saw (services.audit_anchor). A missing HMAC key or head is
reported as such and never replaced by a fresh one while there are events to protect.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from privdesk.services.errors import ServiceError
from privdesk.store.errors import StoreError
from privdesk.store.models import AuditEvent, Secret
from privdesk.store.roster import Roster
from privdesk.store.sealed import SealedValueError, bound_bytes, bound_text

Signer = tuple[str, Ed25519PrivateKey]

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
                      detail: str, signing: tuple[str, Ed25519PrivateKey] | None) -> tuple[int, str]:
    """A team store (PostgreSQL): appends are serialised by a transaction-scoped advisory
    lock, so officers writing at once still make one chain in id order; the detail goes
    through the ORM column type, which seals it before it reaches the server."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SERVER_LOCK})
    # The id first (under the lock, so ids follow the chain), so the detail is sealed
    # bound to its own row.
    event_id = int(session.execute(text(
        "SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))")).scalar_one())
    session.execute(insert(AuditEvent).values(
        id=event_id, at=at, officer=officer, action=action, target_type=target_type,
        target_id=tid, outcome=outcome, detail=bound_text(detail, str(event_id)), prev_hmac="",
        hmac=""))
    prev = session.scalar(select(AuditEvent.hmac).where(AuditEvent.id < event_id)
                          .order_by(AuditEvent.id.desc()).limit(1)) or ""
    digest = _mac(key, prev, event_id, at, officer, action, target_type, tid, outcome, detail)
    signer, sig = "", ""
    if signing is not None:
        signer, sig = signing[0], signing[1].sign(_sig_message(event_id, digest, signing[0])).hex()
    session.execute(update(AuditEvent).where(AuditEvent.id == event_id)
                    .values(prev_hmac=prev, hmac=digest, signer=signer, sig=sig))
    head = bound_bytes(f"{event_id}:{digest}".encode("ascii"), HEAD_NAME)
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


class AuditTrailError(ServiceError, StoreError):
    """The trail's own secrets are missing: never replaced while events exist."""


def as_bytes(value: object) -> bytes:
    """A secret's value as stored by privdesk (bytes), or as raw SQL may have left it."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "replace")


def _sig_message(event_id: int, digest: str, signer: str) -> bytes:
    return f"privdesk audit v1|{event_id}|{digest}|{signer}".encode()


class AuditLog:
    def __init__(self, now: Callable[[], datetime], signer: Signer | None = None) -> None:
        self._now = now
        self._signer = signer

    @property
    def signer(self) -> Signer | None:
        return self._signer

    @staticmethod
    def _key(session: Session) -> bytes:
        value = session.scalar(select(Secret.value).where(Secret.name == KEY_NAME))
        if value is not None:
            return as_bytes(value)
        if session.scalar(select(AuditEvent.id).where(AuditEvent.hmac != "").limit(1)):
            # Deleting the key must never make privdesk sign the edited trail afresh.
            raise AuditTrailError(
                "The audit trail's key is missing from the store (someone deleted it); "
                "nothing more can be recorded. Restore the store from a backup.")
        key = secrets.token_bytes(32)
        session.execute(insert(Secret).values(name=KEY_NAME, value=bound_bytes(key, KEY_NAME)))
        AuditLog._seal_existing(session, key)
        return key

    @staticmethod
    def _seal_existing(session: Session, key: bytes) -> None:
        """Events written before the chain existed (stores from before it, whose events
        all have an empty hmac) join it now."""
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
                                                 tid, outcome, detail, self._signer)
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
        signer, sig = "", ""
        if self._signer is not None:
            signer = self._signer[0]
            sig = self._signer[1].sign(_sig_message(event_id, digest, signer)).hex()
        conn.exec_driver_sql("UPDATE audit_events SET prev_hmac = ?, hmac = ?, signer = ?, sig = ?"
                             " WHERE id = ?", (prev, digest, signer, sig, event_id))
        conn.exec_driver_sql("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT(name)"
                             " DO UPDATE SET value = excluded.value",
                             (HEAD_NAME, f"{event_id}:{digest}".encode("ascii")))
        session.info[_CACHE] = (txn, key, event_id, digest)
        return event_id

    @staticmethod
    def verify(session: Session, roster: Roster | None = None) -> AuditCheck:
        """Walk the chain in id order; the first event that does not fit is reported.
        With the store's verified roster, every event after `roster.audit_from` must
        carry a valid signature by the key its signer held."""
        try:
            return AuditLog._walk(session, roster)
        except SealedValueError as exc:  # a team store: an event's sealed detail was moved
            row = int(exc.row) if exc.row.isdigit() else None
            return AuditCheck(False, row or 0, row, f"event {exc.row or '?'} was altered on the "
                                                    f"server ({exc})")

    @staticmethod
    def _walk(session: Session, roster: Roster | None) -> AuditCheck:
        key_row = session.get(Secret, KEY_NAME)
        head_row = session.get(Secret, HEAD_NAME)
        prev, checked, last_id = "", 0, 0
        keys: dict[str, list[Ed25519PublicKey]] = {}
        if key_row is not None:
            rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)
                                   .execution_options(yield_per=2000)).scalars()
            for event in rows:
                checked += 1
                if event.prev_hmac != prev:
                    return AuditCheck(False, checked, event.id,
                                      f"the event before event {event.id} was deleted, or "
                                      "events were reordered")
                if not hmac.compare_digest(event.hmac, _mac_of(as_bytes(key_row.value), prev, event)):
                    return AuditCheck(False, checked, event.id, f"event {event.id} was edited")
                if roster is not None:
                    problem = _signature_problem(event, roster, keys)
                    if problem:
                        return AuditCheck(False, checked, event.id, problem)
                prev, last_id = event.hmac, event.id
        elif session.scalar(select(AuditEvent.id).limit(1)) is not None:
            return AuditCheck(False, 0, None, "the audit key is missing (it was deleted)")
        if head_row is None and last_id:
            return AuditCheck(False, checked, last_id,
                              "the record of the trail's newest event is missing (deleted)")
        if head_row is not None and as_bytes(head_row.value) != f"{last_id}:{prev}".encode("ascii"):
            head_id = as_bytes(head_row.value).decode("ascii", "replace").split(":")[0]
            return AuditCheck(False, checked, last_id or None,
                              f"the trail ends at event {last_id} but its newest event was "
                              f"{head_id}: the last events were deleted")
        return AuditCheck(True, checked)


def _signature_problem(event: AuditEvent, roster: Roster,
                       cache: dict[str, list[Ed25519PublicKey]]) -> str:
    if not event.sig:
        if event.id > roster.audit_from:
            return (f"event {event.id} is not signed by any officer (written or rewritten "
                    "outside privdesk)")
        return ""
    if event.signer not in cache:
        cache[event.signer] = [Ed25519PublicKey.from_public_bytes(k)
                               for k in roster.keys_of(event.signer)]
    try:
        signature = bytes.fromhex(event.sig)
    except ValueError:
        signature = b""
    message = _sig_message(event.id, event.hmac, event.signer)
    for public in cache[event.signer]:
        try:
            public.verify(signature, message)
            return ""
        except InvalidSignature:
            continue
    return (f"event {event.id} claims to be signed by {event.signer!r}, but that officer's "
            "key did not sign it (written or rewritten outside privdesk)")
