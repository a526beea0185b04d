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

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Integer, text

from privdesk.store import keyslots as ks
from privdesk.store.backup import make_backup
from privdesk.store.engine import Store, _migrations_config
from privdesk.store.errors import StoreError
from privdesk.store.models import Base
from privdesk.store.server import ServerStore, server_failure
from privdesk.store.server_url import parse
from privdesk.store.store_copy import Progress, copy_rows, count, count_store, unlocked_key


def reset_sequences(conn: Connection) -> None:
    """Move every id sequence past the ids copied in explicitly."""
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f'coalesce(max("{pk[0].name}"), 1), max("{pk[0].name}") IS NOT NULL) '
                f'FROM "{table.name}"'))


def push_to_server(local: Store, url: str, progress: Progress | None = None) -> dict[str, int]:
    """Copy an unlocked local store into an empty server database; returns row counts."""
    data_key = unlocked_key(local)
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
                copied = copy_rows(source, target, progress)
                reset_sequences(target)
                server.write_slots(slot_file, connection=target)
                if count(target) != copied:
                    raise StoreError("The copy on the server does not hold the rows sent: "
                                     "nothing was committed.")
        except StoreError:
            raise
        except Exception as exc:
            raise server_failure(server.address, exc) from exc
        if count_store(server) != count_store(local):
            raise StoreError("The server's counts differ from the local store's after the push.")
        return copied
    finally:
        server.close()


def backup_server(server: ServerStore, dest: Path) -> dict[str, int]:
    """An ordinary encrypted local store file copied from the team store, with its key
    file; made, verified and renamed into place by store.backup.make_backup."""
    make_backup(server, dest)
    return count_store(server)
