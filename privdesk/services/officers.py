"""Officers: who may unlock the store, with which role.

The key slot (store.vault) lets an officer decrypt the store; the roster signed with the
admin key (store.roster) is the authority on their role, and the `officers` table inside
the store follows it (a role edited there in SQL is refused at the next unlock: see
services.session). Every change here is audited, and only admins make them.

One class, OfficerService; unlocking and locking a session (begin_session, lock_session,
resume_session) are services.session's, not re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privdesk.domain.passwords import check_new_passphrase
from privdesk.services.authz import ROLES, Permission
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.errors import ServiceError
from privdesk.services.session import find_officer, remember_head
from privdesk.services.unlock_checks import record_versions
from privdesk.store.errors import StoreError
from privdesk.store.keyring import KeyRing
from privdesk.store.keyslots import normalise_officer
from privdesk.store.models import Officer


class OfficerError(ServiceError, StoreError):
    """A refused officer change, worded for the admin."""


@dataclass(frozen=True)
class OfficerRow:
    id: int
    name: str
    role: str
    active: bool
    has_slot: bool
    created_at: datetime


class OfficerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def list(self) -> list[OfficerRow]:
        keyring = self._ctx.store.keyring
        slotted = ({normalise_officer(s.officer) for s in keyring.slots()}
                   if isinstance(keyring, KeyRing) else set())
        with self._ctx.store.session() as s:
            rows = s.scalars(select(Officer).order_by(Officer.active.desc(), Officer.name)).all()
            roster = keyring.roster if isinstance(keyring, KeyRing) else None
            return [OfficerRow(o.id, o.name, (roster.role_of(o.name) if roster else None) or o.role,
                               o.active, normalise_officer(o.name) in slotted, o.created_at)
                    for o in rows]

    def add(self, name: str, role: str, passphrase: str) -> OfficerRow:
        self._ctx.require(Permission.MANAGE_OFFICERS, "officer.add", "officer", None)
        self._check_role(role)
        problem = check_new_passphrase(passphrase, [name])
        if problem:
            raise OfficerError(problem)
        keyring = self._keyring()
        slot = keyring.add(name, role, passphrase)  # validates the name; slow (Argon2id)
        try:
            with self._ctx.store.session() as s:
                row = find_officer(s, slot.officer)
                if row is None:
                    row = Officer(name=slot.officer, role=role, created_at=self._ctx.now())
                    s.add(row)
                row.role, row.active = role, True
                s.flush()
                self._ctx.record(s, "officer.add", "officer", row.id, detail=f"role {role}")
                record_versions(s, keyring)
                result = OfficerRow(row.id, row.name, row.role, True, True, row.created_at)
        except BaseException:
            keyring.remove(slot.officer)  # no slot without its officer row
            raise
        remember_head(self._ctx)
        return result

    def remove(self, name: str) -> None:
        self._ctx.require(Permission.MANAGE_OFFICERS, "officer.remove", "officer", None)
        keyring = self._keyring()
        with self._ctx.store.session() as s:
            row = self._existing(s, name)
            if row.role == "admin":
                self._keep_an_admin(s, row)
            row.active = False
            self._ctx.record(s, "officer.remove", "officer", row.id)
            # Inside the transaction: if the slot cannot be deleted, the row stays active.
            keyring.remove(row.name, missing_ok=True)  # listed officers may have no slot
            record_versions(s, keyring)
        remember_head(self._ctx)

    def set_role(self, name: str, role: str) -> None:
        self._ctx.require(Permission.MANAGE_OFFICERS, "officer.role", "officer", None)
        self._check_role(role)
        keyring = self._keyring()
        with self._ctx.store.session() as s:
            row = self._existing(s, name)
            if row.role == role:
                return
            if row.role == "admin":
                self._keep_an_admin(s, row)
            self._ctx.record(s, "officer.role", "officer", row.id, detail=f"{row.role} -> {role}")
            row.role = role
            keyring.set_role(row.name, role)
            record_versions(s, keyring)
        remember_head(self._ctx)
        if normalise_officer(name) == normalise_officer(self._ctx.actor.name):
            self._ctx.actor = Actor(self._ctx.actor.name, role)

    def change_own_passphrase(self, old: str, new: str) -> None:
        """Any role may change its own passphrase; nobody else's slot is touched."""
        problem = check_new_passphrase(new, [self._ctx.actor.name])
        if problem:
            raise OfficerError(problem)
        keyring = self._keyring()
        keyring.change_passphrase(self._ctx.actor.name, old, new)
        with self._ctx.store.session() as s:
            row = find_officer(s, self._ctx.actor.name)
            self._ctx.record(s, "officer.passphrase", "officer", row.id if row else None)
            record_versions(s, keyring)
        remember_head(self._ctx)

    def rotate_key(self) -> str:
        """A new data key: the whole store is re-encrypted and every slot resealed."""
        self._ctx.require(Permission.MANAGE_OFFICERS, "store.rotate_key", "store", None)
        keyring = self._keyring()
        with self._ctx.store.session() as s:  # committed first: a rotation cut short by a
            # crash or kill still leaves its start in the trail, under whichever key won
            self._ctx.record_outcome(s, "store.rotate_key", "store", None,
                                     "started", "started")
        key_id = keyring.rotate(self._ctx.store)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "store.rotate_key", "store", None, detail=f"new key {key_id}")
            record_versions(s, keyring)
        remember_head(self._ctx)
        return key_id

    def _existing(self, s: Session, name: str) -> Officer:
        row = find_officer(s, name)
        if row is None or not row.active:
            raise OfficerError(f"There is no officer called {name!r}.")
        return row

    def _keep_an_admin(self, s: Session, row: Officer) -> None:
        """Another admin who can unlock (signed roster) must remain."""
        roster = self._keyring().roster if isinstance(
            self._ctx.store.keyring, KeyRing) else None
        if roster is not None:
            admins = len([a for a in roster.admins()
                          if normalise_officer(a) != normalise_officer(row.name)])
        else:
            admins = s.scalar(select(func.count()).select_from(Officer).where(
                Officer.role == "admin", Officer.active.is_(True), Officer.id != row.id)) or 0
        if not admins:
            raise OfficerError(f"{row.name} is the last admin; make someone else admin first.")

    def _keyring(self) -> KeyRing:
        keyring = self._ctx.store.keyring
        if not isinstance(keyring, KeyRing):
            raise OfficerError("This store was not unlocked through key slots.")
        return keyring

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise OfficerError(f"Unknown role {role!r}: choose admin, officer or viewer.")
