"""The pack service over a real encrypted store: data gathered, redactions with reasons,
packs stored with their hash and on the timeline, JSON/CSV copies, protection."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from privdesk.domain.spreadsheet import neutralise as csv_cell
from privdesk.reports.pack import SCHEDULE_HEADING, SECTION_HEADINGS
from privdesk.reports.supplementary import RIGHT_TITLES
from privdesk.services.authz import PermissionDenied
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.pack_records import PackError
from privdesk.services.packs import PackService
from privdesk.store.models import AuditEvent, Document, Redaction, RequestEvent
from tests.store_kinds import store  # noqa: F401,E402  (both kinds of store)
from tests.unit.pack_fixtures import NAME, NOTE, REF, make_request

ART15 = ["Purposes and legal bases", "Categories of personal data", "Recipients",
         "Transfers outside the UK, and their safeguards", "Retention period and criteria",
         "Source of your personal data", "Your rights", "Your right to complain to the ICO",
         "Automated decision-making"]


def pdf_text(pdf: bytes, password: str | None = None) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    if password is not None:
        reader.decrypt(password)
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def poppler_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_pack_has_every_section_and_the_persons_values(ctx: ServiceContext) -> None:
    make_request(ctx)
    built = PackService(ctx).build(REF)
    for text in (pdf_text(built.content), poppler_text(built.content)):
        for heading in (*SECTION_HEADINGS, *ART15, "Contact record", "Interactions",
                        "Disclosures", "Rectification history", "Your requests"):
            assert heading in text, heading
        for value in (NAME, "zoe@example.com", "+44 7700 900123", "Acme Widgets Ltd", NOTE,
                      "Optex Japan", "Warranty claim", "+44 7700 900000", REF,
                      "Information Commissioner's Office", "0303 123 1113", "Wycliffe House",
                      "Enquiry form", "30 June 2031", "Test Officer", "CONFIDENTIAL",
                      "Page 1 of", "Ref. SAR-2026-0101"):
            assert value in text, value
        for right in RIGHT_TITLES.values():
            assert right in text
    assert SCHEDULE_HEADING not in pdf_text(built.content)  # nothing redacted, no schedule


def test_pack_is_stored_hashed_and_on_the_timeline(ctx: ServiceContext) -> None:
    rid = make_request(ctx)
    built = PackService(ctx).build(REF)
    with ctx.store.session() as s:
        doc = s.get(Document, built.document.id)
        assert doc is not None and doc.content == built.content
        assert doc.sha256 == hashlib.sha256(built.content).hexdigest() == built.document.sha256
        assert doc.size == len(built.content)
        assert doc.pages == len(PdfReader(io.BytesIO(built.content)).pages) >= 4
        assert doc.author == "Test Officer" and doc.kind == "pack" and not doc.protected
        kinds = s.scalars(select(RequestEvent.kind).where(RequestEvent.request_id == rid)).all()
        assert "pack_generated" in kinds
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "pack.build")).one()
        assert NAME not in audit.detail and "zoe" not in audit.detail


def test_redaction_needs_a_reason_and_shows_redacted_with_a_schedule(ctx: ServiceContext) -> None:
    make_request(ctx)
    packs = PackService(ctx)
    with pytest.raises(PackError, match="reason"):
        packs.redact(REF, "interaction:1", "redact", "   ")
    with pytest.raises(PackError, match="not an item"):
        packs.redact(REF, "interaction:999", "redact", "x")
    packs.redact(REF, "interaction:1", "redact", "Names another customer, Bob Smith")
    packs.redact(REF, "contact:1:notes", "exclude", "Internal opinion")
    text = pdf_text(packs.build(REF).content)
    assert "Bob Smith is also interested" not in text.split(SCHEDULE_HEADING)[0]
    assert "Prefers email" not in text
    assert text.count("[redacted]") >= 3
    schedule = text.split(SCHEDULE_HEADING)[1]
    assert "Names another customer" in schedule and "Internal opinion" in schedule
    assert "Call of 2 May 2024" in schedule and "Withheld entirely" in schedule
    items = {i.ref: i for i in packs.items(REF)}
    assert items["interaction:1"].action == "redact"
    packs.unredact(REF, "interaction:1", "Bob Smith consented")
    assert "Bob Smith is also interested" in pdf_text(packs.preview(REF))
    with ctx.store.session() as s:
        assert s.scalars(select(Redaction.item_ref)).all() == ["contact:1:notes"]
    assert SCHEDULE_HEADING not in pdf_text(packs.build(REF, include_schedule=False).content)


def test_protected_pack_is_aes256_and_needs_its_password(ctx: ServiceContext) -> None:
    make_request(ctx)
    built = PackService(ctx).build(REF, password="k7Rmq-Tz4pA-x9Lw2")
    reader = PdfReader(io.BytesIO(built.content))
    assert reader.is_encrypted
    assert reader.trailer["/Encrypt"]["/V"] == 5 and reader.trailer["/Encrypt"]["/R"] == 6
    with pytest.raises(Exception):  # noqa: B017 - pypdf raises FileNotDecryptedError
        _ = reader.pages[0].extract_text()
    assert not PdfReader(io.BytesIO(built.content)).decrypt("wrong password")
    assert NAME in pdf_text(built.content, "k7Rmq-Tz4pA-x9Lw2")
    assert built.document.protected
    fail = subprocess.run(["pdftotext", "-", "-"], input=built.content, capture_output=True)
    assert fail.returncode != 0
    with pytest.raises(PackError, match="at least"):
        PackService(ctx).build(REF, password="short")


def test_json_and_csv_copies(ctx: ServiceContext) -> None:
    make_request(ctx, name="=HYPERLINK(\"http://evil\")")
    packs = PackService(ctx)
    data = json.loads(packs.export(REF, "json").content)
    assert data["contact"]["Email"] == "zoe@example.com"
    assert data["contact"]["Name"] == "=HYPERLINK(\"http://evil\")"
    assert data["interactions"][0]["summary"] == NOTE
    assert data["disclosures"][0]["recipient"] == "Optex Japan"
    rows = list(csv.reader(io.StringIO(packs.export(REF, "csv").content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "field", "value"]
    values = {r[2]: r[3] for r in rows[1:] if r[0] == "Contact record"}
    assert values["Name"] == "'=HYPERLINK(\"http://evil\")"
    assert [csv_cell(x) for x in ("@SUM(1)", "+1", "-1", "ok")] == ["'@SUM(1)", "'+1", "'-1", "ok"]
    assert len(packs.documents(REF)) == 2


def test_plain_errors_for_unknown_or_unlinked_requests(ctx: ServiceContext) -> None:
    make_request(ctx, link=False)
    make_request(ctx, reference="DSR-2026-0002", rtype="erasure")
    packs = PackService(ctx)
    with pytest.raises(PackError, match="no request with reference"):
        packs.build("SAR-NOPE")
    with pytest.raises(PackError, match="not linked"):
        packs.build(REF)
    with pytest.raises(PackError, match="erasure request"):
        packs.build("DSR-2026-0002")


def test_viewer_cannot_build_or_redact(ctx: ServiceContext) -> None:
    make_request(ctx)
    viewer = ServiceContext(store=ctx.store, policy=ctx.policy, actor=Actor("Jo", "viewer"),
                            today=ctx.today)
    with pytest.raises(PermissionDenied):
        PackService(viewer).build(REF)
    with pytest.raises(PermissionDenied):
        PackService(viewer).redact(REF, "interaction:1", "redact", "x")
    assert PackService(viewer).items(REF)  # reading is fine


HOSTILE_NAMES = [
    "Anna <b>bold</b> & Co", "a</para>b", "<img src=/etc/passwd>", "Zoë Łukasiewicz-Żółć",
    "Дмитрий Шостакович", "Ελένη Παπαδοπούλου", "王小明", "さくら", "김민준",
    "\u202eevil\u202c Mallory", "O'Brien \"Jr\"",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_render_literally_in_the_pack(ctx: ServiceContext, name: str) -> None:
    make_request(ctx, name=name)
    built = PackService(ctx).build(REF)
    text = pdf_text(built.content)
    expected = name.replace("\u202e", "").replace("\u202c", "")
    assert f"Dear {expected}," in text
    assert "Contents of this pack" in text


def test_ten_thousand_character_name_builds(ctx: ServiceContext) -> None:
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 300)[:10_000]
    make_request(ctx, name=name)
    built = PackService(ctx).build(REF)
    assert built.document.pages >= 6
    assert pdf_text(built.content).count("Wolfeschlegelsteinhausenbergerdorff") >= 3 * 270


def test_protected_build_writes_no_file(ctx: ServiceContext, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The unprotected PDF exists only in memory: nothing lands in the temp folder or the
    working folder, and the store keeps only the encrypted bytes."""
    import tempfile
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(scratch)
    make_request(ctx)
    built = PackService(ctx).build(REF, password="k7Rmq-Tz4pA-x9Lw2")
    assert list(scratch.iterdir()) == []
    assert PackService(ctx).content(built.document.id) == built.content
    assert PdfReader(io.BytesIO(built.content)).is_encrypted


def test_contents_gives_each_parts_page_and_emails_stay_whole(ctx: ServiceContext) -> None:
    """Seen: no page numbers in the contents, and "marketin g@optex-europe.com"."""
    make_request(ctx)
    built = PackService(ctx).build(REF)
    reader = PdfReader(io.BytesIO(built.content))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    contents = next(i for i, t in enumerate(pages) if "Contents of this pack" in t)
    supplementary = next(i for i, t in enumerate(pages)
                         if "Supplementary information" in t and i != contents) + 1
    lines = subprocess.run(["pdftotext", "-layout", "-f", str(contents + 1), "-l",
                            str(contents + 1), "-", "-"], input=built.content,
                           capture_output=True, check=True).stdout.decode("utf-8").splitlines()
    part3 = next(line for line in lines if line.strip().startswith("Part 3"))
    assert part3.split()[-1] == str(supplementary)  # the page it really starts on
    cover = next(line for line in lines if "Cover letter" in line)
    assert cover.split()[-1] == "1"
    assert "marketing@optex-europe.com" in poppler_text(built.content)
