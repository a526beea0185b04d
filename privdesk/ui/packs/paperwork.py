"""The services the pack and letter dialogs use, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from privdesk.services.context import ServiceContext
from privdesk.services.letters import LetterService
from privdesk.services.mailer import MailService
from privdesk.services.packs import PackService
from privdesk.services.requests import RequestService


@dataclass(frozen=True)
class Paperwork:
    """A pack or letter is built (packs, letters), emailed (mail) and then recorded as the
    request's response (requests); ctx says who may do which."""

    ctx: ServiceContext
    requests: RequestService
    packs: PackService
    letters: LetterService
    mail: MailService
