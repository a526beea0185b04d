"""Key slots: one per officer, in a sidecar file beside the store (``<store>.keys``).

The store is encrypted under a random 256-bit *data key*. Each officer's slot holds:

* an X25519 key pair whose private half is wrapped (AES-256-GCM) under a key derived
  from the officer's passphrase with Argon2id, the officer's name bound as associated
  data. The wrapped payload also pins the public half of the store's *admin key* (see
  store.roster): nobody can change that pin without the officer's passphrase;
* sealed to that public key (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM): the data key,
  the officer's own Ed25519 *signing key* (audit events, key-file writes) and, for
  admins only, the admin key's private half (signs the roster of roles).

Why a key pair rather than wrapping the data key directly under the passphrase key: a
key rotation must rewrap the *new* data key for every officer, and the rotating admin
does not know the others' passphrases. Sealing to each officer's public key lets the
rotation reach everyone, so nobody re-enters anything, ever.

The file carries the store's own id, a version that grows with every change of slots or
roles (the store remembers the newest it has seen, so an older copy is refused), an HMAC
under a key derived from the data key, and the writer's Ed25519 signature.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from filelock import FileLock, Timeout

from privdesk.store import slot_crypto as sc
from privdesk.store.atomic import fsync_dir as fsync_dir
from privdesk.store.atomic import write_atomic as write_atomic
from privdesk.store.errors import StoreError
from privdesk.store.officer_names import MAX_NAME as MAX_NAME
from privdesk.store.officer_names import check_officer_name as check_officer_name
from privdesk.store.officer_names import normalise_officer as normalise_officer
from privdesk.store.roster import ROLES, Member, Roster, Succession
from privdesk.store.slot_crypto import KdfParams as KdfParams
from privdesk.store.slot_ops import DEFAULT_KDF as DEFAULT_KDF
from privdesk.store.slot_ops import FORMAT as FORMAT
from privdesk.store.slot_ops import Opened as Opened
from privdesk.store.slot_ops import Slot as Slot
from privdesk.store.slot_ops import WrongPassphrase as WrongPassphrase
from privdesk.store.slot_ops import _b64
from privdesk.store.slot_ops import dummy_derivation as dummy_derivation
from privdesk.store.slot_ops import key_id as key_id
from privdesk.store.slot_ops import make_slot as make_slot
from privdesk.store.slot_ops import now_iso as now_iso
from privdesk.store.slot_ops import open_slot as open_slot
from privdesk.store.slot_ops import repassphrase as repassphrase
from privdesk.store.slot_ops import reseal as reseal
from privdesk.store.slot_ops import unlock_slot as unlock_slot
from privdesk.store.slot_ops import unseal_ed25519 as unseal_ed25519
from privdesk.store.slot_ops import with_admin_key as with_admin_key
from privdesk.store.slot_ops import with_sign_key as with_sign_key
from privdesk.store.slot_parse import Fields, load_document
from privdesk.store.slot_parse import SlotFileError as SlotFileError

MAX_FAILED_KEPT = 200  # failed unlocks remembered until the next good unlock audits them
MAX_FAILED_READ = 5000
MAX_FAILED_NAME = 64  # a typed name in a failed-unlock record (it is shown as data)
MAX_SLOTS = 500


@dataclass(frozen=True)
class FailedUnlock:
    officer: str  # what was typed in the name field: data, never trusted as a name
    at: str  # ISO UTC


@dataclass(frozen=True)
class SlotFile:
    key_id: str
    slots: tuple[Slot, ...]
    mac: str = ""
    failed: tuple[FailedUnlock, ...] = field(default=())
    format: int = FORMAT
    store_id: str = ""
    version: int = 0
    roster: Roster | None = None
    last_unlock: str = ""  # the newest good unlock: failures dated before it are not genuine
    written_by: str = ""
    signature: bytes = b""

    def find(self, officer: str) -> Slot | None:
        wanted = normalise_officer(officer)
        return next((s for s in self.slots if normalise_officer(s.officer) == wanted), None)

    def _mac_input(self) -> bytes:
        if self.format == 1:
            body: dict[str, Any] = {
                "format": 1, "key_id": self.key_id,
                "slots": sorted((s.as_json(1) for s in self.slots), key=lambda j: j["officer"])}
        else:
            body = {"format": self.format, "key_id": self.key_id, "store_id": self.store_id,
                    "version": self.version, "last_unlock": self.last_unlock,
                    "written_by": self.written_by,
                    "roster": self.roster.as_json() if self.roster else None,
                    "slots": sorted((s.as_json() for s in self.slots),
                                    key=lambda j: j["officer"])}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def sealed(self, data_key: bytes, signer: tuple[str, Ed25519PrivateKey] | None = None
               ) -> SlotFile:
        """Authenticated under the data key and, for format 2, signed by its writer."""
        if key_id(data_key) != self.key_id:
            raise SlotFileError("The slot file is for a different data key.")
        me = self
        if signer is not None:
            me = replace(self, written_by=signer[0])
        mac = hmac.new(sc.hkdf(data_key, b"privdesk slots mac v1"), me._mac_input(),
                       hashlib.sha256).hexdigest()
        signature = signer[1].sign(me._mac_input()) if signer is not None else b""
        return replace(me, mac=mac, signature=signature)

    def authentic(self, data_key: bytes) -> bool:
        if key_id(data_key) != self.key_id:
            return False
        expected = hmac.new(sc.hkdf(data_key, b"privdesk slots mac v1"), self._mac_input(),
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.mac)

    def signed_by(self, public: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(self.signature, self._mac_input())
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"format": self.format, "key_id": self.key_id, "mac": self.mac}
        if self.format >= 2:
            d |= {"store_id": self.store_id, "version": self.version,
                  "last_unlock": self.last_unlock, "written_by": self.written_by,
                  "signature": _b64(self.signature),
                  "roster": self.roster.as_json() if self.roster else None}
        return d | {"slots": [s.as_json(self.format) for s in self.slots],
                    "failed_unlocks": [{"officer": f.officer, "at": f.at} for f in self.failed]}

    @classmethod
    def from_json(cls, data: Any) -> SlotFile:
        f = Fields(data, "file")
        fmt = f.integer("format", 0, 1_000_000)
        if fmt > FORMAT:
            raise SlotFileError("This key file was written by a newer privdesk.")
        if fmt < 1:
            raise SlotFileError("The key file is damaged: it has no valid format number.")
        # Written without a key by anyone who types a wrong passphrase (or edits the file):
        # read at most MAX_FAILED_READ, keep the newest MAX_FAILED_KEPT.
        failed = tuple(_failed(x) for x in f.items("failed_unlocks", MAX_FAILED_READ, [])
                       [-MAX_FAILED_KEPT:])
        slots = tuple(Slot.from_json(s, fmt) for s in f.items("slots", MAX_SLOTS))
        common = {"key_id": f.text("key_id", 16), "mac": f.text("mac", 64, ""),
                  "slots": slots, "failed": failed, "format": fmt}
        if fmt == 1:
            return cls(**common)  # type: ignore[arg-type]
        roster = f.optional_obj("roster")
        return cls(**common, store_id=f.text("store_id", 64),  # type: ignore[arg-type]
                   version=f.integer("version", 0, 2**53),
                   roster=_roster(roster) if roster is not None else None,
                   last_unlock=f.text("last_unlock", 40, ""),
                   written_by=f.text("written_by", MAX_NAME, ""),
                   signature=f.b64("signature", 0, 64, ""))


def _failed(data: Any) -> FailedUnlock:
    f = Fields(data, "failed_unlocks[]")
    return FailedUnlock(f.text("officer", 4 * MAX_FAILED_NAME)[:MAX_FAILED_NAME],
                        f.text("at", 40))


def _member(data: Any) -> Member:
    f = Fields(data, "roster member")
    return Member(f.text("name", MAX_NAME), f.text("role", 20),
                  f.hexbytes("sign_public", 32, 32))


def _roster(f: Fields) -> Roster:
    members = tuple(_member(m) for m in f.items("members", MAX_SLOTS))
    if any(m.role not in ROLES for m in members):
        raise SlotFileError("The key file is damaged: a roster member has an unknown role.")
    return Roster(store_id=f.text("store_id", 64), version=f.integer("version", 0, 2**53),
                  root_public=f.hexbytes("root_public", 32, 32), members=members,
                  former=tuple(_member(m) for m in f.items("former", 10 * MAX_SLOTS)),
                  audit_from=f.integer("audit_from", 0, 2**62),
                  signed_by=f.text("signed_by", MAX_NAME), at=f.text("at", 40),
                  signature=f.hexbytes("signature", 0, 64),
                  succession=tuple(_succession(x) for x in f.items("succession", MAX_SLOTS, [])))


def _succession(data: Any) -> Succession:
    f = Fields(data, "roster succession")
    return Succession(f.hexbytes("old_public", 32, 32), f.hexbytes("new_public", 32, 32),
                      f.text("at", 40), f.hexbytes("signature", 64, 64))


# -- files ---------------------------------------------------------------------------------
def sidecar_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".keys")


def pending_path(store_path: Path) -> Path:
    """The next slot file during a rekey; see vault.rotate for the crash ordering."""
    return store_path.with_name(store_path.name + ".keys.next")


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".keys.lock")


@contextlib.contextmanager
def key_file_lock(store_path: Path, timeout: float = 30) -> Iterator[None]:
    """Held around every read-change-write of the key file, so two privdesk processes on
    one store (the GUI and a scheduled CLI command, two officers' sessions) never lose
    each other's change: an admin's new officer overwritten by another unlock's write
    would also make the store refuse its own key file as 'older than the store'."""
    try:
        with FileLock(str(lock_path(store_path)), timeout=timeout, mode=0o600):
            yield
    except Timeout as exc:
        raise StoreError("Another privdesk is changing this store's key file; try again in "
                         "a moment.") from exc


def read_slot_file(path: Path) -> SlotFile | None:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(20 * 1024 * 1024)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SlotFileError(f"The key file {path.name} cannot be read: "
                            f"{exc.strerror or exc}.") from exc
    return SlotFile.from_json(load_document(raw, path.name))


def write_slot_file(path: Path, slot_file: SlotFile) -> None:
    text = json.dumps(slot_file.as_json(), indent=1, ensure_ascii=False)
    write_atomic(path, text.encode("utf-8"))


def new_store_id() -> str:
    return secrets.token_hex(16)
