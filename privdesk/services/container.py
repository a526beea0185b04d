"""The services an unlocked store offers, built once per unlock and passed to the faces."""

from __future__ import annotations

from dataclasses import dataclass

from privdesk.services.audit_trail import AuditService
from privdesk.services.backup import BackupService
from privdesk.services.context import ServiceContext
from privdesk.services.maintenance import CheckReport, check_store
from privdesk.services.officers import OfficerService
from privdesk.services.settings import SettingsService


@dataclass
class Services:
    ctx: ServiceContext
    settings: SettingsService
    officers: OfficerService
    audit: AuditService
    backups: BackupService

    @classmethod
    def build(cls, ctx: ServiceContext) -> Services:
        return cls(
            ctx=ctx,
            settings=SettingsService(ctx),
            officers=OfficerService(ctx),
            audit=AuditService(ctx),
            backups=BackupService(ctx),
        )

    def check(self) -> CheckReport:
        return check_store(self.ctx.store)

    def close(self) -> None:
        self.ctx.store.close()
