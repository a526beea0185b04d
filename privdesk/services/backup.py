"""Backups of the open store: on demand, daily (checked at unlock), and on exit; kept
7 daily, 4 weekly and 12 monthly (settings). Restore is in `restore_backup`.

A backup is named ``<store>-<id>-YYYYMMDD-HHMMSS.privdesk`` where <id> starts the store's
own id (from its key file), and rotation only ever deletes backups whose key file copy
carries the same full id: two stores with one file name (clientA/register.privdesk and
clientB/register.privdesk, or two demo stores) never rotate each other's backups away.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from privdesk.domain.backups import backups_to_keep
from privdesk.paths import app_paths
from privdesk.services import audit_anchor as anchor
from privdesk.services.audit import MAX_FIELD, AuditLog
from privdesk.services.authz import Permission, PermissionDenied, allowed
from privdesk.services.context import ServiceContext, utc_now
from privdesk.services.session import sync_roles
from privdesk.services.settings import SettingsService
from privdesk.services.unlock_checks import record_versions
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.backup import BackupError, make_backup, restore
from privdesk.store.engine import StoreKey, check_file
from privdesk.store.errors import DamagedStoreError, StoreError, UnlockError

STAMP = "%Y%m%d-%H%M%S"
ID_IN_NAME = 8  # hex digits of the store id shown in a backup's name
NAME = re.compile(r"^(?P<stem>.*)-(?P<id>[0-9a-f]{8}|unsigned)-(?P<stamp>\d{8}-\d{6})\.privdesk$")
DAILY_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    at: datetime
    size: int

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "at": self.at.isoformat(), "size": self.size}


class BackupService:
    permission = Permission.BACKUP

    def __init__(self, ctx: ServiceContext, default_folder: Path | None = None) -> None:
        self._ctx = ctx
        self._settings = SettingsService(ctx)
        self._default = default_folder if default_folder is not None else app_paths().backups

    def folder(self) -> Path:
        chosen = self._settings.get("backup.folder")
        return Path(chosen) if chosen else self._default

    def _store_id(self) -> str:
        keyring = self._ctx.store.keyring
        return keyring.store_id if isinstance(keyring, vault.KeyRing) else ""

    def _name(self, when: datetime) -> str:
        stem = self._ctx.store.path.name.removesuffix(".privdesk")
        sid = self._store_id()[:ID_IN_NAME] or "unsigned"
        return f"{stem}-{sid}-{when.strftime(STAMP)}.privdesk"

    def backups(self) -> list[BackupInfo]:
        """This store's rotated backups (by its id, not its name), newest first."""
        found = []
        folder, store_id = self.folder(), self._store_id()
        if folder.is_dir() and store_id:
            for p in folder.glob(f"*-{store_id[:ID_IN_NAME]}-*.privdesk"):
                match = NAME.match(p.name)
                if match is None or match["id"] != store_id[:ID_IN_NAME]:
                    continue
                if _backup_store_id(p) != store_id:
                    continue  # another store's, or unreadable: never ours to delete
                at = datetime.strptime(match["stamp"], STAMP)
                found.append(BackupInfo(p, at, p.stat().st_size))
        return sorted(found, key=lambda b: b.at, reverse=True)

    def backup_to(self, out: Path, reason: str = "on demand", automatic: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> BackupInfo:
        """An encrypted, verified copy at `out` (replaced only once the new copy verifies).
        Automatic backups (daily, on exit) are the system's duty, made whatever the role
        of the officer at the keyboard; asking for one needs the backup permission."""
        if not automatic:
            self._ctx.require(Permission.BACKUP, "backup.create", "store", None)
        make_backup(self._ctx.store, out, progress)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "backup.create", "store", None, detail=f"{reason}: {out.name}")
        return BackupInfo(out, datetime.now(), out.stat().st_size)

    def backup_now(self, reason: str = "on demand", automatic: bool = False) -> BackupInfo:
        """A new dated backup in the backup folder, then the rotation."""
        info = self.backup_to(self.folder() / self._name(datetime.now()), reason, automatic)
        self.prune()
        return info

    def prune(self) -> list[Path]:
        existing = self.backups()
        keep = backups_to_keep(
            (b.at for b in existing), int(self._settings.get("backup.keep_daily")),
            int(self._settings.get("backup.keep_weekly")),
            int(self._settings.get("backup.keep_monthly")))
        removed = []
        for b in existing:
            if b.at not in keep:
                for p in (b.path, ks.sidecar_path(b.path)):
                    with contextlib.suppress(FileNotFoundError):
                        p.unlink()
                removed.append(b.path)
        return removed

    def daily_if_due(self) -> BackupInfo | None:
        newest = self.backups()[:1]
        if newest and datetime.now() - newest[0].at < DAILY_EVERY:
            return None
        return self.backup_now("daily", automatic=True)

    def on_exit(self) -> BackupInfo:
        return self.backup_now("on exit", automatic=True)


