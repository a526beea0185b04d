"""Erasure requests and the suppression list over a real encrypted store."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from privdesk.services.context import ServiceContext
from privdesk.services.erasure import ErasureService, Exemption
from privdesk.services.purge import PurgeError
from privdesk.services.suppression import MarketingSuppressed, SuppressionList
from privdesk.store.models import Contact, Request, RequestEvent, Secret, Suppression, Tombstone
from tests.conftest import TODAY
from tests.retention_helpers import add_contact, add_request
from tests.store_kinds import store  # noqa: F401,E402  (both kinds of store)

RECENT = TODAY - timedelta(days=30)


def test_erasure_deletes_suppresses_and_names_recipients(ctx: ServiceContext) -> None:
    cid = add_contact(ctx, "Erin Erase", last_activity=RECENT, email="Erin.Erase@Example.COM",
                      phone="+44 7700 900123", disclosures=("optex_japan", "hosting", "hosting"))
    other = add_contact(ctx, "Erin's Colleague", last_activity=RECENT, disclosures=("analytics",))
    add_request(ctx, "DSR-2026-0042", (cid,))
    result = ErasureService(ctx).erase([cid], "DSR-2026-0042")
    assert result.erased and result.contact_count == 1 and result.reference == "DSR-2026-0042"
    assert result.recipients_told == ("Optex Japan", "Website hosting providers")
    assert result.erased_on == TODAY and result.exemptions == () and result.wal_truncated
    assert result.counts.disclosures == 3
    with ctx.store.session() as s:
        assert s.get(Contact, cid) is None and s.get(Contact, other) is not None
        tomb = s.scalars(select(Tombstone)).one()
        assert (tomb.rule, tomb.request_reference) == ("erasure_request", "DSR-2026-0042")
        request = s.scalars(select(Request)).one()
        assert json.loads(request.exemptions or "null") == []
        event = s.scalars(select(RequestEvent)).one()
        assert event.kind == "erasure_done" and "Erin" not in event.detail
        digests = s.scalars(select(Suppression)).all()
        assert {(d.kind, d.reason) for d in digests} == {("email", "erasure"), ("phone", "erasure")}
        assert all("erin" not in d.digest and len(d.digest) == 64 for d in digests)
        assert len(s.get(Secret, "suppression_hmac").value) == 32  # type: ignore[union-attr]
    # Re-entering the person, however they type it, is flagged.
    sup = SuppressionList(ctx)
    assert sup.is_suppressed(" erin.erase@example.com ", None)
    assert sup.is_suppressed(None, "07700 900123")
    assert sup.matched_kinds("erin.erase@example.com", "+447700900123") == ("email", "phone")
    assert not sup.is_suppressed("someone.else@example.com", "+44 7700 900999")
    assert result.as_json()["recipients_told"] == ["Optex Japan", "Website hosting providers"]


def test_exemption_keeps_data_and_is_recorded_on_the_request(ctx: ServiceContext) -> None:
    cid = add_contact(ctx, "Kept Person", last_activity=RECENT, email="kept@example.com")
    add_request(ctx, "DSR-2026-0050", (cid,))
    result = ErasureService(ctx).erase(
        (), "DSR-2026-0050", ["legal_claims:County court claim KB-1", "legal_obligation"])
    assert not result.erased and result.contact_count == 0 and result.recipients_told == ()
    assert [e.key for e in result.exemptions] == ["legal_claims", "legal_obligation"]
    assert result.exemptions[0].note == "County court claim KB-1"
    with ctx.store.session() as s:
        assert s.get(Contact, cid) is not None
        stored = json.loads(s.scalars(select(Request)).one().exemptions or "[]")
        assert [e["key"] for e in stored] == ["legal_claims", "legal_obligation"]
        assert s.scalars(select(RequestEvent)).one().kind == "erasure_exempt"
    assert not SuppressionList(ctx).is_suppressed("kept@example.com", None)


def test_erasure_errors_are_plain_and_change_nothing(ctx: ServiceContext) -> None:
    held = add_contact(ctx, "Held", last_activity=RECENT, hold=("Litigation", None))
    add_request(ctx, "SAR-2026-0001", (held,), rtype="access")
    svc = ErasureService(ctx)
    with pytest.raises(PurgeError, match="under a legal hold"):
        svc.erase([held])
    with pytest.raises(PurgeError, match="no contact with id 999"):
        svc.erase([999])
    with pytest.raises(PurgeError, match="no request with reference 'NOPE'"):
        svc.erase([held], "NOPE")
    with pytest.raises(PurgeError, match="access request, not an erasure request"):
        svc.erase([held], "SAR-2026-0001")
    with pytest.raises(PurgeError, match="Unknown exemption 'because'"):
        svc.erase([held], exemptions=["because"])
    with pytest.raises(PurgeError, match="No contact to erase"):
        svc.erase([])
    assert ctx.store.table_counts(["contacts", "tombstones", "suppression"]) == {
        "contacts": 1, "tombstones": 0, "suppression": 0}
    kept = svc.erase([held], exemptions=[Exemption.parse("legal-hold")])
    assert not kept.erased and kept.exemptions[0].label == "A legal hold on the data"


def test_objection_to_marketing_blocks_opening_marketing(ctx: ServiceContext) -> None:
    sup = SuppressionList(ctx)
    sup.check_marketing_allowed("obj@example.com", None)  # not on the list yet: fine
    assert sup.add("Obj@Example.com", None, "objection") == 1
    assert sup.add("obj@example.com ", None, "objection") == 0  # already there
    with pytest.raises(MarketingSuppressed, match="email address is on the suppression list"):
        sup.check_marketing_allowed("OBJ@example.com", "+44 20 7946 0000")
    assert sup.count() == 1
    with pytest.raises(ValueError, match="Unknown suppression reason"):
        sup.add("a@example.com", None, "because")
    with pytest.raises(ValueError, match="Give an email address or a phone number"):
        sup.add(None, "  ", "objection")


def test_digests_are_keyed_per_store(ctx: ServiceContext, tmp_path: object) -> None:
    """The same address hashes differently in another store: an unkeyed hash would let
    anyone check a guessed address against the list."""
    from pathlib import Path

    from privdesk.services.context import ServiceContext as Ctx
    from privdesk.store.engine import Store, StoreKey

    mine = SuppressionList(ctx).digests("a@example.com", "+44 7700 900123")
    with Store.create(Path(str(tmp_path)) / "other.privdesk", StoreKey.passphrase("x y z w")) as other:
        theirs = SuppressionList(Ctx(other, ctx.policy, ctx.actor)).digests("a@example.com", None)
    assert mine.email != theirs.email and theirs.phone is None
    assert SuppressionList(ctx).digests("A@EXAMPLE.COM", "07700900123") == mine


def test_erasure_preview_counts_recipients_and_holds(ctx: ServiceContext) -> None:
    a = add_contact(ctx, "Pia Preview", last_activity=RECENT, interactions=2,
                    disclosures=("optex_poland",))
    b = add_contact(ctx, "Pia Preview (old record)", last_activity=RECENT, hold=("Claim", None))
    add_request(ctx, "DSR-2026-0060", (a, b))
    preview = ErasureService(ctx).preview((), "DSR-2026-0060")
    assert preview.contact_ids == (a, b) and preview.held == (b,)
    assert preview.counts.contacts == 2 and preview.counts.interactions == 3
    assert preview.recipients == ("Optex Poland",)
    assert ctx.store.table_counts(["contacts"])["contacts"] == 2  # nothing changed


def test_check_many_for_imports(ctx: ServiceContext) -> None:
    sup = SuppressionList(ctx)
    assert sup.check_many([("a@example.com", None)]) == [False]  # empty list: no work
    sup.add("gone@example.com", "+44 7700 900111", "erasure")
    rows = [("GONE@example.com", None), (None, "07700 900111"), ("new@example.com", "07700 900222"),
            (None, None), ("<script>\u202e", "x" * 10_000)]
    assert sup.check_many(rows) == [True, True, False, False, False]
    assert [sup.is_suppressed(e, p) for e, p in rows] == sup.check_many(rows)
