"""What an officer who holds the key can do with the store's own files and documented
formats, and nothing else: open their *own* slot with their own passphrase, read the data
key from it, and then use SQLCipher directly (raw SQL through sqlcipher3) and rewrite the
key file (re-MACed under the data key, re-signed with their own signing key)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlcipher3

from privdesk.store import keyslots as ks


def own_keys(store: Path, officer: str, passphrase: str) -> tuple[bytes, Any]:
    """(data key, own signing key) from the attacker's own slot in `<store>.keys`."""
    slot_file = ks.read_slot_file(ks.sidecar_path(store))
    assert slot_file is not None
    slot = slot_file.find(officer)
    assert slot is not None
    opened = ks.unlock_slot(slot, passphrase)
    return opened.data_key, ks.unseal_ed25519(slot, opened.private, "sign")


def raw_sql(store: Path, data_key: bytes, *statements: str) -> list[list[tuple[Any, ...]]]:
    conn = sqlcipher3.connect(str(store))
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        results = [conn.execute(sql).fetchall() for sql in statements]
        conn.commit()
    finally:
        conn.close()
    return results


def rewrite_keys(store: Path, officer: str, passphrase: str,
                 change: Callable[[ks.SlotFile], ks.SlotFile]) -> None:
    """Change the key file, then MAC and sign it as the attacker's privdesk would."""
    data_key, sign_key = own_keys(store, officer, passphrase)
    current = ks.read_slot_file(ks.sidecar_path(store))
    assert current is not None
    changed = replace(change(current), format=ks.FORMAT)
    ks.write_slot_file(ks.sidecar_path(store), changed.sealed(data_key, (officer, sign_key)))
