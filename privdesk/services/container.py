"""The services an unlocked store offers, built once per unlock and passed to the faces."""

from __future__ import annotations

from dataclasses import dataclass

from privdesk.services.audit_trail import AuditService
from privdesk.services.backup import BackupService
from privdesk.services.breach_documents import BreachDocuments
from privdesk.services.breaches import BreachService
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import ServiceContext
from privdesk.services.erasure import ErasureService
from privdesk.services.letters import LetterService
from privdesk.services.mailer import MailService
from privdesk.services.maintenance import CheckReport, check_store
from privdesk.services.management_report import ManagementReportService
from privdesk.services.officers import OfficerService
from privdesk.services.packs import PackService
from privdesk.services.purge import PurgeService
from privdesk.services.requests import RequestService
from privdesk.services.retention import RetentionService
from privdesk.services.ropa import RopaService
from privdesk.services.settings import SettingsService
from privdesk.services.suppression import SuppressionList


@dataclass
class Services:
    ctx: ServiceContext
    settings: SettingsService
    contacts: ContactService
    contact_import: ContactImportService
    requests: RequestService
    retention: RetentionService
    purge: PurgeService
    erasure: ErasureService
    suppression: SuppressionList
    packs: PackService
    letters: LetterService
    mail: MailService
    officers: OfficerService
    audit: AuditService
    backups: BackupService
    breaches: BreachService
    breach_documents: BreachDocuments
    ropa: RopaService
    report: ManagementReportService

    @classmethod
    def build(cls, ctx: ServiceContext) -> Services:
        settings = SettingsService(ctx)
        breaches = BreachService(ctx, settings)
        requests = RequestService(ctx, settings)
        suppression = SuppressionList(ctx)
        return cls(
            ctx=ctx,
            settings=settings,
            contacts=ContactService(ctx, settings, suppression),
            contact_import=ContactImportService(ctx, settings),
            requests=requests,
            retention=RetentionService(ctx),
            purge=PurgeService(ctx),
            erasure=ErasureService(ctx),
            suppression=suppression,
            packs=PackService(ctx),
            letters=LetterService(ctx),
            mail=MailService(ctx),
            officers=OfficerService(ctx),
            audit=AuditService(ctx),
            backups=BackupService(ctx),
            breaches=breaches,
            breach_documents=BreachDocuments(ctx, breaches),
            ropa=RopaService(ctx),
            report=ManagementReportService(ctx, requests, breaches),
        )

    def check(self) -> CheckReport:
        return check_store(self.ctx.store)

    def close(self) -> None:
        self.ctx.store.close()
