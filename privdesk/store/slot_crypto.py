"""The primitives under the key slots: Argon2id, AES-256-GCM wrapping, and sealing a
secret to an officer's X25519 public key (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM).

Associated data binds each ciphertext to its officer's name and to what it holds
("private", "data", "sign", "admin"), so a ciphertext cannot be moved to another officer
or passed off as another kind of secret.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privdesk.store.officer_names import normalise_officer

SEALED_LEN_MIN = 32 + 12 + 16  # ephemeral public, nonce, tag


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost, recorded in each slot so it can be raised later for new slots."""

    time_cost: int = 3
    memory_kib: int = 131072  # 128 MiB: ~0.35-0.45 s on the team's machines (measured)
    parallelism: int = 1


# Bounds a slot's recorded cost must be within: a key file is read before unlocking, and
# a forged `time_cost` of 2**31 would otherwise hang the unlock (seen in review).
KDF_TIME = (1, 20)
KDF_MEMORY_KIB = (8192, 4 * 1024 * 1024)
KDF_PARALLELISM = (1, 16)


def hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def ad(kind: str, officer: str) -> bytes:
    return f"privdesk-slot-v1|{kind}|{normalise_officer(officer)}".encode()


def kek(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=kdf.time_cost,
                           memory_cost=kdf.memory_kib, parallelism=kdf.parallelism,
                           hash_len=32, type=Type.ID)


def seal(public_key: bytes, secret: bytes, officer: str, kind: str = "data") -> bytes:
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes_raw()
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public_key))
    wrap_key = hkdf(shared, b"privdesk seal v1" + eph_pub + public_key)
    nonce = secrets.token_bytes(12)
    return eph_pub + nonce + AESGCM(wrap_key).encrypt(nonce, secret, ad(kind, officer))


def unseal(private: X25519PrivateKey, sealed: bytes, officer: str, kind: str = "data") -> bytes:
    """Raises cryptography's InvalidTag when the ciphertext is not for this key/officer."""
    eph_pub, nonce, body = sealed[:32], sealed[32:44], sealed[44:]
    public = private.public_key().public_bytes_raw()
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    wrap_key = hkdf(shared, b"privdesk seal v1" + eph_pub + public)
    return AESGCM(wrap_key).decrypt(nonce, body, ad(kind, officer))


def wrap(secret: bytes, passphrase: str, officer: str, kdf: KdfParams) -> tuple[bytes, bytes]:
    """(salt, nonce || AES-GCM(Argon2id(passphrase), secret))."""
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    body = AESGCM(kek(passphrase, salt, kdf)).encrypt(nonce, secret, ad("private", officer))
    return salt, nonce + body


def unwrap(wrapped: bytes, salt: bytes, passphrase: str, officer: str, kdf: KdfParams) -> bytes:
    nonce, body = wrapped[:12], wrapped[12:]
    return AESGCM(kek(passphrase, salt, kdf)).decrypt(nonce, body, ad("private", officer))
