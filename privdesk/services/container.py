"""The services an unlocked store offers, built once per unlock and passed to the faces."""

from __future__ import annotations

from dataclasses import dataclass

from privdesk.services.context import ServiceContext
from privdesk.services.letters import LetterService
from privdesk.services.mailer import MailService
from privdesk.services.maintenance import CheckReport, check_store
from privdesk.services.packs import PackService
from privdesk.services.settings import SettingsService


@dataclass
class Services:
    ctx: ServiceContext
    settings: SettingsService
    packs: PackService
    letters: LetterService
    mail: MailService

    @classmethod
    def build(cls, ctx: ServiceContext) -> Services:
        return cls(
            ctx=ctx,
            settings=SettingsService(ctx),
            packs=PackService(ctx),
            letters=LetterService(ctx),
            mail=MailService(ctx),
        )

    def check(self) -> CheckReport:
        return check_store(self.ctx.store)

    def close(self) -> None:
        self.ctx.store.close()
