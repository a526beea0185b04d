"""Decrypt every page of a SQLCipher 4 file ourselves, free pages included.

This build of sqlcipher3 has no sqlite_dbpage, and a VACUUM or export would only copy
live rows, so to prove a deleted value is gone from the file we read the raw file and
decrypt each page with SQLCipher 4's defaults: page size 4096, PBKDF2-HMAC-SHA512 with
256,000 iterations over the passphrase and the 16-byte salt at the start of the file,
AES-256-CBC, and 80 reserved bytes at the end of each page (16-byte IV, 64-byte HMAC).
Each page's HMAC is checked too, so a wrong key or offset cannot pass silently.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
IV_LEN = 16
SALT_LEN = 16
KDF_ITER = 256_000
HMAC_SALT_MASK = 0x3A
HMAC_ITER = 2


class PageError(ValueError):
    pass


def derive_keys(passphrase: str, salt: bytes) -> tuple[bytes, bytes]:
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, KDF_ITER, 32)
    hmac_salt = bytes(b ^ HMAC_SALT_MASK for b in salt)
    return key, hashlib.pbkdf2_hmac("sha512", key, hmac_salt, HMAC_ITER, 32)


def decrypt_pages(path: Path, passphrase: str) -> list[bytes]:
    """The plaintext of every page in the file (page 1 starts with the salt)."""
    raw = Path(path).read_bytes()
    if len(raw) % PAGE:
        raise PageError(f"file size {len(raw)} is not a whole number of {PAGE}-byte pages")
    salt = raw[:SALT_LEN]
    key, mac_key = derive_keys(passphrase, salt)
    pages = []
    for n in range(len(raw) // PAGE):
        page = raw[n * PAGE:(n + 1) * PAGE]
        start = SALT_LEN if n == 0 else 0
        body = page[start:PAGE - RESERVE]
        iv = page[PAGE - RESERVE:PAGE - RESERVE + IV_LEN]
        mac = page[PAGE - RESERVE + IV_LEN:]
        expected = hmac.new(mac_key, body + iv + (n + 1).to_bytes(4, "little"),
                            hashlib.sha512).digest()
        if not hmac.compare_digest(mac, expected):
            raise PageError(f"page {n + 1}: HMAC mismatch (wrong key, or not SQLCipher 4 defaults)")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        plain = decryptor.update(body) + decryptor.finalize()
        pages.append(page[:start] + plain)
    return pages


def plaintext(path: Path, passphrase: str) -> bytes:
    return b"".join(decrypt_pages(path, passphrase))


def occurrences(path: Path, passphrase: str, needle: str) -> int:
    """How often needle appears in the decrypted file, as UTF-8 or UTF-16 (either byte
    order: SQLite may store text in any of the three)."""
    data = plaintext(path, passphrase)
    forms = {needle.encode("utf-8"), needle.encode("utf-16-le"), needle.encode("utf-16-be")}
    return sum(data.count(f) for f in forms)


WAL_HEADER = 32
FRAME_HEADER = 24


def wal_plaintext(db_path: Path, passphrase: str) -> bytes:
    """The decrypted pages of every frame in the store's -wal file (empty if none)."""
    wal = Path(f"{db_path}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return b""
    raw = wal.read_bytes()
    key, mac_key = derive_keys(passphrase, Path(db_path).read_bytes()[:SALT_LEN])
    out = []
    pos = WAL_HEADER
    while pos + FRAME_HEADER + PAGE <= len(raw):
        page_no = int.from_bytes(raw[pos:pos + 4], "big")
        page = raw[pos + FRAME_HEADER:pos + FRAME_HEADER + PAGE]
        start = SALT_LEN if page_no == 1 else 0
        body = page[start:PAGE - RESERVE]
        iv = page[PAGE - RESERVE:PAGE - RESERVE + IV_LEN]
        expected = hmac.new(mac_key, body + iv + page_no.to_bytes(4, "little"),
                            hashlib.sha512).digest()
        if not hmac.compare_digest(page[PAGE - RESERVE + IV_LEN:], expected):
            raise PageError(f"WAL frame for page {page_no}: HMAC mismatch")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out.append(decryptor.update(body) + decryptor.finalize())
        pos += FRAME_HEADER + PAGE
    return b"".join(out)


def wal_occurrences(db_path: Path, passphrase: str, needle: str) -> int:
    data = wal_plaintext(db_path, passphrase)
    forms = {needle.encode("utf-8"), needle.encode("utf-16-le"), needle.encode("utf-16-be")}
    return sum(data.count(f) for f in forms)
