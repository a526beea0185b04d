"""Restoring a backup onto a team server: `privdesk restore BACKUP --store URL`.

A backup (of a file store or of a team store: both are ordinary encrypted local stores
with their key file beside them) is copied to a temporary folder, so the backup itself is
never opened for writing; that copy is unlocked with the officer's own passphrase (an
admin of the backup's signed roster), brought up to the current schema, and its audit
chain verified. Then it goes to an EMPTY server database exactly as `team push` sends a
store (one transaction, key slots included, counts compared), this workstation's record
of the trail is set back (the trail is knowingly shorter now, as after a local restore),
and the restore is audited on the server, whose chain is verified once more.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from privdesk.policy import Policy
from privdesk.services import audit_anchor as anchor
from privdesk.services.audit_trail import AuditService
from privdesk.services.authz import Permission, PermissionDenied, allowed
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.session import begin_session
from privdesk.store import keyslots as ks
from privdesk.store import team, team_copy, vault
from privdesk.store.backup import BackupError
from privdesk.store.keyring import KeyRing


@dataclass(frozen=True)
class ServerRestore:
    to: str  # the server's address as shown (no password)
    rows: dict[str, int]
    audit_events_checked: int


def restore_to_server(backup: Path, url: str, officer: str, passphrase: str,
                      policy: Policy) -> ServerRestore:
    """Put a verified backup onto an empty team server database; refused, with nothing
    written to the server, when the backup or its key file is missing or damaged, the
    officer is not an admin of it, its trail does not verify, or the database is not empty."""
    keys = ks.sidecar_path(backup)
    if not backup.is_file():
        raise BackupError(f"There is no backup file at {backup}.")
    if not keys.is_file():
        raise BackupError(f"The backup's key file {keys.name} is not beside it: a backup "
                          "opens only with its key file. Nothing was restored.")
    with tempfile.TemporaryDirectory(prefix="privdesk-restore-") as folder:
        copy = Path(folder) / backup.name
        shutil.copyfile(backup, copy)
        shutil.copyfile(keys, ks.sidecar_path(copy))
        local = vault.open_store(copy, officer, passphrase)
        with local:
            keyring = local.keyring
            assert isinstance(keyring, KeyRing)
            role = keyring.info.role
            if not allowed(role, Permission.RESTORE):
                raise PermissionDenied(role, Permission.RESTORE)
            ctx = ServiceContext(store=local, policy=policy, actor=Actor(keyring.info.officer, role))
            check = AuditService(ctx).verify()
            if not check.ok:
                raise BackupError(f"The backup's audit trail does not verify ({check.problem}); "
                                  "nothing was restored.")
            rows = team_copy.push_to_server(local, url)
            store_id = keyring.store_id
    if store_id:
        anchor.forget_store(store_id)  # knowingly shorter now, on this workstation
    server = team.open_team_store(url, officer, passphrase)
    with server:
        ctx = begin_session(server, policy)
        with server.session() as s:
            ctx.record(s, "backup.restore", "store", None,
                       detail=f"restored from {backup.name} onto the team server")
        after = AuditService(ctx).verify()
        shown = server.display()
    if not after.ok or after.checked < check.checked:
        raise BackupError(f"The restored audit chain on the server does not verify: {after.problem}")
    return ServerRestore(shown, rows, after.checked)
