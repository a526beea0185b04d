"""Unlocking a store through its officers' key slots, and managing the slots.

Moving to a new data key (rotation, the upgrade of a passphrase-keyed store) follows the
crash ordering in store.key_switch: a crash at any step leaves the store openable by
exactly one of two slot files, ``.keys`` and ``.keys.next``; the unlock that follows tries
``.keys`` first, then ``.keys.next``, keeps whichever file's key opens the store, and
deletes the other.
"""
from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

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
from privdesk.store.key_switch import promote, switch_key
from privdesk.store.keyring import KeyRing as KeyRing
from privdesk.store.keyring import UnlockInfo as UnlockInfo
from privdesk.store.roster import ROLES as ROLES
from privdesk.store.roster import Member, Roster
from privdesk.store.upgrade import backup_before_migrating
from privdesk.store.wal import keep_damaged_wal

UNKNOWN_OFFICER = "(unknown officer name)"


class RosterError(UnlockError):
    """The signed list of officers and roles does not check out: refuse, and say why."""

    def __init__(self, message: str) -> None:
        super().__init__(None)
        self.args = (message,)


def first_slot_file(officer: str, passphrase: str, data_key: bytes,
                    kdf: ks.KdfParams | None = None, audit_from: int = 0
                    ) -> tuple[ks.SlotFile, Ed25519PrivateKey, Ed25519PrivateKey]:
    """A new store's key file: its first officer is its admin, and signs the first roster
    with a new admin key (the first admin's grant is signed by the key they create)."""
    admin_key = Ed25519PrivateKey.generate()
    admin_public = admin_key.public_key().public_bytes_raw()
    sign_key = Ed25519PrivateKey.generate()
    slot = ks.make_slot(officer, "admin", passphrase, data_key, kdf, admin_public=admin_public,
                        admin_private=admin_key, sign_key=sign_key)
    store_id = ks.new_store_id()
    roster = Roster(store_id, 1, admin_public, (Member(slot.officer, "admin", slot.sign_public),),
                    (), audit_from, slot.officer, ks.now_iso()).signed(admin_key)
    slot_file = ks.SlotFile(ks.key_id(data_key), (slot,), store_id=store_id, version=1,
                            roster=roster).sealed(data_key, (slot.officer, sign_key))
    return slot_file, sign_key, admin_key


def _keyring(path: Path, data_key: bytes, slot_file: ks.SlotFile, sign_key: Ed25519PrivateKey,
             admin_key: Ed25519PrivateKey, upgraded: bool) -> KeyRing:
    slot = slot_file.slots[0]
    return KeyRing(path, data_key, UnlockInfo(slot.officer, "admin", upgraded, ()), slot_file,
                   sign_key, admin_key, admin_key.public_key().public_bytes_raw())


def create_store(path: Path, officer: str, passphrase: str,
                 kdf: ks.KdfParams | None = None) -> Store:
    """A new store under a random data key; its first officer is its admin."""
    path = checked_path(path)
    if path.exists():
        raise StoreExistsError(path)
    check_local(path.parent if path.parent.exists() else Path.cwd())
    data_key = secrets.token_bytes(32)
    slot_file, sign_key, admin_key = first_slot_file(officer, passphrase, data_key, kdf)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The slot file first: a store without its slots could never be opened; a slot file
    # without its store is harmless and is overwritten by the next create.
    ks.write_slot_file(ks.sidecar_path(path), slot_file)
    with contextlib.suppress(FileNotFoundError):
        ks.pending_path(path).unlink()
    try:
        store = Store.create(path, StoreKey.raw(data_key))
    except BaseException:
        ks.sidecar_path(path).unlink(missing_ok=True)
        raise
    store.keyring = _keyring(path, data_key, slot_file, sign_key, admin_key, False)
    return store


