"""An open request holds deletion (DPA 2018 s.173): a retention purge skips anyone linked
to an open request and names it (service, CLI text and JSON); an erasure of such a person
is refused except as the erasure request's own action; both are checked again inside the
deleting transaction, so a request that arrives after the review still wins. An open
personal-data breach holds the people it concerns from a retention purge the same way
(Art. 33(5), 34) until the breach is closed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from privdesk.domain.request_rules import deletion_hold
from privdesk.services.breach_records import NewBreach
from privdesk.services.container import Services
from privdesk.services.context import ServiceContext
from privdesk.services.erasure import ErasureService
from privdesk.services.purge import PurgeError, PurgeService
from privdesk.store.models import Contact, RequestContact
from privdesk.ui.retention.purge_dialog import PurgeReviewDialog
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


def _breach(services: Services, *contact_ids: int) -> str:
    return services.breaches.add(NewBreach(
        aware_at=datetime(2026, 10, 23, 9, 0), summary="A laptop with the CRM export was "
        "stolen from a car.", contact_ids=contact_ids)).reference


def test_purge_keeps_people_an_open_breach_concerns_until_it_is_closed(
        services: Services) -> None:
    ctx = services.ctx
    hit = add_contact(ctx, "Bea Breached", last_activity=OLD)
    free = add_contact(ctx, "Fred Free", last_activity=OLD)
    ref = _breach(services, hit)
    preview = services.purge.preview_due()
    assert preview.contact_ids == (free,)
    assert [(h.contact_id, h.references) for h in preview.held] == [(hit, (ref,))]
    assert f"held by open breach {ref}" in preview.held[0].reason
    assert "Art. 33(5)" in preview.held[0].reason and "s.173" not in preview.held[0].reason
    assert services.purge.preview([hit, free]).contact_ids == (free,)  # chosen by hand too
    # The review dialog's heading names the breach as the reason, not a request.
    heading = PurgeReviewDialog._held_text(preview)
    assert "linked to an open breach." in heading and "Art. 33(5)" in heading
    assert "request" not in heading.split("\n")[0]
    services.purge.purge(preview.contact_ids, confirmed_count=1)
    # Closed (both decisions taken), the breach no longer holds anyone.
    services.breaches.decide_ico(ref, False, "Encrypted disk; the key was not with it.")
    services.breaches.decide_people(ref, False, "No risk to them: the data was unreadable.")
    services.breaches.close(ref, "Disk encryption confirmed on every laptop.")
    assert services.purge.preview_due().contact_ids == (hit,)
    assert services.purge.preview_due().held == ()


def test_a_breach_recorded_after_the_review_still_holds_the_purge(services: Services) -> None:
    ctx = services.ctx
    cid = add_contact(ctx, "Late Breach", last_activity=OLD)
    preview = services.purge.preview_due()
    assert preview.contact_ids == (cid,)
    ref = _breach(services, cid)
    with pytest.raises(PurgeError, match=f"Nothing was deleted: contact {cid} is held by "
                                         f"open breach {ref}"):
        services.purge.purge(preview.contact_ids, confirmed_count=1)
    with ctx.store.session() as s:
        assert s.get(Contact, cid) is not None


def test_a_person_under_a_request_and_a_breach_is_told_both() -> None:
    reason = deletion_hold(["SAR-2026-0042"], breaches=["BR-2026-0002", "BR-2026-0001"])
    assert reason == ("held by open request SAR-2026-0042: data a request covers must be kept "
                      "until the request is answered (DPA 2018 s.173); and held by open "
                      "breaches BR-2026-0001 and BR-2026-0002: the people a breach concerns "
                      "are kept until it is closed (UK GDPR Art. 33(5) and 34)")
    assert deletion_hold([], breaches=[]) is None
