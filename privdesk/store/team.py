"""Creating and unlocking a team store (PostgreSQL) through the officers' key slots.

The same slots as a local store (store.keyslots: Argon2id, X25519, sealed data key), kept
in the database instead of a sidecar file. The data key is derived on the officer's own
machine from their passphrase and never sent: the server only ever sees slots and
sealed values.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

from privdesk.store import keyslots as ks
from privdesk.store.errors import StoreError
from privdesk.store.server import ServerStore
from privdesk.store.server_url import parse
from privdesk.store.vault import UNKNOWN_OFFICER, KeyRing, UnlockInfo


class ServerKeyRing(KeyRing):
    """The key slots of an unlocked team store, read from and written to the database."""

    def __init__(self, store: ServerStore, data_key: bytes, info: UnlockInfo) -> None:
        super().__init__(Path(store.address.database), data_key, info)
        self._store = store

    def _load(self) -> ks.SlotFile:
        current = self._store.read_slots()
        if current is None:
            raise ks.SlotFileError("The team store has no key slots.")
        if not current.authentic(self._key()):
            raise ks.SlotFileError(
                "The key slots on the team server have been altered outside privdesk; "
                "restore them from a backup before changing officers.")
        return current

    def _save(self, slot_file: ks.SlotFile) -> None:
        self._store.write_slots(slot_file.sealed(self._key()))

    def rotate(self, store: object) -> str:
        raise StoreError("Rotating the data key of a team store is not supported yet: every "
                         "sealed field would have to be re-sealed in one transaction.")


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
        slot = ks.make_slot(officer, "admin", passphrase, data_key, kdf)
        store.unlocked(data_key)
        store.migrate()
        store.write_slots(ks.SlotFile(ks.key_id(data_key), (slot,)).sealed(data_key))
    except BaseException:
        store.close()
        raise
    store.keyring = ServerKeyRing(store, data_key, UnlockInfo(slot.officer, "admin", False, ()))
    return store


def open_team_store(url: str, officer: str, passphrase: str, migrate: bool = True) -> ServerStore:
    store = ServerStore.connect(parse(url))
    try:
        data_key, info = _unlock(store, officer, passphrase)
        store.unlocked(data_key)
        if migrate:
            store.migrate()
    except BaseException:
        store.close()
        raise
    store.keyring = ServerKeyRing(store, data_key, info)
    return store


def _unlock(store: ServerStore, officer: str, passphrase: str) -> tuple[bytes, UnlockInfo]:
    slot_file = store.read_slots()
    if slot_file is None:
        raise StoreError(f"{store.display()} is not a privdesk team store (no key slots); "
                         "make one with `privdesk init --store URL`.")
    slot = slot_file.find(officer)
    if slot is None:
        ks.dummy_derivation(passphrase)
        _remember_failure(store, slot_file, UNKNOWN_OFFICER)
        raise ks.WrongPassphrase()
    try:
        data_key = ks.open_slot(slot, passphrase)
    except ks.WrongPassphrase:
        _remember_failure(store, slot_file, slot.officer)
        raise
    if not slot_file.authentic(data_key):
        raise ks.SlotFileError("The key slots on the team server have been altered outside "
                               "privdesk. Restore them from a backup.")
    return data_key, UnlockInfo(slot.officer, slot.role, False, slot_file.failed)


def _remember_failure(store: ServerStore, slot_file: ks.SlotFile, officer: str) -> None:
    entry = ks.FailedUnlock(" ".join(officer.split())[: ks.MAX_NAME], ks.now_iso())
    failed = (*slot_file.failed, entry)[-ks.MAX_FAILED_KEPT:]
    # Outside the slots' MAC, as in the sidecar: a forged entry only adds noise.
    store.write_slots(replace(slot_file, failed=failed))
