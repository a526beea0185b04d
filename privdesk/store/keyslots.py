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

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from privdesk.store import slot_crypto as sc
from privdesk.store.atomic import fsync_dir as fsync_dir
from privdesk.store.atomic import write_atomic as write_atomic
from privdesk.store.errors import StoreError, UnlockError
from privdesk.store.officer_names import MAX_NAME as MAX_NAME
from privdesk.store.officer_names import check_officer_name as check_officer_name
from privdesk.store.officer_names import normalise_officer as normalise_officer
from privdesk.store.roster import ROLES, Member, Roster
from privdesk.store.slot_crypto import KdfParams as KdfParams
from privdesk.store.slot_parse import Fields, load_document
from privdesk.store.slot_parse import SlotFileError as SlotFileError

FORMAT = 2  # 1: before signed roles (read, and upgraded by the first admin to unlock)
MAX_FAILED_KEPT = 200  # failed unlocks remembered until the next good unlock audits them
MAX_FAILED_READ = 5000
MAX_FAILED_NAME = 64  # a typed name in a failed-unlock record (it is shown as data)
MAX_SLOTS = 500
DEFAULT_KDF = KdfParams()


class WrongPassphrase(UnlockError):
    """No slot for that name, or the passphrase does not open it (never said which)."""

    MESSAGE = "Wrong officer name or passphrase."

    def __init__(self) -> None:
        super().__init__(None)


def key_id(data_key: bytes) -> str:
    """A short public fingerprint of a data key: tells which key a slot file is for."""
    return sc.hkdf(data_key, b"privdesk key id v1")[:8].hex()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True, repr=False)
class Slot:
    officer: str
    role: str  # a hint shown before unlocking; the signed roster is the authority
    kdf: KdfParams
    salt: bytes
    public_key: bytes
    wrapped_private: bytes  # nonce || AES-GCM(kek, x25519 private [|| admin public])
    sealed_key: bytes  # sealed data key
    created_at: str
    sign_public: bytes = b""  # Ed25519; empty in a slot from before signed roles
    sealed_sign: bytes = b""
    sealed_admin: bytes = b""  # the admin key's private half (admins only)

    def __repr__(self) -> str:
        return f"Slot({self.officer!r}, {self.role!r})"

    def as_json(self, fmt: int = FORMAT) -> dict[str, Any]:
        d: dict[str, Any] = {
            "officer": self.officer, "role": self.role,
            "kdf": {"type": "argon2id", "time_cost": self.kdf.time_cost,
                    "memory_kib": self.kdf.memory_kib, "parallelism": self.kdf.parallelism},
            "salt": _b64(self.salt), "public_key": _b64(self.public_key),
            "wrapped_private": _b64(self.wrapped_private), "sealed_key": _b64(self.sealed_key),
            "created_at": self.created_at,
        }
        if fmt >= 2:
            d |= {"sign_public": _b64(self.sign_public), "sealed_sign": _b64(self.sealed_sign),
                  "sealed_admin": _b64(self.sealed_admin)}
        return d

    @classmethod
    def from_json(cls, data: Any, fmt: int) -> Slot:
        f = Fields(data, "slot")
        k = f.obj("kdf")
        if k.text("type", 20) != "argon2id":
            raise SlotFileError("The key file is damaged: a slot uses an unknown key derivation.")
        kdf = KdfParams(k.integer("time_cost", *sc.KDF_TIME),
                        k.integer("memory_kib", *sc.KDF_MEMORY_KIB),
                        k.integer("parallelism", *sc.KDF_PARALLELISM))
        sealed = (sc.SEALED_LEN_MIN, sc.SEALED_LEN_MIN + 64)
        extra: dict[str, bytes] = {}
        if fmt >= 2:
            extra = {"sign_public": f.b64("sign_public", 32, 32),
                     "sealed_sign": f.b64("sealed_sign", *sealed),
                     "sealed_admin": f.b64("sealed_admin", 0, sealed[1], "")}
        return cls(officer=f.text("officer", MAX_NAME), role=f.text("role", 20),
                   kdf=kdf, salt=f.b64("salt", 16, 64), public_key=f.b64("public_key", 32, 32),
                   wrapped_private=f.b64("wrapped_private", 12 + 16 + 32, 12 + 16 + 64),
                   sealed_key=f.b64("sealed_key", *sealed),
                   created_at=f.text("created_at", 40), **extra)


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
                  signature=f.hexbytes("signature", 0, 64))


# -- files ---------------------------------------------------------------------------------
def sidecar_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".keys")


def pending_path(store_path: Path) -> Path:
    """The next slot file during a rekey; see vault.rotate for the crash ordering."""
    return store_path.with_name(store_path.name + ".keys.next")


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


