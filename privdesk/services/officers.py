"""Officers: who may unlock the store, with which role; and the unlock session itself.

The key slot (store.vault) lets an officer decrypt the store; the `officers` table inside
the encrypted store is the authority on their role (the slot file's copy is a hint
shown before unlocking). Every change here is audited, and only admins make them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privdesk.policy import Policy
from privdesk.services.authz import ROLES, Permission
from privdesk.services.context import Actor, ServiceContext, utc_now
from privdesk.store.engine import Store
from privdesk.store.errors import StoreError
from privdesk.store.keyslots import normalise_officer
from privdesk.store.models import Officer
from privdesk.store.vault import KeyRing, reopen_store


class OfficerError(StoreError):
    """A refused officer change, worded for the admin."""


@dataclass(frozen=True)
class OfficerRow:
    id: int
    name: str
    role: str
    active: bool
    has_slot: bool
    created_at: datetime


def _find(session: Session, name: str) -> Officer | None:
    wanted = normalise_officer(name)
    return next((o for o in session.scalars(select(Officer))
                 if normalise_officer(o.name) == wanted), None)


def _keyring(store: Store) -> KeyRing:
    if not isinstance(store.keyring, KeyRing):
        raise OfficerError("This store was not unlocked through key slots.")
    return store.keyring


def begin_session(store: Store, policy: Policy, today: Callable[[], date] | None = None,
                  now: Callable[[], datetime] = utc_now) -> ServiceContext:
    """After the vault unlocked the store: settle who is acting and with which role,
    and audit the unlock (and the failed attempts remembered since the last one)."""
    keyring = _keyring(store)
    info = keyring.info
    with store.session() as s:
        row = _find(s, info.officer)
        if row is None:
            has_admin = s.scalar(select(func.count()).select_from(Officer).where(
                Officer.role == "admin", Officer.active.is_(True)))
            # The slot's role, except that a store's first officer is always its admin.
            role = info.role if has_admin else "admin"
            row = Officer(name=info.officer, role=role, created_at=now(), active=True)
            s.add(row)
        elif info.upgraded:
            row.role, row.active = "admin", True
        if not row.active:
            raise OfficerError(f"{row.name} is no longer an officer of this store.")
        s.flush()
        actor = Actor(row.name, row.role)
        officer_id = row.id
    ctx = ServiceContext(store=store, policy=policy, actor=actor, now=now)
    if today is not None:
        ctx.today = today
    failed = keyring.take_failed()
    with store.session() as s:
        for attempt in failed:
            ctx.audit.record(s, attempt.officer, "store.unlock", "officer", None,
                             detail=f"failed attempt at {attempt.at}", outcome="failed")
        if info.upgraded:
            ctx.record(s, "store.upgrade", "store", None,
                       detail="passphrase-keyed store converted to key slots")
        ctx.record(s, "store.unlock", "officer", officer_id)
    return ctx


def lock_session(ctx: ServiceContext, reason: str) -> None:
    """Audit the lock, then drop the key and every connection (the Store object stays,
    so services and open editors keep their references across the lock)."""
    if ctx.store.locked:
        return
    try:
        with ctx.store.session() as s:
            ctx.record(s, "store.lock", "store", None, detail=reason)
    finally:  # the key goes even if the audit write fails
        ctx.store.close()


def resume_session(ctx: ServiceContext, passphrase: str) -> ServiceContext:
    """The same officer unlocks the same store again after a lock."""
    reopen_store(ctx.store, ctx.actor.name, passphrase)
    keyring = _keyring(ctx.store)
    failed = keyring.take_failed()
    with ctx.store.session() as s:
        row = _find(s, ctx.actor.name)
        if row is None or not row.active:
            ctx.store.close()
            raise OfficerError(f"{ctx.actor.name} is no longer an officer of this store.")
        ctx.actor = Actor(row.name, row.role)
        for attempt in failed:
            ctx.audit.record(s, attempt.officer, "store.unlock", "officer", None,
                             detail=f"failed attempt at {attempt.at}", outcome="failed")
        ctx.record(s, "store.unlock", "officer", row.id, detail="after lock")
    return ctx


class OfficerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def list(self) -> list[OfficerRow]:
        keyring = self._ctx.store.keyring
        slotted = ({normalise_officer(s.officer) for s in keyring.slots()}
                   if isinstance(keyring, KeyRing) else set())
        with self._ctx.store.session() as s:
            rows = s.scalars(select(Officer).order_by(Officer.active.desc(), Officer.name)).all()
            return [OfficerRow(o.id, o.name, o.role, o.active,
                               normalise_officer(o.name) in slotted, o.created_at) for o in rows]

    def add(self, name: str, role: str, passphrase: str) -> OfficerRow:
        self._ctx.require(Permission.MANAGE_OFFICERS, "officer.add", "officer", None)
        _check_role(role)
        keyring = _keyring(self._ctx.store)
        slot = keyring.add(name, role, passphrase)  # validates the name; slow (Argon2id)
        try:
            with self._ctx.store.session() as s:
                row = _find(s, slot.officer)
                if row is None:
                    row = Officer(name=slot.officer, role=role, created_at=self._ctx.now())
                    s.add(row)
                row.role, row.active = role, True
                s.flush()
                self._ctx.record(s, "officer.add", "officer", row.id, detail=f"role {role}")
                result = OfficerRow(row.id, row.name, row.role, True, True, row.created_at)
        except BaseException:
            keyring.remove(slot.officer)  # no slot without its officer row
            raise
        return result

    def remove(self, name: str) -> None:
        self._ctx.require(Permission.MANAGE_OFFICERS, "officer.remove", "officer", None)
        keyring = _keyring(self._ctx.store)
        with self._ctx.store.session() as s:
            row = self._existing(s, name)
            if row.role == "admin":
                self._keep_an_admin(s, row)
            row.active = False
            self._ctx.record(s, "officer.remove", "officer", row.id)
            # Inside the transaction: if the slot cannot be deleted, the row stays active.
            keyring.remove(row.name, missing_ok=True)  # listed officers may have no slot

    def set_role(self, name: str, role: str) -> None:
        self._ctx.require(Permission.MANAGE_OFFICERS, "officer.role", "officer", None)
        _check_role(role)
        keyring = _keyring(self._ctx.store)
        with self._ctx.store.session() as s:
            row = self._existing(s, name)
            if row.role == role:
                return
            if row.role == "admin":
                self._keep_an_admin(s, row)
            self._ctx.record(s, "officer.role", "officer", row.id, detail=f"{row.role} -> {role}")
            row.role = role
            keyring.set_role(row.name, role)
        if normalise_officer(name) == normalise_officer(self._ctx.actor.name):
            self._ctx.actor = Actor(self._ctx.actor.name, role)

    def change_own_passphrase(self, old: str, new: str) -> None:
        """Any role may change its own passphrase; nobody else's slot is touched."""
        keyring = _keyring(self._ctx.store)
        keyring.change_passphrase(self._ctx.actor.name, old, new)
        with self._ctx.store.session() as s:
            row = _find(s, self._ctx.actor.name)
            self._ctx.record(s, "officer.passphrase", "officer", row.id if row else None)

    def rotate_key(self) -> str:
        """A new data key: the whole store is re-encrypted and every slot resealed."""
        self._ctx.require(Permission.MANAGE_OFFICERS, "store.rotate_key", "store", None)
        key_id = _keyring(self._ctx.store).rotate(self._ctx.store)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "store.rotate_key", "store", None, detail=f"new key {key_id}")
        return key_id

    def _existing(self, s: Session, name: str) -> Officer:
        row = _find(s, name)
        if row is None or not row.active:
            raise OfficerError(f"There is no officer called {name!r}.")
        return row

    @staticmethod
    def _keep_an_admin(s: Session, row: Officer) -> None:
        admins = s.scalar(select(func.count()).select_from(Officer).where(
            Officer.role == "admin", Officer.active.is_(True), Officer.id != row.id))
        if not admins:
            raise OfficerError(f"{row.name} is the last admin; make someone else admin first.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise OfficerError(f"Unknown role {role!r}: choose admin, officer or viewer.")
