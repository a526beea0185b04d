"""Rotating the data key of a team store (`privdesk officers rotate-key --store URL`).

On a local store SQLCipher re-encrypts the file; on a team server the data key protects
the key slots and, through the field key derived from it, every sealed column. So, in ONE
transaction, holding the key slots' lock:

1. every other privdesk session on this database must be gone (locked or closed: a
   locked app holds no connection), else the rotation is refused naming how many are
   still connected — an open session still holds the old key and would seal new text
   under it;
2. the sealed tables are locked against writers, every sealed value is opened with the
   old field key and sealed again with the new one (same table, column and row bound);
3. the key slots, resealed to the new key and signed as for a file, replace the old ones.

Nothing is committed unless all of it is; the audit trail's HMACs are over the plain
values, so the chain continues unchanged across the rotation.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Table, text

from privdesk.store import keyslots as ks
from privdesk.store.errors import StoreError
from privdesk.store.models import Base
from privdesk.store.sealed import FieldCipher, SealedBytes, SealedText, reseal

if TYPE_CHECKING:
    from privdesk.store.server import ServerStore

BATCH = 2000


class RotatingKeyRing(Protocol):
    """What the rotation needs of store.team's ServerKeyRing (named so, not imported:
    that module calls this one)."""

    def _load(self) -> ks.SlotFile: ...
    def _key(self) -> bytes: ...
    def signer(self) -> Any: ...
    def switched(self, new_key: bytes, slot_file: ks.SlotFile) -> None: ...


def sealed_tables() -> list[tuple[Table, dict[str, str]]]:
    """Every table with sealed columns: {column name: what its seal binds ("table.column")}."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = {c.name: c.type.where for c in table.columns
                   if isinstance(c.type, (SealedText, SealedBytes))}
        if columns:
            found.append((table, columns))
    return found


def rotate_team_key(store: ServerStore, keyring: RotatingKeyRing) -> str:
    """A new random data key for the team store; returns its public fingerprint."""
    with store.slots_lock():
        others = store.other_sessions()
        if others:
            raise StoreError(
                f"{others} other privdesk session(s) are connected to {store.display()}. "
                "Ask the other officers to lock or close privdesk, then rotate the key: an "
                "open session still holds the old key. Nothing was changed.")
        current = keyring._load()
        old_key, new_key = keyring._key(), secrets.token_bytes(32)
        nxt = replace(current, key_id=ks.key_id(new_key), format=ks.FORMAT,
                      version=current.version + 1,
                      slots=tuple(ks.reseal(s, new_key) for s in current.slots)
                      ).sealed(new_key, keyring.signer())
        old, new = FieldCipher.from_data_key(old_key), FieldCipher.from_data_key(new_key)
        with store.engine.begin() as conn:
            tables = sealed_tables()
            names = ", ".join(f'"{t.name}"' for t, _ in tables)
            conn.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))  # readers may read
            for table, columns in tables:
                _reseal_table(conn, table, columns, old, new)
            store.write_slots(nxt, connection=conn)
        store.unlocked(new_key)
        store.engine.dispose()  # no pooled connection outlives the old key
        keyring.switched(new_key, nxt)
    return nxt.key_id


def _reseal_table(conn: Connection, table: Table, wheres: dict[str, str], old: FieldCipher,
                  new: FieldCipher) -> None:
    (key,) = [c.name for c in table.primary_key.columns]
    columns = list(wheres)
    cols = ", ".join(f'"{c}"' for c in columns)
    sets = ", ".join(f'"{c}" = :{c}' for c in columns)
    last: Any = None
    while True:
        after = "" if last is None else f'WHERE "{key}" > :last'
        rows = conn.execute(text(f'SELECT "{key}", {cols} FROM "{table.name}" {after} '
                                 f'ORDER BY "{key}" LIMIT {BATCH}'), {"last": last}).all()
        if not rows:
            return
        conn.execute(text(f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = :k'), [
            {"k": r[0], **{c: reseal(old, new, wheres[c], r[n + 1]) for n, c in enumerate(columns)}}
            for r in rows])
        last = rows[-1][0]
