"""Moving a store between a local file and a team server, whole, under the same data key.

`push_to_server` copies an unlocked local store into an empty server database in one
transaction: the schema (the same Alembic history), every row (free text sealed on the
way by the column types), the sequences moved past the copied ids, and the officers'
key slots (the same slot file: the data key does not change, so every officer unlocks
the team store with the passphrase they already have).

`backup_server` does the opposite: an ordinary encrypted local store file (SQLCipher,
raw data key) with its key-slot sidecar, which opens offline with the same passphrases.

Both are verified before they report success: row counts per table, and the audit
chain is checked by the caller through the services.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Integer, insert, select, text

from privdesk.store import keyslots as ks
from privdesk.store.backup import make_backup
from privdesk.store.engine import Store, StoreKey, _migrations_config, checked_path
from privdesk.store.errors import StoreError, StoreExistsError
from privdesk.store.models import Base
from privdesk.store.sealed import SealedBytes, SealedText, bound_bytes, bound_text
from privdesk.store.server import ServerStore, server_failure
from privdesk.store.server_url import parse
from privdesk.store.vault import KeyRing

BATCH = 2000
Progress = Callable[[str, int], None]


def _data_key(store: Store) -> bytes:
    keyring = store.keyring
    if not isinstance(keyring, KeyRing):
        raise StoreError("Only a store unlocked through officers' key slots can be moved.")
    return keyring._key()  # the key stays in this process; it is how the copy is sealed


def _copy_rows(source: Connection, target: Connection, progress: Progress | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        done = 0
        result = source.execution_options(yield_per=BATCH).execute(select(table))
        sealed = [c for c in table.columns if isinstance(c.type, SealedText | SealedBytes)]
        keys = [c.name for c in table.primary_key.columns]
        for batch in result.mappings().partitions(BATCH):
            rows = [dict(row) for row in batch]
            if sealed and target.dialect.name != "sqlite":  # bound to their rows (store.rows)
                for row in rows:
                    where = "/".join(str(row[k]) for k in keys)
                    for c in sealed:
                        if row[c.name] is not None:
                            row[c.name] = (bound_bytes(row[c.name], where)
                                           if isinstance(c.type, SealedBytes)
                                           else bound_text(row[c.name], where))
            target.execute(insert(table), rows)
            done += len(batch)
            if progress is not None:
                progress(table.name, done)
        counts[table.name] = done
    return counts


def _count(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one())
            for t in Base.metadata.sorted_tables}


def _reset_sequences(conn: Connection) -> None:
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f'coalesce(max("{pk[0].name}"), 1), max("{pk[0].name}") IS NOT NULL) '
                f'FROM "{table.name}"'))


def push_to_server(local: Store, url: str, progress: Progress | None = None) -> dict[str, int]:
    """Copy an unlocked local store into an empty server database; returns row counts."""
    data_key = _data_key(local)
    slot_file = ks.read_slot_file(ks.sidecar_path(local.path))
    if slot_file is None or not slot_file.authentic(data_key):
        raise StoreError("The local store's key file is missing or altered: nothing to push.")
    server = ServerStore.connect(parse(url))
    try:
        if server.read_slots() is not None or server.schema_revision() is not None:
            raise StoreError(f"{server.display()} is not empty: privdesk pushes a store only "
                             "into an empty database, so nothing there is overwritten.")
        server.unlocked(data_key)
        local.checkpoint()
        try:
            with server.engine.begin() as target, local.engine.connect() as source:
                command.upgrade(_migrations_config(target), "head")
                copied = _copy_rows(source, target, progress)
                _reset_sequences(target)
                server.write_slots(slot_file, connection=target)
                if _count(target) != copied:
                    raise StoreError("The copy on the server does not hold the rows sent: "
                                     "nothing was committed.")
        except StoreError:
            raise
        except Exception as exc:
            raise server_failure(server.address, exc) from exc
        if _count_store(server) != _count_store(local):
            raise StoreError("The server's counts differ from the local store's after the push.")
        return copied
    finally:
        server.close()


def _count_store(store: Store) -> dict[str, int]:
    with store.engine.connect() as c:
        return _count(c)


def copy_into_file(server: ServerStore, dest: Path) -> dict[str, int]:
    """Every row of the team store into a new local store file at dest, under the same
    data key (so the team's key file opens it); counts checked on both sides."""
    data_key = _data_key(server)
    dest = checked_path(dest)
    if dest.exists():
        raise StoreExistsError(dest)
    local = Store.create(dest, StoreKey.raw(data_key))
    try:
        with server.engine.connect() as source, local.engine.begin() as target:
            copied = _copy_rows(source, target, None)
        if _count_store(local) != copied or _count_store(server) != copied:
            raise StoreError("The backup does not hold every row of the team store.")
        local.checkpoint()
    finally:
        local.close()
    return copied


def backup_server(server: ServerStore, dest: Path) -> dict[str, int]:
    """An ordinary encrypted local store file copied from the team store, with its key
    file; made, verified and renamed into place by store.backup.make_backup."""
    make_backup(server, dest)
    return _count_store(server)
