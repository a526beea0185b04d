"""One rule for "may this action happen now?": the domain rule, the service that applies
it (refusing, changing nothing) and the CLI that reports it, for the clock's hard cases:
a pause after the due date, an extension decided or told too late, ID asked after intake."""

from __future__ import annotations

from datetime import date

import pytest

from privdesk.domain.request_rules import RequestState, deletion_hold, why_not, why_not_now
from privdesk.services.container import Services
from privdesk.services.request_records import RequestError
from tests.unit.test_requests_service import add

OCT_1 = date(2026, 10, 1)  # due Mon 2 Nov 2026; TODAY is Tue 24 Nov 2026


def _state(**kw: object) -> RequestState:
    base: dict[str, object] = {"reference": "SAR-2026-0001", "type": "access",
                               "status": "in_progress", "received": OCT_1,
                               "due": date(2026, 11, 2), "original_due": date(2026, 11, 2)}
    return RequestState(**{**base, **kw})  # type: ignore[arg-type]


def test_pause_refused_on_and_after_the_due_date() -> None:
    r = _state()
    assert why_not("pause", r, date(2026, 11, 1)) is None
    for on in (date(2026, 11, 2), date(2026, 11, 24)):
        reason = why_not("pause", r, on)
        assert reason and "ran out on Mon 2 Nov 2026" in reason and "cannot be stopped" in reason
    # A pause asked in time and recorded late is allowed: the button stays usable.
    assert why_not_now("pause", r, date(2026, 11, 24)) is None
    assert why_not_now("pause", _state(status="closed"), date(2026, 11, 24))


def test_every_action_has_a_plain_reason_when_closed() -> None:
    r = _state(status="refused")
    for action in ("pause", "resume", "extend", "respond", "refuse", "ask_id", "verify_id"):
        reason = why_not(action, r, date(2026, 11, 1))
        assert reason is not None and reason.startswith("SAR-2026-0001 is refused: it cannot be")
    with pytest.raises(KeyError):
        why_not("launch", r, date(2026, 11, 1))
    assert deletion_hold(["SAR-2026-0002", "DSR-2026-0001"], own="DSR-2026-0001") == (
        "held by open request SAR-2026-0002: data a request covers must be kept until the "
        "request is answered (DPA 2018 s.173)")
    assert deletion_hold(["DSR-2026-0001"], own="DSR-2026-0001") is None


def test_service_refuses_a_late_pause_and_changes_nothing(services: Services) -> None:
    ref = add(services, received=OCT_1)
    before = services.requests.get(ref)
    with pytest.raises(RequestError, match="cannot be stopped"):
        services.requests.pause(ref, date(2026, 11, 3), "Which account?")
    after = services.requests.get(ref)
    assert after.row.due == before.row.due == date(2026, 11, 2) and not after.pauses
    assert len(after.events) == len(before.events)
    assert after.row.days_left is not None and after.row.days_left < 0  # still overdue
    assert services.requests.queue(overdue_only=True)[0].reference == ref


def test_extension_records_decided_and_told_days(services: Services) -> None:
    ref = add(services, received=OCT_1)
    with pytest.raises(RequestError, match="told on Tue 3 Nov 2026, after the original due"):
        services.requests.extend(ref, date(2026, 10, 30), "Complex", told_on=date(2026, 11, 3))
    with pytest.raises(RequestError, match="cannot have been told"):
        services.requests.extend(ref, date(2026, 10, 30), "Complex", told_on=date(2026, 10, 29))
    with pytest.raises(RequestError, match="Too late to extend"):
        services.requests.extend(ref, date(2026, 11, 3), "Complex")
    assert services.requests.get(ref).extended_on is None
    d = services.requests.extend(ref, date(2026, 10, 30), "Complex", told_on=date(2026, 11, 2))
    assert (d.extended_on, d.extension_told_on) == (date(2026, 10, 30), date(2026, 11, 2))
    assert "told, with the reasons, Mon 2 Nov 2026" in d.events[-1].detail


def test_ask_for_id_after_intake_restarts_the_clock(services: Services) -> None:
    ref = add(services, received=date(2026, 11, 2))
    d = services.requests.get(ref)
    assert d.state is not None and why_not("verify_id", d.state, date(2026, 11, 3))
    d = services.requests.ask_id(ref, date(2026, 11, 3), "Copy of a utility bill")
    assert d.row.status == "awaiting_id" and d.row.due is None
    assert "asked for on Tue 3 Nov 2026" in " ".join(d.working)
    with pytest.raises(RequestError, match="before it was asked for"):
        services.requests.id_received(ref, date(2026, 11, 2))
    with pytest.raises(RequestError, match="already asked for"):
        services.requests.ask_id(ref, date(2026, 11, 4))
    d = services.requests.id_received(ref, date(2026, 11, 9))
    assert d.row.due == date(2026, 12, 9)


def test_ask_for_id_is_refused_after_the_due_date(services: Services) -> None:
    ref = add(services, received=OCT_1)
    with pytest.raises(RequestError, match="promptly, not after the due date"):
        services.requests.ask_id(ref, date(2026, 11, 20))


def test_intake_keeps_address_and_notes_and_refuses_overlong_ones(services: Services) -> None:
    from privdesk.services.request_records import NewRequest

    d = services.requests.create(NewRequest(
        "access", date(2026, 11, 2), "Ada Lovelace", requester_address=" 1 High St\nSL6 1AA ",
        notes="Rang first"))
    assert (d.requester_address, d.notes) == ("1 High St\nSL6 1AA", "Rang first")
    before = len(services.requests.queue())
    with pytest.raises(RequestError, match="postal address is too long"):
        services.requests.create(NewRequest("access", date(2026, 11, 2), "B",
                                            requester_address="x" * 2001))
    with pytest.raises(RequestError, match="notes are too long"):
        services.requests.create(NewRequest("access", date(2026, 11, 2), "B", notes="y" * 20001))
    assert len(services.requests.queue()) == before
