"""SQLCipher connections and keys: the only code that hands key material to SQLCipher.

Keys reach SQLCipher through sqlite3_key (``Connection.set_key``), never through SQL
text, so any passphrase is safe. `engine.Store` builds on these; `vault` derives the
raw data keys it passes in from the officers' key slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from privdesk.store.errors import StoreError
from privdesk.store.failures import open_failure

PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
# ~64 MiB of page cache per connection: SQLCipher decrypts each page once per cache fill,
# so a roomy cache removes most of its overhead on repeated reads (DESIGN.md).
CACHE_KIB = 65536


@dataclass(frozen=True, repr=False)
class StoreKey:
    """Key material for sqlite3_key: a passphrase, or a raw 256-bit key."""

    material: bytes

    @classmethod
    def passphrase(cls, value: str) -> StoreKey:
        if not value:
            raise StoreError("The passphrase must not be empty.")
        if "\x00" in value:
            raise StoreError("The passphrase must not contain a NUL character.")
        return cls(value.encode("utf-8"))

    @classmethod
    def raw(cls, key: bytes) -> StoreKey:
        if len(key) != 32:
            raise StoreError("A raw store key must be 32 bytes.")
        # SQLCipher's raw-key syntax: no KDF, the bytes are the AES key.
        return cls(b"x'" + key.hex().encode("ascii") + b"'")

    def __repr__(self) -> str:  # never print key material, even in a traceback
        return "StoreKey(<hidden>)"


def _connect(path: Path, key: StoreKey, read_only: bool = False) -> sqlcipher3.Connection:
    if read_only:
        conn = sqlcipher3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                  check_same_thread=False)
    else:
        conn = sqlcipher3.connect(str(path), check_same_thread=False)
    # Silence SQLCipher's own stderr logging before the key is even tried.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.set_key(key.material)
    return conn


def _apply_pragmas(conn: sqlcipher3.Connection) -> None:
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def _check_key(path: Path, key: StoreKey) -> None:
    """Try the key read-only, so a wrong key or a damaged file is never written to.

    Except after a crash mid-transaction in rollback-journal mode: a read-only connection
    cannot replay the hot journal and refuses every key. Replaying it only copies the
    saved original pages back (no key is needed for that), so it is safe whichever key
    is tried, and it is what any writer would do first anyway."""
    hot_journal = path.with_name(path.name + "-journal")
    # Reading a store that a crash left with a -wal makes even a read-only connection
    # create the -shm index; a refused key should leave no file behind, so remove it.
    # It is derived data (rebuilt from the -wal) and holds nothing decrypted.
    shm = path.with_name(path.name + "-shm")
    shm_existed = shm.exists()
    try:
        conn = _connect(path, key, read_only=not hot_journal.exists())
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlcipher3.DatabaseError as exc:
        if not shm_existed:
            shm.unlink(missing_ok=True)
        raise open_failure(path, exc) from exc


def check_file(path: Path, key: StoreKey) -> list[str]:
    """Problems in a store file under key (wrong key: UnlockError); [] when sound."""
    _check_key(path, key)
    conn = _connect(path, key)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = [r[0] for r in rows if r[0] != "ok"]
        problems += [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlcipher3.DatabaseError as exc:
        problems = [str(exc)]
    finally:
        conn.close()
    return problems


def read_header(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(16)