@dataclass(frozen=True)
class RestoreResult:
    store: Path
    replaced_kept_as: Path | None


def _backup_store_id(backup: Path) -> str:
    try:
        slot_file = ks.read_slot_file(ks.sidecar_path(backup))
    except StoreError:
        return ""
    return slot_file.store_id if slot_file is not None else ""


def restore_backup(backup: Path, store_path: Path, officer: str,
                   passphrase: str) -> RestoreResult:
    """Check the officer's role in the *live* store (signed roster of the live key file),
    open the backup with the live key (or, after a rotation, the backup's own key file),
    check it is sound, then replace the store (kept aside) keeping the live key file, and
    audit it. With no live store at all, the backup's own roster decides."""
    live_key, live_ring = _live_keys(store_path, officer, passphrase)
    ring = live_ring
    if live_ring is not None and not allowed(live_ring.info.role, Permission.RESTORE):
        _audit_denial(store_path, officer, passphrase, live_ring.info.role)
        raise PermissionDenied(live_ring.info.role, Permission.RESTORE)
    try:
        key = live_key if live_key is not None and _opens(backup, live_key) else None
        if key is None:
            key, ring_b = vault.unlock_key(backup, officer, passphrase)
            ring = ring if ring is not None else ring_b
        assert ring is not None
        if live_ring is not None and _backup_store_id(backup) not in ("", live_ring.store_id):
            raise BackupError(f"{backup.name} is a backup of another store; nothing was replaced.")
        if live_ring is None and not allowed(ring.info.role, Permission.RESTORE):
            raise PermissionDenied(ring.info.role, Permission.RESTORE)
        aside = restore(backup, store_path, key, live_key)
    except (DamagedStoreError, UnlockError) as exc:
        if isinstance(exc, (ks.WrongPassphrase, vault.RosterError)):
            raise
        raise BackupError(f"The backup {backup.name} is damaged; nothing was replaced.") from exc
    detail = f"restored from {backup.name}" + (f"; previous kept as {aside.name}" if aside else "")
    if ring.store_id:
        anchor.forget_store(ring.store_id)  # knowingly shorter now, on this workstation
    restored = vault.open_store(store_path, officer, passphrase)
    with restored:
        keyring = restored.keyring
        assert isinstance(keyring, vault.KeyRing)
        with restored.session() as s:
            changed = sync_roles(s, keyring, utc_now())
            if changed:
                detail += "; officers put back to the signed roles: " + "; ".join(changed)
            AuditLog(utc_now, keyring.signer()).record(
                s, keyring.info.officer, "backup.restore", "store", None, detail[:MAX_FIELD])
            record_versions(s, keyring)
    return RestoreResult(store_path, aside)


def _live_keys(store_path: Path, officer: str,
               passphrase: str) -> tuple[StoreKey | None, vault.KeyRing | None]:
    """The live store's key and verified keyring; (None, None) when there is no live
    store or key file to protect (restoring onto an empty place)."""
    if not ks.sidecar_path(store_path).exists() or not store_path.exists():
        return None, None
    return vault.unlock_key(store_path, officer, passphrase)


def _opens(backup: Path, key: StoreKey) -> bool:
    try:
        check_file(backup, key)
    except UnlockError:
        return False
    return True


def _audit_denial(store_path: Path, officer: str, passphrase: str, role: str) -> None:
    """Every denial is audited in the live store, signed by the officer who was refused."""
    with contextlib.suppress(StoreError):
        with vault.open_store(store_path, officer, passphrase) as live, live.session() as s:
            keyring = live.keyring
            signer = keyring.signer() if isinstance(keyring, vault.KeyRing) else None
            AuditLog(utc_now, signer).record(s, officer, "backup.restore", "store", None,
                                             detail=f"denied: needs {Permission.RESTORE.value}",
                                             outcome="denied")
