"""The breach register over a real encrypted store: recording, decisions kept, the
late-notice rule, Art. 34 letters and the ICO draft read back."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from privdesk.domain.contact_records import ContactInput
from privdesk.services.authz import PermissionDenied
from privdesk.services.breach_records import BreachError, NewBreach
from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.models import AuditEvent, Document

NOW = datetime(2026, 10, 27, 12, 0)  # naive UTC: Tue 27 Oct 2026 12:00 GMT


@pytest.fixture
def svc(ctx: ServiceContext) -> Services:
    ctx.now = lambda: NOW
    return Services.build(ctx)


def _contact(svc: Services, name: str, email: str) -> int:
    return svc.contacts.create(ContactInput(name=name, email=email, status="customer",
                                            source="email", customer_since=None)).id


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _new(**kw: object) -> NewBreach:
    base: dict[str, object] = dict(
        aware_at=datetime(2026, 10, 23, 9, 0), summary="A laptop with the CRM export was stolen "
        "from a car.", data_categories=("basic_identifiers",), subject_categories=("customers",),
        people_count=120, records_count=130, consequences="Unwanted contact, phishing.",
        measures="Laptop wiped remotely; passwords rotated.", cyber="no")
    base.update(kw)
    return NewBreach(**base)  # type: ignore[arg-type]


def test_add_reads_back_with_the_72_hour_clock(svc: Services) -> None:
    d = svc.breaches.add(_new())
    assert d.reference == "BR-2026-0001"
    row = d.row
    assert row.as_json(NOW)["notify_ico_by"] == "2026-10-26T08:00:00+00:00"  # across the change
    assert row.as_json(NOW)["aware_at"] == "2026-10-23T09:00:00+01:00"
    assert row.clock_running and row.reading(NOW).overdue
    with svc.ctx.store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "breach.create")) == 1


@pytest.mark.parametrize(("kw", "message"), [
    ({"summary": "  "}, "Give a description of what happened"),
    ({"aware_at": datetime(2026, 10, 28, 9, 0)}, "is in the future"),
    ({"aware_at": datetime(2026, 3, 29, 1, 30)}, "does not exist in Europe/London"),
    ({"people_count": -1}, "cannot be negative"),
    ({"data_categories": ("bogus",)}, "Unknown data category 'bogus'"),
    ({"contact_ids": (999,)}, "No contact with id 999"),
    ({"occurred_at": datetime(2026, 10, 24, 9, 0)}, "after you became aware"),
])
def test_bad_input_is_refused_and_changes_nothing(svc: Services, kw: dict[str, object],
                                                  message: str) -> None:
    with pytest.raises(BreachError, match=message):
        svc.breaches.add(_new(**kw))
    assert svc.breaches.register() == []


def test_decisions_are_kept_and_late_notice_needs_reasons(svc: Services) -> None:
    ref = svc.breaches.add(_new()).reference
    with pytest.raises(BreachError, match="reasons for not notifying"):
        svc.breaches.decide_ico(ref, notify=False, reasons=" ")
    d = svc.breaches.decide_ico(ref, notify=False, reasons="Encrypted disk; key not with it.")
    assert d.row.ico_decision == "not_notify" and not d.row.clock_running
    # Changing one's mind is allowed and both decisions stay on the record.
    late_at = datetime(2026, 10, 26, 9, 0)  # GMT: 73 h after 09:00 BST on the 23rd
    with pytest.raises(BreachError, match="reasons for the delay"):
        svc.breaches.decide_ico(ref, notify=True, reasons="Disk found unencrypted",
                                notified_at=late_at)
    d = svc.breaches.decide_ico(ref, notify=True, reasons="Disk found unencrypted",
                                notified_at=late_at, delay_reasons="Forensics took four days",
                                ico_reference="IC-123456-A1B2")
    assert [x.outcome for x in d.decisions] == ["not_notify", "notify"]
    assert d.decisions[0].reasons == "Encrypted disk; key not with it."
    assert d.decisions[1].delay_reasons == "Forensics took four days"
    assert d.row.late is True and d.row.clock_text(NOW) == "Notified late (73 h)"
    again = svc.breaches.get(ref)  # read back from the store
    assert again.decisions == d.decisions and again.ico_reference == "IC-123456-A1B2"
    with pytest.raises(BreachError, match="whether the people affected"):
        svc.breaches.close(ref, "Done")
    svc.breaches.decide_people(ref, tell=False, reasons="Low risk: contact details only.")
    closed = svc.breaches.close(ref, "Staff reminded to keep laptops out of cars.")
    assert closed.row.status == "closed"
    with pytest.raises(BreachError, match="is closed"):
        svc.breaches.decide_people(ref, tell=True, reasons="x")


def test_letters_to_each_linked_person_and_ico_draft_without_them(svc: Services) -> None:
    ada = _contact(svc, "Ada Lovelace", "ada@example.org")
    bob = _contact(svc, "Bob Żółć", "bob@example.org")
    ref = svc.breaches.add(_new(contact_ids=(ada, bob))).reference
    with pytest.raises(BreachError, match="record that decision first"):
        svc.breach_documents.letters(ref)
    svc.breaches.decide_people(ref, tell=True, reasons="Passwords were in the export.")
    letters = svc.breach_documents.letters(ref)
    texts = [_text(b.content) for b in letters]
    assert "Dear Ada Lovelace" in texts[0] and "Dear Bob Żółć" in texts[1]
    for t in texts:
        assert "A laptop with the CRM export was stolen" in t and "23 October 2026" in t
        assert "Laptop wiped remotely" in t and ref in t
    draft = svc.breach_documents.ico_draft(ref)
    text = _text(draft.content)
    for expected in ("About your report", "About the breach", "Taking action", "About you",
                     "Z9304332", "Mon 26 Oct 2026 08:00 GMT", "Fri 23 Oct 2026 09:00 BST",
                     "About 120", "Customers or prospective customers"):
        assert expected in text
    assert "Ada" not in text and "ada@example.org" not in text and "Żółć" not in text
    with svc.ctx.store.session() as s:
        kinds = sorted(s.scalars(select(Document.kind)))
    assert kinds == ["breach_ico_draft", "breach_letter", "breach_letter"]


def test_ico_draft_refuses_a_linked_persons_name(svc: Services) -> None:
    ada = _contact(svc, "Ada Lovelace", "ada@example.org")
    ref = svc.breaches.add(_new(contact_ids=(ada,), summary="Email to Ada Lovelace misdirected")
                           ).reference
    with pytest.raises(BreachError, match="'Ada Lovelace'.*what happened"):
        svc.breach_documents.ico_draft(ref)
    with svc.ctx.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_viewer_cannot_record(ctx: ServiceContext) -> None:
    ctx.actor = Actor("Vi", "viewer")
    with pytest.raises(PermissionDenied):
        Services.build(ctx).breaches.add(_new())


def test_erasing_a_linked_person_removes_link_and_letter_but_keeps_the_breach(svc: Services) -> None:
    ada = _contact(svc, "Ada Lovelace", "ada@example.org")
    ref = svc.breaches.add(_new(contact_ids=(ada,))).reference
    svc.breaches.decide_people(ref, tell=True, reasons="High risk")
    svc.breach_documents.letters(ref)
    svc.erasure.erase([ada])
    d = svc.breaches.get(ref)
    assert d.contacts == () and d.row.people_count == 120  # the log keeps its facts
    with svc.ctx.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
    with pytest.raises(BreachError, match="No one in the register is linked"):
        svc.breach_documents.letters(ref)
