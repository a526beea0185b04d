"""A team store on a PostgreSQL server: the same Store face over psycopg 3.

What differs from the local SQLCipher file, and why:

* the server, not a file cipher, holds the rows; free text and documents are sealed in
  this process before they are sent (store.sealed, under a key derived from the data
  key), so the database administrator and a dump read none of them;
* the officers' key slots live in the database (table ``privdesk_key_slots``), in the
  same format the sidecar file uses (store.keyslots' SlotFile JSON);
* the schema comes from the same Alembic history, with dialect-specific steps where
  SQLite has FTS5 and its triggers (PostgreSQL gets pg_trgm over the same folded text);
* connection failures are worded for the officer (server unreachable, TLS refused).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from privdesk.store import keyslots as ks
from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import StoreError, StoreLockedError
from privdesk.store.rows import install_row_binding
from privdesk.store.sealed import FieldCipher, install_cipher
from privdesk.store.server_url import ServerAddress

SLOT_TABLE = "privdesk_key_slots"
SLOTS_LOCK = 0x6B657973  # pg advisory lock id around key-slot writes ("keys")
POOL_SIZE = 4
APP_NAME = "privdesk"  # application_name of every connection, with a per-session tag
CONNECT_TIMEOUT_S = 10
PING_AFTER_S = 2.0  # a pooled connection idle this long is checked before use


class ServerUnavailableError(StoreError):
    """The server could not be reached, refused TLS or dropped the connection."""


class KeyRotatedError(StoreError):
    """Another officer rotated the data key: this session's key is stale."""

    locks_session = True  # the faces lock at once (ui.team_refresh), saying this


def server_failure(address: ServerAddress, exc: BaseException) -> ServerUnavailableError:
    detail = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    first = detail[0] if detail else type(exc).__name__
    lowered = first.lower()
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        why = "the secure (TLS) connection was refused or its certificate did not check out"
    elif "does not exist" in lowered:
        why = "that database does not exist on the server"
    else:
        why = "the server could not be reached or closed the connection"
    return ServerUnavailableError(
        f"Could not work with the team server {address.display()}: {why}. Nothing from the "
        f"step that failed was saved. (Server said: {first})")


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is alive before use, but only when it sat idle for
    PING_AFTER_S: SQLAlchemy's pool_pre_ping pinged on every checkout, a round trip
    before each of a keystroke's three short transactions. A connection the server
    dropped while idle (a restart, an outage) is replaced here, unseen; one dropped within
    the last seconds fails its statement with the worded message, and the pool is renewed."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_S:
            return
        try:
            dbapi_conn.autocommit = True  # the ping opens no transaction
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
            dbapi_conn.autocommit = False
        except Exception as exc:  # noqa: BLE001 - any failure: the pool takes a new one
            raise sa_exc.DisconnectionError("the idle connection was dropped") from exc


