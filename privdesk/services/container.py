"""The services an unlocked store offers, built once per unlock and passed to the faces.

Each service is built (and its module imported) the first time it is asked for, not all
at unlock: a command that only imports contacts then never loads ReportLab, pypdf,
holidays or zxcvbn, which the packs, letters, breach documents, request deadlines and
passphrase checks bring (~35 MiB resident, part of a million-row import's peak, and
start-up time of every command). The GUI asks for nearly all of them when it builds its
areas, so it is built as before; built once, each is shared.

The settings and the suppression list, which others share and which hold state (the
settings' version that caches check), are built at once: cached_property has no lock
from Python 3.12, so two threads asking for a service the first time together could
each build one. The others hold nothing that two copies would get wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from privdesk.services.context import ServiceContext
from privdesk.services.settings import SettingsService
from privdesk.services.suppression import SuppressionList

if TYPE_CHECKING:
    from privdesk.services.audit_trail import AuditService
    from privdesk.services.backup import BackupService
    from privdesk.services.breach_documents import BreachDocuments
    from privdesk.services.breaches import BreachService
    from privdesk.services.contacts import ContactService
    from privdesk.services.contacts_import import ContactImportService
    from privdesk.services.erasure import ErasureService
    from privdesk.services.letters import LetterService
    from privdesk.services.mailer import MailService
    from privdesk.services.maintenance import CheckReport
    from privdesk.services.management_report import ManagementReportService
    from privdesk.services.officers import OfficerService
    from privdesk.services.packs import PackService
    from privdesk.services.purge import PurgeService
    from privdesk.services.requests import RequestService
    from privdesk.services.retention import RetentionService
    from privdesk.services.ropa import RopaService


@dataclass
class Services:
    ctx: ServiceContext
    settings: SettingsService
    suppression: SuppressionList

    @classmethod
    def build(cls, ctx: ServiceContext) -> Services:
        return cls(ctx, SettingsService(ctx), SuppressionList(ctx))

    @cached_property
    def contacts(self) -> ContactService:
        from privdesk.services.contacts import ContactService

        return ContactService(self.ctx, self.settings, self.suppression)

    @cached_property
    def contact_import(self) -> ContactImportService:
        from privdesk.services.contacts_import import ContactImportService

        return ContactImportService(self.ctx, self.settings)

    @cached_property
    def requests(self) -> RequestService:
        from privdesk.services.requests import RequestService

        return RequestService(self.ctx, self.settings)

    @cached_property
    def retention(self) -> RetentionService:
        from privdesk.services.retention import RetentionService

        return RetentionService(self.ctx)

    @cached_property
    def purge(self) -> PurgeService:
        from privdesk.services.purge import PurgeService

        return PurgeService(self.ctx)

    @cached_property
    def erasure(self) -> ErasureService:
        from privdesk.services.erasure import ErasureService

        return ErasureService(self.ctx)

    @cached_property
    def packs(self) -> PackService:
        from privdesk.services.packs import PackService

        return PackService(self.ctx)

    @cached_property
    def letters(self) -> LetterService:
        from privdesk.services.letters import LetterService

        return LetterService(self.ctx)

    @cached_property
    def mail(self) -> MailService:
        from privdesk.services.mailer import MailService

        return MailService(self.ctx)

    @cached_property
    def officers(self) -> OfficerService:
        from privdesk.services.officers import OfficerService

        return OfficerService(self.ctx)

    @cached_property
    def audit(self) -> AuditService:
        from privdesk.services.audit_trail import AuditService

        return AuditService(self.ctx)

    @cached_property
    def backups(self) -> BackupService:
        from privdesk.services.backup import BackupService

        return BackupService(self.ctx)

    @cached_property
    def breaches(self) -> BreachService:
        from privdesk.services.breaches import BreachService

        return BreachService(self.ctx, self.settings)

    @cached_property
    def breach_documents(self) -> BreachDocuments:
        from privdesk.services.breach_documents import BreachDocuments

        return BreachDocuments(self.ctx, self.breaches)

    @cached_property
    def ropa(self) -> RopaService:
        from privdesk.services.ropa import RopaService

        return RopaService(self.ctx)

    @cached_property
    def report(self) -> ManagementReportService:
        from privdesk.services.management_report import ManagementReportService

        return ManagementReportService(self.ctx, self.requests, self.breaches)

    def check(self) -> CheckReport:
        from privdesk.services.maintenance import check_store

        return check_store(self.ctx.store)

    def close(self) -> None:
        self.ctx.store.close()
