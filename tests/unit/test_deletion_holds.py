"""An open request holds deletion (DPA 2018 s.173): a retention purge skips anyone linked
to an open request and names it (service, CLI text and JSON); an erasure of such a person
is refused except as the erasure request's own action; both are checked again inside the
deleting transaction, so a request that arrives after the review still wins."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from privdesk.services.context import ServiceContext
from privdesk.services.erasure import ErasureService
from privdesk.services.purge import PurgeError, PurgeService
from privdesk.store.models import Contact, RequestContact
from tests.conftest import TODAY
from tests.retention_helpers import add_contact, add_request
from tests.unit.test_cli_retention import _passphrase, run, store  # noqa: F401 - fixtures

OLD = TODAY - timedelta(days=400)


def test_purge_skips_people_under_an_open_request_and_says_which(ctx: ServiceContext) -> None:
    held = add_contact(ctx, "Hana Held", last_activity=OLD)
    free = add_contact(ctx, "Fred Free", last_activity=OLD)
    add_request(ctx, "SAR-2026-0042", (held,), rtype="access")
    add_request(ctx, "SAR-2025-0001", (free,), rtype="access", status="closed")
    purge = PurgeService(ctx)
    preview = purge.preview_due()
    assert preview.contact_ids == (free,)
    assert [(h.contact_id, h.references) for h in preview.held] == [(held, ("SAR-2026-0042",))]
    assert "DPA 2018 s.173" in preview.held[0].reason
    # Choosing the held person by hand holds them too.
    assert purge.preview([held, free]).contact_ids == (free,)
    purge.purge(preview.contact_ids, confirmed_count=1)
    with ctx.store.session() as s:
        assert s.get(Contact, held) is not None and s.get(Contact, free) is None


def test_purge_rechecks_inside_the_transaction(ctx: ServiceContext) -> None:
    cid = add_contact(ctx, "Late Arrival", last_activity=OLD)
    purge = PurgeService(ctx)
    preview = purge.preview_due()
    assert preview.contact_ids == (cid,)
    add_request(ctx, "SAR-2026-0050", (cid,), rtype="access")  # arrives after the review
    with pytest.raises(PurgeError, match="SAR-2026-0050.*Nothing was deleted|Nothing was "
                                         "deleted.*SAR-2026-0050"):
        purge.purge(preview.contact_ids, confirmed_count=1)
    with ctx.store.session() as s:
        assert s.get(Contact, cid) is not None


def test_erasure_only_as_the_erasure_requests_own_action(ctx: ServiceContext) -> None:
    cid = add_contact(ctx, "Eli Erase", last_activity=TODAY, email="eli@example.com")
    add_request(ctx, "DSR-2026-0001", (cid,), rtype="erasure")
    access = add_request(ctx, "SAR-2026-0002", (cid,), rtype="access")
    erasure = ErasureService(ctx)
    # Not from the contact alone, and not while another open request covers the person.
    with pytest.raises(PurgeError, match="erase from that request"):
        erasure.erase([cid])
    with pytest.raises(PurgeError, match="held by open request SAR-2026-0002"):
        erasure.erase([cid], "DSR-2026-0001")
    assert "SAR-2026-0002" in (erasure.preview((), "DSR-2026-0001").blocked or "")
    with ctx.store.session() as s:
        assert s.get(Contact, cid) is not None
        s.query(RequestContact).filter_by(request_id=access).delete()  # access answered elsewhere
    assert erasure.preview((), "DSR-2026-0001").blocked is None
    assert erasure.erase([cid], "DSR-2026-0001").erased


def test_cli_purge_json_lists_who_was_held(ctx: ServiceContext,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    held = add_contact(ctx, "Hana Held", last_activity=OLD)
    add_contact(ctx, "Fred Free", last_activity=OLD)
    add_request(ctx, "SAR-2026-0042", (held,), rtype="access")
    code, out, _ = run(capsys, "retention", "purge", "--store", str(ctx.store.path), "--json")
    value = json.loads(out)
    assert code == 0 and value["deleted"] and value["contacts"] == 1
    assert value["held"] == [{"contact_id": held, "held_by": ["SAR-2026-0042"],
                              "reason": value["held"][0]["reason"]}]
    assert "Hana" not in out  # ids and references only in a scheduler's log
    code, out, _ = run(capsys, "retention", "purge", "--store", str(ctx.store.path))
    assert code == 0 and f"Kept contact {held}: held by open request SAR-2026-0042" in out
