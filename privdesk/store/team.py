"""Creating and unlocking a team store (PostgreSQL) through the officers' key slots.

The same slots as a local store (store.keyslots: Argon2id, X25519, sealed data key), kept
in the database instead of a sidecar file. The data key is derived on the officer's own
machine from their passphrase and never sent: the server only ever sees slots and
sealed values.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import exc as sa_exc

from privdesk.store import keyslots as ks
from privdesk.store import search_windows
from privdesk.store.errors import StoreError
from privdesk.store.keyring import KeyRing, UnlockInfo
from privdesk.store.server import ServerStore, server_failure
from privdesk.store.server_url import parse
from privdesk.store.vault import UNKNOWN_OFFICER, first_slot_file
from privdesk.store.vault import _verified as verified_keyring


class ServerKeyRing(KeyRing):
    """The key slots of an unlocked team store, read from and written to the database;
    every rule of KeyRing (signed roster, versions, MAC) applies unchanged, and its
    read-change-writes are serialised by a lock on the server instead of a lock file."""

    def __init__(self, store: ServerStore, *args: Any) -> None:
        super().__init__(*args)
        self._store = store

    @classmethod
    def of(cls, store: ServerStore, keyring: KeyRing) -> ServerKeyRing:
        return cls(store, Path(store.address.database), keyring._key(), keyring.info,
                   keyring._file, keyring._sign, keyring._admin, keyring.admin_public)

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        return self._store.slots_lock()

    def _load(self) -> ks.SlotFile:
        current = self._store.read_slots()
        if current is None:
            raise ks.SlotFileError("The team store has no key slots.")
        if not current.authentic(self._key()) or (
                current.roster is not None and self.admin_public is not None
                and not current.roster.trusts(self.admin_public)):
            raise ks.SlotFileError(
                "The key slots on the team server have been altered outside privdesk; "
                "restore them from a backup before changing officers.")
        if current.version < self.version:
            raise ks.SlotFileError("The key slots on the team server are older than the ones "
                                   "this session opened (an old copy was put back).")
        return current

    def _save(self, slot_file: ks.SlotFile, bump: bool = True) -> None:
        new = replace(slot_file, format=ks.FORMAT,
                      version=slot_file.version + (1 if bump else 0))
        sealed = new.sealed(self._key(), self.signer())
        self._store.write_slots(sealed)
        self._file = sealed

    def rotate(self, store: object) -> str:
        """A new data key: every sealed value re-sealed and the slots replaced in one
        transaction on the server (store.team_rotate)."""
        from privdesk.store.team_rotate import rotate_team_key  # it names this class

        return rotate_team_key(self._store, self)

    def switched(self, new_key: bytes, slot_file: ks.SlotFile) -> None:
        """The rotation committed: this session now holds the new key and slots."""
        self._data_key = new_key
        self._file = slot_file


def create_team_store(url: str, officer: str, passphrase: str,
                      kdf: ks.KdfParams | None = None) -> ServerStore:
    """Make the schema in an empty database and its first admin's key slot."""
    store = ServerStore.connect(parse(url))
    try:
        if store.read_slots() is not None or store.schema_revision() is not None:
            raise StoreError(f"The database {store.display()} already holds a privdesk store "
                             "(or something else): privdesk makes a team store only in an "
                             "empty database.")
        data_key = secrets.token_bytes(32)
        slot_file, sign_key, admin_key = first_slot_file(officer, passphrase, data_key, kdf)
        store.unlocked(data_key)
        store.migrate()
        store.write_slots(slot_file)
    except BaseException:
        store.close()
        raise
    slot = slot_file.slots[0]
    keyring = KeyRing(store.path, data_key, UnlockInfo(slot.officer, "admin", False, ()),
                      slot_file, sign_key, admin_key, admin_key.public_key().public_bytes_raw())
    store.keyring = ServerKeyRing.of(store, keyring)
    return store


def open_team_store(url: str, officer: str, passphrase: str, migrate: bool = True) -> ServerStore:
    store = ServerStore.connect(parse(url))
    try:
        keyring = _unlock(store, officer, passphrase)
        store.unlocked(keyring._key())
        store.keyring = keyring
        if migrate:
            store.migrate()
        maintain_search_windows(store)
    except BaseException:
        store.close()
        raise
    return store


def maintain_search_windows(store: ServerStore) -> None:
    """Close the search's open id window into full ones when the register has grown past
    it (store.search_windows): at unlock and after an import, so it runs on every
    workstation now and then, once at a time (an advisory lock; whoever finds it taken moves on), at about a
    second per 25,000 new contacts. A role that may not create indexes leaves it to the
    owner's next unlock: search stays right, only slower for the newest contacts."""
    try:
        with store.engine.begin() as conn:
            search_windows.maintain(conn)
    except sa_exc.ProgrammingError:  # e.g. insufficient privilege: not this officer's to do
        return


def _unlock(store: ServerStore, officer: str, passphrase: str) -> ServerKeyRing:
    slot_file = store.read_slots(wait_for_changes=True)
    if slot_file is None:
        raise StoreError(f"{store.display()} is not a privdesk team store (no key slots); "
                         "make one with `privdesk init --store URL`.")
    slot = slot_file.find(officer)
    if slot is None:
        ks.dummy_derivation(passphrase)
        _remember_failure(store, slot_file, UNKNOWN_OFFICER)
        raise ks.WrongPassphrase()
    try:
        opened = ks.unlock_slot(slot, passphrase)
    except ks.WrongPassphrase:
        _remember_failure(store, slot_file, slot.officer)
        raise
    if not slot_file.authentic(opened.data_key) or slot_file.roster is None:
        raise ks.SlotFileError("The key slots on the team server have been altered outside "
                               "privdesk. Restore them from a backup.")
    # The same checks as a local store: the signed roster against the admin key pinned in
    # this officer's slot, the slot in the roster, the file signed by an officer.
    keyring = verified_keyring(store.path, slot_file, slot, opened, passphrase,
                               make=lambda *args: ServerKeyRing(store, *args))
    assert isinstance(keyring, ServerKeyRing)
    return keyring


def _remember_failure(store: ServerStore, slot_file: ks.SlotFile, officer: str) -> None:
    entry = ks.FailedUnlock(" ".join(officer.split())[: ks.MAX_FAILED_NAME], ks.now_iso())
    # Outside the slots' MAC, as in the sidecar: the next good unlock checks each record
    # against the MAC'd time of the last good unlock. Re-read under the lock: another
    # officer's write in between must not be lost.
    with store.slots_lock():
        current = store.read_slots() or slot_file
        failed = (*current.failed, entry)[-ks.MAX_FAILED_KEPT:]
        store.write_slots(replace(current, failed=failed))


def reopen_team_store(store: ServerStore, officer: str, passphrase: str) -> None:
    """Unlock the same team store object again after an auto-lock (connecting afresh:
    the lock dropped every connection; a server still away gets the worded message)."""
    store.close()  # whatever key it held goes first (it may be one an admin rotated away)
    try:
        keyring = _unlock(store, officer, passphrase)
    except sa_exc.DBAPIError as exc:
        raise server_failure(store.address, exc) from exc
    store.unlocked(keyring._key())
    store.keyring = keyring
