"""Create, open, verify, rekey, copy and migrate an encrypted store (SQLCipher 4).

Key material stays in the store package: `sqlcipher` hands it to SQLCipher (through
sqlite3_key, never SQL text), this module keeps it for the pool's connections and drops
it on `close`, and `vault`/`keyslots` derive it from the officers' passphrases.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import sqlcipher3
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from privdesk.store.errors import (
    DiskFullError,
    NetworkShareError,
    NotEncryptedError,
    StoreError,
    StoreExistsError,
    StoreLockedError,
    StoreMissingError,
)
from privdesk.store.failures import DATABASE_ERRORS, IO_ERRORS, is_disk_full, open_failure, reason
from privdesk.store.shares import network_filesystem

# Re-exported ("X as X"): engine stays the public face for StoreKey and friends.
from privdesk.store.sqlcipher import PLAIN_SQLITE_HEADER as PLAIN_SQLITE_HEADER
from privdesk.store.sqlcipher import StoreKey as StoreKey
from privdesk.store.sqlcipher import _apply_pragmas, _connect
from privdesk.store.sqlcipher import _check_key as _check_key
from privdesk.store.sqlcipher import check_file as check_file
from privdesk.store.sqlcipher import read_header as read_header

POOL_SIZE = 3  # a pooled connection pays the key derivation once, not per checkout


def _migrations_config(connection: Any) -> Config:
    cfg = Config()
    location = resources.files("privdesk.store").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["connection"] = connection
    return cfg


def check_local(path: Path) -> None:
    """Refuse a store on a network share: SQLite's locking is unsafe there."""
    fs = network_filesystem(path)
    if fs is not None:
        raise NetworkShareError(path, fs)


@functools.cache
def head_revision() -> str | None:
    """The newest migration shipped with this privdesk. Cached: reading the scripts
    directory parses every migration file (8-20 ms, paid on every open before), and the
    files shipped inside the package do not change while it runs."""
    return ScriptDirectory.from_config(_migrations_config(None)).get_current_head()


