"""Backups of the open store: on demand, daily (checked at unlock), and on exit; kept
7 daily, 4 weekly and 12 monthly (settings). Restore is in `restore_backup`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from privdesk.domain.backups import backups_to_keep
from privdesk.paths import app_paths
from privdesk.services.audit import AuditLog
from privdesk.services.authz import Permission, PermissionDenied, allowed
from privdesk.services.context import ServiceContext, utc_now
from privdesk.services.settings import SettingsService
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.backup import BackupError, make_backup, restore
from privdesk.store.engine import Store
from privdesk.store.errors import DamagedStoreError, UnlockError
from privdesk.store.models import Officer

STAMP = "%Y%m%d-%H%M%S"
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

    def _prefix(self) -> str:
        return self._ctx.store.path.name.removesuffix(".privdesk") + "-"

    def backups(self) -> list[BackupInfo]:
        """This store's rotated backups, newest first."""
        found = []
        folder, prefix = self.folder(), self._prefix()
        if folder.is_dir():
            for p in folder.glob(f"{prefix}*.privdesk"):
                try:
                    at = datetime.strptime(p.name[len(prefix):-len(".privdesk")], STAMP)
                except ValueError:
                    continue
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
        name = f"{self._prefix()}{datetime.now().strftime(STAMP)}.privdesk"
        info = self.backup_to(self.folder() / name, reason, automatic)
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


def restore_backup(backup: Path, store_path: Path, officer: str,
                   passphrase: str) -> RestoreResult:
    """Verify the backup opens with the officer's slot and is sound, that the officer is
    an admin in it, then replace the store (kept aside), and audit it in the result."""
    try:
        key, keyring = vault.unlock_key(backup, officer, passphrase)
    except DamagedStoreError as exc:
        raise BackupError(f"The backup {backup.name} is damaged; nothing was replaced.") from exc
    try:
        with Store.open(backup, key, migrate=False) as copy, copy.session() as s:
            row = next((o for o in s.query(Officer).all()
                        if ks.normalise_officer(o.name) == ks.normalise_officer(officer)), None)
            role = row.role if row is not None and row.active else keyring.info.role
    except UnlockError as exc:  # the slot's key opened page 1: the rest is damaged
        raise BackupError(f"The backup {backup.name} is damaged; nothing was replaced.") from exc
    if not allowed(role, Permission.RESTORE):
        _audit_denial(store_path, officer, passphrase, role)
        raise PermissionDenied(role, Permission.RESTORE)
    aside = restore(backup, store_path, key)
    detail = f"restored from {backup.name}" + (f"; previous kept as {aside.name}" if aside else "")
    with vault.open_store(store_path, officer, passphrase) as restored, restored.session() as s:
        AuditLog(utc_now).record(s, keyring.info.officer, "backup.restore", "store", None, detail)
    return RestoreResult(store_path, aside)


def _audit_denial(store_path: Path, officer: str, passphrase: str, role: str) -> None:
    """Every denial is audited: in the live store, when this officer can open it."""
    try:
        with vault.open_store(store_path, officer, passphrase) as live, live.session() as s:
            AuditLog(utc_now).record(s, officer, "backup.restore", "store", None,
                                     detail=f"denied: needs {Permission.RESTORE.value}",
                                     outcome="denied")
    except Exception:  # noqa: S110 - no live store, or not this officer's: nothing to audit in
        pass
