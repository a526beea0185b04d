"""Real export layouts through the import service over a real encrypted store (issue
#14): each file in tests/fixtures/imports is in the exact header layout and encoding
its system writes, with UK, EU and CJK names, quoted commas and line breaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.domain.contact_records import ContactQuery
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import ServiceContext
from privdesk.services.suppression import SuppressionList

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
NOTE = 'Said "call me after 5pm, not before"\nAsked about the ""Pro"" range, twice'

# file -> (recognised as, encoding, extra options, names that must arrive exactly)
LAYOUTS: dict[str, tuple[str | None, str, dict[str, object], set[str]]] = {
    "hubspot.csv": ("HubSpot", "utf-8", {"source_map": {"Offline Sources": "event"}},
                    {"Siobhán O’Connor", "Jürgen Müller", "Zofia Łukasiewicz"}),
    "salesforce_report.csv": ("Salesforce report", "cp1252",
                              {"source_map": {"Partner Referral": "group_affiliate"}},
                              {"Siân Llewellyn", "Renée Dubois", "Alasdair MacLeòid"}),
    "salesforce_dataloader.csv": ("Salesforce Data Loader", "utf-8", {},
                                  {"Anders Ørsted", "Jiří Dvořák"}),
    "mailchimp_subscribed.csv": ("Mailchimp subscribed export", "utf-8",
                                 {"default_source": "email"},
                                 {"Ingrid Bjørnstad", "Hamish McTavish", "Aoife Ní Bhriain"}),
    "mailchimp_unsubscribed.csv": ("Mailchimp unsubscribed export", "utf-8",
                                   {"default_source": "email"},
                                   {"Ingrid Bjørnstad", "Hamish McTavish", "Aoife Ní Bhriain"}),
    "mailchimp_cleaned.csv": ("Mailchimp cleaned export", "utf-8", {"default_source": "email"},
                              {"Ingrid Bjørnstad", "Hamish McTavish", "Aoife Ní Bhriain"}),
    "outlook.csv": ("Outlook", "cp1252", {"default_source": "email"},
                    {"Siân Evans", "Zoë Åström"}),
    "google_contacts.csv": ("Google Contacts", "utf-8", {"default_source": "meeting"},
                            {"山田 太郎", "Anne-Marie Smith-Jones"}),
    "google_contacts_legacy.csv": ("Google Contacts (legacy)", "utf-16",
                                   {"default_source": "meeting"}, {"Ayşe Yılmaz", "Ana Đukić"}),
    "zoho.csv": ("Zoho CRM", "utf-8", {}, {"Sigrún Þórsdóttir", "Ægir Æsirsson"}),
    "pipedrive.csv": ("Pipedrive", "utf-8", {"default_source": "call"},
                      {"Łucja Wiśniewska", "Pat O'Brien"}),
    "thunderbird.csv": ("Thunderbird", "cp1250", {"default_source": "email"},
                        {"Paweł Wróblewski", "Małgorzata Kowalczyk"}),
    "contacts.vcf": ("vCard", "utf-8", {"default_source": "email"},
                     {"Hélène Lefèbvre", "山田 花子"}),
    "japanese_cp932.csv": (None, "cp932", {"default_source": "event"}, {"佐藤 花子", "鈴木 一郎"}),
    "mac_roman.csv": ("privdesk template", "mac_roman", {}, {"François Lefèvre", "Zoë Müller"}),
    "chinese_gbk.csv": ("privdesk template", "gbk", {}, {"王伟", "李娜"}),
}


@pytest.fixture
def importer(ctx: ServiceContext) -> ContactImportService:
    return ContactImportService(ctx)


def stored(ctx: ServiceContext, column: str = "name") -> dict[str, tuple[object, ...]]:
    with ctx.store.read_session() as s:
        rows = s.execute(text(f"SELECT {column}, marketing_opt_out, opt_out_on, phone, company, "
                              "notes, source, status, location FROM contacts")).all()
    return {r[0]: tuple(r[1:]) for r in rows}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_each_real_layout_imports_as_written(name: str, importer: ContactImportService,
                                             ctx: ServiceContext) -> None:
    kind, encoding, options, names = LAYOUTS[name]
    data = (FIXTURES / name).read_bytes()
    preview = importer.preview(data)
    assert (preview.kind, preview.encoding.removesuffix("-sig")) == (kind, encoding)
    assert preview.encoding_certain
    result = importer.run(data, **options)  # type: ignore[arg-type]
    assert result.committed and result.errors == (), result.errors
    assert names <= set(stored(ctx)), stored(ctx)  # exactly as written: no mojibake


def test_opt_outs_from_every_crm_column_are_recorded(importer: ContactImportService,
                                                     ctx: ServiceContext) -> None:
    for name, _kind in (("hubspot.csv", 0), ("salesforce_report.csv", 0),
                        ("salesforce_dataloader.csv", 0), ("zoho.csv", 0), ("pipedrive.csv", 0)):
        options = LAYOUTS[name][2]
        assert importer.run((FIXTURES / name).read_bytes(), **options).committed  # type: ignore[arg-type]
    people = stored(ctx)
    opted_out = {n for n, row in people.items() if row[0]}
    assert opted_out == {
        "Siobhán O’Connor",  # HubSpot: Unsubscribed from all email = true
        "Siân Llewellyn",  # Salesforce report: Email Opt Out = 1
        "Anders Ørsted",  # Data Loader: HASOPTEDOUTOFEMAIL = true
        "Jiří Dvořák",  # Data Loader: DONOTCALL = true (an objection to marketing calls)
        "Sigrún Þórsdóttir",  # Zoho: Email Opt Out = true
        "Łucja Wiśniewska",  # Pipedrive: Marketing status = Unsubscribed
    }, opted_out


@pytest.mark.parametrize("name", ["mailchimp_unsubscribed.csv", "mailchimp_cleaned.csv"])
def test_a_mailchimp_unsubscribed_or_cleaned_file_is_all_objections(
        name: str, importer: ContactImportService, ctx: ServiceContext) -> None:
    result = importer.run((FIXTURES / name).read_bytes(), default_source="email")
    assert result.committed and result.objections == 3
    people = stored(ctx)
    assert all(row[0] for row in people.values())
    if name == "mailchimp_unsubscribed.csv":  # the date is UNSUB_TIME where given
        assert people["Ingrid Bjørnstad"][1] == "2024-02-03"
        assert people["Aoife Ní Bhriain"][1] == ctx.today().isoformat()  # blank time: still an objection


def test_a_reimport_never_clears_an_opt_out_and_records_new_ones(
        importer: ContactImportService, ctx: ServiceContext) -> None:
    unsub = (FIXTURES / "mailchimp_unsubscribed.csv").read_bytes()
    sub = (FIXTURES / "mailchimp_subscribed.csv").read_bytes()
    assert importer.run(sub, default_source="email").imported == 3
    assert not any(row[0] for row in stored(ctx).values())
    # The unsubscribed export of the same audience: everyone is already in the register,
    # so nobody is added, and every objection lands on the existing contact.
    again = importer.run(unsub, default_source="email")
    assert again.imported == 0 and len(again.matched) == 3
    assert {m.action for m in again.matched} == {"objection recorded"}
    assert all(row[0] for row in stored(ctx).values())
    # The objections are on the suppression list now, as a recorded opt-out's are.
    assert SuppressionList(ctx).check_many([("ingrid@example.no", None)]) == [True]
    # Importing the subscribed file again clears nothing and adds nobody.
    for mode in ("skip", "fill", "new"):
        result = importer.run(sub, default_source="email", on_existing=mode)
        assert len(result.suppressed) == 3 and result.imported == 0
        with ctx.store.read_session() as s:
            flags = s.execute(text("SELECT marketing_opt_out FROM contacts")).scalars().all()
        assert flags == [1, 1, 1], (mode, flags)


def test_a_person_imported_again_as_new_carries_the_objection_on_record(
        importer: ContactImportService, ctx: ServiceContext) -> None:
    contacts = ContactService(ctx)
    from privdesk.domain.contact_records import ContactInput
    contacts.create(ContactInput(name="Hamish M.", email="hamish@example.co.uk",
                                 source="email", marketing_opt_out=True))
    with ctx.store.session() as s:  # an opt-out recorded before the suppression list
        s.execute(text("DELETE FROM suppression"))
    result = importer.run((FIXTURES / "mailchimp_subscribed.csv").read_bytes(),
                          default_source="email", on_existing="new")
    assert result.imported == 3
    assert [m.action for m in result.matched] == ["imported as new"]
    with ctx.store.read_session() as s:
        flags = s.execute(text("SELECT marketing_opt_out FROM contacts WHERE email = "
                               "'hamish@example.co.uk'")).scalars().all()
    assert flags == [1, 1]


def test_reimport_matches_people_skip_fill_or_new(importer: ContactImportService,
                                                 ctx: ServiceContext) -> None:
    data = (FIXTURES / "zoho.csv").read_bytes()
    assert importer.run(data).imported == 2
    checked = importer.validate(data, on_existing="fill")
    assert {m.action for m in checked.matched} == {"will be filled in"}
    skipped = importer.run(data)
    assert skipped.imported == 0 and {m.action for m in skipped.matched} == {"skipped"}
    assert len(stored(ctx)) == 2
    new = importer.run(data, on_existing="new")
    # Sigrún objected (Email Opt Out = true): she is on the suppression list now, so
    # she is never added again; Ægir is imported as a second record.
    assert new.imported == 1 and new.suppressed == (2,)
    assert {m.action for m in new.matched} == {"imported as new"}
    with ctx.store.read_session() as s:
        assert s.execute(text("SELECT count(*) FROM contacts")).scalar_one() == 3


def test_fill_copies_only_empty_fields(importer: ContactImportService, ctx: ServiceContext) -> None:
    contacts = ContactService(ctx)
    from privdesk.domain.contact_records import ContactInput
    contacts.create(ContactInput(name="Sigrún Þ.", email="sigrun@example.is", source="call",
                                 company="Kept Ltd"))
    result = importer.run((FIXTURES / "zoho.csv").read_bytes(), on_existing="fill")
    assert result.committed and result.imported == 1 and result.updated == 1
    row = stored(ctx)["Sigrún Þ."]
    assert row[3] == "Kept Ltd"  # not overwritten
    assert row[2] == "+354 611 2345" and row[0]  # empty phone filled; objection recorded


def test_an_unknown_opt_out_column_blocks_until_mapped_or_ignored(
        importer: ContactImportService, ctx: ServiceContext) -> None:
    data = (FIXTURES / "unknown_opt_out.csv").read_bytes()
    blocked = importer.run(data, skip_invalid=True)
    assert not blocked.committed and blocked.needs == ("columns",)
    assert "Newsletter consent withdrawn" in blocked.errors[0].reason
    assert stored(ctx) == {}
    mapped = importer.run(data, mapping={0: "name", 1: "email", 2: "marketing_opt_out",
                                         3: "source"})
    assert mapped.committed and mapped.objections == 1
    assert stored(ctx)["Hamish McTavish"][0] and not stored(ctx)["Morag Campbell"][0]
    ignored = importer.validate(data, mapping={0: "name", 1: "email", 2: "ignore", 3: "source"})
    assert ignored.needs == ()


def test_quoted_commas_quotes_and_line_breaks_stay_in_one_row(
        importer: ContactImportService, ctx: ServiceContext) -> None:
    for name in ("google_contacts.csv", "salesforce_dataloader.csv"):
        result = importer.run((FIXTURES / name).read_bytes(), default_source="meeting")
        assert result.total_rows == 2 and result.imported == 2
    notes = {n: row[4] for n, row in stored(ctx).items()}
    assert notes["Anne-Marie Smith-Jones"] == NOTE
    assert notes["Anders Ørsted"] == NOTE


def test_salesforce_report_dates_footer_and_values(importer: ContactImportService,
                                                   ctx: ServiceContext) -> None:
    data = (FIXTURES / "salesforce_report.csv").read_bytes()
    checked = importer.validate(data)
    assert checked.date_order == "dmy" and checked.total_rows == 3
    assert sum("report footer" in w for w in checked.warnings) == 1
    assert not any(e.line >= 6 for e in checked.errors)  # the footer is not row errors
    values = {(v.kind, v.value): (v.key, v.how) for v in checked.values}
    assert values[("source", "Trade Show")] == ("event", "auto")
    assert values[("source", "Web")] == ("enquiry_form", "auto")
    assert values[("source", "Partner Referral")] == (None, "unmapped")
    assert checked.needs == ("values",)
    result = importer.run(data, source_map={"Partner Referral": "group_affiliate"})
    assert result.committed and result.imported == 3
    people = stored(ctx)
    assert people["Alasdair MacLeòid"][5] == "group_affiliate"
    # Mobile used when the main phone is empty; both kept when both are given.
    assert people["Renée Dubois"][2] == "+33 6 12 34 56 78"
    assert people["Alasdair MacLeòid"][2] == "01463 123456"
    assert "Mobile: 07911 654321" in (people["Alasdair MacLeòid"][4] or "")
    with ctx.store.read_session() as s:
        first = s.execute(text("SELECT first_contact FROM contacts WHERE name = 'Siân Llewellyn'"
                               )).scalar_one()
    assert str(first) == "2024-03-10"


def test_the_store_remembers_value_maps_for_the_next_file(importer: ContactImportService) -> None:
    data = (FIXTURES / "salesforce_report.csv").read_bytes()
    assert importer.run(data, source_map={"Partner Referral": "group_affiliate"}).committed
    later = importer.validate(data, on_existing="new")
    values = {(v.kind, v.value): (v.key, v.how) for v in later.values}
    assert values[("source", "Partner Referral")] == ("group_affiliate", "remembered")
    assert later.needs == ()


def test_ambiguous_dates_ask_for_the_order(importer: ContactImportService,
                                           ctx: ServiceContext) -> None:
    body = "name,email,source,first_contact\nAnn Lee,ann@x.example,email,03/04/2024\n"
    asked = importer.run(body.encode())
    assert asked.needs == ("date_order",) and not asked.committed
    assert "--date-order" in asked.errors[0].reason
    done = importer.run(body.encode(), date_order="mdy")
    assert done.committed
    with ctx.store.read_session() as s:
        assert str(s.execute(text("SELECT first_contact FROM contacts")).scalar_one()) == "2024-03-04"


def test_phone_placeholders_and_the_rows_country(importer: ContactImportService,
                                                 ctx: ServiceContext) -> None:
    result = importer.run((FIXTURES / "hubspot.csv").read_bytes(),
                          source_map={"Offline Sources": "event"})
    assert result.committed and result.errors == ()
    people = stored(ctx)
    assert people["Zofia Łukasiewicz"][2] is None  # "n/a" is no phone, not a bad row
    assert people["Siobhán O’Connor"][2] == "+353 87 123 4567"  # Irish, by the row's country
    assert people["Siobhán O’Connor"][3] == "Dún Laoghaire Tools"  # Associated Company


@pytest.mark.parametrize(("text_", "encoding"), [("Anders Ørsted, Søren Kierkegård", "cp1252"),
                                                 ("Zofia Łukasiewicz, Paweł Ząbek", "cp1250")])
def test_cp1252_and_cp1250_are_told_apart(importer: ContactImportService, text_: str,
                                          encoding: str) -> None:
    body = f"name,source\n\"{text_}\",email\n".encode(encoding)
    preview = importer.preview(body)
    assert preview.encoding == encoding and text_.split(",")[0] in " ".join(preview.sample[0])


def test_mojibake_is_refused_not_stored(importer: ContactImportService, ctx: ServiceContext) -> None:
    cp1250 = "name,source\nZofia Łukasiewicz,email\n".encode("cp1250")
    forced = importer.run(cp1250, encoding="cp1252")  # "£ukasiewicz"
    assert not forced.committed and forced.needs == ("encoding",)
    assert "garbled" in forced.errors[0].reason
    double = "name,source\nRenÃ©e Dubois,email\n".encode()  # UTF-8 read as cp1252, saved again
    refused = importer.run(double)
    assert not refused.committed and refused.needs == ("encoding",)
    assert stored(ctx) == {}


def test_search_finds_imported_names(importer: ContactImportService, ctx: ServiceContext) -> None:
    importer.run((FIXTURES / "google_contacts.csv").read_bytes(), default_source="meeting")
    importer.run((FIXTURES / "zoho.csv").read_bytes())
    contacts = ContactService(ctx)
    for query, name in (("太郎", "山田 太郎"), ("thorsdottir", "Sigrún Þórsdóttir"),
                        ("aesirsson", "Ægir Æsirsson"), ("smithjones", "Anne-Marie Smith-Jones")):
        assert name in [r.name for r in contacts.search(ContactQuery(text=query)).rows]


@pytest.mark.parametrize("body", [b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\n",
                                  b"BEGIN:VCARD\nVERSION:4.0\nN:;;;;\nEND:VCARD\n"])
def test_a_broken_vcard_is_refused_in_plain_words(importer: ContactImportService,
                                                  ctx: ServiceContext, body: bytes) -> None:
    result = importer.run(body, default_source="email", skip_invalid=True)
    assert not result.committed and stored(ctx) == {}
    reason = result.errors[0].reason
    assert "vCard" in reason or "name is required" in reason
