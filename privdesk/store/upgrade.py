"""A verified copy of a store before its schema is migrated.

Upgrading privdesk changes the schema on first open; if a migration went wrong the
officer needs the store exactly as it was. The copy is encrypted under the same key
(SQLite backup API), verified, then renamed into place, and its key file goes with it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from privdesk.store.engine import Store, head_revision
from privdesk.store.errors import StoreError
from privdesk.store.keyslots import sidecar_path


def pre_migration_path(path: Path, revision: str) -> Path:
    return path.with_name(f"{path.stem}.before-upgrade-from-{revision}{path.suffix}")


def backup_before_migrating(store: Store) -> Path | None:
    """Copy the store aside when it is behind the newest migration; None when current."""
    revision = store.schema_revision()
    if revision is None or revision == head_revision():
        return None  # a brand-new file has nothing to keep; a current one needs nothing
    final = pre_migration_path(store.path, revision)
    if final.exists():
        return final  # an earlier attempt already kept the pre-upgrade state
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        store.copy_to(partial)
        problems = store.check_copy(partial)
        if problems:
            raise StoreError(f"The copy made before upgrading failed its check: {problems[0]}")
        keys = sidecar_path(store.path)
        if keys.exists():
            shutil.copyfile(keys, sidecar_path(final))
        os.replace(partial, final)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-wal"),
                         partial.with_name(partial.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return final
