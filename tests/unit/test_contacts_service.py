"""The contact register over a real encrypted store: create, correct, history, search,
duplicates and merge."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from privdesk.domain.contact_records import (
    ContactInput,
    ContactQuery,
    NewDisclosure,
    NewInteraction,
    RelatedChanges,
)
from privdesk.services.authz import PermissionDenied
from privdesk.services.contacts import ContactService, ContactValidationError
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.models import AuditEvent
from tests.store_kinds import store  # noqa: F401  (both kinds of store)

ANN = ContactInput(name="Ann Lee", email="ann.lee@acme.example", phone="+44 7911 123456",
                   company="Acme Widgets", location="Leeds", status="enquirer",
                   source="enquiry_form", first_contact=date(2026, 3, 1),
                   last_activity=date(2026, 3, 4))


@pytest.fixture
def contacts(ctx: ServiceContext) -> ContactService:
    return ContactService(ctx)


def test_create_sets_derived_fields_and_history(contacts: ContactService) -> None:
    c = contacts.create(ANN)
    assert c.retention_rule == "enquiry" and c.retention_due == date(2027, 3, 4)
    assert "12 months" in c.retention_working
    assert [h.field for h in c.history] == ["created"]
    assert c.history[0].officer == "Test Officer"


def test_invalid_input_gives_every_error_in_plain_words(contacts: ContactService) -> None:
    bad = ContactInput(name="  ", email="not-an-email", phone="12", status="former_customer",
                       source="carrier_pigeon")
    with pytest.raises(ContactValidationError) as err:
        contacts.create(bad)
    fields = {e.field for e in err.value.errors}
    assert fields == {"name", "email", "phone", "source", "ceased"}
    assert contacts.search(ContactQuery()).total == 0


def test_correction_is_recorded_field_by_field(contacts: ContactService, ctx: ServiceContext) -> None:
    c = contacts.create(ANN)
    ctx.actor = Actor("Priya Shah", "officer")
    fixed = contacts.update(c.id, ContactInput(**{**ANN.__dict__, "email": "ann@acme.example",
                                                  "status": "customer",
                                                  "customer_since": date(2026, 4, 1)}))
    changes = {h.field: h for h in fixed.history}
    assert changes["email"].old_value == "ann.lee@acme.example"
    assert changes["email"].new_value == "ann@acme.example"
    assert changes["email"].officer == "Priya Shah"
    assert changes["status"].new_value == "customer"
    assert fixed.retention_rule == "customer" and fixed.retention_due is None
    # Saving unchanged data records nothing new.
    again = contacts.update(c.id, fixed.data)
    assert len(again.history) == len(fixed.history)
    with ctx.store.session() as s:
        events = s.query(AuditEvent).filter(AuditEvent.action == "contacts.update").all()
        assert events and all("ann" not in e.detail.lower() for e in events)


def test_opt_out_is_dated_and_related_changes_are_saved(contacts: ContactService) -> None:
    c = contacts.create(ANN)
    out = contacts.opt_out(c.id)
    assert out.data.marketing_opt_out and out.opt_out_on == date(2026, 11, 24)
    related = RelatedChanges(
        new_interactions=(NewInteraction("call", date(2026, 6, 1), "Asked for a quote"),),
        new_disclosures=(NewDisclosure("optex_japan", "Order fulfilment", date(2026, 6, 2)),))
    d = contacts.update(c.id, out.data, related)
    assert len(d.interactions) == 1 and d.disclosures[0].recipient == "optex_japan"
    assert d.data.last_activity == date(2026, 6, 1)  # an interaction moves the clock
    assert d.retention_due == date(2027, 6, 1)
    d = contacts.update(c.id, d.data, RelatedChanges(removed_interactions=(d.interactions[0].id,)))
    assert d.interactions == ()
    assert [h.field for h in d.history].count("interaction") == 2
    with pytest.raises(ContactValidationError):
        contacts.update(c.id, d.data, RelatedChanges(
            new_disclosures=(NewDisclosure("the_moon", "x", date(2026, 1, 1)),)))


def test_viewer_cannot_edit(contacts: ContactService, ctx: ServiceContext) -> None:
    ctx.actor = Actor("Jo Lewis", "viewer")
    with pytest.raises(PermissionDenied):
        contacts.create(ANN)


@pytest.mark.parametrize("typed", ["ann lee", "ANN LEE", "Ánn  Lée", "lee", "acme wid",
                                   "ANN.LEE@ACME", "+44 7911 123456", "07911 123456",
                                   "0044 7911 123", "07911123", "an", "An"])
def test_search_normalises_case_accents_spacing_and_phone_forms(
        contacts: ContactService, typed: str) -> None:
    contacts.create(ANN)
    contacts.create(ContactInput(name="Bob Stone", email="bob@stone.example", source="call",
                                 first_contact=date(2026, 1, 1)))
    page = contacts.search(ContactQuery(text=typed))
    assert [r.name for r in page.rows] == ["Ann Lee"], typed
    assert page.total == 1


def test_search_filters_sorts_and_pages(contacts: ContactService) -> None:
    for i in range(30):
        contacts.create(ContactInput(name=f"Person {i:02d}", source="call" if i % 2 else "email",
                                     first_contact=date(2026, 1, 1)))
    page = contacts.search(ContactQuery(source="call", sort="name", descending=True), 0, 10)
    assert page.total == 15 and len(page.rows) == 10 and page.rows[0].name == "Person 29"
    page2 = contacts.search(ContactQuery(source="call", sort="name", descending=True), 10, 10)
    assert len(page2.rows) == 5
    assert contacts.search(ContactQuery(text="person", status="customer")).total == 0
    ids = contacts.search_ids(ContactQuery(text="person 1"), 0, 100)
    assert ids.total == 10
    assert [r.id for r in contacts.rows(ids.ids[::-1])] == list(ids.ids[::-1])


@pytest.mark.parametrize("hostile", ['"; DROP TABLE contacts; --', "<b>x</b>", "NEAR(a b)",
                                     "a*", "\u202egnp.exe", "x" * 10_000, "%_\\", '"'],
                         ids=["sql", "markup", "near", "star", "bidi", "10k", "like", "quote"])
def test_hostile_search_text_never_fails(contacts: ContactService, hostile: str) -> None:
    contacts.create(ANN)
    page = contacts.search(ContactQuery(text=hostile))
    assert page.total == 0
    assert contacts.search(ContactQuery()).total == 1


def test_duplicates_by_email_phone_and_close_name(contacts: ContactService) -> None:
    ann = contacts.create(ANN)
    same_email = ContactInput(name="A. Lee", email=" ANN.LEE@acme.example ", source="email")
    assert [d.id for d in contacts.find_duplicates(same_email)] == [ann.id]
    same_phone = ContactInput(name="Someone", phone="07911 123456", source="email")
    assert contacts.find_duplicates(same_phone)[0].reasons == ("same phone",)
    close = ContactInput(name="Anne Lee", company="ACME Widgets", source="email")
    assert contacts.find_duplicates(close)[0].reasons == ("similar name at the same company",)
    other_company = ContactInput(name="Anne Lee", company="Other Ltd", source="email")
    assert contacts.find_duplicates(other_company) == []
    assert contacts.find_duplicates(ANN, exclude_id=ann.id) == []


def test_merge_keeps_everything(contacts: ContactService, ctx: ServiceContext) -> None:
    keep = contacts.create(ANN)
    other = contacts.create(ContactInput(
        name="Anne Lee", email=None, phone="+44 7400 123456", company="Acme Widgets",
        source="call", first_contact=date(2025, 1, 1), last_activity=date(2026, 5, 1)))
    contacts.update(other.id, other.data, RelatedChanges(
        new_interactions=(NewInteraction("meeting", date(2026, 5, 1), "Stand at the expo"),),
        new_disclosures=(NewDisclosure("hosting", "Website account", date(2026, 5, 2)),)))
    contacts.opt_out(other.id)
    with ctx.store.session() as s:
        s.execute(text("INSERT INTO requests (reference, type, channel, status, requester_name,"
                       " received_on, created_at) VALUES ('SAR-1', 'access', 'email', 'new',"
                       " 'Anne', '2026-11-01', '2026-11-01 00:00:00')"))
        s.execute(text("INSERT INTO request_contacts VALUES (1, :o)"), {"o": other.id})
    other_history = len(contacts.get(other.id).history)
    merged = contacts.merge(keep.id, other.id)
    assert len(merged.interactions) == 1 and len(merged.disclosures) == 1
    assert merged.request_ids == (1,)
    assert merged.data.phone == "+44 7911 123456"  # the kept contact's own value wins
    assert merged.data.first_contact == date(2025, 1, 1)
    assert merged.data.marketing_opt_out  # an objection survives a merge
    fields = [h.field for h in merged.history]
    assert "merge" in fields
    assert len(merged.history) >= other_history + 2
    assert contacts.search(ContactQuery(text="anne")).total == 0  # gone from the index
    with ctx.store.session() as s:
        audit = s.query(AuditEvent).filter(AuditEvent.action == "contacts.merge").one()
        assert f"merged {other.id} into {keep.id}" in audit.detail


def test_legal_hold_defers_retention_and_needs_a_reason(contacts: ContactService) -> None:
    c = contacts.create(ANN)
    assert c.retention_due == date(2027, 3, 4)
    held = contacts.update(c.id, ContactInput(**{**ANN.__dict__,
                                                 "legal_hold_reason": "Claim 2026/17",
                                                 "legal_hold_until": date(2029, 1, 31)}))
    assert held.retention_rule == "legal_hold" and held.retention_due == date(2029, 1, 31)
    assert contacts.search(ContactQuery(text="ann lee")).rows[0].retention_due == date(2029, 1, 31)
    with pytest.raises(ContactValidationError) as err:
        contacts.update(c.id, ContactInput(**{**ANN.__dict__, "legal_hold_until": date(2029, 1, 1)}))
    assert err.value.errors[0].field == "legal_hold_reason"


@pytest.mark.parametrize("store", ["file"], indirect=True)  # demo bulk load: local only
def test_broad_searches_stop_counting_at_the_cap(contacts: ContactService, ctx: ServiceContext) -> None:
    from privdesk.services import contacts_search
    from privdesk.services.demo import DemoDataService
    DemoDataService(ctx).generate(contacts=1500, requests=0)
    page = contacts.search(ContactQuery(text="example"), 0, 50)  # every demo email
    assert page.capped and page.total == contacts_search.CAP and len(page.rows) == 50
    last = contacts.search(ContactQuery(text="example"), contacts_search.CAP - 10, 50)
    assert len(last.rows) == 10
    short = contacts.search(ContactQuery(text="a"), 0, 2000)
    assert all(r.name.lower().startswith("a") for r in short.rows) and short.rows
    ids = [r.id for r in page.rows]
    assert ids == sorted(ids)  # a search with no sort chosen comes in match order


def test_sorting_by_company_lists_each_company_by_name(contacts: ContactService) -> None:
    """Company, then the folded name, then id: the (company, norm_name) index's own order
    (migration 0013 dropped the company-only index), so an officer sees each company's
    people alphabetically, whatever order they were added in."""
    for name, company in [("Zoë Adams", "Beta Ltd"), ("Ana Đukić", "Acme"),
                          ("álvaro Ruiz", "Acme"), ("Bob Stone", "Acme"), ("Ann Lee", "Beta Ltd"),
                          ("Bob Stone", "Acme"), ("No Company", None)]:
        contacts.create(ContactInput(name=name, company=company, source="email",
                                     first_contact=date(2026, 1, 1)))
    rows = contacts.search(ContactQuery(sort="company"), 0, 10).rows
    shown = [(r.company, r.name) for r in rows if r.company]
    assert shown == [("Acme", "álvaro Ruiz"), ("Acme", "Ana Đukić"), ("Acme", "Bob Stone"),
                     ("Acme", "Bob Stone"), ("Beta Ltd", "Ann Lee"), ("Beta Ltd", "Zoë Adams")]
    acme_bobs = [r.id for r in rows if r.name == "Bob Stone"]
    assert acme_bobs == sorted(acme_bobs)  # the same name: in the order added
    backwards = contacts.search(ContactQuery(sort="company", descending=True), 0, 10).rows
    assert [r.id for r in backwards] == [r.id for r in rows][::-1]


def test_sorting_by_company_walks_one_index_on_sqlite(ctx: ServiceContext) -> None:
    """A page sorted by company is read in index order, not sorted after reading the
    whole register (at a million contacts that sort is ~1.5 s a click)."""
    from privdesk.services.contacts_search import order_by

    with ctx.store.session() as s:
        if s.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite's query plan")
        indexes = {r[0] for r in s.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts'"))}
        assert "ix_contacts_company" not in indexes and "ix_contacts_company_name" in indexes
        for descending in (False, True):
            plan = " | ".join(str(r[-1]) for r in s.execute(text(
                "EXPLAIN QUERY PLAN SELECT c.id FROM contacts c "
                f"{order_by(ContactQuery(sort='company', descending=descending))} "
                "LIMIT 50 OFFSET 0")))
            assert "ix_contacts_company_name" in plan and "TEMP B-TREE" not in plan, plan
