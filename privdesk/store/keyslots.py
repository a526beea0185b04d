"""Key slots: one per officer, in a sidecar file beside the store (``<store>.keys``).

The store is encrypted under a random 256-bit *data key*. Each officer's slot holds:

* an X25519 key pair whose private half is wrapped (AES-256-GCM) under a key derived
  from the officer's passphrase with Argon2id, the officer's name bound as associated
  data, so a slot cannot be renamed or swapped onto another officer;
* the data key sealed to that public key (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM).

Why a key pair rather than wrapping the data key directly under the passphrase key: a
key rotation must rewrap the *new* data key for every officer, and the rotating admin
does not know the others' passphrases. Sealing to each officer's public key lets the
rotation reach everyone, so nobody re-enters anything, ever; the officers who were
removed (their slots gone) never see the new key. The slot list is authenticated by an
HMAC under a key derived from the data key, so nobody without the data key can plant
a public key of their own to receive the next rotated key.

The sidecar is readable before unlocking (it holds no secret in the clear) and is always
written atomically: temp file, fsync, os.replace, fsync of the folder.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privdesk.store.errors import StoreError, UnlockError

FORMAT = 1
MAX_FAILED_KEPT = 200  # failed unlocks remembered until the next good unlock audits them
MAX_NAME = 200


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost, recorded in each slot so it can be raised later for new slots."""

    time_cost: int = 3
    memory_kib: int = 131072  # 128 MiB: ~0.35-0.45 s on the team's machines (measured)
    parallelism: int = 1


DEFAULT_KDF = KdfParams()


class WrongPassphrase(UnlockError):
    """No slot for that name, or the passphrase does not open it (never said which)."""

    MESSAGE = "Wrong officer name or passphrase."

    def __init__(self) -> None:
        super().__init__(None)


