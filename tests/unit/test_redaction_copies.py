"""Redaction covers every copy: a third party's details written into a note, changed
(so the rectification history repeats them) and quoted by the history entry of an added
interaction, then redacted once, appear nowhere in the PDF (pypdf and pdftotext), the
JSON or the CSV; and the builder refuses output in which redacted text still appears."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from privdesk.domain.contact_records import NewInteraction, RelatedChanges
from privdesk.services.container import Services
from privdesk.services.pack_records import PackError
from privdesk.services.pack_redaction import find_leak, resolve
from privdesk.services.packs import PackService
from privdesk.store.models import Document, RequestEvent
from tests.unit.pack_fixtures import REF, make_request
from tests.unit.test_packs_service import pdf_text, poppler_text

CANARY = "Neighbour Ottoline Quarrie of 9 Tamarisk Lane"


def _canary_everywhere(services: Services) -> tuple[int, str, str]:
    """The note and a call both name the neighbour; the note is then changed."""
    make_request(services.ctx)
    contact_id = 1  # the fixture's only contact
    detail = services.contacts.get(contact_id)
    services.contacts.update(contact_id, replace(detail.data, notes=f"Prefers email. {CANARY}"))
    detail = services.contacts.get(contact_id)
    services.contacts.update(contact_id, replace(detail.data, notes=f"Prefers post. {CANARY}."),
                             RelatedChanges(new_interactions=(NewInteraction(
                                 "call", date(2026, 11, 3), f"Said {CANARY} complained"),)))
    items = services.packs.items(REF)
    note = next(i.ref for i in items if i.ref.endswith(":notes"))
    call = next(i.ref for i in items if i.ref.startswith("interaction:") and CANARY in i.text)
    return contact_id, note, call


def test_redacting_a_note_hides_every_copy_in_pdf_json_and_csv(services: Services) -> None:
    _, note, call = _canary_everywhere(services)
    copies = [i for i in services.packs.items(REF) if CANARY in i.text]
    assert len(copies) >= 4  # note, call, the note's two changes, the call's history entry
    services.packs.redact(REF, note, "redact", "Names a neighbour")
    services.packs.redact(REF, call, "exclude", "About a neighbour")
    items = {i.ref: i for i in services.packs.items(REF)}
    for item in copies:
        assert items[item.ref].action is not None, item.label
    derived = [i for i in items.values() if i.follows]
    assert derived and all("repeats" in (i.reason or "") for i in derived)

    built = services.packs.build(REF)
    squashed = "".join(CANARY.split())
    for text in (pdf_text(built.content), poppler_text(built.content)):
        assert "".join(text.split()).find(squashed) == -1
        assert "Ottoline" not in text and "Tamarisk" not in text
        assert "[redacted]" in text
    for fmt in ("json", "csv"):
        content = services.packs.export(REF, fmt).content.decode("utf-8-sig")
        assert "Ottoline" not in content and "Tamarisk" not in content
        if fmt == "json":
            assert "Ottoline" not in json.dumps(json.loads(content), ensure_ascii=False)


def test_timeline_and_audit_name_the_item_in_words(services: Services) -> None:
    _, note, _ = _canary_everywhere(services)
    services.packs.redact(REF, note, "redact", "Names a neighbour")
    with services.ctx.store.session() as s:
        details = [e.detail for e in s.query(RequestEvent).filter_by(kind="redaction")]
    assert details == ["Redacted in the pack: Contact record: notes. Reason: Names a neighbour"]
    assert "contact:" not in details[0]


def test_lifting_a_copy_points_at_the_item_it_repeats(services: Services) -> None:
    _, note, _ = _canary_everywhere(services)
    services.packs.redact(REF, note, "redact", "Names a neighbour")
    copy = next(i for i in services.packs.items(REF) if i.follows)
    with pytest.raises(PackError, match="lift that redaction instead"):
        services.packs.unredact(REF, copy.ref, "mistake")


def test_builder_refuses_a_pack_where_redacted_text_appears(services: Services) -> None:
    """The requester's own name is printed on the cover: redacting the contact's name
    cannot hide it there, so the builder names the item and produces nothing."""
    make_request(services.ctx)
    services.packs.redact(REF, "contact:1:name", "redact", "test the last line of defence")
    with services.ctx.store.session() as s:
        before = s.query(Document).count()
    with pytest.raises(PackError, match="Contact record: name.*Nothing was saved or sent"):
        services.packs.build(REF)
    with services.ctx.store.session() as s:
        assert s.query(Document).count() == before
        assert not s.query(RequestEvent).filter_by(kind="pack_generated").count()


def test_find_leak_ignores_line_breaks_and_needs_real_text(services: Services) -> None:
    make_request(services.ctx)
    pack = PackService(services.ctx)
    with services.ctx.store.session() as s:
        from privdesk.services.pack_data import gather
        from privdesk.services.packs import find_request
        items = gather(s, find_request(s, REF), services.ctx.policy)
    note = next(i for i in items if i.ref == "interaction:1")
    res = resolve(items, {note.ref: "redact"})
    words = note.cells[2].split()
    wrapped = " ".join(words[:4]) + "\n" + " ".join(words[4:])
    assert find_leak(f"page text {wrapped} more", res.withheld) is not None
    assert find_leak("Yes No 2 May 2024", res.withheld) is None
    assert pack.items(REF)  # the service still lists everything


@pytest.mark.parametrize("action", ["redact", "exclude"])
def test_withholding_a_request_line_still_builds(services: Services, action: str) -> None:
    """A request line holds no free text: its reference, type and dates are in the pack's
    header and letter by design, so the read-back must not refuse the pack over them
    (seen on the demo store: every pack with a request line marked was refused)."""
    make_request(services.ctx)
    line = next(i for i in services.packs.items(REF) if i.ref.startswith("request:"))
    services.packs.redact(REF, line.ref, action, "Not part of this request")
    built = services.packs.build(REF)
    assert REF in pdf_text(built.content)
