"""The request workflow over a real encrypted store (TODAY = Tue 24 Nov 2026)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from privdesk.services.authz import PermissionDenied
from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.request_records import NewRequest, RequestError, RequestNotFound
from privdesk.store.models import AuditEvent, Contact, Request, RequestEvent
from tests.conftest import TODAY
from tests.store_kinds import store  # noqa: F401,E402  (both kinds of store)

D = date
NOV_2 = date(2026, 11, 2)


def add(services: Services, received: date = NOV_2, rtype: str = "access",
        **kw: object) -> str:
    return services.requests.create(
        NewRequest(type=rtype, received=received, requester_name="Ada Lovelace",
                   requester_email="ada@example.org", **kw)).reference  # type: ignore[arg-type]


def add_contact(ctx: ServiceContext, name: str, email: str) -> int:
    from privdesk.domain.identity import fold, search_text

    now = datetime(2026, 1, 1)
    with ctx.store.session() as s:
        c = Contact(name=name, email=email, status="enquirer", source="web_form",
                    norm_name=fold(name), search_text=search_text(name, email, None, None),
                    created_at=now, updated_at=now)
        s.add(c)
        s.flush()
        return c.id


def test_references_are_sequential_per_year_and_shared(services: Services) -> None:
    assert add(services) == "SAR-2026-0001"
    assert add(services, rtype="erasure") == "DSR-2026-0002"
    assert add(services, received=D(2025, 12, 30)) == "SAR-2025-0001"
    assert add(services) == "SAR-2026-0003"


def test_new_request_is_due_in_one_month_with_its_working(services: Services) -> None:
    ref = add(services, received=D(2026, 11, 2))
    detail = services.requests.get(ref)
    assert detail.row.status == "new" and detail.row.due == D(2026, 12, 2)
    assert detail.row.days_left == 8 and detail.row.working_days_left == 6
    assert detail.working[-1] == "Due Wed 2 Dec 2026."
    assert [e.kind for e in detail.events] == ["received"]


def test_id_requested_then_received_starts_the_clock(services: Services) -> None:
    ref = add(services, received=D(2026, 11, 2), id_requested=True)
    detail = services.requests.get(ref)
    assert detail.row.status == "awaiting_id" and detail.row.due is None
    assert detail.row.clock_state == "awaiting_id"
    detail = services.requests.id_received(ref, D(2026, 11, 6))
    assert detail.row.status == "in_progress" and detail.row.due == D(2026, 12, 7)  # Sun 6 -> Mon 7
    with pytest.raises(RequestError, match="already recorded"):
        services.requests.id_received(ref, D(2026, 11, 7))


def test_pause_and_resume_move_the_due_date(services: Services) -> None:
    ref = add(services, received=D(2026, 11, 2))
    paused = services.requests.pause(ref, D(2026, 11, 10), "Which accounts?")
    assert paused.row.status == "awaiting_clarification" and paused.row.due is None
    assert paused.stopped_since == D(2026, 11, 10) and paused.row.days_left is None
    with pytest.raises(RequestError, match="already waiting"):
        services.requests.pause(ref, D(2026, 11, 11))
    resumed = services.requests.resume(ref, D(2026, 11, 13))
    assert resumed.row.status == "in_progress" and resumed.row.due == D(2026, 12, 7)  # Sat 5 -> Mon 7
    assert any("+ 3 days paused" in line for line in resumed.working)
    with pytest.raises(RequestError, match="not waiting"):
        services.requests.resume(ref, D(2026, 11, 14))


def test_extend_in_time_and_refused_after_the_original_due_date(services: Services) -> None:
    ref = add(services, received=D(2026, 10, 2))  # due Mon 2 Nov 2026
    late_ref = add(services, received=D(2026, 10, 2))
    with pytest.raises(RequestError, match="Too late to extend.*Mon 2 Nov 2026"):
        services.requests.extend(late_ref, D(2026, 11, 3), "Complex")
    after = services.requests.get(late_ref)
    assert after.row.status == "new" and after.extended_on is None
    assert [e.kind for e in after.events] == ["received"]  # nothing written
    detail = services.requests.extend(ref, D(2026, 11, 2), "Several systems to search")
    assert detail.row.status == "extended" and detail.row.due == D(2027, 1, 4)  # Sat 2 Jan 2027
    with pytest.raises(RequestError, match="reason"):
        services.requests.extend(add(services, received=D(2026, 11, 20)), D(2026, 11, 21), "  ")


def test_respond_records_late_or_on_time(services: Services) -> None:
    on_time = add(services, received=D(2026, 9, 1))  # due Thu 1 Oct 2026
    late = add(services, received=D(2026, 9, 1))
    a = services.requests.respond(on_time, D(2026, 10, 1), "email")
    b = services.requests.respond(late, D(2026, 10, 5), "post", close=True)
    assert (a.row.status, a.row.late) == ("responded", False)
    assert (b.row.status, b.row.late) == ("closed", True)
    assert "4 days late" in b.events[-1].detail
    with pytest.raises(RequestError, match="responded: it cannot be answered"):
        services.requests.respond(on_time, D(2026, 10, 6), "email")
    assert services.requests.close(on_time, D(2026, 10, 6)).row.status == "closed"


def test_close_needs_a_method_when_not_yet_answered(services: Services) -> None:
    ref = add(services)
    with pytest.raises(RequestError, match="how the response was sent"):
        services.requests.close(ref, TODAY)
    detail = services.requests.close(ref, TODAY, "email")
    assert detail.row.status == "closed" and detail.row.late is False and detail.response_method == "email"


def test_refuse_needs_a_ground_and_reasons(services: Services) -> None:
    ref = add(services)
    with pytest.raises(RequestError, match="unfounded or manifestly excessive"):
        services.requests.refuse(ref, TODAY, "boring", "x")
    with pytest.raises(RequestError, match="reasons"):
        services.requests.refuse(ref, TODAY, "manifestly_excessive", "")
    detail = services.requests.refuse(ref, TODAY, "manifestly_excessive", "Fifth copy this month")
    assert detail.row.status == "refused" and detail.refusal_reason.startswith("Manifestly excessive: ")  # type: ignore[union-attr]
    assert "right to complain to the ICO" in detail.events[-1].detail


def test_assign_withdraw_and_dates_checked(services: Services) -> None:
    ref = add(services)
    assert services.requests.assign(ref, "Priya Shah").row.assignee == "Priya Shah"
    assert services.requests.get(ref).row.status == "in_progress"
    with pytest.raises(RequestError, match="in the future"):
        services.requests.pause(ref, D(2026, 11, 25))
    with pytest.raises(RequestError, match="before the request was received"):
        services.requests.pause(ref, D(2026, 11, 1))
    assert services.requests.withdraw(ref, TODAY, "No longer needed").row.status == "withdrawn"
    with pytest.raises(RequestError, match="withdrawn: it cannot be paused"):
        services.requests.pause(ref, TODAY)
    with pytest.raises(RequestNotFound):
        services.requests.get("SAR-2026-9999")


def test_bad_intake_is_refused_in_plain_words(services: Services) -> None:
    with pytest.raises(RequestError, match="Unknown request type"):
        add(services, rtype="gossip")
    with pytest.raises(RequestError, match="requester's name"):
        services.requests.create(NewRequest("access", TODAY, "   "))
    with pytest.raises(RequestError, match="too long"):
        services.requests.create(NewRequest("access", TODAY, "x" * 10_000))
    with pytest.raises(RequestError, match="in the future"):
        add(services, received=D(2026, 11, 25))
    with pytest.raises(RequestError, match="No contact with id 999"):
        add(services, contact_ids=(999,))
    hostile = "<b>Eve</b> \u202eevil\u202c " + "é" * 500
    ref = services.requests.create(NewRequest("access", TODAY, hostile)).reference
    assert services.requests.get(ref).row.requester_name == hostile
    with services.ctx.store.session() as s:
        assert s.scalar(select(Request).where(Request.reference == "SAR-2026-0002")) is None


def test_queue_sorted_by_due_with_stats(services: Services) -> None:
    overdue = add(services, received=D(2026, 10, 20))  # due Fri 20 Nov: overdue
    this_week = add(services, received=D(2026, 10, 27))  # due Fri 27 Nov
    later = add(services, received=D(2026, 11, 20))  # due Mon 21 Dec
    waiting = add(services, received=D(2026, 11, 20), id_requested=True)
    done = add(services, received=D(2026, 9, 1))
    services.requests.respond(done, D(2026, 9, 15), "email")  # 14 days
    gone = add(services, received=D(2026, 9, 1))
    services.requests.respond(gone, D(2026, 9, 21), "email")  # 20 days
    rows = services.requests.queue()
    assert [r.reference for r in rows] == [overdue, this_week, later, waiting]
    assert rows[0].days_left == -4 and rows[1].working_days_left == 3
    assert [r.urgency for r in rows] == ["overdue", "red", "green", None]
    assert [r.reference for r in services.requests.queue(overdue_only=True)] == [overdue]
    assert len(services.requests.queue(include_closed=True)) == 6
    stats = services.requests.stats()
    assert (stats.open, stats.due_this_week, stats.overdue) == (4, 1, 1)
    assert stats.median_days_to_respond == 17.0 and stats.responded_last_90_days == 2
    assert services.requests.stats(D(2027, 3, 1)).median_days_to_respond is None


def test_bank_holiday_nation_comes_from_the_settings(services: Services) -> None:
    ref = add(services, received=D(2026, 10, 30))  # Mon 30 Nov: St Andrew's Day in Scotland
    assert services.requests.get(ref).row.due == D(2026, 11, 30)
    services.settings.set("bank_holiday_nation", "SCT")
    detail = services.requests.get(ref)
    assert detail.row.due == D(2026, 12, 1)
    assert "Saint Andrew's Day" in "\n".join(detail.working)


def test_contact_search_and_links(services: Services, ctx: ServiceContext) -> None:
    ada = add_contact(ctx, "Ada Lovelace", "ada@example.org")
    add_contact(ctx, "Charles Babbage", "charles@example.org")
    hits = services.requests.search_contacts("lovel")
    assert [h.id for h in hits] == [ada]
    assert [h.name for h in services.requests.search_contacts("charles@ex")] == ["Charles Babbage"]
    assert services.requests.search_contacts('"; DROP TABLE contacts; --') == []
    assert [h.id for h in services.requests.search_contacts("Ad")] == [ada]
    ref = add(services, contact_ids=(ada,))
    detail = services.requests.get(ref)
    assert [c.id for c in detail.contacts] == [ada]
    with pytest.raises(RequestError, match="already linked"):
        services.requests.link_contact(ref, ada)


def test_request_log_csv_neutralises_formulas(services: Services, tmp_path: Path) -> None:
    ref = add(services, received=D(2026, 9, 1))
    services.requests.assign(ref, "=HYPERLINK(\"http://x\")")
    services.requests.respond(ref, D(2026, 10, 5), "email")
    add(services, received=D(2026, 10, 20))
    out = tmp_path / "log.csv"
    assert services.requests.export_log(out) == 2
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["reference", "received", "type", "status", "due", "responded", "on_time",
                       "officer"]
    assert rows[1] == ["SAR-2026-0001", "2026-09-01", "Access", "Responded", "2026-10-01",
                       "2026-10-05", "late", "'=HYPERLINK(\"http://x\")"]
    assert rows[2][6] == "overdue" and "Ada" not in out.read_text(encoding="utf-8-sig")


def test_viewer_cannot_change_and_the_denial_is_audited(services: Services, ctx: ServiceContext) -> None:
    ref = add(services)
    viewer = Services.build(ServiceContext(ctx.store, ctx.policy, Actor("Jo", "viewer"),
                                           today=ctx.today))
    with pytest.raises(PermissionDenied):
        viewer.requests.pause(ref, TODAY)
    with pytest.raises(PermissionDenied):
        viewer.requests.export_log(Path("/nonexistent/x.csv"))
    assert viewer.requests.get(ref).row.status == "new"
    with ctx.store.session() as s:
        audit = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        events = s.scalars(select(RequestEvent)).all()
    assert [(a.action, a.outcome) for a in audit] == [
        ("request.create", "ok"), ("request.pause", "denied"), ("request.export_log", "denied")]
    assert all("Ada" not in a.detail and "ada@" not in a.detail for a in audit)
    assert len(events) == 1


def test_due_this_week_on_a_sunday_counts_monday(services: Services) -> None:
    """Seen: "0 due this week" on Sunday 29 Nov with one request due Monday 30 Nov."""
    add(services, received=D(2026, 10, 30))  # due Mon 30 Nov 2026
    assert services.requests.stats(D(2026, 11, 29)).due_this_week == 1  # a Sunday
    assert services.requests.stats(D(2026, 11, 23)).due_this_week == 0  # 8 days before
    assert services.requests.stats(D(2026, 11, 24)).due_this_week == 1  # 7 days, today in
