"""The hostile-name corpus through what leaves the program: the contact service and its
search, the PDF pack (read back with pypdf: markup printed as typed), the CSV export
(formula-safe, and it imports back), email (no header injection; a real SMTP server on
127.0.0.1 for the happy path) and export file names (inside the folder, valid on
Windows too)."""

from __future__ import annotations

import csv
import email
import io
import re
import unicodedata
from email.policy import default
from pathlib import Path

import pytest
from pypdf import PdfReader

from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.domain.filenames import MAX_BYTES, safe_filename
from privdesk.domain.identity import search_query
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService, ContactValidationError
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.mailer import MailError, MailService, OutgoingMail
from privdesk.services.packs import PackService
from privdesk.services.requests import RequestService
from privdesk.services.settings import SettingsService
from privdesk.store.engine import Store, StoreKey
from tests.conftest import TODAY
from tests.reliability.conftest import Figures
from tests.reliability.corpus import EMAILS, NAMES, all_text
from tests.reliability.helpers import PASSPHRASE
from tests.unit.pack_fixtures import make_request
from tests.unit.test_mailer import Inbox, smtp  # noqa: F401 - the real SMTP fixture

# Names whose characters the PDF keeps as typed, so the extracted text must contain them.
LITERAL_IN_PDF = ("bold_markup", "closing_para", "img_tag", "script", "entities", "sql_quote",
                  "format_strings", "quotes", "csv_injection", "fts_syntax", "backslashes")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[1-9¹²³])(\..*)?$",
                              re.IGNORECASE)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_names_through_the_contact_service_and_search(ctx: ServiceContext,
                                                      figures: Figures) -> None:
    contacts = ContactService(ctx)
    for key, name in NAMES.items():
        figures.trials += 1
        try:
            made = contacts.create(ContactInput(name=name, company=name[:300], notes=name))
        except ContactValidationError as exc:
            figures.add("refused_clearly")
            if not exc.errors or not all(e.field and e.reason for e in exc.errors):
                figures.fail(f"{key}: refused without a reason")
            continue
        figures.add("saved")
        if contacts.get(made.id).data.name != name.replace("\x00", "").strip():
            figures.fail(f"{key}: the name does not read back as typed")
        page = contacts.search(ContactQuery(text=name))  # must not raise
        if len(search_query(name)) >= 3 and made.id not in {r.id for r in page.rows}:
            figures.fail(f"{key}: searching for the name does not find it")
    requests = RequestService(ctx, SettingsService(ctx))
    for typed in all_text().values():  # every corpus string as a query: none may raise
        figures.trials += 1
        contacts.search(ContactQuery(text=typed))
        contacts.search_ids(ContactQuery(text=typed, sort="name"))
        requests.search_contacts(typed)  # the request form's contact picker
        contacts.find_duplicates(ContactInput(name=typed, company=typed))
    figures.check()


def test_names_in_the_pdf_pack_are_printed_as_typed(ctx: ServiceContext, tmp_path: Path,
                                                    figures: Figures) -> None:
    packs = PackService(ctx)
    for n, (key, name) in enumerate(NAMES.items()):
        figures.trials += 1
        reference = f"SAR-2026-{1000 + n:04d}"
        make_request(ctx, name=name, reference=reference)
        built = packs.build(reference)
        reader = PdfReader(io.BytesIO(built.content))
        text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
        if "<para" in text.lower() and "para>" not in name.lower():
            figures.fail(f"{key}: ReportLab markup leaked into the text")
        if key in LITERAL_IN_PDF and flat(name) not in text:
            figures.fail(f"{key}: {name!r} is not in the PDF as typed")
        if key == "ten_thousand" and name[:200] not in text.replace(" ", ""):
            figures.fail(f"{key}: the long name is not in the PDF")
        if key == "long_word_cjk" and "名" * 20 not in text.replace(" ", ""):
            figures.fail(f"{key}: the CJK name is not in the PDF")
        figures.add("pages", len(reader.pages))
    figures.check()


