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
        assert "to Optex Japan on 20 May 2024" in text
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


def test_history_dates_read_as_the_rest_of_the_pack(services: Services) -> None:
    """Found walking the window: a call added while a request was open moved "Last
    activity" and the pack sent to the person printed "2024-06-30 -> 2026-11-29" and
    "Call on 2026-11-29" in the history, ISO among en-GB dates. Notes keep their text."""
    import re
    from dataclasses import replace

    from privdesk.domain.contact_records import NewInteraction, RelatedChanges
    make_request(services.ctx)
    detail = services.contacts.get(1)
    services.contacts.update(1, replace(detail.data, notes="Agreed 2026-12-01 by phone"),
                             RelatedChanges(new_interactions=(
                                 NewInteraction("call", date(2026, 11, 20), "Asked for a copy"),)))
    services.contacts.opt_out(1)  # history "no" -> "yes", printed as the record says it
    built = services.packs.build(REF)
    for text in (pdf_text(built.content), poppler_text(built.content)):
        flat = " ".join(text.split())
        assert "Call on 20 Nov 2026: Asked" in flat
        assert "Agreed 2026-12-01 by phone" in flat  # the officer's own words, untouched
        start = flat.index("Changes made to your contact record.")
        history = flat[start:flat.index("Data-protection requests you have made", start)]
        assert "30 Jun 2024 20 Nov 2026" in history  # last activity, old and new
        assert " no " not in history and " yes " not in history
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", history.replace("2026-12-01", ""))
    assert "Marketing opt out No Yes" in " ".join(pdf_text(built.content).split())
