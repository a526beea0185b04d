"""Moving a store to a new data key, crash-safe (rotation, and the upgrade of a
passphrase-keyed store):

1. the next slot file, for the new data key, is written atomically to ``<store>.keys.next``;
2. the store is rekeyed (Store.rekey re-encrypts a copy and swaps it in with one atomic
   os.replace, so the file is under the old key or the new one, never a mix);
3. ``.keys.next`` replaces ``.keys`` (os.replace): `promote`.

A crash between any two steps leaves the store openable by exactly one of the two keys,
and both slot files on disk until the unlock that follows (store.vault): it tries
``.keys`` first, then ``.keys.next``, keeps whichever file's key opens the store, and
deletes the other.

Its own module so that both the keyring (rotation) and the vault (upgrade, and the
unlock that finishes a cut-short switch) use it without importing each other.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from privdesk.store import keyslots as ks
from privdesk.store.sqlcipher import StoreKey

if TYPE_CHECKING:
    from privdesk.store.engine import Store


def promote(store_path: Path) -> None:
    """Step 3: the next slot file becomes the slot file."""
    os.replace(ks.pending_path(store_path), ks.sidecar_path(store_path))
    ks.fsync_dir(store_path.parent)


def switch_key(store: Store, nxt: ks.SlotFile, new_key: bytes) -> None:
    """Steps 1-3, in order."""
    ks.write_slot_file(ks.pending_path(store.path), nxt)
    store.rekey(StoreKey.raw(new_key))
    promote(store.path)
