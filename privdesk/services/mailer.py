"""Emailing a pack or letter to the requester, after the officer has reviewed it, or
saving it as an .eml draft (X-Unsent: 1) for Outlook or Thunderbird.

Header values come from data, so each is checked: no CR or LF, exactly one recipient,
a syntactically valid address (no DNS lookup). A protected pack's password never
travels in the same email: send() and save_draft() refuse a message that contains it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, replace
from datetime import date
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from privdesk.domain.filenames import safe_filename
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.files import write_atomic
from privdesk.services.pack_records import PackError
from privdesk.services.packs import add_event, find_request
from privdesk.services.settings import SettingsService
from privdesk.store.models import Document, RequestEvent

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class MailError(PackError):
    pass


@dataclass(frozen=True)
class OutgoingMail:
    """What the officer reviews before anything is sent."""

    reference: str
    to: str
    sender: str
    subject: str
    body: str
    attachment_name: str
    attachment: bytes
    mime: str
    protected: bool

    def edited(self, subject: str | None = None, body: str | None = None) -> OutgoingMail:
        return replace(self, subject=self.subject if subject is None else subject,
                       body=self.body if body is None else body)


def check_header(label: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise MailError(f"The {label} contains a line break, which is not allowed in an email "
                        "header.")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise MailError(f"The {label} contains control characters.")
    if not value.strip():
        raise MailError(f"The {label} is empty.")
    return value.strip()


def check_address(label: str, value: str, display_name: bool = False) -> str:
    """Exactly one syntactically valid address; returns it as a header value.

    An internationalised domain (bücher.example) is written in its ASCII (IDNA) form, which
    every mail server reads, rather than as an encoded word that breaks the address. With
    `display_name`, "Privacy Team <privacy@example.com>" is accepted (a sender).
    """
    value = check_header(label, value)
    if len(getaddresses([value])) != 1 or any(c in value for c in ",;"):
        raise MailError(f"The {label} must be exactly one email address.")
    try:
        valid = validate_email(value, check_deliverability=False,
                               allow_display_name=display_name)
    except EmailNotValidError as exc:
        raise MailError(f"The {label} is not a valid email address: {exc}") from exc
    address = valid.ascii_email or valid.normalized  # None only for a non-ASCII local part
    name = getattr(valid, "display_name", None)
    return formataddr((name, address)) if name else address


def settings_hint(ctx: ServiceContext, what: str) -> str:
    """Where to fix a missing setting, in words that fit the officer's role."""
    if ctx.can(Permission.SETTINGS):
        return f"Set {what} in Settings > Email first."
    return f"Email is not set up yet ({what} is missing): ask an admin to set it in Settings."