def test_csv_export_is_formula_safe_and_imports_back(ctx: ServiceContext, policy: Policy,
                                                     tmp_path: Path, figures: Figures) -> None:
    contacts = ContactService(ctx)
    saved: set[str] = set()
    for name in NAMES.values():
        try:
            contacts.create(ContactInput(name=name, company=name[:300], notes=name))
            saved.add(name.replace("\x00", "").strip())
        except ContactValidationError:
            continue
    out = tmp_path / "export.csv"
    contacts.export_csv(out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    for cells in rows[1:]:
        figures.trials += 1
        if any(c.startswith(FORMULA_START) for c in cells):
            figures.fail(f"a cell a spreadsheet would run: {[c[:30] for c in cells]}")
    with Store.create(tmp_path / "again.privdesk", StoreKey.passphrase(PASSPHRASE)) as other:
        again = ServiceContext(store=other, policy=policy, actor=Actor("Test Officer"),
                               today=lambda: TODAY)
        result = ContactImportService(again).run(out.read_bytes())
        figures.trials += 1
        if not result.committed or result.errors:
            figures.fail(f"our own export does not import back: {result.errors[:3]}")
        page = ContactService(again).search(ContactQuery(), limit=1000)
        if {r.name for r in page.rows} != saved:
            figures.fail(f"names changed on the round trip: "
                         f"{({r.name for r in page.rows} ^ saved)}")
    figures.check()


def test_hostile_email_headers_are_refused(ctx: ServiceContext, figures: Figures) -> None:
    mailer = MailService(ctx)
    good = OutgoingMail("SAR-2026-0101", "ann@example.org", "privacy@example.org", "Subject",
                        "Body", "pack.pdf", b"%PDF-1.4", "application/pdf", False)
    refused = {"header_injection", "nul", "markup", "long"}
    for key, value in EMAILS.items():
        for where in ("to", "sender"):
            figures.trials += 1
            mail = OutgoingMail(**{**good.__dict__, where: value})
            try:
                msg = mailer.message(mail)
            except MailError as exc:
                if "\n" in str(exc):
                    figures.fail(f"{key} as {where}: the error echoes a line break")
                continue
            if key in refused:
                figures.fail(f"{key} as {where}: accepted {value!r}")
            elif "Bcc" in msg or len(msg.get_all("To", [])) != 1:
                figures.fail(f"{key} as {where}: an injected header got through")
    for key, name in NAMES.items():  # names as subject and attachment name
        figures.trials += 1
        mail = OutgoingMail(**{**good.__dict__, "subject": name, "attachment_name": name})
        try:
            msg = mailer.message(mail)
        except MailError:
            figures.add("subject_refused")
            continue
        parsed = email.message_from_bytes(msg.as_bytes(), policy=default)
        if set(parsed.keys()) - {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                 "Content-Type"}:
            figures.fail(f"{key}: unexpected headers {parsed.keys()}")
        for part in parsed.iter_attachments():
            if part.get_filename() != safe_filename(name.strip()):
                figures.fail(f"{key}: attachment named {part.get_filename()!r}")
    for bad in ("a@example.org, b@example.org", "a@example.org; b@example.org",
                "a@example.org\nb@example.org", "A <a@example.org>, B <b@example.org>"):
        figures.trials += 1
        try:
            mailer.message(OutgoingMail(**{**good.__dict__, "to": bad}))
            figures.fail(f"several recipients accepted: {bad!r}")
        except MailError as exc:
            figures.add("several_refused")
            assert str(exc)
    figures.check()


def test_hostile_names_reach_a_real_smtp_server_intact(ctx: ServiceContext,
                                                       smtp: tuple[Inbox, int],  # noqa: F811
                                                       figures: Figures) -> None:
    inbox, port = smtp
    settings = SettingsService(ctx)
    for k, v in {"smtp.host": "127.0.0.1", "smtp.port": port, "smtp.security": "none",
                 "smtp.from": "privacy@optex-europe.com"}.items():
        settings.set(k, v)
    mailer, packs = MailService(ctx), PackService(ctx)
    keys = ["closing_para", "bidi_override", "emoji", "cjk", "arabic", "email_header",
            "nul_byte", "ten_thousand"]
    for n, key in enumerate(keys):
        figures.trials += 1
        reference = f"SAR-2026-{2000 + n:04d}"
        make_request(ctx, name=NAMES[key], reference=reference)
        built = packs.build(reference)
        mailer.send(mailer.compose(reference, built.document.id))
        _sender, rcpts, raw = inbox.messages[-1]
        msg = email.message_from_bytes(raw, policy=default)
        body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        if rcpts != ["zoe@example.com"] or "Bcc" in msg:
            figures.fail(f"{key}: recipients {rcpts}, headers {msg.keys()}")
        if flat(NAMES[key].replace("\x00", "")) not in flat(body.replace("\x00", "")):
            figures.fail(f"{key}: the name is not in the body as typed")
    assert len(inbox.messages) == len(keys)
    figures.check()


def windows_problem(name: str) -> str | None:
    if not name or name in (".", ".."):
        return "empty or dots"
    if re.search(r'[\x00-\x1f<>:"/\\|?*]', name):
        return "a reserved character"
    if name[-1] in " .":
        return "a trailing dot or space"
    if WINDOWS_RESERVED.match(name.split(".")[0].rstrip(" ") + ("." if "." in name else "")):
        return "a device name"
    if len(name) > 255 or len(name.encode("utf-8")) > 255:
        return "too long"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in name):
        return "an invisible or control character"
    return None


@pytest.mark.parametrize("key", list(all_text()))
def test_export_file_names_stay_in_the_folder(key: str, tmp_path: Path,
                                              figures: Figures) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for stem in (all_text()[key], f"SAR-2026-0001 {all_text()[key]}.pdf"):  # as a pack would
        figures.trials += 1
        name = safe_filename(stem)
        if windows_problem(name) or len(name.encode("utf-8")) > MAX_BYTES:
            figures.fail(f"{name!r}: {windows_problem(name) or 'too many bytes'}")
            continue
        path = folder / name
        path.write_bytes(b"x")  # the file system accepts it
        if path.resolve().parent != folder.resolve():
            figures.fail(f"{name!r} escapes the folder")
    figures.check()
    assert sorted(p.parent for p in tmp_path.rglob("*") if p.is_file()) == [folder] * len(
        list(folder.iterdir()))
