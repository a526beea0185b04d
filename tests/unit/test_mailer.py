"""Email through a real SMTP server (aiosmtpd on 127.0.0.1), .eml drafts, and header
injection refused."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from privdesk.services.context import ServiceContext
from privdesk.services.mailer import MailError, MailService, OutgoingMail, check_address
from privdesk.services.packs import PackService
from privdesk.services.settings import SettingsService
from tests.unit.pack_fixtures import REF, make_request

PASSWORD = "k7Rmq-Tz4pA-x9Lw2"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _configure(ctx: ServiceContext, port: int) -> None:
    settings = SettingsService(ctx)
    settings.set("smtp.host", "127.0.0.1")
    settings.set("smtp.port", port)
    settings.set("smtp.security", "none")
    settings.set("smtp.from", "privacy@optex-europe.com")


def test_real_smtp_server_receives_the_pack_byte_identical(ctx: ServiceContext,
                                                          smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _configure(ctx, port)
    make_request(ctx)
    built = PackService(ctx).build(REF, password=PASSWORD)
    mailer = MailService(ctx)
    mail = mailer.compose(REF, built.document.id)
    assert mail.to == "zoe@example.com" and mail.protected
    assert PASSWORD not in mail.body and "separately" in mail.body
    mailer.send(mail, withheld=PASSWORD)
    assert len(inbox.messages) == 1
    sender, rcpts, raw = inbox.messages[0]
    assert sender == "privacy@optex-europe.com" and rcpts == ["zoe@example.com"]
    msg = email.message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    assert msg["Subject"] == f"Your request {REF}: our response"
    parts = list(msg.iter_attachments())
    assert len(parts) == 1
    assert parts[0].get_filename() == built.document.filename
    assert parts[0].get_content() == built.content  # byte-identical
    assert PASSWORD.encode() not in raw


def test_password_in_the_same_email_is_refused(ctx: ServiceContext,
                                                smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _configure(ctx, port)
    make_request(ctx)
    built = PackService(ctx).build(REF, password=PASSWORD)
    mailer = MailService(ctx)
    mail = mailer.compose(REF, built.document.id)
    with pytest.raises(MailError, match="password"):
        mailer.send(mail.edited(body=mail.body + f"\nPassword: {PASSWORD}"), withheld=PASSWORD)
    assert inbox.messages == []


def test_eml_draft_reparses_and_is_unsent(ctx: ServiceContext, tmp_path: Path) -> None:
    SettingsService(ctx).set("smtp.from", "privacy@optex-europe.com")
    make_request(ctx, name="Zoë Łukasiewicz 王")
    built = PackService(ctx).build(REF)
    mailer = MailService(ctx)
    path = mailer.save_draft(mailer.compose(REF, built.document.id), tmp_path)
    assert path.parent == tmp_path and path.suffix == ".eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=default)
    assert msg["X-Unsent"] == "1" and msg["To"] == "zoe@example.com"
    assert "Dear Zoë Łukasiewicz 王," in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    (part,) = list(msg.iter_attachments())
    assert part.get_content() == built.content


@pytest.mark.parametrize("bad", [
    "zoe@example.com\r\nBcc: all@example.com", "zoe@example.com\nBcc: x@y.com",
    "a@example.com, b@example.com", "a@example.com; b@example.com", "not-an-address",
    "zoe@example.com\x00", "",
])
def test_bad_recipients_are_refused(bad: str) -> None:
    with pytest.raises(MailError):
        check_address("recipient address", bad)


def test_header_injection_through_data_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    SettingsService(ctx).set("smtp.from", "privacy@optex-europe.com")
    make_request(ctx, email="zoe@example.com\r\nBcc: everyone@example.com")
    built = PackService(ctx).build(REF)
    mailer = MailService(ctx)
    mail = mailer.compose(REF, built.document.id)
    with pytest.raises(MailError, match="line break"):
        mailer.save_draft(mail, drafts)
    good = OutgoingMail(REF, "zoe@example.com", "privacy@optex-europe.com",
                        "Hi\r\nBcc: x@example.com", "body", "a.pdf", b"%PDF", "application/pdf",
                        False)
    with pytest.raises(MailError, match="subject"):
        mailer.save_draft(good, drafts)
    assert list(drafts.iterdir()) == []


def test_unreachable_server_is_a_plain_error(ctx: ServiceContext) -> None:
    _configure(ctx, _free_port())
    make_request(ctx)
    built = PackService(ctx).build(REF)
    mailer = MailService(ctx)
    with pytest.raises(MailError, match="could not be sent"):
        mailer.send(mailer.compose(REF, built.document.id), timeout=3)


def test_display_name_sender_and_idn_recipient_go_through_a_real_server(
        ctx: ServiceContext, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _configure(ctx, port)
    SettingsService(ctx).set("smtp.from", "Privacy Team <privacy@optex-europe.com>")
    make_request(ctx, email="zoe@bücher.example")
    built = PackService(ctx).build(REF)
    mailer = MailService(ctx)
    mailer.send(mailer.compose(REF, built.document.id))
    sender, rcpts, raw = inbox.messages[0]
    assert sender == "privacy@optex-europe.com"
    assert rcpts == ["zoe@xn--bcher-kva.example"]  # the IDNA form, not an encoded word
    msg = email.message_from_bytes(raw, policy=default)
    assert msg["To"] == "zoe@xn--bcher-kva.example" and "=?" not in str(msg["To"])
    assert msg["From"].addresses[0].display_name == "Privacy Team"


def test_send_test_email_reaches_the_server_and_is_audited(
        ctx: ServiceContext, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _configure(ctx, port)
    assert MailService(ctx).send_test("me@optex-europe.com") == "me@optex-europe.com"
    (sender, rcpts, raw) = inbox.messages[0]
    assert rcpts == ["me@optex-europe.com"] and b"privdesk test email" in raw
    with pytest.raises(MailError, match="not a valid email"):
        MailService(ctx).send_test("nobody")
    assert len(inbox.messages) == 1


def test_missing_sender_says_where_to_set_it(ctx: ServiceContext) -> None:
    make_request(ctx)
    built = PackService(ctx).build(REF)
    with pytest.raises(MailError, match=r"Settings > Email") as caught:
        MailService(ctx).compose(REF, built.document.id)
    assert "smtp.from" not in str(caught.value)  # words, not the setting's key


def test_a_second_draft_never_overwrites_the_first(ctx: ServiceContext, tmp_path: Path) -> None:
    SettingsService(ctx).set("smtp.from", "privacy@optex-europe.com")
    make_request(ctx)
    built = PackService(ctx).build(REF)
    mailer = MailService(ctx)
    mail = mailer.compose(REF, built.document.id)
    first = mailer.save_draft(mail, tmp_path)
    second = mailer.save_draft(mail.edited(subject="Second"), tmp_path)
    assert first != second and first.exists() and second.exists()
    assert second.name == f"{REF} email draft (2).eml"
    assert b"Second" in second.read_bytes() and b"Second" not in first.read_bytes()