class MailService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._settings = SettingsService(ctx)

    def compose(self, reference: str, document_id: int) -> OutgoingMail:
        """The email for review: to the requester's address, the stored document attached."""
        self._ctx.require(Permission.EMAIL, "pack.email_compose", "request", reference)
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            doc = s.scalar(select(Document).where(Document.id == document_id,
                                                  Document.request_id == request.id))
            if doc is None:
                raise MailError(f"Document {document_id} does not belong to {reference}.")
            filename, content, mime, protected = (doc.filename, bytes(doc.content), doc.mime,
                                                  doc.protected)
        return self.compose_file(reference, filename, content, mime, protected)

    def compose_file(self, reference: str, filename: str, content: bytes, mime: str,
                     protected: bool) -> OutgoingMail:
        """The email for review with a document not yet stored (a prepared pack)."""
        self._ctx.require(Permission.EMAIL, "pack.email_compose", "request", reference)
        sender = str(self._settings.get("smtp.from") or "")
        if not sender:
            raise MailError(settings_hint(self._ctx, "the sender address"))
        c = self._ctx.policy.controller
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            if not request.requester_email:
                raise MailError(f"{reference} has no email address for the requester.")
            name = " ".join(request.requester_name.split())
            lines = [f"Dear {name},", "",
                     f"Please find attached our response to your request, reference "
                     f"{request.reference}.", ""]
            if protected:
                lines += ["The attached document is protected by a password. For your "
                          "security we will give you the password separately; it is never "
                          "sent in the same email as the document.", ""]
            lines += ["If you have any questions, please reply to this email quoting the "
                      "reference above.", "", "Yours sincerely,", "", self._ctx.actor.name,
                      c.department, c.name, c.privacy_email]
            return OutgoingMail(request.reference, request.requester_email, sender,
                                f"Your request {request.reference}: our response",
                                "\n".join(lines), filename, content, mime, protected)

    def sent_before(self, reference: str, attachment_name: str) -> tuple[date, ...]:
        """The days this document (by name) was already emailed for the request."""
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            rows = s.execute(select(RequestEvent.on_date, RequestEvent.detail).where(
                RequestEvent.request_id == request.id, RequestEvent.kind == "emailed"))
            return tuple(on for on, detail in rows if f"“{attachment_name}”" in detail)

    def message(self, mail: OutgoingMail, withheld: str | None = None,
                draft: bool = False) -> EmailMessage:
        """The MIME message, with every header value checked."""
        to = check_address("recipient address", mail.to)
        sender = check_address("sender address", mail.sender, display_name=True)
        subject = check_header("subject", mail.subject)
        filename = safe_filename(check_header("attachment name", mail.attachment_name))
        if withheld and (withheld in mail.body or withheld in subject):
            raise MailError("The document's password is in this email. Send the password "
                            "separately, never with the document.")
        msg = EmailMessage(policy=SMTP)
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
        if draft:
            msg["X-Unsent"] = "1"  # Outlook opens the file as a draft ready to send
        msg.set_content(mail.body)
        maintype, _, subtype = mail.mime.partition("/")
        msg.add_attachment(mail.attachment, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=filename)
        return msg

    def send(self, mail: OutgoingMail, withheld: str | None = None, timeout: float = 30) -> None:
        self._ctx.require(Permission.EMAIL, "pack.email", "request", mail.reference)
        self._deliver(self.message(mail, withheld), timeout)
        self._log(mail.reference, "emailed",
                  f"Emailed “{mail.attachment_name}” to the requester ({mail.to})", "pack.email")

    def send_test(self, to: str, timeout: float = 30) -> str:
        """A short test email with the current settings; returns the address it went to."""
        self._ctx.require(Permission.EMAIL, "mail.test", "settings", None)
        sender = str(self._settings.get("smtp.from") or "")
        if not sender:
            raise MailError(settings_hint(self._ctx, "the sender address"))
        msg = EmailMessage(policy=SMTP)
        msg["From"] = check_address("sender address", sender, display_name=True)
        msg["To"] = recipient = check_address("test address", to)
        msg["Subject"] = "privdesk test email"
        msg["Date"] = formatdate(localtime=True)
        msg.set_content(f"This is a test email sent from privdesk by {self._ctx.actor.name} "
                        "to check the email settings. No reply is needed.")
        self._deliver(msg, timeout)
        with self._ctx.store.session() as s:
            self._ctx.record(s, "mail.test", "settings", None, detail=f"to {recipient}")
        return recipient

    def _deliver(self, msg: EmailMessage, timeout: float) -> None:
        host = str(self._settings.get("smtp.host") or "")
        if not host:
            raise MailError(settings_hint(self._ctx, "the SMTP server"))
        port = int(self._settings.get("smtp.port") or 0)
        security = str(self._settings.get("smtp.security") or "starttls")
        user = str(self._settings.get("smtp.user") or "")
        secret = self._settings.secret("smtp.password")
        if user and security == "none" and host not in LOCAL_HOSTS:
            raise MailError("Refusing to send the SMTP password unencrypted: choose STARTTLS "
                            "or SSL in Settings.")
        try:
            if security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port or 465, timeout=timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port or 587, timeout=timeout)
            with smtp:
                if security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if user:
                    smtp.login(user, (secret or b"").decode("utf-8"))
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"The email could not be sent: {exc}") from exc

    def save_draft(self, mail: OutgoingMail, folder: Path, withheld: str | None = None) -> Path:
        """Write an .eml draft (X-Unsent: 1) into folder; returns the file's path."""
        self._ctx.require(Permission.EMAIL, "pack.email_draft", "request", mail.reference)
        msg = self.message(mail, withheld, draft=True)
        path = _free_name(Path(folder), safe_filename(f"{mail.reference} email draft.eml"))
        try:
            write_atomic(path, msg.as_bytes())
        except OSError as exc:
            raise MailError(f"The draft could not be saved: {exc.strerror}") from exc
        self._log(mail.reference, "email_draft", "Email draft saved for sending",
                  "pack.email_draft")
        return path

    def _log(self, reference: str, kind: str, detail: str, action: str) -> None:
        with self._ctx.store.session() as s:
            request = find_request(s, reference)
            add_event(self._ctx, s, request, kind, detail)
            self._ctx.record(s, action, "request", request.id)


def _free_name(folder: Path, name: str) -> Path:
    """name, or "name (2)", "name (3)"...: a second draft never replaces the first."""
    path = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while path.exists():
        path = folder / f"{stem} ({n}){suffix}"
        n += 1
    return path
