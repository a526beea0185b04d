"""Copying every row of an unlocked store into another, under the same data key: what a
team store's backup (`ServerStore.copy_to`) and `privdesk team push` (store.team_copy)
both do. Kept apart from team_copy so the server store can use it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from sqlalchemy import Connection, select, text
from sqlalchemy import insert as sa_insert

from privdesk.store.engine import Store, StoreKey, checked_path
from privdesk.store.errors import StoreError, StoreExistsError
from privdesk.store.models import Base
from privdesk.store.sealed import SealedBytes, SealedText, bound_bytes, bound_text
from privdesk.store.vault import KeyRing

BATCH = 2000
Progress = Callable[[str, int], None]


def unlocked_key(store: Store) -> bytes:
    keyring = store.keyring
    if not isinstance(keyring, KeyRing):
        raise StoreError("Only a store unlocked through officers' key slots can be moved.")
    return keyring._key()  # the key stays in this process; it is how the copy is sealed


def copy_rows(source: Connection, target: Connection, progress: Progress | None,
              only: Collection[str] | None = None) -> dict[str, int]:
    """Every row of every table (or of the tables named in `only`), ids kept."""
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if only is not None and table.name not in only:
            continue
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
            target.execute(sa_insert(table), rows)
            done += len(batch)
            if progress is not None:
                progress(table.name, done)
        counts[table.name] = done
    return counts


def count(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one())
            for t in Base.metadata.sorted_tables}


def count_store(store: Store) -> dict[str, int]:
    with store.engine.connect() as c:
        return count(c)


def copy_into_file(server: Store, dest: Path) -> dict[str, int]:
    """Every row of the team store into a new local store file at dest, under the same
    data key (so the team's key file opens it); counts checked on both sides."""
    data_key = unlocked_key(server)
    dest = checked_path(dest)
    if dest.exists():
        raise StoreExistsError(dest)
    local = Store.create(dest, StoreKey.raw(data_key))
    try:
        with server.engine.connect() as source, local.engine.begin() as target:
            copied = copy_rows(source, target, None)
        if count_store(local) != copied or count_store(server) != copied:
            raise StoreError("The backup does not hold every row of the team store.")
        local.checkpoint()
    finally:
        local.close()
    return copied
