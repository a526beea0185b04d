"""The key slots of one unlocked store: the data key, the officer's signing key, the
admin key (admins only), the pinned admin public key and the verified roster.

Every change of slots or roles writes a new version of the key file: HMAC under the data
key, signed by the writer's key; a change of roles also signs a new roster with the
admin key, which only admins hold.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from privdesk.store import keyslots as ks
from privdesk.store.errors import StoreError
from privdesk.store.key_switch import switch_key
from privdesk.store.roster import ROLES, Member, Roster, with_member, without_member

if TYPE_CHECKING:
    from privdesk.store.engine import Store

P = ParamSpec("P")
R = TypeVar("R")


def _exclusive(method: Callable[Concatenate[KeyRing, P], R]) -> Callable[Concatenate[KeyRing, P], R]:
    """The method's read-change-write of the key file runs under the key file's lock."""
    def locked(self: KeyRing, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.exclusive():
            return method(self, *args, **kwargs)
    locked.__name__, locked.__doc__ = method.__name__, method.__doc__
    return locked


@dataclass(frozen=True)
class UnlockInfo:
    officer: str  # as written in the slot
    role: str  # verified against the signed roster (or the slot's hint, see `verified`)
    upgraded: bool  # a passphrase-keyed store was converted to key slots just now
    failed: tuple[ks.FailedUnlock, ...]  # failed attempts since the last good unlock
    verified: bool = True  # False: a key file from before signed roles, not yet signed
    roles_signed_now: bool = False  # this unlock signed an older store's roles
    pinned_now: bool = False  # this officer's slot pinned the admin key just now
    last_unlock: str = ""
    wal_kept: str = ""  # a damaged -wal copied aside before opening (store.wal)


class KeyRing:
    """The key slots of one unlocked store. Holds the keys until `forget`."""

    def __init__(self, store_path: Path, data_key: bytes, info: UnlockInfo,
                 slot_file: ks.SlotFile | None = None,
                 sign_key: Ed25519PrivateKey | None = None,
                 admin_key: Ed25519PrivateKey | None = None,
                 admin_public: bytes | None = None) -> None:
        self.store_path = store_path
        self._data_key: bytes | None = data_key
        self.info = info
        self._sign = sign_key
        self._admin = admin_key
        self.admin_public = admin_public
        self._file = slot_file

    # -- what the services read ----------------------------------------------------------
    @property
    def sidecar(self) -> Path:
        return ks.sidecar_path(self.store_path)

    @property
    def roster(self) -> Roster | None:
        return self._file.roster if self._file is not None else None

    @property
    def store_id(self) -> str:
        return self._file.store_id if self._file is not None else ""

    @property
    def version(self) -> int:
        return self._file.version if self._file is not None else 0

    def signer(self) -> tuple[str, Ed25519PrivateKey] | None:
        return (self.info.officer, self._sign) if self._sign is not None else None

    def adopt(self, info: UnlockInfo, slot_file: ks.SlotFile, sign_key: Ed25519PrivateKey,
              admin_key: Ed25519PrivateKey | None, admin_public: bytes) -> None:
        """Take on a key file this session has just written (older roles signed)."""
        self.info, self._file, self._sign = info, slot_file, sign_key
        self._admin, self.admin_public = admin_key, admin_public

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        """The lock around a read-change-write of the slots (a team store: the server's)."""
        return ks.key_file_lock(self.store_path)

    def forget(self) -> None:
        # Python cannot wipe bytes; we can at least drop them
        self._data_key = self._sign = self._admin = None

    def _key(self) -> bytes:
        if self._data_key is None:
            raise StoreError("The store is locked.")
        return self._data_key

    # -- reading and writing the file ------------------------------------------------------
    def _load(self) -> ks.SlotFile:
        current = ks.read_slot_file(self.sidecar)
        if current is None:
            raise ks.SlotFileError(f"The key file {self.sidecar.name} is missing.")
        if not current.authentic(self._key()) or (
                current.roster is not None and self.admin_public is not None
                and not current.roster.trusts(self.admin_public)):
            raise ks.SlotFileError(
                f"The key file {self.sidecar.name} has been altered outside privdesk; "
                "restore it from a backup before changing officers.")
        if current.version < self.version:
            raise ks.SlotFileError(
                f"The key file {self.sidecar.name} is older than the one this session opened "
                "(it was replaced by an old copy); restore the newest one.")
        return current

    def _save(self, slot_file: ks.SlotFile, bump: bool = True) -> None:
        new = replace(slot_file, format=ks.FORMAT,
                      version=slot_file.version + (1 if bump else 0))
        sealed = new.sealed(self._key(), self.signer())
        ks.write_slot_file(self.sidecar, sealed)
        self._file = sealed

    def slots(self) -> tuple[ks.Slot, ...]:
        return self._load().slots

    def _require_admin_key(self) -> Ed25519PrivateKey:
        if self._admin is None or self.roster is None or self.admin_public is None:
            raise StoreError("Only an admin can change officers or roles (your key slot does "
                             "not hold the admin key).")
        return self._admin

    def _signed_roster(self, roster: Roster) -> Roster:
        return replace(roster, version=roster.version + 1, signed_by=self.info.officer,
                       at=ks.now_iso()).signed(self._require_admin_key())

    def _hand_over(self, roster: Roster, slots: tuple[ks.Slot, ...]
                   ) -> tuple[Roster, tuple[ks.Slot, ...]]:
        """An admin leaves (demoted or removed): a new admin key, sealed to the remaining
        admins only, the hand-over signed by the old key so every slot can follow it and
        re-pin at its next unlock. The one who left keeps a copy of the *old* key only."""
        old = self._require_admin_key()
        new = Ed25519PrivateKey.generate()
        roster = roster.succeeded(old, new, ks.now_iso())
        slots = tuple(ks.with_admin_key(s, new if roster.role_of(s.officer) == "admin" else None)
                      for s in slots)
        self._admin, self.admin_public = new, new.public_key().public_bytes_raw()
        return roster, slots

    # -- officers ------------------------------------------------------------------------------
    @_exclusive
    def add(self, officer: str, role: str, passphrase: str,
            kdf: ks.KdfParams | None = None) -> ks.Slot:
        check_role(role)
        admin = self._require_admin_key()
        current = self._load()
        assert current.roster is not None and self.admin_public is not None
        if current.find(officer) is not None:
            raise StoreError(f"{ks.check_officer_name(officer)} already has a key slot.")
        slot = ks.make_slot(officer, role, passphrase, self._key(), kdf,
                            admin_public=self.admin_public, admin_private=admin)
        roster = self._signed_roster(with_member(
            current.roster, Member(slot.officer, role, slot.sign_public)))
        self._save(replace(current, slots=(*current.slots, slot), roster=roster))
        return slot

    @_exclusive
    def remove(self, officer: str, missing_ok: bool = False) -> None:
        current = self._load()
        slot = current.find(officer)
        if slot is None:
            if missing_ok:
                return
            raise StoreError(f"There is no key slot for {officer}.")
        roster = current.roster
        slots = tuple(s for s in current.slots if s is not slot)
        if roster is not None:
            was_admin = roster.role_of(officer) == "admin"
            roster = without_member(roster, officer)
            if was_admin:
                roster, slots = self._hand_over(roster, slots)
            roster = self._signed_roster(roster)
        self._save(replace(current, slots=slots, roster=roster))

    @_exclusive
    def set_role(self, officer: str, role: str) -> None:
        """A new signed roster; an admin's slot receives the admin key, a former admin's
        slot loses it (see README: a demoted admin who copied it out could still sign)."""
        check_role(role)
        admin = self._require_admin_key()
        current = self._load()
        assert current.roster is not None
        slot = current.find(officer)
        member = current.roster.member(officer)
        if slot is None or member is None:
            return  # listed in the officers table only: nobody can unlock as them
        changed = ks.with_admin_key(replace(slot, role=role), admin if role == "admin" else None)
        roster = with_member(current.roster, replace(member, role=role))
        slots = tuple(changed if s is slot else s for s in current.slots)
        if member.role == "admin" and role != "admin":
            roster, slots = self._hand_over(roster, slots)
        self._save(replace(current, roster=self._signed_roster(roster), slots=slots))

    @_exclusive
    def change_passphrase(self, officer: str, old: str, new: str) -> None:
        current = self._load()
        slot = current.find(officer)
        if slot is None:
            raise StoreError(f"There is no key slot for {officer}.")
        changed = ks.repassphrase(slot, old, new, admin_public=self.admin_public)
        self._save(replace(current, slots=tuple(
            changed if s is slot else s for s in current.slots)))

    @_exclusive
    def take_failed(self) -> tuple[ks.FailedUnlock, ...]:
        """Failed unlocks recorded since the last good one, cleared from the file; the
        good unlock's time goes under the MAC, so a record dated before it is forged."""
        current = self._load()
        if current.format >= 2:
            self._save(replace(current, failed=(), last_unlock=ks.now_iso()), bump=False)
        elif current.failed:
            ks.write_slot_file(self.sidecar, replace(current, failed=()))
        return current.failed

    @_exclusive
    def rotate(self, store: Store) -> str:
        """A new random data key for the store; every remaining slot is resealed to it.
        Returns the new key's public fingerprint."""
        current = self._load()
        new_key = secrets.token_bytes(32)
        nxt = replace(current, key_id=ks.key_id(new_key), format=ks.FORMAT,
                      version=current.version + 1,
                      slots=tuple(ks.reseal(s, new_key) for s in current.slots)
                      ).sealed(new_key, self.signer())
        switch_key(store, nxt, new_key)
        self._data_key = new_key
        self._file = nxt
        return nxt.key_id


def check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(f"Unknown role {role!r}: choose admin, officer or viewer.")