# -- slots ---------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Opened:
    """What one officer's passphrase opens."""

    data_key: bytes
    private: X25519PrivateKey
    admin_public: bytes | None  # the pinned admin key; None in a slot from before it


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _cost(kdf: KdfParams | None) -> KdfParams:
    # Read at call time (not as a default argument) so tests can use a cheaper cost.
    return kdf if kdf is not None else DEFAULT_KDF


def make_slot(officer: str, role: str, passphrase: str, data_key: bytes,
              kdf: KdfParams | None = None, admin_public: bytes = b"",
              admin_private: Ed25519PrivateKey | None = None,
              sign_key: Ed25519PrivateKey | None = None) -> Slot:
    """A new officer's slot: their key pairs, the data key, the pinned admin key, and the
    admin key's private half when they are an admin."""
    kdf = _cost(kdf)
    officer = check_officer_name(officer)
    if not passphrase:
        raise StoreError("The passphrase must not be empty.")
    private = X25519PrivateKey.generate()
    salt, wrapped = sc.wrap(private.private_bytes_raw() + admin_public, passphrase, officer, kdf)
    public = private.public_key().public_bytes_raw()
    sign_key = sign_key or Ed25519PrivateKey.generate()
    slot = Slot(officer=officer, role=role, kdf=kdf, salt=salt, public_key=public,
                wrapped_private=wrapped, sealed_key=sc.seal(public, data_key, officer),
                created_at=now_iso(), sign_public=sign_key.public_key().public_bytes_raw(),
                sealed_sign=sc.seal(public, sign_key.private_bytes_raw(), officer, "sign"))
    return with_admin_key(slot, admin_private if role == "admin" else None)


def with_admin_key(slot: Slot, admin_private: Ed25519PrivateKey | None) -> Slot:
    sealed = (b"" if admin_private is None else
              sc.seal(slot.public_key, admin_private.private_bytes_raw(), slot.officer, "admin"))
    return replace(slot, sealed_admin=sealed)


def with_sign_key(slot: Slot, sign_key: Ed25519PrivateKey) -> Slot:
    return replace(slot, sign_public=sign_key.public_key().public_bytes_raw(),
                   sealed_sign=sc.seal(slot.public_key, sign_key.private_bytes_raw(),
                                       slot.officer, "sign"))


def unlock_slot(slot: Slot, passphrase: str) -> Opened:
    """The data key and the officer's private key, or WrongPassphrase (one Argon2id)."""
    try:
        plain = sc.unwrap(slot.wrapped_private, slot.salt, passphrase, slot.officer, slot.kdf)
    except InvalidTag:
        raise WrongPassphrase() from None
    if len(plain) not in (32, 64):
        raise SlotFileError(f"The key slot of {slot.officer} is damaged.")
    private = X25519PrivateKey.from_private_bytes(plain[:32])
    try:
        data_key = sc.unseal(private, slot.sealed_key, slot.officer)
    except (InvalidTag, ValueError):
        raise SlotFileError(f"The key slot of {slot.officer} is damaged.") from None
    if len(data_key) != 32:
        raise SlotFileError(f"The key slot of {slot.officer} is damaged.")
    return Opened(data_key, private, plain[32:] or None)


def open_slot(slot: Slot, passphrase: str) -> bytes:
    """The data key, or WrongPassphrase. Costs one Argon2id derivation."""
    return unlock_slot(slot, passphrase).data_key


def unseal_ed25519(slot: Slot, private: X25519PrivateKey, kind: str) -> Ed25519PrivateKey:
    sealed = slot.sealed_sign if kind == "sign" else slot.sealed_admin
    try:
        raw = sc.unseal(private, sealed, slot.officer, kind)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError):
        raise SlotFileError(f"The {kind} key in the slot of {slot.officer} is damaged or "
                            "was put there by someone else.") from None


def reseal(slot: Slot, data_key: bytes) -> Slot:
    """The same officer and passphrase, now holding another data key (rotation)."""
    return replace(slot, sealed_key=sc.seal(slot.public_key, data_key, slot.officer))


def repassphrase(slot: Slot, old: str, new: str, kdf: KdfParams | None = None,
                 admin_public: bytes | None = None) -> Slot:
    """Rewrap under a new passphrase (new may equal old: pins the admin key)."""
    kdf = _cost(kdf)
    if not new:
        raise StoreError("The new passphrase must not be empty.")
    opened = unlock_slot(slot, old)
    pin = admin_public if admin_public is not None else (opened.admin_public or b"")
    salt, wrapped = sc.wrap(opened.private.private_bytes_raw() + pin, new, slot.officer, kdf)
    return replace(slot, kdf=kdf, salt=salt, wrapped_private=wrapped)


def dummy_derivation(passphrase: str) -> None:
    """Spend the same time for an unknown officer as for a wrong passphrase, so timing
    does not reveal which officer names exist."""
    sc.kek(passphrase, b"\x00" * 16, _cost(None))
