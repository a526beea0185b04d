"""The retention calendar service over a real encrypted store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from privdesk.services.authz import PermissionDenied
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.retention import RetentionError, RetentionService
from privdesk.store.models import AuditEvent, Contact
from tests.conftest import TODAY
from tests.retention_helpers import add_contact
from tests.store_kinds import store  # noqa: F401,E402  (both kinds of store)


@pytest.fixture
def svc(ctx: ServiceContext) -> RetentionService:
    return RetentionService(ctx)


def test_due_within_includes_overdue_and_orders_soonest_first(ctx: ServiceContext,
                                                              svc: RetentionService) -> None:
    overdue = add_contact(ctx, "Overdue Person", last_activity=TODAY - timedelta(days=400))
    soon = add_contact(ctx, "Soon Person", last_activity=date(2025, 12, 10))  # due 2026-12-10
    later = add_contact(ctx, "Later Person", last_activity=date(2026, 3, 1))  # due 2027-03-01
    add_contact(ctx, "Customer", status="customer")
    add_contact(ctx, "Held", last_activity=TODAY - timedelta(days=500), hold=("Litigation", None))
    rows = svc.due_within(30)
    assert [r.contact_id for r in rows] == [overdue, soon]
    assert rows[0].overdue and rows[0].days_left == -35
    assert rows[1].due == date(2026, 12, 10) and rows[1].days_left == 16
    assert rows[1].rule_name == "Enquiry, no contract (12 months)"
    assert rows[1].as_json() == {"contact_id": soon, "name": "Soon Person",
                                 "rule": "Enquiry, no contract (12 months)", "rule_key": "enquiry",
                                 "due": "2026-12-10", "overdue": False, "days_left": 16}
    assert [r.contact_id for r in svc.due_within(120)] == [overdue, soon, later]
    assert [r.contact_id for r in svc.overdue()] == [overdue]
    assert len(svc.due_within(120, limit=1)) == 1
    with pytest.raises(RetentionError, match="must not be negative"):
        svc.due_within(-1)


def test_month_counts_and_between(ctx: ServiceContext, svc: RetentionService) -> None:
    for _ in range(3):
        add_contact(ctx, last_activity=date(2025, 12, 1))
    add_contact(ctx, last_activity=date(2025, 12, 31))
    add_contact(ctx, status="former_customer", last_activity=None, ceased=date(2019, 12, 31))
    add_contact(ctx, last_activity=date(2026, 1, 1))
    counts = svc.month_counts(2026, 12)
    assert counts == {date(2026, 12, 1): 3, date(2026, 12, 31): 2}
    day = svc.between(date(2026, 12, 31), date(2026, 12, 31))
    assert {r.rule_name for r in day} == {"Enquiry, no contract (12 months)",
                                          "Former customer (7 years)"}
    assert len(svc.between(date(2027, 1, 1), date(2026, 12, 1))) == 6  # reversed range
    assert svc.month_counts(2026, 2) == {}
    with pytest.raises(RetentionError):
        svc.month_counts(2026, 13)


def test_summary_counts(ctx: ServiceContext, svc: RetentionService) -> None:
    add_contact(ctx, last_activity=TODAY - timedelta(days=366))  # overdue
    add_contact(ctx, last_activity=date(2025, 11, 24))  # due today
    add_contact(ctx, last_activity=date(2025, 12, 20))  # 26 days
    add_contact(ctx, last_activity=date(2026, 2, 1))  # ~69 days
    summary = svc.summary()
    assert (summary.overdue, summary.due_today, summary.next_30, summary.next_90) == (1, 1, 2, 3)


def test_legal_hold_set_defer_and_lift_with_audit(ctx: ServiceContext, svc: RetentionService) -> None:
    cid = add_contact(ctx, "Held Person", last_activity=date(2025, 11, 30))
    assert [r.contact_id for r in svc.due_within(30)] == [cid]
    info = svc.set_hold(cid, "  Pending tribunal claim  ", date(2027, 5, 1))
    assert info.active and info.reason == "Pending tribunal claim"
    assert info.due == date(2027, 5, 1) and info.rule_name == "Legal hold"
    assert svc.due_within(30) == []
    assert svc.between(date(2027, 5, 1), date(2027, 5, 1))[0].rule_name == "Legal hold"
    open_ended = svc.set_hold(cid, "Police inquiry")
    assert open_ended.due is None and "no end date" in open_ended.working
    lifted = svc.lift_hold(cid)
    assert not lifted.active and lifted.due == date(2026, 11, 30)
    assert [r.contact_id for r in svc.due_within(30)] == [cid]
    with ctx.store.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.target_id == str(cid))).all()
        assert [e.action for e in events] == ["retention.hold_set", "retention.hold_set",
                                              "retention.hold_lift"]
        assert all("tribunal" not in e.detail and "Police" not in e.detail for e in events)


def test_hold_input_errors_change_nothing(ctx: ServiceContext, svc: RetentionService) -> None:
    cid = add_contact(ctx)
    with pytest.raises(RetentionError, match="reason"):
        svc.set_hold(cid, "   ")
    with pytest.raises(RetentionError, match="too long"):
        svc.set_hold(cid, "x" * 10_000)
    with pytest.raises(RetentionError, match="in the past"):
        svc.set_hold(cid, "Claim", TODAY - timedelta(days=1))
    with pytest.raises(RetentionError, match="no contact with id 999"):
        svc.set_hold(999, "Claim")
    with pytest.raises(RetentionError, match="not under a legal hold"):
        svc.lift_hold(cid)
    assert not svc.hold(cid).active
    hostile = "<b>\u202eevil</b>" * 100
    assert svc.set_hold(cid, hostile).reason == hostile


def test_viewer_cannot_set_holds(ctx: ServiceContext) -> None:
    cid = add_contact(ctx)
    viewer = RetentionService(replace(ctx, actor=Actor("Jo Lewis", "viewer")))
    with pytest.raises(PermissionDenied):
        viewer.set_hold(cid, "Claim")
    assert viewer.due_within(400)  # reading is allowed


def test_recompute_all_follows_a_policy_change(ctx: ServiceContext, policy: object) -> None:
    from importlib import resources

    from privdesk.policy import parse_policy

    ids = [add_contact(ctx, last_activity=date(2025, 8, 31)) for _ in range(3)]
    add_contact(ctx, status="customer")
    text = resources.files("privdesk.resources").joinpath("policy/default.toml").read_text("utf-8")
    six = parse_policy(text.replace("months = 12\n", "months = 6\n", 1))
    svc = RetentionService(replace(ctx, policy=six))
    assert svc.recompute_all() == 3
    with ctx.store.session() as s:
        dues = {c.id: c.retention_due for c in s.scalars(select(Contact))}
    assert all(dues[i] == date(2026, 2, 28) for i in ids)
    assert svc.recompute_all() == 0  # nothing moved the second time
    assert svc.recompute(ids[0]).due == date(2026, 2, 28)
