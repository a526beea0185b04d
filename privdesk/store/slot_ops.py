"""One officer's key slot: what it holds, and making, opening and changing it.

See store.keyslots for the file that holds every slot, and README (Officers, roles and
audit) for why a slot holds an X25519 key pair, a sealed data key, a sealed Ed25519
signing key, the admin key (admins only) and the pinned admin public key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from privdesk.store import slot_crypto as sc
from privdesk.store.errors import StoreError, UnlockError
from privdesk.store.officer_names import MAX_NAME, check_officer_name
from privdesk.store.slot_crypto import KdfParams
from privdesk.store.slot_parse import Fields, SlotFileError

FORMAT = 2  # 1: before signed roles (read, and upgraded by the first admin to unlock)
DEFAULT_KDF = KdfParams()  # tests patch this module's value for a cheap cost


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
