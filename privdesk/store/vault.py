"""Unlocking a store through its officers' key slots, and managing the slots.

Crash ordering (rotation, and the upgrade of a passphrase-keyed store):

1. the next slot file, for the new data key, is written atomically to ``<store>.keys.next``;
2. the store is rekeyed (Store.rekey re-encrypts a copy and swaps it in with one atomic
   os.replace, so the file is under the old key or the new one, never a mix);
3. ``.keys.next`` replaces ``.keys`` (os.replace).

A crash between any two steps leaves the store openable by exactly one of the two keys,
and both slot files on disk until the unlock that follows: it tries ``.keys`` first,
then ``.keys.next``, keeps whichever file's key opens the store, and deletes the other.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from privdesk.store import keyslots as ks
from privdesk.store.engine import Store, StoreKey, _check_key, check_local, checked_path
from privdesk.store.errors import (
    DamagedStoreError,
    MissingKeyFileError,
    StoreError,
    StoreExistsError,
    StoreMissingError,
    UnlockError,
)
from privdesk.store.upgrade import backup_before_migrating

ROLES = ("admin", "officer", "viewer")
UNKNOWN_OFFICER = "(unknown officer name)"


@dataclass(frozen=True)
class UnlockInfo:
    officer: str  # as written in the slot
    role: str  # the slot's copy; the officers table inside the store is authoritative
    upgraded: bool  # a passphrase-keyed store was converted to key slots just now
    failed: tuple[ks.FailedUnlock, ...]  # failed attempts since the last good unlock


class KeyRing:
    """The key slots of one unlocked store. Holds the data key until `forget`."""

    def __init__(self, store_path: Path, data_key: bytes, info: UnlockInfo) -> None:
        self.store_path = store_path
        self._data_key: bytes | None = data_key
        self.info = info

    @property
    def sidecar(self) -> Path:
        return ks.sidecar_path(self.store_path)

    def forget(self) -> None:
        self._data_key = None  # Python cannot wipe bytes; we can at least drop them

    def _key(self) -> bytes:
        if self._data_key is None:
            raise StoreError("The store is locked.")
        return self._data_key

    def _load(self) -> ks.SlotFile:
        current = ks.read_slot_file(self.sidecar)
        if current is None:
            raise ks.SlotFileError(f"The key file {self.sidecar.name} is missing.")
        if not current.authentic(self._key()):
            raise ks.SlotFileError(
                f"The key file {self.sidecar.name} has been altered outside privdesk; "
                "restore it from a backup before changing officers.")
        return current

    def _save(self, slot_file: ks.SlotFile) -> None:
        ks.write_slot_file(self.sidecar, slot_file.sealed(self._key()))

    def slots(self) -> tuple[ks.Slot, ...]:
        return self._load().slots

    def add(self, officer: str, role: str, passphrase: str,
            kdf: ks.KdfParams | None = None) -> ks.Slot:
        _check_role(role)
        current = self._load()
        if current.find(officer) is not None:
            raise StoreError(f"{ks.check_officer_name(officer)} already has a key slot.")
        slot = ks.make_slot(officer, role, passphrase, self._key(), kdf)
        self._save(replace(current, slots=(*current.slots, slot)))
        return slot

    def remove(self, officer: str, missing_ok: bool = False) -> None:
        current = self._load()
        slot = current.find(officer)
        if slot is None:
            if missing_ok:
                return
            raise StoreError(f"There is no key slot for {officer}.")
        self._save(replace(current, slots=tuple(s for s in current.slots if s is not slot)))

    def set_role(self, officer: str, role: str) -> None:
        """The slot's copy of the role (a hint); an officer without a slot has none."""
        _check_role(role)
        current = self._load()
        slot = current.find(officer)
        if slot is None:
            return
        self._save(replace(current, slots=tuple(
            replace(s, role=role) if s is slot else s for s in current.slots)))

    def change_passphrase(self, officer: str, old: str, new: str) -> None:
        current = self._load()
        slot = current.find(officer)
        if slot is None:
            raise StoreError(f"There is no key slot for {officer}.")
        changed = ks.repassphrase(slot, old, new)
        self._save(replace(current, slots=tuple(
            changed if s is slot else s for s in current.slots)))

    def take_failed(self) -> tuple[ks.FailedUnlock, ...]:
        """Failed unlocks recorded since the last good one, cleared from the file."""
        current = self._load()
        if current.failed:
            self._save(replace(current, failed=()))
        return current.failed

    def rotate(self, store: Store) -> str:
        """A new random data key for the store; every remaining slot is resealed to it.
        Returns the new key's public fingerprint."""
        current = self._load()
        new_key = secrets.token_bytes(32)
        nxt = ks.SlotFile(ks.key_id(new_key), tuple(ks.reseal(s, new_key) for s in current.slots),
                          failed=current.failed).sealed(new_key)
        _switch_key(store, nxt, new_key)
        self._data_key = new_key
        return nxt.key_id


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(f"Unknown role {role!r}: choose admin, officer or viewer.")


def _promote(store_path: Path) -> None:
    os.replace(ks.pending_path(store_path), ks.sidecar_path(store_path))
    ks.fsync_dir(store_path.parent)


def _switch_key(store: Store, nxt: ks.SlotFile, new_key: bytes) -> None:
    """Steps 1-3 of the module docstring."""
    ks.write_slot_file(ks.pending_path(store.path), nxt)
    store.rekey(StoreKey.raw(new_key))
    _promote(store.path)