class Store:
    """An open, unlocked, migrated store. Use `Store.create` or `Store.open`."""

    def __init__(self, path: Path, key: StoreKey) -> None:
        self.path = path
        self._key: StoreKey | None = key
        self._lock = threading.Lock()
        # The unlocked store's key slots (store.vault.KeyRing), set by whoever unlocked it.
        self.keyring: Any = None
        self.open_steps: dict[str, float] = {}  # ms per step of the last `open`
        self.engine: Engine = self._make_engine()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- lifecycle ---------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, key: StoreKey) -> Store:
        path = checked_path(path)
        if path.exists():
            raise StoreExistsError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        check_local(path)
        store: Store | None = None
        try:
            conn = _connect(path, key)
            try:
                _apply_pragmas(conn)
                conn.execute("CREATE TABLE _privdesk_init(x)")
                conn.execute("DROP TABLE _privdesk_init")
                conn.commit()
            finally:
                conn.close()
            with contextlib.suppress(OSError):
                path.chmod(0o600)
            store = cls(path, key)
            store.verify_encrypted()
            store.migrate()
        except Exception as exc:
            # A half-made store (a full disk, say) would block the next attempt with
            # "a file already exists": remove what this call created, then say why.
            if store is not None:
                store.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
            if is_disk_full(exc):
                raise DiskFullError() from exc
            if isinstance(exc, IO_ERRORS):
                raise StoreError(f"Could not create the store at {path}: {reason(exc)}") from exc
            raise
        return store

    @classmethod
    def open(cls, path: Path, key: StoreKey, migrate: bool = True) -> Store:
        """Every check, each once, in this order: the file is there, local and not plain
        SQLite; the key opens it (read-only, so a wrong key never writes); SQLCipher is
        active on the pool's first connection (which stays open for the first query);
        the schema is at the newest migration. `open_steps` keeps what each took (ms)."""
        steps: dict[str, float] = {}
        mark = time.perf_counter()

        def step(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            steps[name] = round((now - mark) * 1000, 2)
            mark = now

        path = checked_path(path)
        if not path.is_file():
            raise StoreMissingError(path)
        check_local(path)
        if read_header(path) == PLAIN_SQLITE_HEADER:
            raise NotEncryptedError(path)
        remove_rekey_leftovers(path)
        step("file checks")
        _check_key(path, key)
        step("key check (read-only)")
        store = cls(path, key)
        try:
            step("engine")
            store.verify_encrypted()
            step("cipher check (pool's first connection)")
            if migrate:
                store.migrate()
                step("schema version check")
        except (sa_exc.DatabaseError, sqlcipher3.DatabaseError) as exc:
            # The key opened page 1 but a later page fails its HMAC or structure check.
            store.close()
            raise open_failure(path, exc) from exc
        except Exception:
            store.close()
            raise
        store.open_steps = steps
        return store

    def close(self) -> None:
        """Dispose every connection and drop the key: nothing can reconnect until
        `reopen` is given the key again (auto-lock keeps this object for its users)."""
        self.engine.dispose()
        self._key = None
        if self.keyring is not None:
            self.keyring.forget()

    @property
    def locked(self) -> bool:
        return self._key is None

    def reopen(self, key: StoreKey, keyring: Any = None) -> None:
        """Unlock this same Store object again after `close` (auto-lock)."""
        _check_key(self.path, key)
        self._key = key
        self.keyring = keyring

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connections -------------------------------------------------------------------
    def _make_engine(self) -> Engine:
        path = self.path

        def creator() -> sqlcipher3.Connection:
            key = self._key  # read each time: after close() there is none to reconnect with
            if key is None:
                raise StoreLockedError()
            conn = _connect(path, key)
            try:
                _apply_pragmas(conn)
            except sqlcipher3.DatabaseError as exc:
                conn.close()
                # journal_mode=WAL creates the -wal: on a full disk that is not a wrong key.
                raise open_failure(path, exc) from exc
            return conn

        engine = create_engine(
            # The plain SQLite dialect over our own creator: the pysqlcipher dialect would
            # put the key into SQL text itself, which is what we keep it out of.
            "sqlite://",
            creator=creator,
            poolclass=QueuePool,
            pool_size=POOL_SIZE,
            # Reuse the connection used last: its page cache holds decrypted pages, and
            # SQLCipher's cost is decrypting a page on a cache miss. Round-robin over the
            # pool made every connection warm its own cache (search 2x plain at 1M).
            pool_use_lifo=True,
            max_overflow=0,
            pool_timeout=60,
        )

        # pysqlite's own transaction handling is broken for SAVEPOINT and DDL; let
        # SQLAlchemy emit BEGIN itself (the documented recipe for the SQLite driver).
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any exception."""
        with self._sessions() as s, s.begin():
            yield s

    def read_session(self) -> Session:
        return self._sessions()

    def run_raw(self, fn: Callable[[sqlcipher3.Connection], Any]) -> Any:
        """Run fn on a pooled DB-API connection (bulk loads, PRAGMAs); fn commits."""
        with self.engine.connect() as c:
            raw = c.connection.dbapi_connection
            return fn(raw)

    # -- checks ------------------------------------------------------------------------
    def display(self) -> str:
        """Where the store is, as shown to the officer (a team store: its URL, no password)."""
        return str(self.path)

    def key_file_bytes(self) -> bytes | None:
        """The key-slot file that goes beside a backup of this store (None: it has none)."""
        sidecar = self.path.with_name(self.path.name + ".keys")  # keyslots.sidecar_path
        return sidecar.read_bytes() if sidecar.exists() else None

    def header_encrypted(self) -> bool:
        return read_header(self.path) != PLAIN_SQLITE_HEADER

    def cipher_version(self) -> str:
        with self.engine.connect() as c:
            row = c.exec_driver_sql("PRAGMA cipher_version").fetchone()
        return row[0] if row and row[0] else ""

    def verify_encrypted(self) -> None:
        if not self.cipher_version():
            raise StoreError("SQLCipher is not active: refusing to use an unencrypted store.")
        if read_header(self.path) == PLAIN_SQLITE_HEADER:
            raise NotEncryptedError(self.path)

    def integrity_check(self) -> list[str]:
        """Problems found by SQLite's integrity check and SQLCipher's page HMACs."""
        problems: list[str] = []
        with self.engine.connect() as c:
            try:
                rows = c.exec_driver_sql("PRAGMA integrity_check").fetchall()
                problems += [r[0] for r in rows if r[0] != "ok"]
            except DATABASE_ERRORS as exc:  # some damage stops the check itself
                problems.append(f"the integrity check stopped: {reason(exc)}")
            problems += [r[0] for r in c.exec_driver_sql("PRAGMA cipher_integrity_check")]
        return problems

    def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it, so no old page lingers."""
        with self.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def table_counts(self, tables: list[str]) -> dict[str, int]:
        with self.engine.connect() as c:
            return {
                t: int(c.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one())
                for t in tables
            }

    # -- schema ------------------------------------------------------------------------
    def schema_revision(self) -> str | None:
        with self.engine.connect() as c:
            return MigrationContext.configure(c).get_current_revision()

    def migrate(self) -> None:
        """Bring the schema to the newest migration; a no-op when it already is."""
        if self.schema_revision() == head_revision():
            return
        with self.engine.begin() as c:
            command.upgrade(_migrations_config(c), "head")

    # -- copies ------------------------------------------------------------------------
    def copy_to(self, dest: Path, progress: Callable[[int, int], None] | None = None) -> None:
        """An encrypted copy under the same key, made with SQLite's online backup API
        (readers and writers carry on meanwhile). dest must not exist; the caller gives
        it a temporary name and renames it only once it is verified."""
        if self._key is None:
            raise StoreLockedError()
        if dest.exists():
            raise StoreExistsError(dest)
        key = self._key

        def copy(raw: sqlcipher3.Connection) -> None:
            target = _connect(dest, key)
            try:
                raw.backup(target, pages=256,
                           progress=(lambda _s, left, total: progress(total - left, total))
                           if progress else None)
                target.commit()
            finally:
                target.close()

        self.run_raw(copy)
        with contextlib.suppress(OSError):
            dest.chmod(0o600)

    def check_copy(self, path: Path) -> list[str]:
        """Open a copy with this store's key and run both integrity checks on it."""
        if self._key is None:
            raise StoreLockedError()
        return check_file(path, self._key)

    # -- keys --------------------------------------------------------------------------
    def rekey(self, new_key: StoreKey) -> None:
        """Re-encrypt every page under a new key; the old key stops working.

        Crash-safe: SQLCipher's in-place rekey runs in a rollback-journal transaction, and
        a kill part-way left a hot journal that the read-only key check cannot replay, so
        the store then opened with neither key. Instead we rekey a copy beside the store
        and swap it in with one atomic os.replace: whenever the process dies, the file at
        `path` is either wholly under the old key or wholly under the new one.
        """
        with self._lock:
            if self._key is None:
                raise StoreLockedError()
            self.checkpoint()
            self.engine.dispose()
            tmp = rekey_temp_path(self.path)
            try:
                remove_rekey_leftovers(self.path)
                shutil.copyfile(self.path, tmp)
                with contextlib.suppress(OSError):
                    tmp.chmod(0o600)
                conn = _connect(tmp, self._key)
                try:
                    conn.execute("PRAGMA journal_mode = DELETE")
                    conn.reset_key(new_key.material)
                    conn.execute("PRAGMA journal_mode = WAL")
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                finally:
                    conn.close()
                _fsync(tmp)
                os.replace(tmp, self.path)
                _fsync(self.path.parent)
            except BaseException as exc:
                remove_rekey_leftovers(self.path)
                self.engine = self._make_engine()  # still the old key, still usable
                self._sessions = sessionmaker(self.engine, expire_on_commit=False)
                if is_disk_full(exc):  # the copy needs as much free space as the store
                    raise DiskFullError() from exc
                raise
            self._key = new_key
            self.engine = self._make_engine()
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)


def checked_path(path: Path | str) -> Path:
    # The OS cannot name a file with a NUL in it; Python says so with a ValueError
    # (not an OSError) from deep inside pathlib, which would escape as a traceback.
    if "\x00" in str(path):
        raise StoreError("A store's file name cannot contain a NUL character.")
    return Path(path)


def rekey_temp_path(path: Path) -> Path:
    return path.with_name(path.name + "-rekey")


def remove_rekey_leftovers(path: Path) -> None:
    """A rekey killed before its swap leaves a partial copy; it was never the store."""
    tmp = rekey_temp_path(path)
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal"),
                     tmp.with_name(tmp.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