def unlock_key(path: Path, officer: str, passphrase: str) -> tuple[StoreKey, KeyRing]:
    """Find the officer's slot, derive the data key, check it opens the store, verify the
    signed roster against the admin key pinned in the officer's own slot, and finish any
    interrupted rekey. Wrong name or passphrase: WrongPassphrase, and the attempt is
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
    found = False
    for slot_file in [f for f in (main, nxt) if f is not None]:
        slot = slot_file.find(officer)
        if slot is None:
            continue
        found = True
        try:
            opened = ks.unlock_slot(slot, passphrase)
        except ks.WrongPassphrase:
            _remember_failure(path, slot.officer)
            raise
        if not slot_file.authentic(opened.data_key):
            raise ks.SlotFileError(
                f"The key file {ks.sidecar_path(path).name} has been altered outside privdesk. "
                "Restore it from a backup (it is copied beside every backup).")
        key = StoreKey.raw(opened.data_key)
        try:
            _check_key(path, key)
        except UnlockError:
            continue  # this file's key is not the store's: the rekey went the other way
        if slot_file is nxt:
            promote(path)
        else:
            ks.pending_path(path).unlink(missing_ok=True)
        if slot_file.roster is None:  # a key file from before signed roles
            info = UnlockInfo(slot.officer, slot.role, False, slot_file.failed, verified=False)
            return key, KeyRing(path, opened.data_key, info, slot_file)
        return key, _verified(path, slot_file, slot, opened, passphrase)
    if main is None:
        return _upgrade(path, officer, passphrase)
    if not found:
        ks.dummy_derivation(passphrase)
        # Not the typed name: people type a passphrase into the name field by mistake, and
        # the slot file is plain text.
        _remember_failure(path, UNKNOWN_OFFICER)
        raise ks.WrongPassphrase()
    raise DamagedStoreError("no slot key opens the store")


def _verified(path: Path, slot_file: ks.SlotFile, slot: ks.Slot, opened: ks.Opened,
              passphrase: str, make: Callable[..., KeyRing] = KeyRing) -> KeyRing:
    """make: the KeyRing to build (a team store's keeps its slots in the database)."""
    roster = slot_file.roster
    assert roster is not None
    name = ks.sidecar_path(path).name
    pinned, pinned_now = opened.admin_public, False
    if pinned is None:
        # A slot from before signed roles: trust the roster seen now (first use) and pin
        # its admin key inside this slot, where only this passphrase can change it.
        pinned, pinned_now = roster.root_public, True
    if not roster.trusts(pinned):
        raise RosterError(
            f"The list of officers and roles in {name} is not signed by this store's admins: "
            "it was changed outside privdesk. Nothing was opened. Ask an admin to restore "
            "the key file from a backup.")
    if pinned != roster.root_public:
        # The admin key was handed over (an admin left) since this slot last pinned it.
        pinned, pinned_now = roster.root_public, True
    if roster.store_id != slot_file.store_id:
        raise RosterError(f"The roles in {name} belong to another store. Nothing was opened.")
    member = roster.member(slot.officer)
    sign_key = ks.unseal_ed25519(slot, opened.private, "sign")
    own_public = sign_key.public_key().public_bytes_raw()
    if member is None or member.sign_public != slot.sign_public or own_public != slot.sign_public:
        raise RosterError(
            f"Your key slot in {name} is not in the signed list of officers (it was added or "
            "changed outside privdesk). Nothing was opened.")
    writer_keys = roster.keys_of(slot_file.written_by)
    if not writer_keys or not slot_file.signed_by(writer_keys[0]):
        raise RosterError(
            f"{name} is not signed by one of this store's officers: it was changed outside "
            "privdesk. Nothing was opened.")
    admin_key = ks.unseal_ed25519(slot, opened.private, "admin") if member.role == "admin" \
        and slot.sealed_admin else None
    if admin_key is not None and admin_key.public_key().public_bytes_raw() != pinned:
        admin_key = None
    info = UnlockInfo(slot.officer, member.role, False, slot_file.failed,
                      pinned_now=pinned_now, last_unlock=slot_file.last_unlock)
    keyring = make(path, opened.data_key, info, slot_file, sign_key, admin_key, pinned)
    if pinned_now:
        keyring.change_passphrase(slot.officer, passphrase, passphrase)
    return keyring


def _remember_failure(path: Path, officer: str) -> None:
    # A read-only folder must not hide the real answer (wrong name or passphrase).
    with contextlib.suppress(OSError, StoreError), ks.key_file_lock(path, timeout=5):
        _append_failure(path, officer)


def _append_failure(path: Path, officer: str) -> None:
    current = ks.read_slot_file(ks.sidecar_path(path))
    if current is None:
        return  # a passphrase-keyed store has nowhere to remember; see README
    entry = ks.FailedUnlock(" ".join(officer.split())[: ks.MAX_FAILED_NAME], ks.now_iso())
    failed = (*current.failed, entry)[-ks.MAX_FAILED_KEPT:]
    # The failures sit outside the slots' MAC (no key to seal with), so this write keeps
    # the MAC as it was; the next good unlock checks each record's time against the
    # MAC'd time of the last good unlock, and records them as data, never as a name.
    ks.write_slot_file(ks.sidecar_path(path), replace(current, failed=failed))


def _newest_event(store: Store) -> int:
    with store.engine.connect() as c:
        return int(c.exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit_events").scalar_one())


def _upgrade(path: Path, officer: str, passphrase: str) -> tuple[StoreKey, KeyRing]:
    """A store made before key slots: its passphrase becomes its first admin's."""
    try:
        legacy = StoreKey.passphrase(passphrase)
    except StoreError:
        raise ks.WrongPassphrase() from None
    try:
        store = Store.open(path, legacy, migrate=False)
    except UnlockError as exc:
        raise MissingKeyFileError(ks.sidecar_path(path).name) from exc
    try:
        data_key = secrets.token_bytes(32)
        slot_file, sign_key, admin_key = first_slot_file(officer, passphrase, data_key,
                                                         audit_from=_newest_event(store))
        switch_key(store, slot_file, data_key)
    finally:
        store.close()
    return StoreKey.raw(data_key), _keyring(path, data_key, slot_file, sign_key, admin_key, True)


def _table_roles(store: Store) -> dict[str, str]:
    with store.engine.connect() as c:
        rows = c.exec_driver_sql("SELECT name, role FROM officers WHERE active").fetchall()
    return {ks.normalise_officer(n): r for n, r in rows if r in ROLES}


def sign_existing_roles(store: Store, keyring: KeyRing, passphrase: str) -> None:
    """A key file from before signed roles, opened by an admin (per the officers table,
    trusted this once): give every slot a signing key, seal a new admin key to the
    admins, sign the roles as they stand, and pin the admin key in this admin's slot.
    Other officers pin it at their own next unlock. Audited by begin_session."""
    with ks.key_file_lock(store.path):
        _sign_existing_roles(store, keyring, passphrase)


def _sign_existing_roles(store: Store, keyring: KeyRing, passphrase: str) -> None:
    current = ks.read_slot_file(keyring.sidecar)
    if current is None or current.roster is not None:
        return
    table = _table_roles(store)
    if table.get(ks.normalise_officer(keyring.info.officer)) != "admin":
        return
    admin_key = Ed25519PrivateKey.generate()
    admin_public = admin_key.public_key().public_bytes_raw()
    slots, members, own_sign = [], [], None
    for slot in current.slots:
        role = table.get(ks.normalise_officer(slot.officer), slot.role)
        role = role if role in ROLES else "viewer"
        sign_key = Ed25519PrivateKey.generate()
        new = ks.with_admin_key(replace(ks.with_sign_key(slot, sign_key), role=role),
                                admin_key if role == "admin" else None)
        if ks.normalise_officer(slot.officer) == ks.normalise_officer(keyring.info.officer):
            own_sign = sign_key
            new = ks.repassphrase(new, passphrase, passphrase, admin_public=admin_public)
        slots.append(new)
        members.append(Member(new.officer, role, new.sign_public))
    store_id = ks.new_store_id()
    roster = Roster(store_id, 1, admin_public, tuple(members), (), _newest_event(store),
                    keyring.info.officer, ks.now_iso()).signed(admin_key)
    assert own_sign is not None
    new_file = replace(current, format=ks.FORMAT, slots=tuple(slots), store_id=store_id,
                       version=1, roster=roster, last_unlock=ks.now_iso()
                       ).sealed(keyring._key(), (keyring.info.officer, own_sign))
    ks.write_slot_file(keyring.sidecar, new_file)
    keyring.adopt(replace(keyring.info, role="admin", verified=True, roles_signed_now=True),
                  new_file, own_sign, admin_key, admin_public)


def open_store(path: Path, officer: str, passphrase: str, migrate: bool = True) -> Store:
    """Unlock through the officer's slot; a store from an older privdesk is copied aside
    (verified) before its schema is migrated, and its roles are signed by the first admin
    to unlock it."""
    kept = keep_damaged_wal(checked_path(path))  # before any connection can drop it
    key, keyring = unlock_key(path, officer, passphrase)
    if kept is not None:
        keyring.info = replace(keyring.info, wal_kept=str(kept))
    store = Store.open(path, key, migrate=False)
    store.keyring = keyring
    try:
        if migrate:
            backup_before_migrating(store)
            store.migrate()
        if not keyring.info.verified:
            sign_existing_roles(store, keyring, passphrase)
    except BaseException:
        store.close()
        raise
    return store


def reopen_store(store: Store, officer: str, passphrase: str) -> None:
    """Unlock the same Store object again after an auto-lock."""
    key, keyring = unlock_key(store.path, officer, passphrase)
    store.reopen(key, keyring)
