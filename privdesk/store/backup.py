"""Backup and restore files: write under a temporary name, verify, then rename.

A backup is an encrypted copy (SQLite backup API) under the store's own data key, with a
copy of the key slots beside it (``<backup>.keys``), so each officer's passphrase opens
it, even after a later key rotation of the live store.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from privdesk.store import keyslots as ks
from privdesk.store.engine import Store, StoreKey, check_file, check_local
from privdesk.store.errors import StoreError, StoreMissingError
from privdesk.store.sqlcipher import _connect


class BackupError(StoreError):
    pass


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def make_backup(store: Store, dest: Path,
                progress: Callable[[int, int], None] | None = None) -> Path:
    """Copy, verify, then rename into place. If anything fails (a full disk, a crash in
    the copy, a copy that does not verify) dest is untouched: an older good backup of
    the same name survives, and the partial file is removed."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(dest)
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.partial")
    try:
        store.copy_to(tmp, progress)
        problems = store.check_copy(tmp)
        if problems:
            raise BackupError(f"The backup copy did not verify: {problems[0]}")
        _fsync_file(tmp)
        key_file = store.key_file_bytes()  # a team store's come from its database
        if key_file is not None:
            ks.write_atomic(ks.sidecar_path(dest), key_file)
        os.replace(tmp, dest)
        ks.fsync_dir(dest.parent)
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + x) for x in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return dest


STALE_AFTER_S = 3600


def _remove_stale_partials(dest: Path) -> None:
    """A backup killed mid-copy (power cut, kill -9) leaves its temporary file behind;
    the next backup to the same name removes those more than an hour old."""
    now = time.time()
    for p in dest.parent.glob(f".{dest.name}.*.partial*"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > STALE_AFTER_S:
                p.unlink()


def verify_backup(backup: Path, key: StoreKey) -> None:
    problems = check_file(backup, key)
    if problems:
        raise BackupError(f"The backup is damaged: {problems[0]}")


def restore(backup: Path, store_path: Path, key: StoreKey,
            live_key: StoreKey | None = None) -> Path | None:
    """Replace store_path by a verified copy of backup (key: the backup's data key). The
    store being replaced is kept aside, hard-linked or copied, as
    ``<store>.replaced-<time>``; returns that path (None when there was no store).

    The live key file stays: removed officers stay removed and changed passphrases stay
    changed (a backup's own `.keys` is only used when there is no live one). When the
    live store is under another data key (rotated since the backup), the copy is rekeyed
    to the live key before it is swapped in.

    Order: verify the backup; copy it beside the store, rekey the copy if needed, verify
    it; keep the old store aside; os.replace the store. A crash anywhere before the
    replace leaves the old store as it was; after it, the new one, under the live key.
    """
    backup, store_path = Path(backup), Path(store_path)
    if not backup.is_file():
        raise StoreMissingError(backup)
    check_local(store_path)
    verify_backup(backup, key)
    incoming = store_path.with_name(f".{store_path.name}.{secrets.token_hex(4)}.restoring")
    final_key = live_key or key
    try:
        shutil.copyfile(backup, incoming)
        if live_key is not None and live_key.material != key.material:
            rekey_file(incoming, key, live_key)
        _fsync_file(incoming)
        verify_backup(incoming, final_key)  # the copy as written to this disk
        aside = _set_aside(store_path)
        live_slots = ks.sidecar_path(store_path)
        slots = ks.sidecar_path(backup)
        bring_slots = not live_slots.exists() and slots.exists()
        if bring_slots:
            ks.write_atomic(ks.pending_path(store_path), slots.read_bytes())
        for suffix in ("-wal", "-shm"):  # the old store's WAL belongs to the old store
            with contextlib.suppress(FileNotFoundError):
                store_path.with_name(store_path.name + suffix).unlink()
        os.replace(incoming, store_path)
        ks.fsync_dir(store_path.parent)
        if bring_slots:
            os.replace(ks.pending_path(store_path), live_slots)
            ks.fsync_dir(store_path.parent)
    finally:
        for leftover in (incoming, *(incoming.with_name(incoming.name + x)
                                     for x in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return aside


def rekey_file(path: Path, key: StoreKey, new_key: StoreKey) -> None:
    """Re-encrypt a closed store file (a private copy) under new_key."""
    conn = _connect(path, key)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.reset_key(new_key.material)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def _set_aside(store_path: Path) -> Path | None:
    if not store_path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = store_path.with_name(f"{store_path.name}.replaced-{stamp}")
    with contextlib.suppress(FileNotFoundError):
        # Fold the old store's WAL in first would need its key; copy the WAL aside too.
        wal = store_path.with_name(store_path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, aside.with_name(aside.name + "-wal"))
    try:
        os.link(store_path, aside)
    except OSError:  # no hard links here (FAT, some shares): a full copy instead
        shutil.copy2(store_path, aside)
    sidecar = ks.sidecar_path(store_path)
    if sidecar.exists():
        shutil.copy2(sidecar, ks.sidecar_path(aside))
    return aside
