"""Client-side sealing of free text and documents for a team (PostgreSQL) store.

The columns that hold free text or documents use the `SealedText` / `SealedBytes` column
types. On an engine that has a `FieldCipher` installed (a team store, see store.server)
their values are sealed here with AES-256-GCM before they are sent and opened when they
come back; the table and column are bound as associated data, so a value moved to
another column does not open. On an engine without a cipher (the local SQLCipher store,
whose whole file is encrypted) the types pass values through untouched: the local store
is byte-for-byte what it was.

The field key is derived from the store's data key (HKDF-SHA256, its own label), so it
never reaches the server, and every officer who can unlock the store can read the fields.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, LargeBinary, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from privdesk.store.errors import StoreError

TEXT_PREFIX = "pdseal1:"
BYTES_PREFIX = b"pdseal1\x00"
_ATTRIBUTE = "privdesk_field_cipher"


class SealedValueError(StoreError):
    """A sealed value did not open: it was altered, moved, or sealed under another key."""

    def __init__(self, message: str, row: str = "") -> None:
        super().__init__(message)
        self.row = row  # the row it was read from, when known


@dataclass(frozen=True, repr=False)
class FieldCipher:
    key: bytes

    def __repr__(self) -> str:
        return "FieldCipher(<hidden>)"

    @classmethod
    def from_data_key(cls, data_key: bytes) -> FieldCipher:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"privdesk field key v1")
        return cls(hkdf.derive(data_key))

    @staticmethod
    def _ad(where: str, row: str) -> bytes:
        return f"privdesk-field-v1|{where}|{row}".encode()

    def seal(self, where: str, plain: bytes, row: str = "") -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + AESGCM(self.key).encrypt(nonce, plain, self._ad(where, row))

    def open(self, where: str, sealed: bytes, row: str = "") -> bytes:
        try:
            return AESGCM(self.key).decrypt(sealed[:12], sealed[12:], self._ad(where, row))
        except (InvalidTag, ValueError) as exc:
            raise SealedValueError(
                f"A sealed value in {where} does not open: it was changed on the server, "
                "moved from elsewhere, or belongs to another store.") from exc


class RowText(str):
    """Text that knows which row it belongs to (sealed with the row bound; see store.rows)."""

    row: str = ""


class RowBytes(bytes):
    row: str = ""


def bound_text(value: str, row: str) -> RowText:
    out = RowText(value)
    out.row = row
    return out


def bound_bytes(value: bytes, row: str) -> RowBytes:
    out = RowBytes(value)
    out.row = row
    return out


def install_cipher(engine: Engine, cipher: FieldCipher | None) -> None:
    """Seal and open the sealed columns on this engine's connections (None: stop)."""
    setattr(engine.dialect, _ATTRIBUTE, cipher)


def cipher_of(dialect: Dialect) -> FieldCipher | None:
    return getattr(dialect, _ATTRIBUTE, None)


def _locked(where: str) -> StoreError:
    return StoreError(f"The team store is locked: {where} cannot be read or written.")


class SealedText(TypeDecorator[str]):
    """Text sealed on a team store; plain text on the local store."""

    impl = Text
    cache_ok = True

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name == "sqlite":
            return value if type(value) is not RowText else str.__str__(value)  # noqa: E721
        cipher = cipher_of(dialect)
        if cipher is None:
            raise _locked(self.where)
        row = _row_of(value)
        sealed = cipher.seal(self.where, str(value).encode("utf-8"), row)
        return f"{TEXT_PREFIX}{row}:{base64.b64encode(sealed).decode('ascii')}"

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or dialect.name == "sqlite":
            return value  # type: ignore[no-any-return]
        cipher = cipher_of(dialect)
        if cipher is None:
            raise _locked(self.where)
        if not isinstance(value, str) or not value.startswith(TEXT_PREFIX):
            if value == "":
                return ""  # a server-side default, never officer text
            raise SealedValueError(f"A value in {self.where} is stored unsealed on the server.")
        row, _, body = value[len(TEXT_PREFIX):].rpartition(":")
        plain = cipher.open(self.where, base64.b64decode(body), row).decode("utf-8")
        return bound_text(plain, row)


class SealedBytes(TypeDecorator[bytes]):
    """A document or secret sealed on a team store; plain bytes on the local store."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        if value is None or dialect.name == "sqlite":
            return value if type(value) is not RowBytes else bytes(value)  # noqa: E721
        cipher = cipher_of(dialect)
        if cipher is None:
            raise _locked(self.where)
        row = _row_of(value).encode("utf-8")[:255]
        return (BYTES_PREFIX + bytes([len(row)]) + row
                + cipher.seal(self.where, bytes(value), row.decode("utf-8")))

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None or dialect.name == "sqlite":
            return value  # type: ignore[no-any-return]
        cipher = cipher_of(dialect)
        if cipher is None:
            raise _locked(self.where)
        data = bytes(value)
        if not data.startswith(BYTES_PREFIX) or len(data) <= len(BYTES_PREFIX):
            raise SealedValueError(f"A value in {self.where} is stored unsealed on the server.")
        size = data[len(BYTES_PREFIX)]
        start = len(BYTES_PREFIX) + 1
        row = data[start:start + size].decode("utf-8", "replace")
        return bound_bytes(cipher.open(self.where, data[start + size:], row), row)


def _row_of(value: object) -> str:
    return str(getattr(value, "row", "") or "")


def reseal(old: FieldCipher, new: FieldCipher, where: str, stored: Any) -> Any:
    """A value as stored on the server (a sealed text or bytes envelope), opened with the
    old field key and sealed again with the new one, for the same column and row (key
    rotation, store.team_rotate). None and the empty server default stay as they are."""
    if stored is None or stored == "":
        return stored
    if isinstance(stored, str):
        if not stored.startswith(TEXT_PREFIX):
            raise SealedValueError(f"A value in {where} is stored unsealed on the server.")
        row, _, body = stored[len(TEXT_PREFIX):].rpartition(":")
        plain = old.open(where, base64.b64decode(body), row)
        return f"{TEXT_PREFIX}{row}:{base64.b64encode(new.seal(where, plain, row)).decode('ascii')}"
    data = bytes(stored)
    if not data.startswith(BYTES_PREFIX) or len(data) <= len(BYTES_PREFIX):
        raise SealedValueError(f"A value in {where} is stored unsealed on the server.")
    start = len(BYTES_PREFIX) + 1
    end = start + data[len(BYTES_PREFIX)]
    row = data[start:end].decode("utf-8", "replace")
    return data[:end] + new.seal(where, old.open(where, data[end:], row), row)