class SlotFileError(StoreError):
    """The sidecar is missing, unreadable or has been altered."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise_officer(name: str) -> str:
    """Names are compared without case or surrounding spaces; stored as typed."""
    return " ".join(name.split()).casefold()


def check_officer_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise StoreError("Enter the officer's name.")
    if len(clean) > MAX_NAME:
        raise StoreError(f"An officer's name can be at most {MAX_NAME} characters.")
    # Control and format characters (bidi overrides, zero-width joiners...) would let one
    # name pass for another in the audit trail.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Cn") for c in clean):
        raise StoreError("An officer's name must not contain control, bidi or invisible "
                         "characters.")
    return clean


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def key_id(data_key: bytes) -> str:
    """A short public fingerprint of a data key: tells which key a slot file is for."""
    return _hkdf(data_key, b"privdesk key id v1")[:8].hex()


def _ad(kind: str, officer: str) -> bytes:
    return f"privdesk-slot-v1|{kind}|{normalise_officer(officer)}".encode()


@dataclass(frozen=True, repr=False)
class Slot:
    officer: str
    role: str
    kdf: KdfParams
    salt: bytes
    public_key: bytes
    wrapped_private: bytes  # nonce || AES-GCM(kek, x25519 private)
    sealed_key: bytes  # ephemeral public || nonce || AES-GCM(hkdf(ecdh), data key)
    created_at: str

    def __repr__(self) -> str:
        return f"Slot({self.officer!r}, {self.role!r})"

    def as_json(self) -> dict[str, Any]:
        return {
            "officer": self.officer, "role": self.role,
            "kdf": {"type": "argon2id", "time_cost": self.kdf.time_cost,
                    "memory_kib": self.kdf.memory_kib, "parallelism": self.kdf.parallelism},
            "salt": _b64(self.salt), "public_key": _b64(self.public_key),
            "wrapped_private": _b64(self.wrapped_private), "sealed_key": _b64(self.sealed_key),
            "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Slot:
        k = d["kdf"]
        if k.get("type") != "argon2id":
            raise SlotFileError(f"Unknown key derivation in the slot of {d['officer']}.")
        return cls(officer=str(d["officer"]), role=str(d["role"]),
                   kdf=KdfParams(int(k["time_cost"]), int(k["memory_kib"]), int(k["parallelism"])),
                   salt=_unb64(d["salt"]), public_key=_unb64(d["public_key"]),
                   wrapped_private=_unb64(d["wrapped_private"]),
                   sealed_key=_unb64(d["sealed_key"]), created_at=str(d["created_at"]))


@dataclass(frozen=True)
class FailedUnlock:
    officer: str
    at: str  # ISO UTC


@dataclass(frozen=True)
class SlotFile:
    key_id: str
    slots: tuple[Slot, ...]
    mac: str = ""
    failed: tuple[FailedUnlock, ...] = field(default=())

    def find(self, officer: str) -> Slot | None:
        wanted = normalise_officer(officer)
        return next((s for s in self.slots if normalise_officer(s.officer) == wanted), None)

    def _mac_input(self) -> bytes:
        body = {"format": FORMAT, "key_id": self.key_id,
                "slots": sorted((s.as_json() for s in self.slots), key=lambda j: j["officer"])}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def sealed(self, data_key: bytes) -> SlotFile:
        """The same slots, authenticated under the data key (every write by a key holder)."""
        if key_id(data_key) != self.key_id:
            raise SlotFileError("The slot file is for a different data key.")
        mac = hmac.new(_hkdf(data_key, b"privdesk slots mac v1"), self._mac_input(),
                       hashlib.sha256).hexdigest()
        return replace(self, mac=mac)

    def authentic(self, data_key: bytes) -> bool:
        return key_id(data_key) == self.key_id and hmac.compare_digest(
            self.sealed(data_key).mac, self.mac)

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "key_id": self.key_id, "mac": self.mac,
                "slots": [s.as_json() for s in self.slots],
                "failed_unlocks": [{"officer": f.officer, "at": f.at} for f in self.failed]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SlotFile:
        if d.get("format") != FORMAT:
            raise SlotFileError("This key file was written by a newer privdesk.")
        failed = tuple(FailedUnlock(str(f["officer"])[:MAX_NAME], str(f["at"]))
                       for f in d.get("failed_unlocks", []))
        return cls(key_id=str(d["key_id"]), mac=str(d.get("mac", "")),
                   slots=tuple(Slot.from_json(s) for s in d["slots"]), failed=failed)


# -- files ---------------------------------------------------------------------------------
def sidecar_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".keys")


def pending_path(store_path: Path) -> Path:
    """The next slot file during a rekey; see vault.rotate for the crash ordering."""
    return store_path.with_name(store_path.name + ".keys.next")


def read_slot_file(path: Path) -> SlotFile | None:
    if not path.exists():
        return None
    try:
        return SlotFile.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SlotFileError(f"The key file {path.name} is damaged and cannot be read.") from exc


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, os.replace, fsync the folder: a reader sees
    the old file or the new one, never half of either, even after a power cut."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; replace is durable there
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_slot_file(path: Path, slot_file: SlotFile) -> None:
    text = json.dumps(slot_file.as_json(), indent=1, ensure_ascii=False)
    write_atomic(path, text.encode("utf-8"))


# -- crypto --------------------------------------------------------------------------------
def _kek(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=kdf.time_cost,
                           memory_cost=kdf.memory_kib, parallelism=kdf.parallelism,
                           hash_len=32, type=Type.ID)


def _seal(public_key: bytes, data_key: bytes, officer: str) -> bytes:
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes_raw()
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public_key))
    wrap_key = _hkdf(shared, b"privdesk seal v1" + eph_pub + public_key)
    nonce = secrets.token_bytes(12)
    return eph_pub + nonce + AESGCM(wrap_key).encrypt(nonce, data_key, _ad("data", officer))


def _unseal(private: X25519PrivateKey, sealed: bytes, officer: str) -> bytes:
    eph_pub, nonce, body = sealed[:32], sealed[32:44], sealed[44:]
    public = private.public_key().public_bytes_raw()
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    wrap_key = _hkdf(shared, b"privdesk seal v1" + eph_pub + public)
    return AESGCM(wrap_key).decrypt(nonce, body, _ad("data", officer))


def _wrap_private(private: X25519PrivateKey, passphrase: str, officer: str,
                  kdf: KdfParams) -> tuple[bytes, bytes]:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    body = AESGCM(_kek(passphrase, salt, kdf)).encrypt(
        nonce, private.private_bytes_raw(), _ad("private", officer))
    return salt, nonce + body


def _unwrap_private(slot: Slot, passphrase: str) -> X25519PrivateKey:
    kek = _kek(passphrase, slot.salt, slot.kdf)
    nonce, body = slot.wrapped_private[:12], slot.wrapped_private[12:]
    try:
        raw = AESGCM(kek).decrypt(nonce, body, _ad("private", slot.officer))
    except InvalidTag:
        raise WrongPassphrase() from None
    return X25519PrivateKey.from_private_bytes(raw)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _cost(kdf: KdfParams | None) -> KdfParams:
    # Read at call time (not as a default argument) so tests can use a cheaper cost.
    return kdf if kdf is not None else DEFAULT_KDF


def make_slot(officer: str, role: str, passphrase: str, data_key: bytes,
              kdf: KdfParams | None = None) -> Slot:
    kdf = _cost(kdf)
    officer = check_officer_name(officer)
    if not passphrase:
        raise StoreError("The passphrase must not be empty.")
    private = X25519PrivateKey.generate()
    salt, wrapped = _wrap_private(private, passphrase, officer, kdf)
    public = private.public_key().public_bytes_raw()
    return Slot(officer=officer, role=role, kdf=kdf, salt=salt, public_key=public,
                wrapped_private=wrapped, sealed_key=_seal(public, data_key, officer),
                created_at=now_iso())


def open_slot(slot: Slot, passphrase: str) -> bytes:
    """The data key, or WrongPassphrase. Costs one Argon2id derivation."""
    private = _unwrap_private(slot, passphrase)
    try:
        return _unseal(private, slot.sealed_key, slot.officer)
    except InvalidTag:
        raise SlotFileError(f"The key slot of {slot.officer} is damaged.") from None


def reseal(slot: Slot, data_key: bytes) -> Slot:
    """The same officer and passphrase, now holding another data key (rotation)."""
    return replace(slot, sealed_key=_seal(slot.public_key, data_key, slot.officer))


def repassphrase(slot: Slot, old: str, new: str, kdf: KdfParams | None = None) -> Slot:
    kdf = _cost(kdf)
    if not new:
        raise StoreError("The new passphrase must not be empty.")
    private = _unwrap_private(slot, old)
    salt, wrapped = _wrap_private(private, new, slot.officer, kdf)
    return replace(slot, kdf=kdf, salt=salt, wrapped_private=wrapped)


def dummy_derivation(passphrase: str) -> None:
    """Spend the same time for an unknown officer as for a wrong passphrase, so timing
    does not reveal which officer names exist."""
    _kek(passphrase, b"\x00" * 16, _cost(None))