class ServerStore(Store):
    """An open team store. Use `ServerStore.connect`, then vault-style unlock helpers in
    store.team (create_team_store / open_team_store)."""

    kind = "server"

    def __init__(self, address: ServerAddress, data_key: bytes | None) -> None:  # noqa: D107
        self.address = address
        self.path = Path(address.database)  # a label (backup file names), never opened
        self._data_key: bytes | None = data_key
        self._key = StoreKey.raw(data_key) if data_key is not None else None
        self.keyring: Any = None
        self.open_steps: dict[str, float] = {}
        self._lock = threading.Lock()
        # Every connection of this open store carries this name (visible to the server's
        # administrator: a random tag, nothing else), so a key rotation can tell this
        # session's connections from other officers'.
        self.session_name = f"{APP_NAME} {secrets.token_hex(6)}"
        self.engine: Engine = self._make_engine()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        install_row_binding(self._sessions)
        if data_key is not None:
            install_cipher(self.engine, FieldCipher.from_data_key(data_key))

    def display(self) -> str:
        return self.address.display()

    # -- lifecycle ---------------------------------------------------------------------
    @classmethod
    def connect(cls, address: ServerAddress) -> ServerStore:
        """Connected but not unlocked: enough to read the key slots and the schema."""
        store = cls(address, None)
        try:
            with store.engine.connect() as c:
                c.execute(text("SELECT 1"))
        except sa_exc.DBAPIError as exc:
            store.engine.dispose()
            raise server_failure(address, exc) from exc
        return store

    def unlocked(self, data_key: bytes) -> None:
        self._data_key = data_key
        self._key = StoreKey.raw(data_key)
        install_cipher(self.engine, FieldCipher.from_data_key(data_key))

    def close(self) -> None:
        self.engine.dispose()
        self._key = None
        self._data_key = None
        install_cipher(self.engine, None)
        if self.keyring is not None:
            self.keyring.forget()

    def reopen(self, key: StoreKey, keyring: Any = None) -> None:  # noqa: ARG002
        raise StoreError("Reopen a team store through store.team.reopen_team_store.")

    def _make_engine(self) -> Engine:
        engine = create_engine(
            self.address.url, pool_size=POOL_SIZE, max_overflow=2, pool_use_lifo=True,
            pool_timeout=30, connect_args={"connect_timeout": CONNECT_TIMEOUT_S,
                                           "application_name": self.session_name})
        _ping_when_idle(engine)

        @event.listens_for(engine, "connect")
        def _session_settings(dbapi_conn: Any, _record: Any) -> None:
            # Timestamps are naive UTC everywhere in privdesk; keep the server's view the same.
            with dbapi_conn.cursor() as cur:
                cur.execute("SET TIME ZONE 'UTC'")
                # No parallel plans: the search's UNION ALL of id windows relies on the
                # Append running them in turn (contacts_search._trigram_ids), and an
                # officer's statements are small; a parallel Append interleaves them.
                cur.execute("SET max_parallel_workers_per_gather = 0")
            # A statement run twice on a connection is prepared (psycopg's default is 5):
            # the search's plan is made once per connection, not per keystroke (its
            # planning costs more than its run); with the pool handing out the most
            # recently used connection first (LIFO), a typing burst stays on one.
                stale = self._key_rotated(cur)
            dbapi_conn.commit()
            dbapi_conn.prepare_threshold = 1
            if stale:
                dbapi_conn.close()
                raise KeyRotatedError(
                    f"An admin rotated the data key of {self.display()} while this window "
                    "was open: lock privdesk (Ctrl+L) and unlock it again to carry on. Nothing "
                    "from the step that failed was saved.")

        return engine

    def _key_rotated(self, cur: Any) -> bool:
        """Whether the server's key slots are for another data key than this session
        holds: checked on every NEW connection (not every transaction), so a session that
        missed a rotation can never seal text under the old key."""
        if self._data_key is None:
            return False
        cur.execute("SELECT to_regclass(%s)", (SLOT_TABLE,))
        if (cur.fetchone() or (None,))[0] is None:
            return False
        cur.execute(f"SELECT body FROM {SLOT_TABLE} WHERE id = 1")
        row = cur.fetchone()
        if row is None:
            return False
        return bool(json.loads(row[0]).get("key_id") != ks.key_id(self._data_key))

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        if self._key is None:
            raise StoreLockedError()
        try:
            with self._sessions() as s, s.begin():
                yield s
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated or isinstance(exc, sa_exc.OperationalError):
                raise server_failure(self.address, exc) from exc
            raise

    def run_raw(self, fn: Callable[[Any], Any]) -> Any:
        raise StoreError("Bulk loading straight into a team server is not supported.")

    # -- checks ------------------------------------------------------------------------
    def cipher_version(self) -> str:
        """What protects the data at rest here: the field cipher (and the server's TLS)."""
        with self.engine.connect() as c:
            version = c.execute(text("SHOW server_version")).scalar_one()
        return f"PostgreSQL {version}, fields sealed with AES-256-GCM"

    def header_encrypted(self) -> bool:
        return True  # no file here; what the server holds of free text is sealed

    def verify_encrypted(self) -> None:
        if self._data_key is None:
            raise StoreLockedError()

    def integrity_check(self) -> list[str]:
        problems: list[str] = []
        with self.engine.connect() as c:
            for table in ("contacts", "requests", "audit_events"):
                c.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        return problems

    def checkpoint(self) -> None:
        """Nothing to fold: the server manages its own write-ahead log."""

    def copy_to(self, dest: Path, progress: Callable[[int, int], None] | None = None) -> None:
        """A backup: an ordinary encrypted local store (SQLCipher, this store's data key)
        holding every row, which opens offline with the same passphrases (with the key
        file from `key_file_bytes`). store.backup.make_backup verifies and renames it."""
        from privdesk.store.store_copy import copy_into_file  # it imports this module's base

        copy_into_file(self, dest)

    def key_file_bytes(self) -> bytes | None:
        slot_file = self.read_slots()
        if slot_file is None:
            return None
        return json.dumps(slot_file.as_json(), indent=1, ensure_ascii=False).encode("utf-8")

    def rekey(self, new_key: StoreKey) -> None:
        raise StoreError("Rotating the data key of a team store is not supported yet.")

    def other_sessions(self) -> int:
        """How many connections of OTHER privdesk sessions are open on this database."""
        with self.engine.connect() as c:
            return int(c.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name LIKE :app AND application_name <> :mine"),
                {"app": f"{APP_NAME} %", "mine": self.session_name}).scalar_one())

    # -- key slots ---------------------------------------------------------------------
    @contextlib.contextmanager
    def slots_lock(self) -> Iterator[None]:
        """Every read-change-write of the key slots holds the server's lock on them, so two
        officers' changes (or a change and a failed unlock) never overwrite each other."""
        with self.engine.connect() as c:
            c.execute(text("SELECT pg_advisory_lock(:k)"), {"k": SLOTS_LOCK})
            try:
                yield
            finally:
                c.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SLOTS_LOCK})
                c.commit()

    def read_slots(self, wait_for_changes: bool = False) -> ks.SlotFile | None:
        """The key slots; with wait_for_changes (an unlock), after any change of them in
        progress (a key rotation holds their lock until it commits), so an unlock never
        takes the key that is being replaced."""
        with self.engine.connect() as c:
            exists = c.execute(text("SELECT to_regclass(:t)"), {"t": SLOT_TABLE}).scalar()
            if exists is None:
                return None
            if wait_for_changes:
                c.execute(text("SELECT pg_advisory_lock_shared(:k)"), {"k": SLOTS_LOCK})
            try:
                body = c.execute(text(f"SELECT body FROM {SLOT_TABLE} WHERE id = 1")).scalar()
            finally:
                if wait_for_changes:
                    c.execute(text("SELECT pg_advisory_unlock_shared(:k)"), {"k": SLOTS_LOCK})
            c.commit()
        return None if body is None else ks.SlotFile.from_json(json.loads(body))

    def write_slots(self, slot_file: ks.SlotFile, connection: Any = None) -> None:
        body = json.dumps(slot_file.as_json(), sort_keys=True)
        sql = text(f"INSERT INTO {SLOT_TABLE} (id, body) VALUES (1, :b) "
                   "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body")
        if connection is not None:
            connection.execute(sql, {"b": body})
            return
        with self.engine.begin() as c:
            c.execute(sql, {"b": body})