def create_store(path: Path, officer: str, passphrase: str,
                 kdf: ks.KdfParams | None = None) -> Store:
    """A new store under a random data key; its first officer is its admin."""
    path = checked_path(path)
    if path.exists():
        raise StoreExistsError(path)
    check_local(path.parent if path.parent.exists() else Path.cwd())
    data_key = secrets.token_bytes(32)
    slot = ks.make_slot(officer, "admin", passphrase, data_key, kdf)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The slot file first: a store without its slots could never be opened; a slot file
    # without its store is harmless and is overwritten by the next create.
    ks.write_slot_file(ks.sidecar_path(path),
                       ks.SlotFile(ks.key_id(data_key), (slot,)).sealed(data_key))
    with contextlib.suppress(FileNotFoundError):
        ks.pending_path(path).unlink()
    try:
        store = Store.create(path, StoreKey.raw(data_key))
    except BaseException:
        ks.sidecar_path(path).unlink(missing_ok=True)
        raise
    store.keyring = KeyRing(path, data_key, UnlockInfo(slot.officer, "admin", False, ()))
    return store


def unlock_key(path: Path, officer: str, passphrase: str) -> tuple[StoreKey, KeyRing]:
    """Find the officer's slot, derive the data key, check it opens the store, and finish
    any interrupted rekey. Wrong name or passphrase: WrongPassphrase, and the attempt is
    remembered in the slot file for the audit trail."""
    path = checked_path(path)
    if not path.is_file():
        raise StoreMissingError(path)
    check_local(path)
    main = ks.read_slot_file(ks.sidecar_path(path))
    nxt = ks.read_slot_file(ks.pending_path(path))
    if main is None and path.with_name(path.name + "-journal").exists():
        # An upgrade died inside its rekey: the hot journal must be rolled back with the
        # old (passphrase) key, the one the file had before, so that one is tried first.
        with contextlib.suppress(UnlockError):
            return _upgrade(path, officer, passphrase)
    candidates = [f for f in (main, nxt) if f is not None]
    found = False
    for slot_file in candidates:
        slot = slot_file.find(officer)
        if slot is None:
            continue
        found = True
        try:
            data_key = ks.open_slot(slot, passphrase)
        except ks.WrongPassphrase:
            _remember_failure(path, slot.officer)
            raise
        if not slot_file.authentic(data_key):
            raise ks.SlotFileError(
                f"The key file {ks.sidecar_path(path).name} has been altered outside privdesk. "
                "Restore it from a backup (it is copied beside every backup).")
        key = StoreKey.raw(data_key)
        try:
            _check_key(path, key)
        except UnlockError:
            continue  # this file's key is not the store's: the rekey went the other way
        if slot_file is nxt:
            _promote(path)
        else:
            ks.pending_path(path).unlink(missing_ok=True)
        info = UnlockInfo(slot.officer, slot.role, False, slot_file.failed)
        return key, KeyRing(path, data_key, info)
    if main is None:
        return _upgrade(path, officer, passphrase)
    if not found:
        ks.dummy_derivation(passphrase)
        # Not the typed name: people type a passphrase into the name field by mistake, and
        # the slot file is plain text.
        _remember_failure(path, UNKNOWN_OFFICER)
        raise ks.WrongPassphrase()
    raise DamagedStoreError("no slot key opens the store")


def _remember_failure(path: Path, officer: str) -> None:
    # A read-only folder must not hide the real answer (wrong name or passphrase).
    with contextlib.suppress(OSError, StoreError):
        _append_failure(path, officer)


def _append_failure(path: Path, officer: str) -> None:
    current = ks.read_slot_file(ks.sidecar_path(path))
    if current is None:
        return  # a passphrase-keyed store has nowhere to remember; see README
    entry = ks.FailedUnlock(" ".join(officer.split())[: ks.MAX_NAME], ks.now_iso())
    failed = (*current.failed, entry)[-ks.MAX_FAILED_KEPT:]
    # The failures sit outside the slots' MAC (no key to seal with), so this write keeps
    # the MAC as it was; a forged entry can only add noise to the audit trail.
    ks.write_slot_file(ks.sidecar_path(path), replace(current, failed=failed))


def _upgrade(path: Path, officer: str, passphrase: str) -> tuple[StoreKey, KeyRing]:
    """A store made before key slots: its passphrase becomes its first admin's."""
    try:
        legacy = StoreKey.passphrase(passphrase)
    except StoreError:
        raise ks.WrongPassphrase() from None
    try:
        store = Store.open(path, legacy)
    except UnlockError as exc:
        raise MissingKeyFileError(ks.sidecar_path(path).name) from exc
    try:
        data_key = secrets.token_bytes(32)
        slot = ks.make_slot(officer, "admin", passphrase, data_key)
        _switch_key(store, ks.SlotFile(ks.key_id(data_key), (slot,)).sealed(data_key), data_key)
    finally:
        store.close()
    info = UnlockInfo(slot.officer, "admin", True, ())
    return StoreKey.raw(data_key), KeyRing(path, data_key, info)


def open_store(path: Path, officer: str, passphrase: str, migrate: bool = True) -> Store:
    """Unlock through the officer's slot; a store from an older privdesk is copied aside
    (verified) before its schema is migrated."""
    key, keyring = unlock_key(path, officer, passphrase)
    store = Store.open(path, key, migrate=False)
    store.keyring = keyring
    if migrate:
        try:
            backup_before_migrating(store)
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store


def reopen_store(store: Store, officer: str, passphrase: str) -> None:
    """Unlock the same Store object again after an auto-lock."""
    key, keyring = unlock_key(store.path, officer, passphrase)
    store.reopen(key, keyring)
