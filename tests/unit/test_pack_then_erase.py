"""A pack holds the person's data, so erasing the person must take the pack with it."""

from __future__ import annotations

from sqlalchemy import func, select

from privdesk.services.container import Services
from privdesk.store.models import Document
from tests.unit.pack_fixtures import REF, make_request


def test_erasing_the_person_deletes_their_packs_and_letters(services: Services) -> None:
    make_request(services.ctx)
    services.packs.build(REF)
    services.packs.export(REF, "json")
    with services.ctx.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 2
        assert s.scalar(select(func.count()).select_from(Document)
                        .where(Document.contact_id.is_(None))) == 0
        contact_id = s.scalar(select(Document.contact_id))
    assert contact_id is not None
    # The access request holds the data until it is answered (DPA 2018 s.173).
    assert services.erasure.preview((contact_id,)).blocked
    services.requests.respond(REF, services.ctx.today(), "email")
    preview = services.erasure.preview((contact_id,))
    assert preview.counts.documents == 2
    result = services.erasure.erase((contact_id,))
    assert result.erased
    with services.ctx.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
