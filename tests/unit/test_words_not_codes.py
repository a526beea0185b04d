"""Words, not codes, in what the person reads: the pack's history, its source and its
transfers (a safeguard named per recipient, EEA group companies included), the refusal
letter, and the request timeline."""

from __future__ import annotations

from datetime import date, datetime

from privdesk.services.container import Services
from privdesk.store.models import Contact, ContactChange
from tests.unit.pack_fixtures import REF, make_request
from tests.unit.test_packs_service import pdf_text, poppler_text

CODES = ("optex_japan", "former_customer", "group_optex_japan", "manifestly_excessive",
         "enquiry_form", "standard data protection clauses")


def test_pack_prints_words_for_every_stored_key(services: Services) -> None:
    make_request(services.ctx)
    with services.ctx.store.session() as s:
        contact = s.get(Contact, 1)
        assert contact is not None
        contact.source = "group_optex_japan"
        s.add_all([
            ContactChange(contact_id=1, field="disclosure", old_value=None,
                          new_value="to optex_japan on 2024-05-20 for Warranty claim",
                          officer="Priya Shah", changed_at=datetime(2024, 5, 20, 9)),
            ContactChange(contact_id=1, field="status", old_value="customer",
                          new_value="former_customer", officer="Priya Shah",
                          changed_at=datetime(2024, 6, 30, 9)),
            ContactChange(contact_id=1, field="source", old_value="enquiry_form",
                          new_value="group_optex_japan", officer="Priya Shah",
                          changed_at=datetime(2024, 7, 1, 9))])
    built = services.packs.build(REF)
    for text in (pdf_text(built.content), poppler_text(built.content)):
        for code in CODES:
            assert code not in text, code
        assert "to Optex Japan on 2024-05-20" in text
        assert "Former customer" in text
        assert "Our parent company Optex Japan (Japan)" in text  # the source, named
        assert "Transfers outside the UK, and their safeguards" in text
        assert "Optex Poland Poland UK adequacy regulations" in " ".join(text.split())
    json_copy = services.packs.export(REF, "json").content.decode("utf-8")
    assert "optex_japan" not in json_copy and "Optex Japan" in json_copy


def test_new_disclosures_are_written_to_history_by_name(services: Services) -> None:
    from dataclasses import replace

    from privdesk.domain.contact_records import NewDisclosure, RelatedChanges
    make_request(services.ctx)
    detail = services.contacts.get(1)
    services.contacts.update(1, replace(detail.data), RelatedChanges(new_disclosures=(
        NewDisclosure("optex_poland", "Service visit", date(2026, 11, 1)),)))
    history = services.contacts.get(1).history
    assert any(h.new_value and "to Optex Poland on 2026-11-01" in h.new_value for h in history)
